import type { Container, ContainerPort, PodSpec, Probe, Volume, VolumeMount } from "kubernetes-types/core/v1";
import { architectureOf, kubernetesArchitecture } from "../platform";
import type { NormalizedHealthCheck, NormalizedService } from "../types";
import { formatCpu, formatMemory, maxCount } from "../units";
import { type Refusals, type RenderOptions, secondsCeil } from "./refusals";
import { type PodSecurityLevel, restrictedContainerSecurity } from "./kubernetes-pod-security";
import {
  containerOptions,
  emptyDirFor,
  podOptions,
  withExtendedResources,
} from "./kubernetes-container-options";

/** Options of `renderKubernetes` besides the common ones. */
export interface KubernetesRenderOptions extends RenderOptions {
  /**
   * The names of the objects the workload creates for the service's secret variables and files, which
   * its pods refer to. Default: `<service>-env` for the secret variables; each secret's and config's
   * `source` (an object that exists in the namespace); no image pull secret.
   */
  objectNames?: KubernetesObjectNames;
  /**
   * The stack the service is part of: its objects and pods are labelled `app.kubernetes.io/part-of`
   * with it, and its NetworkPolicy admits the pods of that stack to its ports. Default: none, and the
   * NetworkPolicy admits every pod of the namespace.
   */
  partOf?: string;
  /**
   * `"any-port"`: the NetworkPolicy admits the stack's pods to every port, as a Compose network does.
   * Default: `"declared-ports"`, only the service's declared ports.
   */
  peerAccess?: "declared-ports" | "any-port";
  /**
   * How the cluster's Prometheus finds services with `metrics`. Default: pod annotations only, and the
   * metrics port admitted from the service's peers only.
   */
  monitoring?: KubernetesMonitoring;
  /**
   * The Pod Security Standards level the pods must meet (a tenant's namespaces enforce `restricted`):
   * containers get what it requires, and a service that cannot meet it is refused, naming each field.
   * Default: none beyond Berth's secure defaults.
   */
  podSecurity?: PodSecurityLevel;
  /** Node labels every pod must be scheduled onto (a tenant's node pool), besides the service's own. Default: none. */
  nodeSelector?: Record<string, string>;
  /**
   * The namespaces whose pods the NetworkPolicy admits to the service's ports, instead of the stack's
   * pods (a tenant's namespaces). Default: the stack's pods, in the service's namespace.
   */
  peerNamespaces?: string[];
}

/** How a cluster's Prometheus finds the pods of services with `metrics`. */
export interface KubernetesMonitoring {
  /**
   * Besides the `prometheus.io/*` pod annotations: a `PodMonitor` (`"podMonitor"`, Prometheus
   * Operator) or a `PodMonitoring` (`"podMonitoring"`, Google Cloud Managed Service for Prometheus)
   * per service with metrics, in the service's namespace.
   * @default `"annotations"`
   */
  discovery?: "annotations" | "podMonitor" | "podMonitoring";
  /**
   * The namespace the scraper runs in: the NetworkPolicy admits its pods to the metrics port.
   * @default `"gmp-system"` with `podMonitoring`; otherwise none (only the service's peers reach it)
   */
  scraperNamespace?: string;
}

/** Names of the Secrets and ConfigMaps a service's pods use, as the workload created them. */
export interface KubernetesObjectNames {
  /** The Secret holding `secretEnv`. Default: `<service>-env`. */
  secretEnv?: string;
  /** Secret name by the `source` of a secret file. Default: the `source` itself. */
  secrets?: Record<string, string>;
  /** ConfigMap name by the `source` of a config file. Default: the `source` itself. */
  configs?: Record<string, string>;
  /** A `kubernetes.io/dockerconfigjson` Secret the pods pull their image with. Default: none. */
  imagePullSecret?: string;
}

/** The label that marks the stack a service is part of. */
export const partOfLabel = "app.kubernetes.io/part-of";

/** Labels that select a service's pods. */
export function selectorLabels(n: NormalizedService): Record<string, string> {
  return { "app.kubernetes.io/name": n.name };
}

/** The name of the Secret holding a service's `secretEnv`. */
export const secretEnvName = (n: NormalizedService, options: KubernetesRenderOptions = {}): string =>
  options.objectNames?.secretEnv ?? `${n.name}-env`;
/** Berth's Kubernetes secrets and config maps hold their content under this key. */
export const fileContentKey = "value";

/** Capabilities that let a process gain privileges, which `allowPrivilegeEscalation: false` contradicts. */
const escalatingCapabilities = new Set(["ALL", "SYS_ADMIN"]);

function probeAction(hc: NormalizedHealthCheck): Pick<Probe, "exec" | "httpGet" | "tcpSocket"> {
  if (hc.http) return { httpGet: { path: hc.http.path, port: hc.http.port } };
  if (hc.tcp) return { tcpSocket: { port: hc.tcp.port } };
  const [kind, ...args] = hc.test;
  return { exec: { command: kind === "CMD-SHELL" ? ["sh", "-c", args[0]] : args } };
}

function probes(hc: NormalizedHealthCheck | undefined): Partial<Container> {
  if (!hc || hc.test[0] === "NONE") return {};
  const probe: Probe = {
    ...probeAction(hc),
    periodSeconds: Math.max(1, secondsCeil(hc.interval)),
    timeoutSeconds: Math.max(1, secondsCeil(hc.timeout)),
    failureThreshold: hc.retries,
  };
  return {
    readinessProbe: probe,
    livenessProbe: probe,
    // Docker's start period: failures do not count until the first success or the period ends.
    ...(hc.startPeriod > 0 && {
      startupProbe: {
        ...probe,
        // Kubernetes counts in int32: a start period of decades is capped there.
        failureThreshold: Math.min(
          maxCount,
          Math.max(1, Math.ceil(hc.startPeriod / Math.max(1000, hc.interval))) + hc.retries,
        ),
      },
    }),
  };
}

function resources(n: NormalizedService): Container["resources"] {
  const amounts = (cpu?: number, memory?: number) =>
    cpu === undefined && memory === undefined
      ? undefined
      : {
          ...(cpu !== undefined && { cpu: formatCpu(cpu) }),
          ...(memory !== undefined && { memory: formatMemory(memory) }),
        };
  const limits = amounts(n.resources.cpu, n.resources.memory);
  const requests = amounts(n.resources.reservations.cpu, n.resources.reservations.memory);
  return { ...(limits && { limits }), ...(requests && { requests }) };
}

/**
 * Secure defaults unless the spec asks otherwise: no privilege escalation (unless a capability that
 * grants it is added), the runtime's default seccomp profile, the spec's capabilities, and
 * `runAsNonRoot` when the spec names a numeric user other than root.
 */
function securityContext(n: NormalizedService, refusals: Refusals): Container["securityContext"] {
  const context: Container["securityContext"] = {
    readOnlyRootFilesystem: n.readOnlyRootFilesystem,
    ...(!n.capAdd.some((c) => escalatingCapabilities.has(c)) && { allowPrivilegeEscalation: false }),
    seccompProfile: { type: "RuntimeDefault" },
  };
  if (n.capAdd.length > 0 || n.capDrop.length > 0) {
    context.capabilities = {
      ...(n.capAdd.length > 0 && { add: n.capAdd }),
      ...(n.capDrop.length > 0 && { drop: n.capDrop }),
    };
  }
  if (n.user !== undefined) {
    const [user, group] = n.user.split(":");
    if (!/^\d+$/.test(user) || (group !== undefined && !/^\d+$/.test(group))) {
      refusals.refuse("user", "Kubernetes takes numeric ids only: use uid or uid:gid");
    } else {
      context.runAsUser = Number(user);
      if (context.runAsUser !== 0) context.runAsNonRoot = true;
      if (group !== undefined) context.runAsGroup = Number(group);
    }
  }
  return context;
}

function storage(
  n: NormalizedService,
  names: KubernetesObjectNames,
): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  n.volumes.forEach((v, i) => {
    const name = `volume-${i}`;
    const emptyDir = emptyDirFor(v);
    if (emptyDir) volumes.push({ name, emptyDir });
    else if (v.type === "volume")
      volumes.push({ name, persistentVolumeClaim: { claimName: v.source ?? "" } });
    else volumes.push({ name, hostPath: { path: v.source ?? "" } });
    mounts.push({ name, mountPath: v.target, readOnly: v.readOnly });
  });
  n.secrets.forEach((s, i) => {
    const name = `secret-${i}`;
    volumes.push({
      name,
      secret: { secretName: names.secrets?.[s.source] ?? s.source, defaultMode: s.mode },
    });
    mounts.push({ name, mountPath: s.target, subPath: fileContentKey, readOnly: true });
  });
  n.configs.forEach((c, i) => {
    const name = `config-${i}`;
    volumes.push({ name, configMap: { name: names.configs?.[c.source] ?? c.source, defaultMode: c.mode } });
    mounts.push({ name, mountPath: c.target, subPath: fileContentKey, readOnly: true });
  });
  return { volumes, mounts };
}

/** The name of the container port metrics are served on, which a PodMonitor refers to. */
export const metricsPortName = "metrics";

/** Whether `p` is where the service serves its metrics. */
export function isMetricsPort(n: NormalizedService, p: { target: number; protocol: string }): boolean {
  return n.metrics !== undefined && p.target === n.metrics.port && p.protocol === "tcp";
}

/** The declared ports, with the metrics port named (and added when it is not one of them). */
function containerPorts(n: NormalizedService): ContainerPort[] {
  const ports: ContainerPort[] = n.ports.map((p) => ({
    ...(isMetricsPort(n, p) && { name: metricsPortName }),
    containerPort: p.target,
    protocol: p.protocol === "udp" ? "UDP" : "TCP",
    ...(p.public && p.publishMode === "host" && { hostPort: p.published }),
  }));
  if (n.metrics && !n.ports.some((p) => isMetricsPort(n, p)))
    ports.push({ name: metricsPortName, containerPort: n.metrics.port, protocol: "TCP" });
  return ports;
}

function container(
  n: NormalizedService,
  refusals: Refusals,
  mounts: VolumeMount[],
  options: KubernetesRenderOptions,
): Container {
  const env = [
    ...Object.entries(n.env).map(([name, value]) => ({ name, value })),
    ...Object.keys(n.secretEnv).map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: secretEnvName(n, options), key: name } },
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const extra = containerOptions(n, refusals);
  return {
    name: n.name,
    image: n.image,
    ...(n.entrypoint && { command: n.entrypoint }),
    ...(n.command && { args: n.command }),
    ...(env.length > 0 && { env }),
    ...(n.workingDir !== undefined && { workingDir: n.workingDir }),
    ...((n.ports.length > 0 || n.metrics) && { ports: containerPorts(n) }),
    ...(extra.stdin && { stdin: true }),
    ...(extra.tty && { tty: true }),
    resources: withExtendedResources(resources(n), extra.extendedResources),
    ...probes(n.healthCheck),
    securityContext: {
      ...securityContext(n, refusals),
      ...extra.securityContext,
      ...(options.podSecurity === "restricted" && restrictedContainerSecurity(n, refusals)),
    },
    ...(mounts.length > 0 && { volumeMounts: mounts }),
  };
}

const kubernetesNodeLabels: Record<string, string> = {
  "node.hostname": "kubernetes.io/hostname",
  "node.platform.os": "kubernetes.io/os",
  "node.platform.arch": "kubernetes.io/arch",
};
const archNames: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

function scheduling(
  n: NormalizedService,
  refusals: Refusals,
): Pick<PodSpec, "affinity" | "topologySpreadConstraints"> {
  const expressions: { key: string; operator: "In" | "NotIn"; values: string[] }[] = [];
  n.placement.constraints.forEach((c, i) => {
    let key: string | undefined = kubernetesNodeLabels[c.attribute];
    if (c.attribute.startsWith("node.labels.")) key = c.attribute.slice("node.labels.".length);
    if (key === undefined) {
      refusals.refuse(
        `placement.constraints[${i}]`,
        `${c.attribute} has no Kubernetes equivalent; constrain on node.labels.<name>, node.hostname, node.platform.os or node.platform.arch`,
      );
      return;
    }
    const value = c.attribute === "node.platform.arch" ? (archNames[c.value] ?? c.value) : c.value;
    expressions.push({ key, operator: c.operator === "==" ? "In" : "NotIn", values: [value] });
  });
  const result: Pick<PodSpec, "affinity" | "topologySpreadConstraints"> = {};
  if (expressions.length > 0) {
    result.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: expressions }],
        },
      },
    };
  }
  if (n.placement.maxPerNode === 1) {
    result.affinity = {
      ...result.affinity,
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: selectorLabels(n) }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    };
  } else if (n.placement.maxPerNode !== undefined) {
    refusals.refuse(
      "placement.maxPerNode",
      "Kubernetes can hold a service to one pod per node (maxPerNode: 1), not more",
    );
  }
  if (n.placement.spread) {
    result.topologySpreadConstraints = [
      {
        maxSkew: 1,
        topologyKey: n.placement.spread.slice("node.labels.".length),
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selectorLabels(n) },
      },
    ];
  }
  return result;
}

/**
 * The pod spec of a service's workload: one container, its volumes, probes and scheduling rules, run
 * under the service's own ServiceAccount (named like the service).
 */
export function podSpec(
  n: NormalizedService,
  refusals: Refusals,
  options: KubernetesRenderOptions = {},
): PodSpec {
  const names = options.objectNames ?? {};
  const { volumes, mounts } = storage(n, names);
  const restartPolicy = n.mode !== "job" ? "Always" : n.restart.condition === "none" ? "Never" : "OnFailure";
  return {
    serviceAccountName: n.name,
    containers: [container(n, refusals, mounts, options)],
    ...(names.imagePullSecret !== undefined && { imagePullSecrets: [{ name: names.imagePullSecret }] }),
    ...(volumes.length > 0 && { volumes }),
    restartPolicy,
    terminationGracePeriodSeconds: secondsCeil(n.stopGracePeriod),
    ...podOptions(n, refusals),
    ...nodeSelector(n, options),
    ...scheduling(n, refusals),
  };
}

/** The platform's architecture and the cluster's own node labels, when there are any. */
function nodeSelector(n: NormalizedService, options: KubernetesRenderOptions): Pick<PodSpec, "nodeSelector"> {
  const selector = {
    ...(n.platform !== undefined && {
      "kubernetes.io/arch": kubernetesArchitecture[architectureOf(n.platform)],
    }),
    ...options.nodeSelector,
  };
  return Object.keys(selector).length > 0 ? { nodeSelector: selector } : {};
}
