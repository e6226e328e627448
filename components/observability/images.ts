/**
 * The images the monitoring runs unless told otherwise, each pinned by the digest of its multi-platform
 * index, so every node pulls the same build for its own architecture and a moved tag changes nothing.
 */
export const monitoringImages = {
  // Digest read in jaegertracing/jaeger, docker-compose/monitor/docker-compose.yml.
  /** Prometheus 3.12.0. */
  prometheus:
    "prom/prometheus:v3.12.0@sha256:69f5241418838263316593f7274a304b095c40bcf22e57272865da91bd60a8ac",
  // Digest read in farhadesmaeili/YolPol, deploy/operations/yolpol-deploy-policy.py (as quay.io/prometheus/alertmanager, the same index).
  /** Alertmanager 0.32.1. */
  alertmanager:
    "prom/alertmanager:v0.32.1@sha256:51a825c2a40acc3e338fdd00d622e01ec090f72be2b3ea46be0839cd47a4d286",
  // Digest read in StuHelper/StuHelper, docker-compose.observability.yml.
  /** Node exporter 1.12.1. */
  nodeExporter:
    "prom/node-exporter:v1.12.1@sha256:1b4e4438faca4dd7e001dd445d161a4a2091b0fededa84093b3a8dfeae1f1be0",
  // Digest read in StuHelper/StuHelper, docker-compose.observability.yml.
  /**
   * cAdvisor 0.60.5, from the registry cAdvisor now publishes to (`ghcr.io`, no longer `gcr.io`). It
   * negotiates the Docker API version; older releases that speak only API 1.41 (0.52 among them) are
   * refused by Docker Engine 29.0 and 29.1, and their series lose the containers' names and labels.
   */
  cadvisor:
    "ghcr.io/google/cadvisor:v0.60.5@sha256:763aecf1c32c2be8a1a75f9abfc2fc461005c9dbbaa39cb356b354aac1296dbe",
  // Digest read in jaegertracing/jaeger, docker-compose/monitor/docker-compose.yml.
  /** Grafana OSS 12.4.2. */
  grafana: "grafana/grafana:12.4.2@sha256:83749231c3835e390a3144e5e940203e42b9589761f20ef3169c716e734ad505",
} as const;
