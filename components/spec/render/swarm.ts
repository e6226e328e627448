import type { NormalizedFileMount, NormalizedService, NormalizedUpdatePolicy, ServiceInput } from "../types";
import { architectureOf, swarmArchitecture } from "../platform";
import { Refusals, type RenderOptions } from "./refusals";
import { prometheusKeys } from "./metrics";
import { containerRuntime, resourceExtras } from "./swarm-runtime";
import type { SwarmContainerSpec, SwarmServiceSpec, SwarmUpdateConfig } from "./swarm-types";

const ns = (ms: number): number => Math.round(ms * 1e6);

function capability(name: string): string {
  return name === "ALL" ? "ALL" : `CAP_${name}`;
}

/** Every plain and secret variable as `KEY=value`, sorted so equal specs compare equal. */
export function swarmEnv(n: NormalizedService): string[] {
  return Object.entries({ ...n.env, ...n.secretEnv })
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

function containerSpec(n: NormalizedService): SwarmContainerSpec {
  const file = (f: NormalizedFileMount) => ({ Name: f.target, UID: f.uid, GID: f.gid, Mode: f.mode });
  const spec: SwarmContainerSpec = {
    Image: n.image,
    ...(n.entrypoint && { Command: n.entrypoint }),
    ...(n.command && { Args: n.command }),
    Env: swarmEnv(n),
    ...(n.workingDir !== undefined && { Dir: n.workingDir }),
    ...(n.user !== undefined && { User: n.user }),
    ReadOnly: n.readOnlyRootFilesystem,
    Mounts: n.volumes.map((v) => ({
      Type: v.type,
      Source: v.source ?? "",
      Target: v.target,
      ReadOnly: v.readOnly,
      ...(v.tmpfs && { TmpfsOptions: { SizeBytes: v.tmpfs.size ?? 0, Mode: v.tmpfs.mode ?? 0 } }),
    })),
    StopGracePeriod: ns(n.stopGracePeriod),
    Secrets: n.secrets.map((s) => ({ File: file(s), SecretName: s.source, SecretID: "" })),
    Configs: n.configs.map((c) => ({ File: file(c), ConfigName: c.source, ConfigID: "" })),
    ...(n.capAdd.length > 0 && { CapabilityAdd: n.capAdd.map(capability) }),
    ...(n.capDrop.length > 0 && { CapabilityDrop: n.capDrop.map(capability) }),
    ...containerRuntime(n),
  };
  const hc = n.healthCheck;
  if (hc) {
    spec.Healthcheck =
      hc.test[0] === "NONE"
        ? { Test: ["NONE"] }
        : {
            Test: hc.test,
            Interval: ns(hc.interval),
            Timeout: ns(hc.timeout),
            Retries: hc.retries,
            StartPeriod: ns(hc.startPeriod),
            ...(hc.startInterval !== undefined && { StartInterval: ns(hc.startInterval) }),
          };
  }
  return spec;
}

/**
 * The service's own constraints, then the one its `platform` implies (`node.platform.arch == x86_64` or
 * `aarch64`, the kernel's names that Swarm reports), unless the service already says exactly that.
 */
export function swarmConstraints(n: NormalizedService): string[] {
  const constraints = n.placement.constraints.map((c) => `${c.attribute}${c.operator}${c.value}`);
  if (n.platform !== undefined) {
    const implied = `node.platform.arch==${swarmArchitecture[architectureOf(n.platform)]}`;
    if (!constraints.includes(implied)) constraints.push(implied);
  }
  return constraints;
}

function updateConfig(
  u: NormalizedUpdatePolicy,
  failureAction: SwarmUpdateConfig["FailureAction"],
): SwarmUpdateConfig {
  return {
    Parallelism: u.parallelism,
    Delay: ns(u.delay),
    FailureAction: failureAction,
    Monitor: ns(u.monitor),
    MaxFailureRatio: u.maxFailureRatio,
    Order: u.order,
  };
}

function mode(n: NormalizedService): SwarmServiceSpec["Mode"] {
  if (n.mode === "global") return { Global: {} };
  if (n.mode === "job") return { ReplicatedJob: { MaxConcurrent: n.replicas, TotalCompletions: n.replicas } };
  return { Replicated: { Replicas: n.replicas } };
}

function resources(n: NormalizedService): SwarmServiceSpec["TaskTemplate"]["Resources"] {
  const amounts = (cpu?: number, memory?: number) => ({
    ...(cpu !== undefined && { NanoCPUs: cpu * 1e6 }),
    ...(memory !== undefined && { MemoryBytes: memory }),
  });
  const extras = resourceExtras(n);
  return {
    Limits: { ...amounts(n.resources.cpu, n.resources.memory), ...extras.limits },
    Reservations: {
      ...amounts(n.resources.reservations.cpu, n.resources.reservations.memory),
      ...extras.reservations,
    },
  };
}

/** A log driver and its options, as a service's `logging` names them. */
export type SwarmLogging = NonNullable<ServiceInput["logging"]>;

/**
 * The log driver of a service that names none, on a cluster that names none: `json-file` (the files a
 * node's log agent tails) rotated at 10 MB, three files kept.
 */
export const swarmDefaultLogging: Readonly<Required<SwarmLogging>> = Object.freeze({
  driver: "json-file",
  options: Object.freeze({ "max-size": "10m", "max-file": "3" }),
});

/** Options of {@link renderSwarm}. */
export interface SwarmRenderOptions extends RenderOptions {
  /**
   * The log driver of a service that names none: the cluster's.
   * @default {@link swarmDefaultLogging}
   */
  logging?: SwarmLogging;
}

/**
 * The log driver a service runs with. `json-file` without `max-size` would grow without bound until the
 * disk is full, so a size and file count are always set for it (`max-size: "-1"` asks for no limit).
 */
export function swarmLogDriver(
  own: SwarmLogging | undefined,
  clusters: SwarmLogging | undefined,
): { Name: string; Options: Record<string, string> } {
  const chosen = own ?? clusters ?? swarmDefaultLogging;
  const options = { ...(chosen.options ?? {}) };
  if (chosen.driver === "json-file") {
    options["max-size"] ??= swarmDefaultLogging.options["max-size"];
    options["max-file"] ??= swarmDefaultLogging.options["max-file"];
  }
  return { Name: chosen.driver, Options: options };
}

/**
 * Renders a normalized service as a Docker Engine API `ServiceSpec`. Secret and config references carry
 * names; the Swarm provider fills their IDs. Networks are named in `Target` and resolved likewise.
 *
 * @throws {@link SpecError} for fields Swarm cannot honour (autoscale, HTTP routing), unless ignorable.
 */
export function renderSwarm(n: NormalizedService, options: SwarmRenderOptions = {}): SwarmServiceSpec {
  const refusals = new Refusals(n, "swarm", options);
  if (n.autoscale) refusals.refuse("autoscale", "set replicas (Swarm does not scale services by load)");
  if (n.update.canary) {
    refusals.refuse(
      "update.canary",
      "Swarm rolls every task of a service; remove canary and use update.parallelism with failureAction rollback",
    );
  }
  n.ports.forEach((p, i) => {
    if (p.http) {
      refusals.refuse(
        `ports[${i}].http`,
        "Swarm has no HTTP router: publish the port and route to it with a proxy service",
      );
    }
    if (p.sourceRanges) {
      refusals.refuse(
        `ports[${i}].sourceRanges`,
        "Swarm publishes a port to every address; remove sourceRanges and filter clients with the nodes' firewall or a cloud firewall in front of them",
      );
    }
  });
  refusals.throwIfAny();

  const placement = n.placement;
  const spec: SwarmServiceSpec = {
    Name: n.name,
    Labels: { ...n.labels, ...prometheusKeys(n.metrics) },
    TaskTemplate: {
      ContainerSpec: containerSpec(n),
      Resources: resources(n),
      RestartPolicy: {
        Condition: n.restart.condition,
        Delay: ns(n.restart.delay),
        MaxAttempts: n.restart.maxAttempts,
        Window: ns(n.restart.window),
      },
      Placement: {
        Constraints: swarmConstraints(n),
        ...(placement.spread && { Preferences: [{ Spread: { SpreadDescriptor: placement.spread } }] }),
        ...(placement.maxPerNode !== undefined && { MaxReplicas: placement.maxPerNode }),
      },
      Networks: n.networks.map((name) => ({
        Target: name,
        ...(n.networkAliases[name] && { Aliases: [...n.networkAliases[name]] }),
      })),
      LogDriver: swarmLogDriver(n.logging, options.logging),
    },
    Mode: mode(n),
    EndpointSpec: {
      Mode: n.endpointMode,
      Ports: n.ports
        .filter((p) => p.public)
        .map((p) => ({
          Protocol: p.protocol,
          TargetPort: p.target,
          PublishedPort: p.published ?? p.target,
          PublishMode: p.publishMode,
        })),
    },
  };
  if (n.mode !== "job") {
    spec.UpdateConfig = updateConfig(n.update, n.update.failureAction);
    // A rollback that itself fails stops where it is rather than flapping between versions.
    spec.RollbackConfig = updateConfig(n.update, "pause");
  }
  return spec;
}
