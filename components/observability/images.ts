/** Default images of the monitoring, pinned. */
export const monitoringImages = {
  prometheus: "prom/prometheus:v3.0.0",
  alertmanager: "prom/alertmanager:v0.28.0",
  nodeExporter: "prom/node-exporter:v1.8.0",
  cadvisor: "gcr.io/cadvisor/cadvisor:v0.49.1",
  grafana: "grafana/grafana:11.0.0",
} as const;
