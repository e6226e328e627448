import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HelmReleaseWatch } from "../../provider/kubernetes/helm-watch-resource";
import type { ChartPreflight } from "./helm-chart-preflight";
import { installHelmChart } from "./helm-chart-install";
import type { HelmReleaseArgs, HelmReleaseMode } from "./helm-release-args";

export * from "./helm-release-args";
export { defaultHelmTimeoutSeconds } from "./helm-chart-install";

/**
 * A Helm chart installed on a Kubernetes cluster, checked before anything is applied.
 *
 * `mode: "release"` (the default) makes a real Helm release (`helm.v3.Release`): hooks run, `helm list`
 * shows it, and Helm waits for its workloads, rolling a failed upgrade back, while Berth logs their
 * progress and, when Helm gives up, fails naming what the pods said. `mode: "objects"` renders the chart into objects Pulumi
 * owns (`helm.v4.Chart`), and is refused for a chart whose templates declare hooks, call `lookup` or
 * generate random values, naming each template. Values are checked against the chart's
 * `values.schema.json`; the chart's CRDs are applied server-side before it, and updated with it.
 *
 * ```ts
 * const ingress = new HelmRelease("ingress", {
 *   cluster,
 *   chart: "ingress-nginx",
 *   repository: "https://kubernetes.github.io/ingress-nginx",
 *   version: "4.11.3",
 *   values: { controller: { replicaCount: 2 } },
 * });
 * ```
 *
 * @throws {@link HelmReleaseError} for wrong arguments, a chart the mode cannot install, or values its
 * schema refuses, listing each, before anything is created.
 */
export class HelmRelease extends pulumi.ComponentResource {
  /** The Helm release's name. */
  declare readonly releaseName: string;
  /** The namespace the chart is installed in. */
  declare readonly namespace: pulumi.Output<string>;
  /** How the chart is installed. */
  declare readonly mode: HelmReleaseMode;
  /** What the preflight read from the chart; undefined for a remote chart without `chartArchive`. */
  declare readonly preflight: ChartPreflight | undefined;
  /** The Helm release, in `release` mode. */
  declare readonly release: k8s.helm.v3.Release | undefined;
  /** The rendered chart, in `objects` mode. */
  declare readonly chart: k8s.helm.v4.Chart | undefined;
  /** The chart's CRDs as Berth applies them; undefined with `crds: "skip"` or a chart without CRDs. */
  declare readonly crds: k8s.yaml.v2.ConfigGroup | undefined;
  /** What follows the release while Helm installs it, in `release` mode unless `watch` is false. */
  declare readonly watch: HelmReleaseWatch | undefined;

  constructor(name: string, args: HelmReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:kubernetes:HelmRelease", name, {}, opts);
    const installed = installHelmChart(name, args, this);
    const self = this as { -readonly [K in keyof HelmRelease]: HelmRelease[K] };
    Object.assign(self, installed);
    this.registerOutputs({ releaseName: installed.releaseName, namespace: installed.namespace });
  }
}
