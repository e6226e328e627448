import * as pulumi from "@pulumi/pulumi";
import { rolloutProvider } from "../../provider/kubernetes/rollout";
import { dynamicProvider } from "../../provider/reference";

export interface KubernetesRolloutArgs {
  /**
   * The kubeconfig reaching the workload's cluster; kept secret in state whatever the caller passes.
   * @default the ambient kubeconfig (KUBECONFIG, ~/.kube/config, in-cluster), as the Kubernetes provider uses
   */
  kubeconfig?: pulumi.Input<string>;
  /**
   * The kubeconfig context.
   * @default its current context
   */
  context?: string;
  namespace: pulumi.Input<string>;
  kind: "Deployment" | "DaemonSet";
  /** The workload's name. */
  workload: pulumi.Input<string>;
  /**
   * The workload's metadata.uid as its Kubernetes resource reported it: a kubeconfig reaching any other
   * object (another cluster, a workload created again) is refused. A new UID replaces this resource.
   */
  uid: pulumi.Input<string>;
  /**
   * The desired pod template. A change waits for the new rollout; on an update, a live template that
   * differs (an earlier rollback) is replaced by this one first.
   */
  template: pulumi.Input<object>;
  /** What a failed rollout does: `rollback` undoes it (as `kubectl rollout undo`), `pause` leaves it. */
  failureAction: "rollback" | "pause";
  /** How long a rollout (and then its rollback) may take. */
  timeoutSeconds: number;
}

/**
 * Waits for a Deployment's or DaemonSet's rollout, reports a failed one with its pods' reasons
 * (ImagePullBackOff, CrashLoopBackOff, Unschedulable, ProgressDeadlineExceeded...), and with
 * `failureAction: "rollback"` rolls it back to the previous revision before failing the update.
 * Made after the workload (which then carries `pulumi.com/skipAwait: "true"`); it creates and deletes
 * nothing in the cluster.
 */
export class KubernetesRollout extends pulumi.dynamic.Resource {
  /** The workload's revision once rolled out. */
  declare readonly revision: pulumi.Output<number>;
  declare readonly template: pulumi.Output<object>;

  constructor(name: string, args: KubernetesRolloutArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("kubernetes:rollout", rolloutProvider),
      name,
      {
        // Only the inputs given: the SDK makes four promises, each with a stack trace, per property.
        ...(args.kubeconfig !== undefined && { kubeconfig: pulumi.secret(args.kubeconfig) }),
        ...(args.context !== undefined && { context: args.context }),
        namespace: args.namespace,
        kind: args.kind,
        workload: args.workload,
        uid: args.uid,
        template: args.template,
        failureAction: args.failureAction,
        timeoutSeconds: args.timeoutSeconds,
        revision: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig"] },
      "berth/kubernetes",
      "KubernetesRollout",
    );
  }
}
