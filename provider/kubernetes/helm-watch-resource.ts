import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../reference";
import { withSecretOutputs } from "../shared/secret-outputs";
import { helmWatchProvider } from "./helm-watch";

export interface HelmReleaseWatchArgs {
  /**
   * The kubeconfig reaching the release's cluster; kept secret in state.
   * @default the ambient kubeconfig (KUBECONFIG, ~/.kube/config, in-cluster)
   */
  kubeconfig?: pulumi.Input<string>;
  /** The kubeconfig context. @default its current context */
  context?: string;
  namespace: pulumi.Input<string>;
  /** The Helm release's name. */
  release: string;
  /** The chart version the release installs. */
  chartVersion: pulumi.Input<string>;
  /** `valuesDigest(values)` of the values the release installs; kept secret in state. */
  valuesDigest: pulumi.Input<string>;
  /** Helm's own timeout, in seconds. */
  timeoutSeconds: number;
  /** How long Helm may take to fetch and render the chart before it records the release. */
  startSeconds: number;
}

/**
 * Follows a Helm release while Helm installs or upgrades it, beside (not after) the release: logs its
 * workloads' progress, and fails naming the pods' reasons (ImagePullBackOff, CrashLoopBackOff,
 * Unschedulable...) when Helm fails. Created and updated with the same inputs as the release, so it
 * runs whenever Helm does; it creates and deletes nothing in the cluster.
 */
export class HelmReleaseWatch extends pulumi.dynamic.Resource {
  /** The release's revision followed to the end. */
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: HelmReleaseWatchArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("kubernetes:helm-watch", helmWatchProvider),
      name,
      {
        ...(args.kubeconfig !== undefined && { kubeconfig: pulumi.secret(args.kubeconfig) }),
        ...(args.context !== undefined && { context: args.context }),
        namespace: args.namespace,
        release: args.release,
        chartVersion: args.chartVersion,
        valuesDigest: pulumi.secret(args.valuesDigest),
        timeoutSeconds: args.timeoutSeconds,
        startSeconds: args.startSeconds,
        revision: undefined,
      },
      withSecretOutputs(opts, ["kubeconfig", "valuesDigest"]),
      "berth/kubernetes",
      "HelmReleaseWatch",
    );
  }
}
