/**
 * `pulumi-berth/observability`: monitoring and log shipping for any cluster. {@link Monitoring} collects
 * services' metrics, alerts on Berth's default rules and draws a dashboard; {@link Logging} ships every
 * container's logs to a sink.
 *
 * @module pulumi-berth/observability
 */
export { Monitoring } from "./monitoring";
export { type MonitoringArgs, MonitoringArgumentsError } from "./monitoring-args";
export { parsePrometheusDuration, prometheusDuration } from "./durations";
export { Logging } from "./logging";
export { type LoggingArgs, LoggingArgumentsError } from "./logging-args";
export { fluentBitImage, fluentBitVersion } from "./fluent-bit-config";
export type {
  AlertReceivers,
  AlertRuleName,
  AlertRuleSettings,
  EcsMonitoringOptions,
  EmailReceiver,
  KubernetesMonitoringOptions,
  CloudWatchSink,
  ElasticsearchSink,
  HttpSink,
  LoggingDeployment,
  LoggingRequest,
  LogSink,
  LokiSink,
  MonitoringDeployment,
  MonitoringPart,
  MonitoringPublish,
  MonitoringRequest,
  NormalizedAlertRules,
  StdoutSink,
  SwarmMonitoringOptions,
} from "../observability-contract";
export { alertmanagerConfig, alertReceiverName, type AlertRouting } from "./alertmanager-config";
export { berthDashboard, berthDashboardUid } from "./grafana-dashboard";
export {
  type DashboardQueries,
  kubernetesDashboardQueries,
  swarmDashboardQueries,
} from "./dashboard-queries";
export {
  grafanaProvisioning,
  type GrafanaProvisioning,
  type GrafanaProvisioningArgs,
  prometheusDataSourceUid,
} from "./grafana-provisioning";
export { monitoringImages } from "./images";
export { swarmServiceSeries } from "./swarm-series";
