import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject } from "../spec/render/kubernetes";

/** The kinds the workload creates from the renderer's objects, each as its typed resource. */
export type WorkloadResource =
  | k8s.apps.v1.Deployment
  | k8s.apps.v1.DaemonSet
  | k8s.batch.v1.Job
  | k8s.core.v1.Service
  | k8s.networking.v1.Ingress
  | k8s.autoscaling.v2.HorizontalPodAutoscaler
  | k8s.policy.v1.PodDisruptionBudget
  | k8s.core.v1.ServiceAccount
  | k8s.networking.v1.NetworkPolicy;

/**
 * Creates the typed `@pulumi/kubernetes` resource for a rendered object: `kind` is known when the
 * program runs (from the preview's rendering), `object` is the same object rendered from the resolved
 * service, placed in `namespace`.
 */
export function createObject(
  sdk: typeof k8s,
  pulumiName: string,
  kind: KubernetesObject["kind"],
  object: pulumi.Output<KubernetesObject>,
  namespace: pulumi.Output<string>,
  opts: pulumi.CustomResourceOptions,
): WorkloadResource {
  const metadata = pulumi.all([object, namespace]).apply(([o, ns]) => ({ ...o.metadata, namespace: ns }));
  const spec = <T>() => object.apply((o) => (o as { spec?: unknown }).spec as T);
  switch (kind) {
    case "Deployment":
      return new sdk.apps.v1.Deployment(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.apps.v1.DeploymentSpec>() },
        opts,
      );
    case "DaemonSet":
      return new sdk.apps.v1.DaemonSet(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.apps.v1.DaemonSetSpec>() },
        opts,
      );
    case "Job":
      return new sdk.batch.v1.Job(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.batch.v1.JobSpec>() },
        opts,
      );
    case "Service":
      return new sdk.core.v1.Service(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.core.v1.ServiceSpec>() },
        opts,
      );
    case "Ingress":
      return new sdk.networking.v1.Ingress(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.networking.v1.IngressSpec>() },
        opts,
      );
    case "HorizontalPodAutoscaler":
      return new sdk.autoscaling.v2.HorizontalPodAutoscaler(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec>() },
        opts,
      );
    case "PodDisruptionBudget":
      return new sdk.policy.v1.PodDisruptionBudget(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.policy.v1.PodDisruptionBudgetSpec>() },
        opts,
      );
    case "NetworkPolicy":
      return new sdk.networking.v1.NetworkPolicy(
        pulumiName,
        { metadata, spec: spec<k8s.types.input.networking.v1.NetworkPolicySpec>() },
        opts,
      );
    case "ServiceAccount":
      return new sdk.core.v1.ServiceAccount(
        pulumiName,
        {
          metadata,
          automountServiceAccountToken: object.apply(
            (o) => (o as { automountServiceAccountToken?: boolean }).automountServiceAccountToken,
          ),
        },
        opts,
      );
    default:
      throw new Error(`no Kubernetes resource for ${kind} ${pulumiName}`);
  }
}
