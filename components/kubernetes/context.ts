import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { KubernetesMonitoring } from "../spec/render/kubernetes";
import type { PodSecurityLevel } from "../spec/render/kubernetes-pod-security";

/** How Berth's waits reach a cluster: what its provider was given. */
export interface KubernetesAccess {
  /** The kubeconfig (secret). Absent: the ambient one. */
  kubeconfig?: pulumi.Output<string>;
  /** The kubeconfig context. Absent: its current context. */
  context?: string;
}

/** What each service deployed on a `KubernetesCluster` is handed. */
export interface KubernetesClusterContext {
  /** Every object is created with it. */
  provider: k8s.Provider;
  /** The namespace the services run in; resolves once it exists. */
  namespace: pulumi.Output<string>;
  /** The value of the `app.kubernetes.io/part-of` label on the stack's pods. */
  partOf: string;
  /** The key of the HMACs that name Secrets by their content. Secret. */
  salt: pulumi.Output<string>;
  /**
   * The kubeconfig that rollout waits use (secret); undefined when the cluster was given a provider
   * only: they then read the ambient kubeconfig, as a provider without one does.
   */
  kubeconfig?: pulumi.Output<string>;
  /** The kubeconfig context, when one was named. */
  kubeContext?: string;
  /** How the cluster's Prometheus finds services with metrics. */
  monitoring?: KubernetesMonitoring;
  /** The Pod Security level the namespace enforces (a tenant's: `restricted`); none by default. */
  podSecurity?: PodSecurityLevel;
  /** Node labels every pod is scheduled onto (a tenant's node pool); none by default. */
  nodeSelector?: Record<string, string>;
  /**
   * The namespaces whose pods each service's NetworkPolicy admits to its ports (a tenant's), instead of
   * the stack's pods; the stack's pods by default.
   */
  peerNamespaces?: string[];
  /**
   * An image pull Secret in the namespace that pods of services without registry credentials of their
   * own pull with (a tenant's); none by default.
   */
  imagePullSecret?: pulumi.Output<string>;
}
