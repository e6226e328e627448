import { SpecError } from "../spec/errors";
import { normalizeService } from "../spec/normalize";
import type { ServiceInput } from "../spec/types";
import { closestName } from "../spec/suggest";
import {
  type BerthExtension,
  mapBerthExtension,
  mapEnvironment,
  mapHealthcheck,
  mapLogging,
  mapNetworks,
  mapPlatform,
} from "./map-container";
import { isEmpty, isTrue, type MapContext, stringMap } from "./map-context";
import { mapDeploy } from "./map-deploy";
import { mapFileMounts, mapVolumes } from "./map-mounts";
import { mapPorts } from "./map-ports";
import { mapRuntime } from "./map-runtime";
import { ignoredKeys, mappedKeys, refusedKeys } from "./service-keys";
import {
  ComposeError,
  type ComposeDependency,
  type ComposeIssue,
  type ComposeProject,
  type ComposeService,
} from "./types";

/** A Compose key left out of the deployment, and why. */
export interface IgnoredComposeKey {
  /** The Compose service name; absent for a top-level key of the file (`models`). */
  service?: string;
  /** The key, relative to the service (`container_name`, `environment.TOKEN`, `ports[1]`), else to the file. */
  key: string;
  /** Why it was left out, as the notice says. */
  reason: string;
}

/** A Compose project's services as Berth service descriptions. */
export interface ComposeMapping {
  /** Berth service inputs keyed by compose service name; networks, secrets and configs still refer to compose-level (unprefixed) names. */
  services: Record<string, ServiceInput>;
  /**
   * Each service's `labels`, by service name. They label containers, as `docker stack deploy` does;
   * Berth's `labels` (from `deploy.labels`) label the service.
   */
  containerLabels: Record<string, Record<string, string>>;
  /** `x-berth.timeoutSeconds` by service name, where set: how long the service may take to converge. */
  timeoutSeconds: Record<string, number>;
  /** Each service's `depends_on`, by service name: the order a stack creates services in. */
  dependsOn: Record<string, Record<string, ComposeDependency>>;
  /** Keys dropped because they mean nothing on a cluster, e.g. { service: "web", key: "container_name", reason: "..." }. */
  ignored: IgnoredComposeKey[];
  /**
   * Where each service's Berth fields were read from, by service name: a Berth path (or its prefix) ->
   * the Compose key relative to the service (`resources.memory` -> `deploy.resources.limits.memory`).
   * `composeOrigin` turns a Berth path from a renderer's refusal into the Compose path.
   */
  origins: Record<string, Record<string, string>>;
}

/** Options of {@link toServiceSpecs}. */
export interface ToServiceSpecsOptions {
  /**
   * Treat ignored keys as errors.
   * @default false
   */
  strict?: boolean;
}

/** Collects what mapping one service reports, and where each Berth field came from. */
class ServiceContext implements MapContext {
  readonly issues: ComposeIssue[] = [];
  readonly ignored: IgnoredComposeKey[] = [];
  private readonly origins = new Map<string, string>([["name", ""]]);

  constructor(private readonly service: string) {}

  /** `deploy.mode` -> `services.web.deploy.mode`. */
  composePath(path: string): string {
    return `services.${this.service}${path === "" ? "" : `.${path}`}`;
  }

  refuse(path: string, message: string): void {
    this.issues.push({ path: this.composePath(path), message });
  }

  ignore(path: string, reason: string): void {
    this.ignored.push({ service: this.service, key: path, reason });
  }

  from(berthPath: string, composePath: string): void {
    this.origins.set(berthPath, composePath);
  }

  /** A path in the Berth input (`resources.memory`) as the Compose path it was read from. */
  origin(berthPath: string): string {
    return this.composePath(originIn(this.origins, berthPath));
  }

  /** The recorded origins, as plain data. */
  originTable(): Record<string, string> {
    return Object.fromEntries(this.origins);
  }
}

/** A Berth path as the Compose key (relative to the service) it was read from, by its longest recorded prefix. */
function originIn(origins: ReadonlyMap<string, string>, berthPath: string): string {
  let prefix = berthPath;
  for (;;) {
    const origin = origins.get(prefix);
    if (origin !== undefined) {
      const full = origin + berthPath.slice(prefix.length);
      return full.startsWith(".") ? full.slice(1) : full;
    }
    const cut = Math.max(prefix.lastIndexOf("."), prefix.lastIndexOf("["));
    if (cut <= 0) return berthPath;
    prefix = prefix.slice(0, cut);
  }
}

/**
 * The Compose path (`services.web.deploy.resources.limits.memory`) that a path in a mapped service's
 * Berth input (`resources.memory`, as a renderer's `SpecError` names it) was read from.
 */
export function composeOrigin(
  mapping: Pick<ComposeMapping, "origins">,
  service: string,
  berthPath: string,
): string {
  const relative = originIn(new Map(Object.entries(mapping.origins[service] ?? {})), berthPath);
  return `services.${service}${relative === "" ? "" : `.${relative}`}`;
}

/**
 * Sorts each key of the service into mapped, ignored or refused, reporting the last two. A key set to a
 * value that asks for nothing (`privileged: false`, `dns: []`) is left alone.
 */
function classifyKeys(s: ComposeService, ctx: ServiceContext): void {
  for (const [key, value] of Object.entries(s)) {
    if (key in mappedKeys || key.startsWith("x-") || isEmpty(value)) continue;
    const ignored = ignoredKeys[key];
    if (key === "build" && s.image === undefined) {
      ctx.refuse("build", "a cluster cannot build images: build and push the image, then name it in image");
    } else if (ignored) {
      if (!ignored.quiet) ctx.ignore(key, ignored.reason);
    } else if (refusedKeys[key]) {
      ctx.refuse(key, refusedKeys[key]);
    } else {
      const all = [...Object.keys(mappedKeys), ...Object.keys(ignoredKeys), ...Object.keys(refusedKeys)];
      const hint = closestName(key, all);
      ctx.refuse(key, `is not a Compose service key${hint ? `; did you mean "${hint}"?` : ""}`);
    }
  }
  if (s.image === undefined && s.build === undefined) ctx.refuse("image", "is required");
}

const list = (v: string[] | null | undefined): string[] | undefined => (Array.isArray(v) ? v : undefined);

/**
 * `depends_on.<service>.restart`: nothing restarts a dependent service when its dependency is updated,
 * as with `docker stack deploy`. Restarts that `links` imply are not reported again: `links` is.
 */
function ignoreDependentRestarts(s: ComposeService, ctx: ServiceContext): void {
  const linked = new Set((Array.isArray(s.links) ? s.links : []).map((l) => String(l).split(":")[0]));
  for (const [dependency, how] of Object.entries(s.depends_on ?? {})) {
    if (isTrue(how.restart) && !linked.has(dependency))
      ctx.ignore(`depends_on.${dependency}.restart`, dependentRestartReason(dependency));
  }
}

const dependentRestartReason = (dependency: string) =>
  `updating "${dependency}" does not restart this service on a cluster, as with docker stack deploy; redeploy it yourself when it must restart`;

/** Top-level keys that mean nothing on a cluster, each reported once. */
function ignoredTopLevelKeys(project: ComposeProject): IgnoredComposeKey[] {
  if (isEmpty(project.models)) return [];
  return [
    {
      key: "models",
      reason:
        "model runners are a docker compose feature; a cluster runs no models (services that use them are refused)",
    },
  ];
}

function mapService(
  s: ComposeService,
  ctx: ServiceContext,
): { input: ServiceInput; timeoutSeconds?: number } {
  classifyKeys(s, ctx);
  ignoreDependentRestarts(s, ctx);
  const berth = mapBerthExtension(s, ctx);
  return { input: mapFields(s, berth, ctx), timeoutSeconds: berth.timeoutSeconds };
}

function mapFields(s: ComposeService, berth: BerthExtension, ctx: ServiceContext): ServiceInput {
  for (const [berthPath, composePath] of [
    ["image", "image"],
    ["entrypoint", "entrypoint"],
    ["command", "command"],
    ["user", "user"],
    ["workingDir", "working_dir"],
    ["readOnlyRootFilesystem", "read_only"],
    ["capAdd", "cap_add"],
    ["capDrop", "cap_drop"],
    ["stopGracePeriod", "stop_grace_period"],
  ]) {
    ctx.from(berthPath, composePath);
  }
  const entrypoint = list(s.entrypoint);
  const command = list(s.command);
  const ports = mapPorts(s, berth.public, ctx, berth.sourceRanges);
  const volumes = mapVolumes(s, ctx);
  const secrets = mapFileMounts("secrets", s.secrets ?? [], ctx);
  const configs = mapFileMounts("configs", s.configs ?? [], ctx);
  const networks = mapNetworks(s, ctx);
  const healthCheck = mapHealthcheck(s, ctx);
  const logging = mapLogging(s, ctx);
  return {
    image: s.image ?? "",
    ...mapPlatform(s, ctx),
    ...(entrypoint && { entrypoint }),
    ...(command && { command }),
    ...mapEnvironment(s, berth.secretEnv, ctx),
    ...(ports.length > 0 && { ports }),
    ...mapDeploy(s, ctx),
    ...(healthCheck && { healthCheck }),
    ...(berth.autoscale !== undefined && { autoscale: berth.autoscale }),
    ...(berth.metrics !== undefined && { metrics: berth.metrics }),
    ...(volumes.length > 0 && { volumes }),
    ...(secrets.length > 0 && { secrets }),
    ...(configs.length > 0 && { configs }),
    ...(networks.length > 0 && { networks }),
    // YAML reads `user: 1000` as a number.
    ...(s.user !== undefined && s.user !== null && { user: String(s.user) }),
    ...(s.working_dir !== undefined && { workingDir: s.working_dir }),
    ...(isTrue(s.read_only) && { readOnlyRootFilesystem: true }),
    ...(s.cap_add !== undefined && { capAdd: s.cap_add }),
    ...(s.cap_drop !== undefined && { capDrop: s.cap_drop }),
    ...(s.stop_grace_period !== undefined && { stopGracePeriod: s.stop_grace_period }),
    ...mapRuntime(s, ctx),
    ...(logging && { logging }),
    ...(berth.ignoreUnsupported !== undefined && { ignoreUnsupported: berth.ignoreUnsupported }),
  };
}

/** Runs the spec's checks on a mapped service, reporting each problem at the Compose key it came from. */
function checkSpec(name: string, input: ServiceInput, ctx: ServiceContext): void {
  try {
    normalizeService(name, input);
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    const reported = new Set(ctx.issues.map((i) => i.path));
    // A missing image is already reported at build when there is one.
    const buildRefused = reported.has(ctx.composePath("build"));
    for (const issue of err.issues) {
      if (buildRefused && issue.path === "image") continue;
      const path = ctx.origin(issue.path);
      // Messages that name another entry (`already the target of volumes[0]`) name it as the file does.
      const message = issue.message.replace(/\b(?:volumes|secrets|configs)\[\d+\]/g, (entry) =>
        ctx.origin(entry).slice(ctx.composePath("").length + 1),
      );
      if (!reported.has(path)) ctx.issues.push({ path, message });
    }
  }
}

/**
 * Maps each service of a loaded Compose project onto Berth's portable service description, as
 * `docker stack deploy` reads the file. Each Compose key is mapped, ignored (listed in `ignored`, with
 * the reason) or refused; see `./service-keys`. `x-berth` on a service adds what Compose cannot say:
 * `autoscale`, `ignoreUnsupported`, `secretEnv` (names of `environment` entries whose values are
 * secrets), `timeoutSeconds` (in {@link ComposeMapping.timeoutSeconds}) and `public` (true: every port in `ports` is public, on its target port when none is
 * published; false: no port is public, so the ports serve the cluster only). Where Compose's defaults
 * differ from Berth's, Compose's are written out: updates stop-first and pause on failure, health
 * checks every 30s with a 30s timeout. Each result is checked as `normalizeService` checks it.
 *
 * @throws {@link ComposeError} listing every refused key and every invalid value of every service at
 * once, at Compose paths such as `services.web.deploy.resources.limits.memory`; with `strict`, also
 * every ignored key.
 */
export function toServiceSpecs(project: ComposeProject, options: ToServiceSpecsOptions = {}): ComposeMapping {
  const issues: ComposeIssue[] = [];
  const mapping: ComposeMapping = {
    services: {},
    containerLabels: {},
    timeoutSeconds: {},
    dependsOn: {},
    ignored: ignoredTopLevelKeys(project),
    origins: {},
  };
  if (options.strict) {
    for (const { key, reason } of mapping.ignored)
      issues.push({ path: key, message: `would be ignored (${reason}), and strict is set` });
  }
  for (const [name, service] of Object.entries(project.services)) {
    const ctx = new ServiceContext(name);
    const { input, timeoutSeconds } = mapService(service, ctx);
    if (timeoutSeconds !== undefined) mapping.timeoutSeconds[name] = timeoutSeconds;
    checkSpec(name, input, ctx);
    issues.push(...ctx.issues);
    if (options.strict) {
      for (const { key, reason } of ctx.ignored) {
        issues.push({
          path: ctx.composePath(key),
          message: `would be ignored (${reason}), and strict is set`,
        });
      }
    }
    mapping.services[name] = input;
    mapping.containerLabels[name] = stringMap(service.labels);
    mapping.dependsOn[name] = { ...service.depends_on };
    mapping.ignored.push(...ctx.ignored);
    mapping.origins[name] = ctx.originTable();
  }
  if (issues.length > 0) throw new ComposeError(issues);
  return mapping;
}
