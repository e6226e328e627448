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
  | k8s.networking.v1.NetworkPolicy
  | k8s.apiextensions.CustomResource;

/** `o` in `namespace`. */
export function placedIn(o: KubernetesObject, namespace: string): KubernetesObject {
  return { ...o, metadata: { ...o.metadata, namespace } } as KubernetesObject;
}

/**
 * Creates the typed `@pulumi/kubernetes` resource for a rendered object: `kind` is known when the
 * program runs (from the preview's rendering), `object` is the same object rendered from the resolved
 * service, placed in its namespace ({@link placedIn}).
 */
export function createObject(
  sdk: typeof k8s,
  pulumiName: string,
  kind: KubernetesObject["kind"],
  object: pulumi.Output<KubernetesObject>,
  opts: pulumi.CustomResourceOptions,
): WorkloadResource {
  const metadata = object.apply((o) => o.metadata);
  if (kind === "ServiceAccount") {
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
  }
  if (kind === "PodMonitor" || kind === "PodMonitoring") {
    // Custom resources of the cluster's monitoring: their CRDs come with it (Prometheus Operator, GMP).
    return new sdk.apiextensions.CustomResource(
      pulumiName,
      {
        apiVersion: kind === "PodMonitor" ? "monitoring.coreos.com/v1" : "monitoring.googleapis.com/v1",
        kind,
        metadata: metadata as pulumi.Output<k8s.types.input.meta.v1.ObjectMeta>,
        spec: object.apply((o) => (o as { spec?: unknown }).spec),
      },
      opts,
    );
  }
  const classes: Partial<Record<NonNullable<KubernetesObject["kind"]>, SpecResourceClass>> =
    specResourceClasses(sdk);
  const resourceClass = kind !== undefined && Object.hasOwn(classes, kind) ? classes[kind] : undefined;
  if (!resourceClass) throw new Error(`no Kubernetes resource for ${kind} ${pulumiName}`);
  // Each class takes its own kind's spec type; the renderer's object for `kind` carries that spec.
  const spec = object.apply((o) => (o as { spec?: unknown }).spec) as pulumi.Output<never>;
  return new resourceClass(pulumiName, { metadata, spec }, opts);
}

/** A resource class whose arguments are an object's `metadata` and `spec`. */
type SpecResourceClass = new (
  name: string,
  args: { metadata: pulumi.Output<KubernetesObject["metadata"]>; spec: pulumi.Output<never> },
  opts: pulumi.CustomResourceOptions,
) => WorkloadResource;

/** The kinds whose resource takes just `metadata` and `spec`, each with its typed resource class. */
function specResourceClasses(sdk: typeof k8s) {
  return {
    Deployment: sdk.apps.v1.Deployment,
    DaemonSet: sdk.apps.v1.DaemonSet,
    Job: sdk.batch.v1.Job,
    Service: sdk.core.v1.Service,
    Ingress: sdk.networking.v1.Ingress,
    HorizontalPodAutoscaler: sdk.autoscaling.v2.HorizontalPodAutoscaler,
    PodDisruptionBudget: sdk.policy.v1.PodDisruptionBudget,
    NetworkPolicy: sdk.networking.v1.NetworkPolicy,
  } satisfies Partial<Record<NonNullable<KubernetesObject["kind"]>, SpecResourceClass>>;
}
