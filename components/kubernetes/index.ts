/**
 * `pulumi-berth/kubernetes`: Kubernetes clusters and workloads.
 *
 * @module pulumi-berth/kubernetes
 */
export { renderKubernetes, failureActionAnnotation, type KubernetesObject } from "../spec/render/kubernetes";
export {
  partOfLabel,
  type KubernetesMonitoring,
  type KubernetesObjectNames,
  type KubernetesRenderOptions,
  type PodMonitor,
  type PodMonitoring,
} from "../spec/render/kubernetes";
export type { PodSecurityLevel } from "../spec/render/kubernetes-pod-security";
export {
  KubernetesCluster,
  KubernetesClusterError,
  type KubernetesClusterArgs,
  type KubernetesClusterIssue,
} from "./cluster";
export { kubernetesClusterIssues, defaultNamespace } from "./cluster-args";
export type { KubernetesAccess, KubernetesClusterContext } from "./context";
export type { KubernetesWorkload, KubernetesWorkloadArgs, KubernetesWorkloadResult } from "./workload";
export { GkeCluster, GkeClusterError, type GkeClusterArgs, type GkeNodePoolArgs } from "./gke";
export {
  HelmRelease,
  HelmReleaseError,
  defaultHelmTimeoutSeconds,
  type HelmReleaseArgs,
  type HelmReleaseCluster,
  type HelmCrds,
  type HelmReleaseMode,
} from "./helm-release";
export {
  chartPreflight,
  randomGenerators,
  type ChartHazard,
  type ChartPreflight,
} from "./helm-chart-preflight";
export { readChartFiles, type ChartFiles } from "./helm-chart-files";
export { type ArgoCdConnection, inClusterServer } from "./gitops-contract";
export {
  GitOpsProject,
  GitOpsProjectArgumentsError,
  repositorySecretLabel,
  repositorySecretName,
  resourcesFinalizer,
} from "./gitops-project";
export type {
  GitOpsClusterResource,
  GitOpsDestination,
  GitOpsHttpsCredentials,
  GitOpsProjectArgs,
  GitOpsRepository,
  GitOpsSshCredentials,
} from "./gitops-args";
export { GitOpsApplication, GitOpsApplicationArgumentsError } from "./gitops-application";
export type {
  GitOpsApplicationArgs,
  GitOpsChartSource,
  GitOpsPathSource,
  GitOpsProjectReference,
  GitOpsSyncPolicy,
} from "./gitops-application-args";
export { ArgoCd, ArgoCdArgumentsError } from "./argocd";
export type { ArgoCdArgs, ArgoCdSso } from "./argocd-args";
export { argoCdChart } from "./argocd-values";
export {
  kubernetesManifestObjects,
  type KubernetesManifestOptions,
  renderKubernetesManifests,
} from "./manifests";
