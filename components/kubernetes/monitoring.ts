/**
 * `Monitoring` on a Kubernetes cluster: checks what only Kubernetes checks, then deploys Google Cloud
 * Managed Service for Prometheus's part (GKE) or the Prometheus Operator stack. Loaded only by a program
 * that makes a `Monitoring`.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import { MonitoringArgumentsError } from "../observability/monitoring-args";
import type { KubernetesAccess } from "./context";
import { kubernetesMonitoringPlan, type MonitoringPlatform } from "./monitoring-plan";

/** The cluster a `Monitoring` is deployed on. */
export interface MonitoringCluster extends MonitoringPlatform {
  /** Every object is created with it. */
  provider: k8s.Provider;
  /** How the chart's watch reaches the cluster. */
  access?: KubernetesAccess;
  /** A Grafana dashboard's JSON model to load into the stack's Grafana; none unless given. */
  dashboardJson?: pulumi.Input<string>;
}

/**
 * Deploys monitoring of the cluster as children of `parent`.
 * @throws {@link MonitoringArgumentsError} naming every argument the cluster cannot honour, before
 *   anything is created.
 */
export function deployKubernetesMonitoring(
  name: string,
  request: MonitoringRequest,
  parent: pulumi.ComponentResource,
  cluster: MonitoringCluster,
): MonitoringDeployment {
  const { plan, issues } = kubernetesMonitoringPlan(request, cluster);
  if (issues.length > 0) throw new MonitoringArgumentsError(name, issues);
  if (plan.stack === "managed") {
    const { deployManagedPrometheus } =
      require("./managed-prometheus") as typeof import("./managed-prometheus");
    return deployManagedPrometheus(name, request, parent, cluster.provider);
  }
  const { deployKubePrometheusStack } =
    require("./kube-prometheus-stack") as typeof import("./kube-prometheus-stack");
  return deployKubePrometheusStack(name, request, plan, parent, {
    provider: cluster.provider,
    ...(cluster.access !== undefined && { access: cluster.access }),
    ...(cluster.dashboardJson !== undefined && { dashboardJson: cluster.dashboardJson }),
  });
}
