import { IssueCollector } from "../errors";
import type { NormalizedService, ServiceInput, SpecField } from "../types";
import { defaults } from "../defaults";
import { parseImageReference } from "../image";
import { serviceInputSchema } from "../schema";
import { checkShape } from "../shape";
import { closestName } from "../suggest";
import {
  checkCapabilityConflicts,
  checkEnvNames,
  checkEnvOverlap,
  checkLabels,
  checkLogDriver,
  normalizeNetworks,
  checkUser,
  checkWorkingDir,
  normalizeCapabilities,
} from "./container";
import { normalizeCanary } from "./canary";
import { readDuration } from "./durations";
import { normalizeHealthCheck } from "./health";
import { checkDistinctTargets, normalizeFileMounts, normalizeVolumes } from "./mounts";
import { normalizePorts } from "./ports";
import {
  checkDns,
  checkExtraHosts,
  checkHostname,
  checkStopSignal,
  checkSysctls,
  normalizeSecurityOpt,
  normalizeUlimits,
} from "./runtime";
import {
  checkPlatformConstraints,
  normalizePlacement,
  normalizeResources,
  normalizeRestart,
  normalizeUpdate,
} from "./scheduling";

/** Kubernetes DNS-1035 label: the service name becomes a Kubernetes and Swarm object name. */
const serviceNamePattern = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Names a user may list in `ignoreUnsupported`. */
export const specFields = Object.keys(serviceInputSchema.properties).filter(
  (f) => f !== "ignoreUnsupported",
) as SpecField[];

function checkName(name: unknown, issues: IssueCollector): void {
  if (typeof name !== "string" || !serviceNamePattern.test(name)) {
    issues.add(
      "name",
      `${JSON.stringify(name)} must be a DNS label: 1-63 lowercase letters, digits or "-", starting with a letter and ending with a letter or digit`,
    );
  }
}

/** An absolute path without spaces, query or fragment. */
const metricsPath = /^\/[^\s?#]*$/;

function checkIgnorable(fields: string[], issues: IssueCollector): SpecField[] {
  fields.forEach((field, i) => {
    if (!(specFields as string[]).includes(field)) {
      const hint = closestName(field, specFields);
      issues.add(
        `ignoreUnsupported[${i}]`,
        `"${field}" is not a service field${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    }
  });
  return fields as SpecField[];
}

/**
 * Validates a service description and fills in every documented default, resolving durations to
 * milliseconds, CPU to millicores and memory to bytes. Pure: no I/O, no Pulumi.
 *
 * @throws {@link SpecError} listing every problem at once, with paths such as `ports[0].target`.
 */
export function normalizeService(name: string, input: ServiceInput): NormalizedService {
  const issues = new IssueCollector();
  checkName(name, issues);
  const broken = checkShape(input, issues);
  if (broken.has("*")) issues.throwIfAny(String(name));
  // Fields whose shape is wrong are left out of the semantic checks: their problems are already listed.
  const ok = <K extends keyof ServiceInput>(field: K): ServiceInput[K] | undefined =>
    broken.has(field) ? undefined : input[field];

  const image = ok("image");
  if (image !== undefined) {
    const parsed = parseImageReference(image);
    if ("error" in parsed)
      issues.add("image", `${JSON.stringify(image)} is not a valid image reference: ${parsed.error}`);
  }
  for (const field of ["entrypoint", "command"] as const) {
    if (ok(field)?.length === 0) issues.add(field, "must not be empty; leave it out to use the image's");
  }

  const env = ok("env") ?? {};
  const secretEnv = ok("secretEnv") ?? {};
  checkEnvNames("env", env, issues);
  checkEnvNames("secretEnv", secretEnv, issues);
  checkEnvOverlap(env, secretEnv, issues);

  const mode = ok("mode") ?? defaults.mode;
  const autoscaleInput = ok("autoscale");
  const replicasInput = ok("replicas");
  if (mode === "global" && replicasInput !== undefined) {
    issues.add("replicas", 'has no meaning with mode "global", which runs one task per node; remove it');
  }
  if (mode === "job" && replicasInput === 0) issues.add("replicas", "a job needs at least 1 completion");
  if (mode === "job" && input.update !== undefined) {
    issues.add("update", 'has no meaning with mode "job": jobs run to completion and are not rolled');
  }
  let autoscale: NormalizedService["autoscale"];
  if (autoscaleInput) {
    if (mode !== "replicated")
      issues.add("autoscale", `only replicated services autoscale, not mode "${mode}"`);
    if (autoscaleInput.max < autoscaleInput.min) {
      issues.add("autoscale.max", `must be at least autoscale.min (${autoscaleInput.min})`);
    }
    if (
      replicasInput !== undefined &&
      (replicasInput < autoscaleInput.min || replicasInput > autoscaleInput.max)
    ) {
      issues.add(
        "replicas",
        `must be within autoscale.min..max (${autoscaleInput.min}..${autoscaleInput.max})`,
      );
    }
    const noTarget =
      autoscaleInput.cpuPercent === undefined &&
      autoscaleInput.memoryPercent === undefined &&
      autoscaleInput.requestsPerTarget === undefined;
    autoscale = { ...autoscaleInput, ...(noTarget && { cpuPercent: defaults.autoscaleCpuPercent }) };
  }
  const replicas = mode === "global" ? 0 : (replicasInput ?? autoscaleInput?.min ?? defaults.replicas);

  const canary = normalizeCanary(ok("update")?.canary, mode, replicas, issues);

  const ports = normalizePorts(ok("ports") ?? [], issues);
  const endpointMode = ok("endpointMode") ?? defaults.endpointMode;
  const meshPort = ports.findIndex((p) => p.public && p.publishMode === "ingress");
  if (endpointMode === "dnsrr" && meshPort >= 0) {
    issues.add(
      "endpointMode",
      `dnsrr cannot be combined with ingress-published ports (ports[${meshPort}]); publish with publishMode "host" or use vip`,
    );
  }

  const healthInput = ok("healthCheck");
  const volumes = normalizeVolumes(ok("volumes") ?? [], issues);
  const secrets = normalizeFileMounts("secrets", ok("secrets") ?? [], issues);
  const configs = normalizeFileMounts("configs", ok("configs") ?? [], issues);
  checkDistinctTargets(
    [
      { kind: "volumes", mounts: volumes },
      { kind: "secrets", mounts: secrets },
      { kind: "configs", mounts: configs },
    ],
    issues,
  );

  const { networks, aliases: networkAliases } = normalizeNetworks(ok("networks") ?? [], issues);
  const labels = ok("labels") ?? {};
  checkLabels(labels, issues);
  const user = ok("user");
  if (user !== undefined) checkUser(user, issues);
  const workingDir = ok("workingDir");
  if (workingDir !== undefined) checkWorkingDir(workingDir, issues);
  const capAdd = normalizeCapabilities("capAdd", ok("capAdd") ?? [], issues);
  const capDrop = normalizeCapabilities("capDrop", ok("capDrop") ?? [], issues);
  checkCapabilityConflicts(capAdd, capDrop, issues);
  const logging = ok("logging");
  if (logging) checkLogDriver(logging.driver, issues);
  const metrics = ok("metrics");
  if (metrics?.path !== undefined && !metricsPath.test(metrics.path))
    issues.add(
      "metrics.path",
      `${JSON.stringify(metrics.path)} must be an absolute URL path, such as "/metrics"`,
    );
  const stopSignal = ok("stopSignal");
  if (stopSignal !== undefined) checkStopSignal(stopSignal, issues);
  const hostname = ok("hostname");
  if (hostname !== undefined) checkHostname(hostname, issues);
  const sysctls = ok("sysctls") ?? {};
  checkSysctls(sysctls, issues);
  const dns = ok("dns") ?? [];
  const dnsSearch = ok("dnsSearch") ?? [];
  const dnsOptions = ok("dnsOptions") ?? [];
  checkDns(dns, dnsSearch, dnsOptions, issues);
  const extraHosts = ok("extraHosts") ?? {};
  checkExtraHosts(extraHosts, issues);
  const init = ok("init");
  const platform = ok("platform");
  const placement = normalizePlacement(ok("placement") ?? {}, mode, issues);
  checkPlatformConstraints(platform, placement.constraints, issues);

  const normalized: NormalizedService = {
    name,
    image: image ?? "",
    ...(platform !== undefined && { platform }),
    ...(ok("entrypoint") && { entrypoint: ok("entrypoint") }),
    ...(ok("command") && { command: ok("command") }),
    env: { ...env },
    secretEnv: { ...secretEnv },
    ports,
    endpointMode,
    mode,
    replicas,
    resources: normalizeResources(ok("resources") ?? {}, issues),
    ...(healthInput && { healthCheck: normalizeHealthCheck(healthInput, issues) }),
    update: { ...normalizeUpdate(ok("update") ?? {}, issues), ...(canary && { canary }) },
    restart: normalizeRestart(ok("restart") ?? {}, mode, issues),
    placement,
    ...(autoscale && { autoscale }),
    volumes,
    secrets,
    configs,
    networks,
    networkAliases,
    labels: { ...labels },
    ...(user !== undefined && { user }),
    ...(workingDir !== undefined && { workingDir }),
    readOnlyRootFilesystem: ok("readOnlyRootFilesystem") ?? false,
    capAdd,
    capDrop,
    stopGracePeriod: readDuration(ok("stopGracePeriod"), "stopGracePeriod", defaults.stopGracePeriod, issues),
    ...(stopSignal !== undefined && { stopSignal }),
    ...(hostname !== undefined && { hostname }),
    stdinOpen: ok("stdinOpen") ?? false,
    tty: ok("tty") ?? false,
    sysctls: { ...sysctls },
    ulimits: normalizeUlimits(ok("ulimits") ?? {}, issues),
    dns: [...dns],
    dnsSearch: [...dnsSearch],
    dnsOptions: [...dnsOptions],
    extraHosts: { ...extraHosts },
    ...(init !== undefined && { init }),
    securityOpt: normalizeSecurityOpt(ok("securityOpt") ?? {}, issues),
    ...(metrics && {
      metrics: { port: metrics.port, path: metrics.path ?? "/metrics", scheme: metrics.scheme ?? "http" },
    }),
    ...(logging && { logging: { driver: logging.driver, options: { ...(logging.options ?? {}) } } }),
    ignoreUnsupported: checkIgnorable(ok("ignoreUnsupported") ?? [], issues),
  };
  issues.throwIfAny(String(name));
  return normalized;
}
