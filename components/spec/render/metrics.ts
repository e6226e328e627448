/**
 * How each target tells a scraper where a service's metrics are. The `prometheus.io/*` keys are the
 * convention Prometheus configurations relabel from (Swarm service labels, Kubernetes pod annotations);
 * the `ECS_PROMETHEUS_*` docker labels are what the CloudWatch agent's ECS service discovery reads.
 */
import type { NormalizedMetrics } from "../types";

/** `prometheus.io/scrape`, `port`, `path` and `scheme` for a service with metrics; none without. */
export function prometheusKeys(metrics: NormalizedMetrics | undefined): Record<string, string> {
  if (!metrics) return {};
  return {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": String(metrics.port),
    "prometheus.io/path": metrics.path,
    "prometheus.io/scheme": metrics.scheme,
  };
}

/** The docker labels the CloudWatch agent's ECS Prometheus discovery selects tasks by. */
export function cloudWatchPrometheusLabels(
  service: string,
  metrics: NormalizedMetrics | undefined,
): Record<string, string> {
  if (!metrics) return {};
  return {
    ECS_PROMETHEUS_EXPORTER_PORT: String(metrics.port),
    ECS_PROMETHEUS_METRICS_PATH: metrics.path,
    ECS_PROMETHEUS_JOB_NAME: service,
  };
}
