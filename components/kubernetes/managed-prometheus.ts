/**
 * Monitoring with Google Cloud Managed Service for Prometheus on GKE: Berth's alert rules as a
 * `ClusterRules`, which GKE's managed rule evaluator runs, and the configuration of GKE's managed
 * Alertmanager, which it reads from a Secret in `gmp-public`.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import { alertmanagerConfig } from "../observability/alertmanager-config";
import { managedPrometheusNamespace } from "./monitoring-plan";
import { berthAlertName, berthRuleGroup } from "./monitoring-rules";

/** The namespace GKE's managed collection reads users' settings from. */
export const managedPrometheusPublicNamespace = "gmp-public";

/** The Secret (and its key) the managed Alertmanager reads its configuration from, in `gmp-public`. */
export const managedAlertmanagerSecret = { name: "alertmanager", key: "alertmanager.yaml" } as const;

/** The managed Alertmanager's Service, in `gmp-system`. */
const managedAlertmanagerService = { name: "alertmanager", port: 9093 } as const;

/**
 * Deploys Berth's rules and alert routing on GKE's managed Prometheus as children of `parent`. The rules
 * are cluster-wide (`ClusterRules`): a namespace's `Rules` would see only that namespace's metrics, and
 * Berth's rules read kube-state-metrics and node metrics.
 */
export function deployManagedPrometheus(
  name: string,
  request: MonitoringRequest,
  parent: pulumi.ComponentResource,
  provider: k8s.Provider,
): MonitoringDeployment {
  const sdk = require("@pulumi/kubernetes") as typeof k8s;
  const opts = { parent, provider };
  const labels = { "app.kubernetes.io/managed-by": "berth" };
  if (request.rules.enabled.length > 0)
    new sdk.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.googleapis.com/v1",
        kind: "ClusterRules",
        metadata: { name: "berth-alerts", labels },
        spec: { groups: [berthRuleGroup(request.rules, request.scrapeInterval)] },
      },
      opts,
    );
  let alertmanagerUrl: pulumi.Output<string> | undefined;
  if (!request.alertmanager.skip) {
    const secret = new sdk.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: {
          name: managedAlertmanagerSecret.name,
          namespace: managedPrometheusPublicNamespace,
          labels,
        },
        stringData: { [managedAlertmanagerSecret.key]: pulumi.secret(alertmanagerConfig(request.receivers)) },
      },
      opts,
    );
    const { name: service, port } = managedAlertmanagerService;
    alertmanagerUrl = secret.id.apply(
      () => `http://${service}.${managedPrometheusNamespace}.svc.cluster.local:${port}`,
    );
  }
  return {
    ...(alertmanagerUrl && { alertmanagerUrl }),
    alertNames: pulumi.output(request.rules.enabled.map(berthAlertName)),
  };
}
