import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * What a `GitOpsProject` or `GitOpsApplication` needs of an Argo CD installation: `ArgoCd` provides it,
 * and so can a hand-made object for an Argo CD that Berth did not install.
 */
export interface ArgoCdConnection {
  /** The namespace Argo CD runs in, where its projects, Applications and repository Secrets live. */
  readonly namespace: pulumi.Output<string>;
  /** The provider of the cluster Argo CD runs on. */
  readonly provider: k8s.Provider;
  /**
   * Namespaces besides Argo CD's own where Applications may be kept (Argo CD's
   * `application.namespaces`). A project can only admit Applications from these.
   */
  readonly applicationNamespaces: readonly string[];
  /** What must exist before Argo CD's custom resources can be created (its CRDs and its release). */
  readonly ready: pulumi.Input<pulumi.Resource>[];
}

/** The API server of the cluster Argo CD runs on, as Argo CD names it. */
export const inClusterServer = "https://kubernetes.default.svc";

/** Labels of every object Berth creates for Argo CD. */
export const gitOpsLabels = { "app.kubernetes.io/managed-by": "berth" };
