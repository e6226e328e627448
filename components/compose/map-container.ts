import type { HealthCheckInput, NetworkAttachmentInput, ServiceInput, SpecField } from "../spec/types";
import { architectureAliases, architectures } from "../spec/platform";
import { closestName } from "../spec/suggest";
import { type Dict, isDict } from "./dict";
import { isTrue, type MapContext, refuseUnknown } from "./map-context";
import { berthExtensionKeys } from "./service-keys";
import type { ComposeService } from "./types";

/** What `x-berth` says about a service. */
export interface BerthExtension {
  autoscale?: ServiceInput["autoscale"];
  /** Where the service exposes Prometheus metrics (the spec's `metrics`). */
  metrics?: ServiceInput["metrics"];
  /**
   * true: every port in `ports` is public; false: none is.
   * @default the ports with `published`
   */
  public?: boolean;
  ignoreUnsupported?: SpecField[];
  secretEnv: string[];
  /**
   * The only client blocks of every public port (the spec's `ports[].sourceRanges`).
   * @default any
   */
  sourceRanges?: string[];
  /** How long the service may take to converge, in whole seconds. Default: the stack's. */
  timeoutSeconds?: number;
}

export function mapBerthExtension(s: ComposeService, ctx: MapContext): BerthExtension {
  const x = s["x-berth"] as unknown;
  if (x === undefined || x === null) return { secretEnv: [] };
  if (!isDict(x)) {
    ctx.refuse("x-berth", "must be a mapping");
    return { secretEnv: [] };
  }
  const out: BerthExtension = { secretEnv: [] };
  for (const [key, value] of Object.entries(x)) {
    const at = `x-berth.${key}`;
    if (key === "public") {
      if (typeof value === "boolean") out.public = value;
      else ctx.refuse(at, "must be true or false");
    } else if (key === "sourceRanges") {
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) out.sourceRanges = value;
      else ctx.refuse(at, "must be a list of CIDR blocks");
    } else if (key === "secretEnv") {
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) out.secretEnv = value;
      else ctx.refuse(at, "must be a list of environment variable names");
    } else if (key === "autoscale") {
      out.autoscale = value as ServiceInput["autoscale"];
      ctx.from("autoscale", at);
    } else if (key === "metrics") {
      out.metrics = value as ServiceInput["metrics"];
      ctx.from("metrics", at);
    } else if (key === "timeoutSeconds") {
      if (typeof value === "number" && Number.isInteger(value) && value >= 1) out.timeoutSeconds = value;
      else ctx.refuse(at, `must be a whole number of seconds, at least 1, not ${JSON.stringify(value)}`);
    } else if (key === "ignoreUnsupported") {
      out.ignoreUnsupported = value as SpecField[];
      ctx.from("ignoreUnsupported", at);
    } else {
      const hint = closestName(key, berthExtensionKeys);
      ctx.refuse(
        at,
        `is not an x-berth key${hint ? `; did you mean "${hint}"?` : ""} (known: ${berthExtensionKeys.join(", ")})`,
      );
    }
  }
  return out;
}

/** `environment`, with the names `x-berth.secretEnv` lists moved to `secretEnv`. */
export function mapEnvironment(
  s: ComposeService,
  secretNames: string[],
  ctx: MapContext,
): Pick<ServiceInput, "env" | "secretEnv"> {
  const env: Record<string, string> = {};
  const secretEnv: Record<string, string> = {};
  const environment = s.environment ?? {};
  for (const [name, value] of Object.entries(environment)) {
    if (value === null) {
      if (!secretNames.includes(name)) {
        ctx.ignore(
          `environment.${name}`,
          `${name} has no value: it was not set in the environment the project was loaded with`,
        );
      }
    } else if (secretNames.includes(name)) secretEnv[name] = value;
    else env[name] = value;
  }
  secretNames.forEach((name, i) => {
    if (!(name in environment)) ctx.refuse(`x-berth.secretEnv[${i}]`, `"${name}" is not in environment`);
    else if (environment[name] === null) {
      ctx.refuse(
        `environment.${name}`,
        "is a secret (x-berth.secretEnv) without a value: set it in the environment the project is loaded with",
      );
    }
  });
  ctx.from("env", "environment");
  ctx.from("secretEnv", "environment");
  return {
    ...(Object.keys(env).length > 0 && { env }),
    ...(Object.keys(secretEnv).length > 0 && { secretEnv }),
  };
}

/**
 * Networks, with their aliases; other attachment options are refused, except those that only order
 * attachments.
 */
export function mapNetworks(s: ComposeService, ctx: MapContext): (string | NetworkAttachmentInput)[] {
  const orderOnly = ["priority", "gw_priority"];
  const addresses = ["ipv4_address", "ipv6_address", "link_local_ips", "mac_address"];
  return Object.entries(s.networks ?? {}).map(([name, options], i) => {
    const at = `networks.${name}`;
    ctx.from(`networks[${i}]`, at);
    let aliases: string[] = [];
    for (const [key, value] of Object.entries(options ?? {})) {
      if (key.startsWith("x-") || (key === "aliases" && Array.isArray(value) && value.length === 0)) continue;
      if (orderOnly.includes(key)) {
        ctx.ignore(`${at}.${key}`, "a task joins all its networks when it starts");
      } else if (addresses.includes(key)) {
        ctx.refuse(`${at}.${key}`, `"${key}" cannot be deployed to a cluster: the cluster assigns addresses`);
      } else if (key === "aliases") {
        aliases = Array.isArray(value) ? value.map(String) : [];
        ctx.from(`networks[${i}].aliases`, `${at}.aliases`);
      } else ctx.refuse(`${at}.${key}`, `"${key}" is not supported by Berth yet`);
    }
    return aliases.length > 0 ? { name, aliases } : name;
  });
}

/**
 * The health check. Docker's 30s interval and timeout apply where Compose leaves them out, as they
 * would under `docker stack deploy`; Berth's own defaults are shorter.
 */
export function mapHealthcheck(s: ComposeService, ctx: MapContext): HealthCheckInput | undefined {
  const h = s.healthcheck;
  if (h === undefined) return undefined;
  const known = ["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"];
  refuseUnknown(h as unknown as Dict, known, "healthcheck", ctx);
  ctx.from("healthCheck", "healthcheck");
  const test = h.test ?? [];
  if (isTrue(h.disable)) {
    if (test.length > 0 && test[0] !== "NONE")
      ctx.refuse("healthcheck.disable", "cannot be combined with a test; remove one of them");
    return { command: ["NONE"] };
  }
  if (test.length === 0) {
    const timing = ["interval", "timeout", "retries", "start_period", "start_interval"];
    if (!timing.some((key) => h[key as keyof typeof h] !== undefined)) return undefined;
    ctx.refuse(
      "healthcheck.test",
      "is required: Berth cannot change only the timing of the image's own health check; give the test too",
    );
    return undefined;
  }
  if (test[0] === "NONE") return { command: ["NONE"] };
  ctx.from("healthCheck.command", "healthcheck.test");
  ctx.from("healthCheck.startPeriod", "healthcheck.start_period");
  ctx.from("healthCheck.startInterval", "healthcheck.start_interval");
  const retries = Number(h.retries ?? 0);
  return {
    command: test,
    interval: h.interval ?? "30s",
    timeout: h.timeout ?? "30s",
    // 0 means Docker's default (3), which is also Berth's.
    ...(retries !== 0 && { retries }),
    ...(h.start_period !== undefined && { startPeriod: h.start_period }),
    ...(h.start_interval !== undefined && { startInterval: h.start_interval }),
  };
}

export function mapLogging(s: ComposeService, ctx: MapContext): ServiceInput["logging"] {
  const logging = s.logging;
  if (logging === undefined) return undefined;
  refuseUnknown(logging as Dict, ["driver", "options"], "logging", ctx);
  const options = Object.fromEntries(
    Object.entries(logging.options ?? {})
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  if (logging.driver === undefined) {
    if (Object.keys(options).length > 0)
      ctx.refuse("logging.driver", "is required by Berth when options are given: name the engine's driver");
    return undefined;
  }
  ctx.from("logging", "logging");
  return { driver: logging.driver, ...(Object.keys(options).length > 0 && { options }) };
}

/**
 * `platform` -> `platform`, in Docker's spellings: `linux/arm64/v8`, `linux/aarch64` and `linux/x86_64`
 * name the same platforms as `linux/arm64` and `linux/amd64`. Anything else is passed on as written for
 * the spec to refuse, with the platforms it knows.
 */
export function mapPlatform(s: ComposeService, ctx: MapContext): Pick<ServiceInput, "platform"> {
  if (s.platform === undefined || s.platform === null) return {};
  ctx.from("platform", "platform");
  const written = String(s.platform);
  const [os, ...rest] = written.toLowerCase().split("/");
  const arch = rest.join("/");
  const known = architectures.find(
    (a) => architectureAliases[a].includes(arch) || (a === "arm64" && arch === "aarch64/v8"),
  );
  if (os === "linux" && known !== undefined) return { platform: `linux/${known}` };
  return { platform: written as ServiceInput["platform"] };
}
