/**
 * Monitoring with the Prometheus Operator stack: the Operator's CRDs, the kube-prometheus-stack chart in a
 * namespace of its own, the Secrets it reads, and Berth's alert rules as a `PrometheusRule`.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import { alertmanagerConfig } from "../observability/alertmanager-config";
import { RandomPassword } from "../../provider/random/password";
import {
  alertmanagerConfigSecret,
  grafanaAdminSecret,
  kubePrometheusStackRelease,
  kubePrometheusStackRepository,
  kubePrometheusStackValues,
  mergeChartValues,
  prometheusOperatorCrdsUrl,
  type StackSettings,
  stackServices,
} from "./kube-prometheus-stack-values";
import type { KubePrometheusStackPlan } from "./monitoring-plan";
import { berthAlertName, berthRuleGroup } from "./monitoring-rules";
import type { KubernetesAccess } from "./context";
import { installHelmChart } from "./helm-chart-install";

/** The labels of every object Berth writes for the stack. */
const berthLabels = { "app.kubernetes.io/managed-by": "berth" };

/** The label Grafana's dashboard sidecar looks for, in every namespace. */
export const grafanaDashboardLabel = { grafana_dashboard: "1" };

/** What the stack is deployed with, besides the request. */
export interface KubePrometheusStackTarget {
  /** Every object is created with it. */
  provider: k8s.Provider;
  /** How the chart's watch reaches the cluster. @default the ambient kubeconfig */
  access?: KubernetesAccess;
  /**
   * A Grafana dashboard (its JSON model) to load into Grafana: a ConfigMap labelled
   * {@link grafanaDashboardLabel} that Grafana's sidecar picks up. None unless given.
   */
  dashboardJson?: pulumi.Input<string>;
}

function settings(request: MonitoringRequest, plan: KubePrometheusStackPlan): StackSettings {
  const { images } = plan;
  return {
    retention: request.retention,
    scrapeInterval: request.scrapeInterval,
    annotationScrape: plan.annotationScrape,
    ...(images.prometheus && { prometheusImage: images.prometheus }),
    ...(!request.alertmanager.skip && {
      alertmanager: { ...(images.alertmanager && { image: images.alertmanager }) },
    }),
    ...(!request.grafana.skip && { grafana: { ...(images.grafana && { image: images.grafana }) } }),
    ...(!request.nodeExporter.skip && {
      nodeExporter: { ...(images.nodeExporter && { image: images.nodeExporter }) },
    }),
    containerMetrics: !request.containerMetrics.skip,
  };
}

/** `http://<service>.<namespace>.svc.cluster.local:<port>`, once the release is installed. */
function inClusterUrl(
  service: { name: string; port: number },
  namespace: pulumi.Output<string>,
  release: k8s.helm.v3.Release,
): pulumi.Output<string> {
  return pulumi
    .all([namespace, release.id])
    .apply(([ns]) => `http://${service.name}.${ns}.svc.cluster.local:${service.port}`);
}

/**
 * Deploys the Prometheus Operator stack for `request` as children of `parent`: the namespace, the
 * Operator's CRDs (server-side applied, from the Operator release the chart ships), the Secrets holding
 * Alertmanager's configuration and Grafana's administrator, the chart (without its CRDs), and Berth's
 * rules as a `PrometheusRule`.
 */
export function deployKubePrometheusStack(
  name: string,
  request: MonitoringRequest,
  plan: KubePrometheusStackPlan,
  parent: pulumi.ComponentResource,
  target: KubePrometheusStackTarget,
): MonitoringDeployment {
  const sdk = require("@pulumi/kubernetes") as typeof k8s;
  const opts = { parent, provider: target.provider };
  const nodeExporter = !request.nodeExporter.skip;
  const namespace = new sdk.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: plan.namespace,
        // Node exporter reads the host's network, processes and file systems, which only the
        // privileged Pod Security level admits; without it the namespace keeps the cluster's level.
        labels: {
          ...berthLabels,
          ...(nodeExporter && { "pod-security.kubernetes.io/enforce": "privileged" }),
        },
      },
    },
    opts,
  );
  const ns = namespace.metadata.name;

  // The CRDs are too large for client-side apply's annotation; server-side apply (the provider's
  // default) has no such limit. A new Operator version updates them in place, before the chart.
  const crds = new sdk.yaml.v2.ConfigFile(
    `${name}-prometheus-operator-crds`,
    { file: prometheusOperatorCrdsUrl(plan.operatorVersion) },
    opts,
  );

  const secrets: k8s.core.v1.Secret[] = [];
  if (!request.alertmanager.skip)
    secrets.push(
      new sdk.core.v1.Secret(
        `${name}-alertmanager-config`,
        {
          metadata: { name: alertmanagerConfigSecret, namespace: ns, labels: berthLabels },
          stringData: { "alertmanager.yaml": pulumi.secret(alertmanagerConfig(request.receivers)) },
        },
        opts,
      ),
    );
  let grafanaAdminPassword: pulumi.Output<string> | undefined;
  if (!request.grafana.skip) {
    grafanaAdminPassword = new RandomPassword(`${name}-grafana-admin-password`, { length: 24 }, { parent })
      .result;
    secrets.push(
      new sdk.core.v1.Secret(
        `${name}-grafana-admin`,
        {
          metadata: { name: grafanaAdminSecret, namespace: ns, labels: berthLabels },
          stringData: { "admin-user": "admin", "admin-password": pulumi.secret(grafanaAdminPassword) },
        },
        opts,
      ),
    );
  }

  const berthValues = kubePrometheusStackValues(settings(request, plan));
  const values = pulumi
    .output(request.kubernetes.values ?? {})
    .apply((given) => mergeChartValues(berthValues, given as Record<string, unknown>));
  const { release } = installHelmChart(
    `${name}-kube-prometheus-stack`,
    {
      cluster: { provider: target.provider, namespace: ns, access: target.access },
      chart: "kube-prometheus-stack",
      repository: kubePrometheusStackRepository,
      version: plan.chartVersion,
      namespace: ns,
      releaseName: kubePrometheusStackRelease,
      values,
      // Berth applies the CRDs itself (above): Helm would install them once and never upgrade them.
      crds: "external",
      timeoutSeconds: 900,
      watch: plan.watch,
    },
    parent,
    [crds, ...secrets],
  );
  if (!release)
    throw new pulumi.ResourceError("kube-prometheus-stack was not installed as a release", parent);

  if (request.rules.enabled.length > 0)
    // After the release: the Operator's admission webhook checks PrometheusRules once it runs.
    new sdk.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "berth-alerts", namespace: ns, labels: berthLabels },
        spec: { groups: [berthRuleGroup(request.rules, request.scrapeInterval)] },
      },
      { ...opts, dependsOn: [release] },
    );

  if (target.dashboardJson !== undefined && !request.grafana.skip)
    new sdk.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: {
          name: "berth-dashboard",
          namespace: ns,
          labels: { ...berthLabels, ...grafanaDashboardLabel },
        },
        data: { "berth.json": target.dashboardJson },
      },
      opts,
    );

  return {
    prometheusUrl: inClusterUrl(stackServices.prometheus, ns, release),
    ...(!request.alertmanager.skip && {
      alertmanagerUrl: inClusterUrl(stackServices.alertmanager, ns, release),
    }),
    ...(grafanaAdminPassword && {
      grafanaUrl: inClusterUrl(stackServices.grafana, ns, release),
      grafanaAdminPassword: pulumi.secret(grafanaAdminPassword),
    }),
    alertNames: pulumi.output(request.rules.enabled.map(berthAlertName)),
  };
}
