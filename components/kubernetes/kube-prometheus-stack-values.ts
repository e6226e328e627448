/**
 * The kube-prometheus-stack chart as Berth installs it: the pinned chart and Prometheus Operator versions,
 * where the Operator's CRDs come from, and the chart's values. Plain data in, plain data out.
 */
import type { ImageReference } from "../spec/image";

/**
 * The kube-prometheus-stack chart version Berth installs unless told otherwise. Its `appVersion` is
 * {@link defaultPrometheusOperatorVersion}: the two change together.
 */
export const defaultKubePrometheusStackVersion = "88.3.0";

/** The Prometheus Operator version of {@link defaultKubePrometheusStackVersion} (its `appVersion`). */
export const defaultPrometheusOperatorVersion = "v0.93.0";

/** The Helm repository of the chart. */
export const kubePrometheusStackRepository = "https://prometheus-community.github.io/helm-charts";

/** The Helm release's name, one per cluster: the chart's cluster-wide objects carry its names. */
export const kubePrometheusStackRelease = "berth-monitoring";

/** The prefix of every object the chart names (`fullnameOverride`), so that Services have known names. */
export const stackFullname = "berth";

/** The Services of the stack and their ports, as the chart names them with {@link stackFullname}. */
export const stackServices = {
  prometheus: { name: `${stackFullname}-prometheus`, port: 9090 },
  alertmanager: { name: `${stackFullname}-alertmanager`, port: 9093 },
  grafana: { name: `${stackFullname}-grafana`, port: 80 },
} as const;

/** The Secret holding Alertmanager's configuration (key `alertmanager.yaml`), which Berth writes. */
export const alertmanagerConfigSecret = `${stackFullname}-alertmanager-config`;

/** The Secret holding Grafana's administrator (keys `admin-user`, `admin-password`), which Berth writes. */
export const grafanaAdminSecret = `${stackFullname}-grafana-admin`;

/**
 * The Prometheus Operator's CRDs of release `operatorVersion` (`v0.93.0`), as one manifest: the release's
 * `stripped-down-crds.yaml`, the CRDs without their descriptions.
 */
export function prometheusOperatorCrdsUrl(operatorVersion: string): string {
  return `https://github.com/prometheus-operator/prometheus-operator/releases/download/${operatorVersion}/stripped-down-crds.yaml`;
}

/** What Berth's values say, with every choice made. */
export interface StackSettings {
  /** Prometheus's retention, a Prometheus duration. */
  retention: string;
  /** How often Prometheus scrapes and evaluates rules, a Prometheus duration. */
  scrapeInterval: string;
  /** Scrape pods by their `prometheus.io/*` annotations, Berth's default discovery. */
  annotationScrape: boolean;
  /** Prometheus's image, when not the chart's. */
  prometheusImage?: ImageReference;
  /** Alertmanager, reading its configuration from {@link alertmanagerConfigSecret}; undefined leaves it out. */
  alertmanager?: { image?: ImageReference };
  /** Grafana, its administrator from {@link grafanaAdminSecret}; undefined leaves it out. */
  grafana?: { image?: ImageReference };
  /** Node exporter on every node; undefined leaves it out. */
  nodeExporter?: { image?: ImageReference };
  /** Scrape the kubelets' cAdvisor for container metrics. */
  containerMetrics: boolean;
}

/** `over` merged into `base`: objects key by key, anything else (lists included) replaced. */
export function mergeChartValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isObject(value) && isObject(base[key]) ? mergeChartValues(base[key], value) : value;
  }
  return merged;
}

/** An image as the chart's own images take it: `registry`, `repository`, `tag`, `sha` (hex of a sha256). */
function chartImage(image: ImageReference): Record<string, string> {
  return {
    registry: image.domain ?? "docker.io",
    repository: image.path,
    tag: image.tag ?? "",
    sha: image.digest?.replace(/^sha256:/, "") ?? "",
  };
}

/** An image as the node exporter chart takes it: with `digest` whole, where the others take `sha`. */
function nodeExporterImage(image: ImageReference): Record<string, string> {
  return {
    registry: image.domain ?? "docker.io",
    repository: image.path,
    ...(image.tag !== undefined && { tag: image.tag }),
    digest: image.digest ?? "",
  };
}

/**
 * A scrape job for pods that ask to be scraped with the `prometheus.io/*` annotations (what Berth puts on
 * every service with `metrics`): the annotated port, path and scheme, and the pod's namespace, name,
 * node and service (its `app.kubernetes.io/name` label) as labels. Pods that are not running are left out.
 */
export function annotatedPodsScrapeJob(): Record<string, unknown> {
  const annotation = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;
  return {
    job_name: "berth-annotated-pods",
    kubernetes_sd_configs: [{ role: "pod" }],
    relabel_configs: [
      { source_labels: [annotation("scrape")], regex: "true", action: "keep" },
      {
        source_labels: ["__meta_kubernetes_pod_phase"],
        regex: "Pending|Succeeded|Failed|Unknown",
        action: "drop",
      },
      // One target per declared container port becomes the same address: Prometheus keeps one of them.
      {
        source_labels: ["__meta_kubernetes_pod_ip", annotation("port")],
        regex: "([^:]+);(\\d+)",
        replacement: "$1:$2",
        target_label: "__address__",
      },
      {
        source_labels: ["__meta_kubernetes_pod_ip", annotation("port")],
        regex: "(.*:.*);(\\d+)",
        replacement: "[$1]:$2",
        target_label: "__address__",
      },
      { source_labels: [annotation("path")], regex: "(.+)", target_label: "__metrics_path__" },
      { source_labels: [annotation("scheme")], regex: "(https?)", target_label: "__scheme__" },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
      { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" },
      {
        source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
        regex: "(.+)",
        target_label: "service",
      },
    ],
  };
}

/**
 * The chart's values for `settings`, before the user's: Berth's rules only (the chart's own are off, and
 * so are the control-plane scrapes that managed clusters do not expose); Prometheus selecting every
 * PodMonitor, ServiceMonitor, Probe, ScrapeConfig and PrometheusRule of the cluster; the CRDs left to
 * Berth; Services of type ClusterIP only; Alertmanager's configuration and Grafana's administrator read
 * from Secrets Berth writes, so that no secret is in the values.
 */
export function kubePrometheusStackValues(settings: StackSettings): Record<string, unknown> {
  const { alertmanager, grafana, nodeExporter } = settings;
  const clusterIp = { type: "ClusterIP" };
  return {
    fullnameOverride: stackFullname,
    crds: { enabled: false },
    defaultRules: { create: false },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    kubelet: { serviceMonitor: { cAdvisor: settings.containerMetrics } },
    prometheus: {
      service: clusterIp,
      prometheusSpec: {
        retention: settings.retention,
        scrapeInterval: settings.scrapeInterval,
        evaluationInterval: settings.scrapeInterval,
        podMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        additionalScrapeConfigs: settings.annotationScrape ? [annotatedPodsScrapeJob()] : [],
        ...(settings.prometheusImage && { image: chartImage(settings.prometheusImage) }),
      },
    },
    alertmanager: alertmanager
      ? {
          enabled: true,
          service: clusterIp,
          alertmanagerSpec: {
            useExistingSecret: true,
            configSecret: alertmanagerConfigSecret,
            ...(alertmanager.image && { image: chartImage(alertmanager.image) }),
          },
        }
      : { enabled: false },
    grafana: grafana
      ? {
          enabled: true,
          fullnameOverride: stackServices.grafana.name,
          service: clusterIp,
          admin: { existingSecret: grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
          ...(grafana.image && { image: chartImage(grafana.image) }),
        }
      : { enabled: false },
    nodeExporter: { enabled: nodeExporter !== undefined },
    "prometheus-node-exporter": {
      fullnameOverride: `${stackFullname}-node-exporter`,
      ...(nodeExporter?.image && { image: nodeExporterImage(nodeExporter.image) }),
    },
    "kube-state-metrics": { fullnameOverride: `${stackFullname}-kube-state-metrics` },
  };
}
