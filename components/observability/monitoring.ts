import * as pulumi from "@pulumi/pulumi";
import { type MonitoringArgs, MonitoringArgumentsError, monitoringRequest } from "./monitoring-args";

/**
 * Monitoring for any cluster: its services' metrics collected, Berth's default alert rules, alerts sent
 * to the receivers given, and a dashboard. What runs depends on the target (docs/observability.md):
 * - a swarm: Prometheus (on a manager, data on a volume), Alertmanager, node exporter and cAdvisor on
 *   every node, and Grafana with Prometheus as its data source and Berth's dashboard; nothing published
 *   unless `publish` names it;
 * - Kubernetes: the Prometheus Operator stack (kube-prometheus-stack) with its CRDs, or Google Managed
 *   Prometheus on GKE, with Berth's rules;
 * - ECS: Container Insights, CloudWatch alarms per service and a CloudWatch dashboard.
 *
 * ```ts
 * const cluster = new LocalSwarm("local");
 * new Monitoring("mon", { cluster, receivers: { webhooks: [config.requireSecret("alertWebhook")] } });
 * new ContainerService("api", { cluster, image, metrics: { port: 9100 } });
 * ```
 *
 * @throws {@link MonitoringArgumentsError} for wrong arguments, listing each, before anything is created.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** Prometheus's HTTP API, as the cluster's services reach it (or its published address). */
  readonly prometheusUrl: pulumi.Output<string | undefined>;
  /** Alertmanager's HTTP API, where one runs. */
  readonly alertmanagerUrl: pulumi.Output<string | undefined>;
  /** Grafana, where one runs. */
  readonly grafanaUrl: pulumi.Output<string | undefined>;
  /** Grafana's `admin` password, generated at create and kept. Secret. */
  readonly grafanaAdminPassword: pulumi.Output<string | undefined>;
  /** Berth's dashboard: a Grafana path or a CloudWatch console URL. */
  readonly dashboardUrl: pulumi.Output<string | undefined>;
  /** The alerts installed, as the target names them (Prometheus alert names, CloudWatch alarm names). */
  readonly alertNames: pulumi.Output<string[]>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:observability:Monitoring", name, {}, opts);
    const request = monitoringRequest(name, args);
    const cluster = args.cluster;
    if (!cluster.deployMonitoring)
      throw new MonitoringArgumentsError(name, [
        { path: "cluster", message: `a ${cluster.target} cluster of this kind cannot deploy monitoring` },
      ]);
    const deployment = cluster.deployMonitoring(name, request, this);
    this.prometheusUrl = pulumi.output(deployment.prometheusUrl);
    this.alertmanagerUrl = pulumi.output(deployment.alertmanagerUrl);
    this.grafanaUrl = pulumi.output(deployment.grafanaUrl);
    this.grafanaAdminPassword = pulumi.secret(pulumi.output(deployment.grafanaAdminPassword));
    this.dashboardUrl = pulumi.output(deployment.dashboardUrl);
    this.alertNames = deployment.alertNames;
    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      grafanaAdminPassword: this.grafanaAdminPassword,
      dashboardUrl: this.dashboardUrl,
      alertNames: this.alertNames,
    });
  }
}
