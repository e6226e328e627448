import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { missingPeersMessage } from "../../provider/shared/peer-packages";
import type { ChartPreflight } from "./helm-chart-preflight";
import {
  type HelmReleaseArgs,
  HelmReleaseError,
  type HelmReleaseMode,
  isPlain,
  planHelmRelease,
} from "./helm-release-args";
import { valuesSchemaIssues } from "./helm-values-schema";

export * from "./helm-release-args";

/** How long Helm waits for the release's workloads, unless `timeoutSeconds` says otherwise. */
export const defaultHelmTimeoutSeconds = 600;

/** Where Helm finds the chart: a repository's chart by name, an OCI reference, or a local path. */
function chartSource(args: HelmReleaseArgs): { chart: string; repositoryOpts?: { repo: string } } {
  if (args.repository === undefined) return { chart: args.chart };
  if (args.repository.startsWith("oci://"))
    return { chart: `${args.repository.replace(/\/+$/, "")}/${args.chart}` };
  return { chart: args.chart, repositoryOpts: { repo: args.repository } };
}

/** The chart's CRDs as Berth applies them: server-side, taking over the fields an earlier Helm install set. */
function crdObjects(preflight: ChartPreflight): Record<string, unknown>[] {
  return preflight.crds.flatMap(({ objects }) =>
    objects.map((o) => {
      const metadata = (o.metadata ?? {}) as { annotations?: Record<string, string> };
      // Helm's first install owns the fields under its own field manager; without forcing, the
      // server-side apply of the next chart version would conflict with it.
      return {
        ...o,
        metadata: { ...metadata, annotations: { ...metadata.annotations, "pulumi.com/patchForce": "true" } },
      };
    }),
  );
}

/**
 * A Helm chart installed on a Kubernetes cluster, checked before anything is applied.
 *
 * `mode: "release"` (the default) makes a real Helm release (`helm.v3.Release`): hooks run, `helm list`
 * shows it, and Helm waits for its workloads. `mode: "objects"` renders the chart into objects Pulumi
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

  constructor(name: string, args: HelmReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:kubernetes:HelmRelease", name, {}, opts);
    const plan = planHelmRelease(args);
    if (plan.issues.length > 0) throw new HelmReleaseError(name, plan.issues, this);
    const missing = missingPeersMessage(`HelmRelease ${name}`, ["@pulumi/kubernetes"]);
    if (missing) throw new pulumi.ResourceError(missing, this);
    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    const { preflight } = plan;
    const provider = args.cluster.provider;
    const childOpts = { parent: this, provider };
    const releaseName = args.releaseName ?? name;
    const namespace = pulumi.output(args.namespace ?? args.cluster.namespace);

    const crds =
      plan.crds === "apply" && preflight && preflight.crds.length > 0
        ? new sdk.yaml.v2.ConfigGroup(
            `${name}-crds`,
            // Server-side apply is the provider's default: CRDs are too large for client-side apply's
            // annotation. Kept on delete, as Helm keeps them: deleting a CRD deletes every object of it.
            { objs: crdObjects(preflight) },
            { ...childOpts, retainOnDelete: true },
          )
        : undefined;
    const values = this.checkedValues(name, args, preflight);
    const source = chartSource(args);
    const common = {
      ...source,
      ...(args.version !== undefined && { version: args.version }),
      namespace,
      values,
      // Berth applied the CRDs above; with "skip" Helm installs them on first install only.
      skipCrds: plan.crds === "apply",
    };
    const dependsOn = crds ? [crds] : [];
    let release: k8s.helm.v3.Release | undefined;
    let chart: k8s.helm.v4.Chart | undefined;
    if (plan.mode === "release")
      release = new sdk.helm.v3.Release(
        name,
        {
          ...common,
          name: releaseName,
          // Helm's --wait: the release fails, naming what is not ready, when the timeout passes.
          skipAwait: false,
          waitForJobs: true,
          timeout: args.timeoutSeconds ?? defaultHelmTimeoutSeconds,
          // A failed upgrade rolls back to the last good revision instead of staying half applied.
          atomic: true,
          cleanupOnFail: true,
          createNamespace: false,
        },
        // The provider echoes the values back: keep them secret in state whatever they hold.
        { ...childOpts, dependsOn, additionalSecretOutputs: ["values"] },
      );
    else chart = new sdk.helm.v4.Chart(name, { ...common, name: releaseName }, { ...childOpts, dependsOn });

    const self = this as { -readonly [K in keyof HelmRelease]: HelmRelease[K] };
    self.releaseName = releaseName;
    self.namespace = namespace;
    self.mode = plan.mode;
    self.preflight = preflight;
    self.release = release;
    self.chart = chart;
    self.crds = crds;
    this.registerOutputs({ releaseName, namespace });
  }

  /**
   * The values the chart gets: given as plain data they were checked already; values holding outputs
   * are checked against the schema once they resolve (at preview when known then, otherwise before the
   * release is applied), and the release waits for the check. Secret values keep the whole secret.
   */
  private checkedValues(
    name: string,
    args: HelmReleaseArgs,
    preflight: ChartPreflight | undefined,
  ): pulumi.Output<Record<string, unknown>> {
    const given = pulumi.output(args.values ?? {}).apply((v) => v as Record<string, unknown>);
    const schema = preflight?.valuesSchema;
    if (!schema || isPlain(args.values)) return given;
    return given.apply((resolved) => {
      const issues = valuesSchemaIssues(schema, preflight.defaultValues, resolved);
      if (issues.length > 0) throw new HelmReleaseError(name, issues, this);
      return resolved;
    });
  }
}
