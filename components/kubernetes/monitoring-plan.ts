/**
 * What `Monitoring` deploys on a Kubernetes cluster: the stack chosen for the cluster, and every check of
 * the request that only Kubernetes makes, before anything is created.
 */
import type {
  KubernetesMonitoringOptions,
  MonitoringPart,
  MonitoringRequest,
} from "../observability-contract";
import type { KubernetesMonitoring } from "../spec/render/kubernetes";
import { type ImageReference, parseImageReference } from "../spec/image";
import {
  type AddIssue,
  type ArgumentIssue,
  isDnsLabel,
  isObject,
  issueCollector,
  show,
  unknownFields,
} from "../arguments";
import {
  defaultKubePrometheusStackVersion,
  defaultPrometheusOperatorVersion,
} from "./kube-prometheus-stack-values";

/** The namespace the monitoring runs in unless `kubernetes.namespace` names one. */
export const defaultMonitoringNamespace = "monitoring";

/** The namespace of Google Cloud Managed Service for Prometheus's collectors, rule evaluator and Alertmanager. */
export const managedPrometheusNamespace = "gmp-system";

/** What the cluster tells its monitoring. */
export interface MonitoringPlatform {
  /** The cluster's component type and name, as messages name it: `GkeCluster prod`. */
  cluster: string;
  /** A GKE cluster, which can use Google Cloud Managed Service for Prometheus. */
  gke: boolean;
  /** How the cluster's services are found by a scraper, and which namespace their NetworkPolicies admit. */
  monitoring?: KubernetesMonitoring;
}

/** The images of the parts the request replaces, parsed. */
export interface MonitoringImages {
  prometheus?: ImageReference;
  alertmanager?: ImageReference;
  grafana?: ImageReference;
  nodeExporter?: ImageReference;
}

/** The Prometheus Operator stack, installed by Berth from the kube-prometheus-stack chart. */
export interface KubePrometheusStackPlan {
  stack: "kube-prometheus-stack";
  /** The namespace Berth creates for it. */
  namespace: string;
  /** The chart version. */
  chartVersion: string;
  /** The Prometheus Operator version of the chart, whose CRDs Berth applies. */
  operatorVersion: string;
  /** Scrape pods by their `prometheus.io/*` annotations: the cluster makes no PodMonitors. */
  annotationScrape: boolean;
  /** Images that replace the chart's. */
  images: MonitoringImages;
  /** Whether the release is followed while Helm waits. */
  watch: boolean;
}

/** Google Cloud Managed Service for Prometheus, which GKE runs. */
export interface ManagedPrometheusPlan {
  stack: "managed";
}

/** What Berth deploys for a `Monitoring` on a Kubernetes cluster. */
export type KubernetesMonitoringPlan = KubePrometheusStackPlan | ManagedPrometheusPlan;

const optionFields = ["stack", "namespace", "chartVersion", "operatorVersion", "values", "watch"] as const;
const stacks = ["managed", "kube-prometheus-stack"];
const chartVersionPattern = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const operatorVersionPattern = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** The namespace whose pods the cluster's services admit to their metrics ports, as the renderer decides it. */
function scraperNamespace(monitoring: KubernetesMonitoring | undefined): string | undefined {
  return (
    monitoring?.scraperNamespace ??
    (monitoring?.discovery === "podMonitoring" ? managedPrometheusNamespace : undefined)
  );
}

/** The image a part asks for, parsed; an issue when it is not an image reference the chart can take. */
function partImage(part: MonitoringPart, path: string, add: AddIssue): ImageReference | undefined {
  if (typeof part.image !== "string") return undefined;
  const parsed = parseImageReference(part.image);
  if ("error" in parsed) {
    add(`${path}.image`, `${show(part.image)} is not an image reference: ${parsed.error}`);
    return undefined;
  }
  if (parsed.digest !== undefined && !parsed.digest.startsWith("sha256:")) {
    add(`${path}.image`, "the chart takes only sha256 digests");
    return undefined;
  }
  return parsed;
}

/** The chart and Operator versions, which must be given together unless both are Berth's. */
function versions(
  request: MonitoringRequest,
  add: AddIssue,
): { chartVersion: string; operatorVersion: string } {
  const { chartVersion, operatorVersion } = request.kubernetes;
  if (
    chartVersion !== undefined &&
    !(typeof chartVersion === "string" && chartVersionPattern.test(chartVersion))
  )
    add("kubernetes.chartVersion", `${show(chartVersion)} is not a chart version such as "88.3.0"`);
  if (
    operatorVersion !== undefined &&
    !(typeof operatorVersion === "string" && operatorVersionPattern.test(operatorVersion))
  )
    add(
      "kubernetes.operatorVersion",
      `${show(operatorVersion)} is not an Operator release such as "v0.93.0"`,
    );
  const ownChart = chartVersion === undefined || chartVersion === defaultKubePrometheusStackVersion;
  if (!ownChart && operatorVersion === undefined)
    add(
      "kubernetes.operatorVersion",
      `is needed with chartVersion ${show(chartVersion)}: the Prometheus Operator version that chart ships ` +
        "(its appVersion), whose CRDs are applied before it",
    );
  if (
    chartVersion === undefined &&
    operatorVersion !== undefined &&
    operatorVersion !== defaultPrometheusOperatorVersion
  )
    add(
      "kubernetes.operatorVersion",
      `the default chart ${defaultKubePrometheusStackVersion} ships ${defaultPrometheusOperatorVersion}; ` +
        "give chartVersion with the chart that ships this one",
    );
  return {
    chartVersion: chartVersion ?? defaultKubePrometheusStackVersion,
    operatorVersion: operatorVersion ?? defaultPrometheusOperatorVersion,
  };
}

/** The checks only the Prometheus Operator stack makes. */
function kubePrometheusStackPlan(
  request: MonitoringRequest,
  platform: MonitoringPlatform,
  add: AddIssue,
): KubePrometheusStackPlan {
  const namespace = request.kubernetes.namespace ?? defaultMonitoringNamespace;
  const validNamespace = isDnsLabel(namespace);
  if (!validNamespace)
    add("kubernetes.namespace", `${show(namespace)} is not a namespace name (a DNS label)`);
  const { watch } = request.kubernetes;
  if (watch !== undefined && typeof watch !== "boolean")
    add("kubernetes.watch", `must be true or false, not ${show(watch)}`);
  const values = request.kubernetes.values;
  // An output is checked when it resolves, by the chart.
  if (values !== undefined && !isObject(values) && !isOutputLike(values))
    add("kubernetes.values", "must be an object of the chart's values");
  const admitted = scraperNamespace(platform.monitoring);
  if (validNamespace && admitted !== namespace)
    add(
      "cluster",
      `${platform.cluster}'s services admit ${admitted === undefined ? "no scraper" : `only namespace ${show(admitted)}`} ` +
        `to their metrics ports: give the cluster monitoring: { scraperNamespace: ${show(namespace)} } so ` +
        "that this Prometheus can scrape them",
    );
  return {
    stack: "kube-prometheus-stack",
    namespace,
    ...versions(request, add),
    annotationScrape: platform.monitoring?.discovery !== "podMonitor",
    images: {
      prometheus: partImage(request.prometheus, "prometheus", add),
      alertmanager: partImage(request.alertmanager, "alertmanager", add),
      grafana: partImage(request.grafana, "grafana", add),
      nodeExporter: partImage(request.nodeExporter, "nodeExporter", add),
    },
    watch: watch !== false,
  };
}

const isOutputLike = (value: unknown): boolean =>
  typeof value === "object" && value !== null && typeof (value as { apply?: unknown }).apply === "function";

/** The checks only Google Cloud Managed Service for Prometheus makes: it runs what GKE gives, nothing else. */
function managedPlan(
  request: MonitoringRequest,
  platform: MonitoringPlatform,
  add: AddIssue,
): ManagedPrometheusPlan {
  if (!platform.gke) {
    add(
      "kubernetes.stack",
      `"managed" is Google Cloud Managed Service for Prometheus, which only a GkeCluster has; ` +
        `${platform.cluster} takes "kube-prometheus-stack"`,
    );
    return { stack: "managed" };
  }
  if (platform.monitoring?.discovery !== "podMonitoring")
    add(
      "kubernetes.stack",
      `"managed" needs ${platform.cluster}'s managed collection, which it switches on with monitoring: ` +
        `{ discovery: "podMonitoring" } (its default), not ${show(platform.monitoring?.discovery)}`,
    );
  else if (scraperNamespace(platform.monitoring) !== managedPrometheusNamespace)
    add(
      "cluster",
      `${platform.cluster}'s services admit only namespace ${show(platform.monitoring.scraperNamespace)} to their ` +
        `metrics ports, where managed collection scrapes from ${show(managedPrometheusNamespace)}`,
    );
  const notHere = `means nothing to Google Cloud Managed Service for Prometheus ("managed")`;
  for (const field of ["namespace", "chartVersion", "operatorVersion", "values", "watch"] as const)
    if (request.kubernetes[field] !== undefined) add(`kubernetes.${field}`, `${notHere}: it runs no chart`);
  for (const part of ["prometheus", "alertmanager", "grafana", "nodeExporter"] as const)
    if (request[part].image !== undefined) add(`${part}.image`, `${notHere}: GKE runs its own images`);
  return { stack: "managed" };
}

/**
 * The plan for `request` on the cluster `platform` describes, or every reason it cannot be honoured, each
 * at its path in `Monitoring`'s arguments. The stack is `"managed"` on GKE and `"kube-prometheus-stack"`
 * elsewhere unless `kubernetes.stack` says.
 */
export function kubernetesMonitoringPlan(
  request: MonitoringRequest,
  platform: MonitoringPlatform,
): { plan: KubernetesMonitoringPlan; issues: ArgumentIssue[] } {
  const { issues, add } = issueCollector();
  const given: unknown = request.kubernetes;
  if (!isObject(given)) add("kubernetes", "must be an object of Kubernetes options");
  const options: KubernetesMonitoringOptions = isObject(given) ? given : {};
  unknownFields(options, optionFields, "kubernetes.", add);
  if (options.stack !== undefined && !stacks.includes(options.stack))
    add("kubernetes.stack", `must be one of ${stacks.map(show).join(", ")}, not ${show(options.stack)}`);
  for (const [field, port] of Object.entries(request.publish))
    if (port !== undefined)
      add(
        `publish.${field}`,
        "publishes a port on a swarm's nodes; on Kubernetes nothing is exposed: reach it with kubectl port-forward",
      );
  if (request.containerMetrics.image !== undefined)
    add(
      "containerMetrics.image",
      "the kubelets' own cAdvisor serves container metrics on Kubernetes: no image runs",
    );
  const stack = options.stack ?? (platform.gke ? "managed" : "kube-prometheus-stack");
  const plan =
    stack === "managed"
      ? managedPlan(request, platform, add)
      : kubePrometheusStackPlan(request, platform, add);
  return { plan, issues };
}
