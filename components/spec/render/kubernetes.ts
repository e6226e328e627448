import type { DaemonSet, Deployment } from "kubernetes-types/apps/v1";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Job } from "kubernetes-types/batch/v1";
import type { Secret, Service, ServiceAccount } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type {
  Ingress,
  NetworkPolicy,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from "kubernetes-types/networking/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { defaults } from "../defaults";
import type { NormalizedPort, NormalizedService } from "../types";
import {
  type KubernetesMonitoring,
  type KubernetesRenderOptions,
  isMetricsPort,
  metricsPortName,
  partOfLabel,
  podSpec,
  secretEnvName,
  selectorLabels,
} from "./kubernetes-pod";
import { Refusals, secondsCeil } from "./refusals";
import { prometheusKeys } from "./metrics";
import { maxCount } from "../units";

export type { KubernetesMonitoring, KubernetesObjectNames, KubernetesRenderOptions } from "./kubernetes-pod";
export { partOfLabel } from "./kubernetes-pod";

/** Which pods a monitor scrapes: those of the service. */
export interface MonitorSelector {
  /** The service's selector labels. */
  matchLabels: Record<string, string>;
}

/** One place a monitor scrapes on each selected pod. */
export interface MonitorEndpoint {
  /** The name of the container port: `metrics`. */
  port: string;
  /** The HTTP path of the metrics. */
  path: string;
  /** How the scraper connects. */
  scheme: "http" | "https";
}

/** A Prometheus Operator `PodMonitor` (monitoring.coreos.com/v1), as Berth writes one. */
export interface PodMonitor {
  /** `monitoring.coreos.com/v1`. */
  apiVersion: "monitoring.coreos.com/v1";
  /** `PodMonitor`. */
  kind: "PodMonitor";
  /** Named and labelled as the service's other objects. */
  metadata: ObjectMeta;
  /** The service's pods and their metrics endpoint. */
  spec: {
    /** The service's pods. */
    selector: MonitorSelector;
    /** One endpoint: the service's `metrics`. */
    podMetricsEndpoints: MonitorEndpoint[];
  };
}

/** How often a PodMonitoring scrapes (the field is required there; a PodMonitor takes Prometheus's). */
export const podMonitoringInterval = "30s";

/** A PodMonitoring's endpoint, which must say how often it is scraped. */
export interface PodMonitoringEndpoint extends MonitorEndpoint {
  /** `30s`. */
  interval: string;
}

/** A Google Cloud Managed Service for Prometheus `PodMonitoring` (monitoring.googleapis.com/v1). */
export interface PodMonitoring {
  /** `monitoring.googleapis.com/v1`. */
  apiVersion: "monitoring.googleapis.com/v1";
  /** `PodMonitoring`. */
  kind: "PodMonitoring";
  /** Named and labelled as the service's other objects. */
  metadata: ObjectMeta;
  /** The service's pods and their metrics endpoint. */
  spec: {
    /** The service's pods. */
    selector: MonitorSelector;
    /** One endpoint: the service's `metrics`. */
    endpoints: PodMonitoringEndpoint[];
  };
}

/** An object {@link renderKubernetes} describes. */
export type KubernetesObject =
  | Deployment
  | DaemonSet
  | Job
  | Service
  | Ingress
  | HorizontalPodAutoscaler
  | PodDisruptionBudget
  | Secret
  | ServiceAccount
  | NetworkPolicy
  | PodMonitor
  | PodMonitoring;

/** Annotation telling Berth's Kubernetes workload what a failed rollout should do. */
export const failureActionAnnotation = "berth.dev/update-failure-action";

const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelPrefix = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isValidLabel(key: string, value: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  const keyOk =
    name.length <= 63 &&
    labelName.test(name) &&
    (prefix === undefined || (prefix.length <= 253 && labelPrefix.test(prefix)));
  return keyOk && value.length <= 63 && (value === "" || labelName.test(value));
}

function portName(p: NormalizedPort): string {
  return `${p.protocol}-${p.target}`;
}

/** The public ports that one LoadBalancer Service (`<name>-public`) carries. */
const balancedPorts = (n: NormalizedService) =>
  n.ports.filter((p) => p.public && p.publishMode === "ingress" && !p.http);

const rangesKey = (p: NormalizedPort) => JSON.stringify([...(p.sourceRanges ?? [])].sort());

/** The LoadBalancer Service's source ranges: its ports' (they are refused unless all alike). */
function balancedSourceRanges(balanced: NormalizedPort[]): string[] | undefined {
  return balanced[0]?.sourceRanges;
}

function checkUnsupported(n: NormalizedService, refusals: Refusals): void {
  const balanced = balancedPorts(n);
  const first = balanced[0];
  balanced.forEach((p) => {
    if (rangesKey(p) !== rangesKey(first))
      refusals.refuse(
        `ports[${n.ports.indexOf(p)}].sourceRanges`,
        `a service's public ports share one LoadBalancer Service; give them the same sourceRanges (ports[${n.ports.indexOf(first)}] has ${first.sourceRanges ? JSON.stringify(first.sourceRanges) : "none"})`,
      );
  });
  n.ports.forEach((p, i) => {
    if (!p.sourceRanges) return;
    if (p.http)
      refusals.refuse(
        `ports[${i}].sourceRanges`,
        "an Ingress filters clients by its controller's own settings; remove http to get a LoadBalancer Service with loadBalancerSourceRanges, or filter at the Ingress controller",
      );
    else if (p.publishMode === "host")
      refusals.refuse(
        `ports[${i}].sourceRanges`,
        'a host port takes every address the node receives; use publishMode "ingress" (a LoadBalancer Service with loadBalancerSourceRanges) or filter with the nodes\' firewall',
      );
  });
  if (n.logging)
    refusals.refuse("logging", "Kubernetes has no per-workload log driver; collect logs from the nodes");
  if (n.networks.length > 0) {
    refusals.refuse(
      "networks",
      "Kubernetes has one flat pod network; isolate services with NetworkPolicy objects",
    );
  }
  const r = n.restart;
  const d = defaults.restart;
  if (n.mode !== "job" && r.condition !== "any") {
    refusals.refuse("restart.condition", 'Deployments and DaemonSets always restart their pods; use "any"');
  }
  if (r.delay !== d.delay)
    refusals.refuse("restart.delay", "Kubernetes backs off restarts on its own schedule");
  if (r.window !== d.window) refusals.refuse("restart.window", "Kubernetes has no restart window");
  if (n.mode !== "job" && r.maxAttempts !== d.maxAttempts) {
    refusals.refuse("restart.maxAttempts", "only Jobs limit attempts (backoffLimit) on Kubernetes");
  }
  if (n.update.failureAction === "continue") {
    refusals.refuse(
      "update.failureAction",
      'a Kubernetes rollout stops on failure; use "rollback" or "pause"',
    );
  }
  if (n.update.maxFailureRatio !== defaults.update.maxFailureRatio) {
    refusals.refuse("update.maxFailureRatio", "a Kubernetes rollout tolerates no failed pods");
  }
  for (const [key, value] of Object.entries(n.labels)) {
    if (!isValidLabel(key, value)) {
      refusals.refuse(
        `labels.${key}`,
        "Kubernetes label keys and values are at most 63 letters, digits, '-', '_' or '.' (keys may have a DNS prefix)",
      );
    }
  }
  if (
    n.autoscale?.cpuPercent !== undefined &&
    n.resources.reservations.cpu === undefined &&
    n.resources.cpu === undefined
  ) {
    refusals.refuse(
      "autoscale.cpuPercent",
      "CPU utilisation needs a CPU request: set resources.reservations.cpu",
    );
  }
  if (
    n.autoscale?.memoryPercent !== undefined &&
    n.resources.reservations.memory === undefined &&
    n.resources.memory === undefined
  ) {
    refusals.refuse(
      "autoscale.memoryPercent",
      "memory utilisation needs a memory request: set resources.reservations.memory",
    );
  }
  if (n.autoscale?.requestsPerTarget !== undefined) {
    refusals.refuse(
      "autoscale.requestsPerTarget",
      "a HorizontalPodAutoscaler scales on request rates only through a custom metrics adapter; use autoscale.cpuPercent",
    );
  }
}

function rollingUpdate(n: NormalizedService) {
  const step = n.update.parallelism === 0 ? "100%" : n.update.parallelism;
  return n.update.order === "start-first"
    ? { maxSurge: step, maxUnavailable: 0 }
    : { maxSurge: 0, maxUnavailable: step };
}

function podLabels(n: NormalizedService, options: KubernetesRenderOptions): Record<string, string> {
  return {
    ...n.labels,
    ...(options.partOf !== undefined && { [partOfLabel]: options.partOf }),
    ...selectorLabels(n),
  };
}

function workload(
  n: NormalizedService,
  metadata: ObjectMeta,
  refusals: Refusals,
  options: KubernetesRenderOptions,
): Deployment | DaemonSet | Job {
  const annotations = prometheusKeys(n.metrics);
  const template = {
    metadata: {
      labels: podLabels(n, options),
      ...(Object.keys(annotations).length > 0 && { annotations }),
    },
    spec: podSpec(n, refusals, options),
  };
  if (n.mode === "job") {
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata,
      spec: {
        completions: n.replicas,
        parallelism: n.replicas,
        // Berth's maxAttempts 0 means unlimited.
        backoffLimit: n.restart.maxAttempts === 0 ? 2147483647 : n.restart.maxAttempts,
        template,
      },
    };
  }
  const rollout = {
    // Swarm watches each new task for `monitor` and waits `delay` between batches; Kubernetes holds a new
    // pod for minReadySeconds before counting it available, which covers both.
    minReadySeconds: Math.min(maxCount, secondsCeil(n.update.monitor + n.update.delay)),
    selector: { matchLabels: selectorLabels(n) },
    template,
  };
  const annotated = {
    ...metadata,
    annotations: { ...metadata.annotations, [failureActionAnnotation]: n.update.failureAction },
  };
  if (n.mode === "global") {
    return {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: annotated,
      spec: { ...rollout, updateStrategy: { type: "RollingUpdate", rollingUpdate: rollingUpdate(n) } },
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: annotated,
    spec: {
      ...(n.autoscale === undefined && { replicas: n.replicas }),
      ...rollout,
      strategy: { type: "RollingUpdate", rollingUpdate: rollingUpdate(n) },
    },
  };
}

function services(n: NormalizedService, metadata: ObjectMeta): Service[] {
  const result: Service[] = [];
  if (n.ports.length > 0 || n.endpointMode === "dnsrr") {
    result.push({
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: {
        selector: selectorLabels(n),
        ...(n.endpointMode === "dnsrr" && { clusterIP: "None" }),
        ports: n.ports.map((p) => ({
          name: portName(p),
          port: p.target,
          targetPort: p.target,
          protocol: p.protocol === "udp" ? "UDP" : "TCP",
        })),
      },
    });
  }
  const balanced = balancedPorts(n);
  if (balanced.length > 0) {
    const sourceRanges = balancedSourceRanges(balanced);
    result.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { ...metadata, name: `${n.name}-public` },
      spec: {
        type: "LoadBalancer",
        selector: selectorLabels(n),
        ...(sourceRanges && { loadBalancerSourceRanges: sourceRanges }),
        ports: balanced.map((p) => ({
          name: portName(p),
          port: p.published ?? p.target,
          targetPort: p.target,
          protocol: p.protocol === "udp" ? "UDP" : "TCP",
        })),
      },
    });
  }
  return result;
}

function ingress(n: NormalizedService, metadata: ObjectMeta): Ingress | undefined {
  const routed = n.ports.filter((p) => p.http);
  if (routed.length === 0) return undefined;
  const tlsHosts = [...new Set(routed.filter((p) => p.http?.tls).map((p) => p.http?.host ?? ""))];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata,
    spec: {
      rules: routed.map((p) => ({
        ...(p.http?.host !== undefined && { host: p.http.host }),
        http: {
          paths: [
            {
              path: p.http?.path ?? "/",
              pathType: "Prefix",
              backend: { service: { name: n.name, port: { number: p.target } } },
            },
          ],
        },
      })),
      ...(tlsHosts.length > 0 && { tls: [{ hosts: tlsHosts, secretName: `${n.name}-tls` }] }),
    },
  };
}

function autoscaler(n: NormalizedService, metadata: ObjectMeta): HorizontalPodAutoscaler | undefined {
  const a = n.autoscale;
  if (!a) return undefined;
  const metric = (name: "cpu" | "memory", percent: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization: percent } },
  });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: n.name },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics: [
        ...(a.cpuPercent !== undefined ? [metric("cpu", a.cpuPercent)] : []),
        ...(a.memoryPercent !== undefined ? [metric("memory", a.memoryPercent)] : []),
      ],
    },
  };
}

const networkPort = (p: NormalizedPort): NetworkPolicyPort => ({
  port: p.target,
  protocol: p.protocol === "udp" ? "UDP" : "TCP",
});

/** The label the API server gives every namespace, its name: no one can set it to another value. */
export const namespaceNameLabel = "kubernetes.io/metadata.name";

/**
 * Denies ingress to the service's pods except: from the pods of its stack (or, without `partOf`, of its
 * namespace; with `peerNamespaces`, of those namespaces) to every port it declares, and from anywhere to
 * its public ports (load balancers, ingress controllers and host ports bring outside traffic).
 */
function networkPolicy(
  n: NormalizedService,
  metadata: ObjectMeta,
  options: KubernetesRenderOptions,
): NetworkPolicy {
  const peers: NetworkPolicyPeer =
    options.peerNamespaces !== undefined
      ? {
          namespaceSelector: {
            matchExpressions: [
              { key: namespaceNameLabel, operator: "In", values: [...options.peerNamespaces] },
            ],
          },
        }
      : options.partOf === undefined
        ? { podSelector: {} }
        : { podSelector: { matchLabels: { [partOfLabel]: options.partOf } } };
  const open = n.ports.filter((p) => p.public || p.http);
  const fromPeers =
    options.peerAccess === "any-port"
      ? [{ from: [peers] }]
      : n.ports.length > 0
        ? [{ from: [peers], ports: n.ports.map(networkPort) }]
        : [];
  const ingress = [
    ...fromPeers,
    ...(open.length > 0 ? [{ ports: open.map(networkPort) }] : []),
    ...metricsIngress(n, peers, options),
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      podSelector: { matchLabels: selectorLabels(n) },
      policyTypes: ["Ingress"],
      ...(ingress.length > 0 && { ingress }),
    },
  };
}

/**
 * Who reaches the metrics port besides what the rules above admit: the scraper's namespace, and the
 * service's peers when the port is not one they are already admitted to.
 */
function metricsIngress(
  n: NormalizedService,
  peers: NetworkPolicyPeer,
  options: KubernetesRenderOptions,
): NetworkPolicyIngressRule[] {
  if (!n.metrics) return [];
  const port: NetworkPolicyPort[] = [{ port: n.metrics.port, protocol: "TCP" }];
  const declared = n.ports.some((p) => isMetricsPort(n, p));
  const fromPeers = options.peerAccess !== "any-port" && !declared ? [peers] : [];
  const scraper = scraperNamespace(options.monitoring);
  const fromScraper = scraper
    ? [{ namespaceSelector: { matchLabels: { [namespaceNameLabel]: scraper } } }]
    : [];
  const from = [...fromPeers, ...fromScraper];
  return from.length > 0 ? [{ from, ports: port }] : [];
}

function scraperNamespace(monitoring: KubernetesMonitoring | undefined): string | undefined {
  return (
    monitoring?.scraperNamespace ?? (monitoring?.discovery === "podMonitoring" ? "gmp-system" : undefined)
  );
}

/** The PodMonitor or PodMonitoring of a service with metrics, when the cluster's monitoring uses one. */
function metricsMonitor(
  n: NormalizedService,
  metadata: ObjectMeta,
  monitoring: KubernetesMonitoring | undefined,
): PodMonitor | PodMonitoring | undefined {
  if (!n.metrics) return undefined;
  const selector = { matchLabels: selectorLabels(n) };
  const endpoint = { port: metricsPortName, path: n.metrics.path, scheme: n.metrics.scheme };
  if (monitoring?.discovery === "podMonitor")
    return {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata,
      spec: { selector, podMetricsEndpoints: [endpoint] },
    };
  if (monitoring?.discovery === "podMonitoring")
    return {
      apiVersion: "monitoring.googleapis.com/v1",
      kind: "PodMonitoring",
      metadata,
      spec: { selector, endpoints: [{ ...endpoint, interval: podMonitoringInterval }] },
    };
  return undefined;
}

/**
 * Renders a normalized service as plain Kubernetes objects: its workload (Deployment, DaemonSet or
 * Job), a ClusterIP (or headless) Service for its ports, a LoadBalancer Service for public ports, an
 * Ingress for HTTP-routed ports, a HorizontalPodAutoscaler, a PodDisruptionBudget when more than one
 * replica runs, a Secret holding `secretEnv`, the ServiceAccount its pods run as (no API token mounted),
 * and a NetworkPolicy admitting traffic only to its declared ports. Durations are rounded up to whole
 * seconds. Containers run without privilege escalation and with the runtime's default seccomp profile,
 * and as non-root when the spec's user is a numeric id other than 0.
 *
 * @throws {@link SpecError} for fields Kubernetes cannot honour, unless the service marks them ignorable.
 */
export function renderKubernetes(
  n: NormalizedService,
  options: KubernetesRenderOptions = {},
): KubernetesObject[] {
  const refusals = new Refusals(n, "kubernetes", options);
  checkUnsupported(n, refusals);
  const metadata: ObjectMeta = {
    name: n.name,
    labels: {
      ...podLabels(n, options),
      "app.kubernetes.io/managed-by": "berth",
    },
  };
  const objects: KubernetesObject[] = [workload(n, metadata, refusals, options), ...services(n, metadata)];
  const route = ingress(n, metadata);
  if (route) objects.push(route);
  const hpa = autoscaler(n, metadata);
  if (hpa) objects.push(hpa);
  const minimumReplicas = n.autoscale?.min ?? n.replicas;
  if (n.mode === "replicated" && minimumReplicas > 1) {
    objects.push({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(n) } },
    });
  }
  if (Object.keys(n.secretEnv).length > 0) {
    objects.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { ...metadata, name: secretEnvName(n, options) },
      type: "Opaque",
      stringData: { ...n.secretEnv },
    });
  }
  objects.push(
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata,
      // Pods of a portable service do not call the Kubernetes API: no token in them.
      automountServiceAccountToken: false,
    },
    networkPolicy(n, metadata, options),
  );
  const monitor = metricsMonitor(n, metadata, options.monitoring);
  if (monitor) objects.push(monitor);
  refusals.throwIfAny();
  return objects;
}
