/**
 * Installing a checked Helm chart as children of a component: the CRDs, then a Helm release or the
 * rendered chart. `HelmRelease` is this behind a component of its own; `HarborRegistry` calls it
 * directly, so that its release keeps the place (and URN) it always had.
 */
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
import { valuesDigest } from "../../provider/kubernetes/helm-watch";
import { HelmReleaseWatch } from "../../provider/kubernetes/helm-watch-resource";

/** How long Helm waits for the release's workloads, unless `timeoutSeconds` says otherwise. */
export const defaultHelmTimeoutSeconds = 600;

/** How long Helm may take to fetch and render a chart before the release's watch gives up on it. */
const helmStartSeconds = 180;

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
 * The values the chart gets: given as plain data they were checked already; values holding outputs
 * are checked against the schema once they resolve (at preview when known then, otherwise before the
 * release is applied), and the release waits for the check. Secret values keep the whole secret.
 */
function checkedValues(
  name: string,
  args: HelmReleaseArgs,
  preflight: ChartPreflight | undefined,
  parent: pulumi.Resource,
): pulumi.Output<Record<string, unknown>> {
  const given = pulumi.output(args.values ?? {}).apply((v) => v as Record<string, unknown>);
  const schema = preflight?.valuesSchema;
  if (!schema || isPlain(args.values)) return given;
  return given.apply((resolved) => {
    const issues = valuesSchemaIssues(schema, preflight.defaultValues, resolved);
    if (issues.length > 0) throw new HelmReleaseError(name, issues, parent);
    return resolved;
  });
}

/** What {@link installHelmChart} created. */
export interface HelmChartInstall {
  /** The Helm release's name. */
  releaseName: string;
  /** The namespace the chart is installed in. */
  namespace: pulumi.Output<string>;
  /** How the chart is installed. */
  mode: HelmReleaseMode;
  /** What the preflight read; undefined for a remote chart without `chartArchive`. */
  preflight: ChartPreflight | undefined;
  /** The Helm release, in `release` mode. */
  release: k8s.helm.v3.Release | undefined;
  /** The rendered chart, in `objects` mode. */
  chart: k8s.helm.v4.Chart | undefined;
  /** The CRDs Berth applies, if any. */
  crds: k8s.yaml.v2.ConfigGroup | undefined;
  /** What follows the release while Helm installs it, in `release` mode unless `watch` is false. */
  watch: HelmReleaseWatch | undefined;
}

/**
 * Checks `args` (the chart's preflight included) and installs the chart as children of `parent`, each
 * named from `name`: `<name>-crds`, then the release or the chart `<name>`.
 *
 * @throws {@link HelmReleaseError} naming `name`, before anything is created.
 */
export function installHelmChart(
  name: string,
  args: HelmReleaseArgs,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[] = [],
): HelmChartInstall {
  const plan = planHelmRelease(args);
  if (plan.issues.length > 0) throw new HelmReleaseError(name, plan.issues, parent);
  const missing = missingPeersMessage(`HelmRelease ${name}`, ["@pulumi/kubernetes"]);
  if (missing) throw new pulumi.ResourceError(missing, parent);
  const sdk = require("@pulumi/kubernetes") as typeof k8s;
  const { preflight } = plan;
  const provider = args.cluster.provider;
  const childOpts = { parent, provider };
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
  const values = checkedValues(name, args, preflight, parent);
  const source = chartSource(args);
  const common = {
    ...source,
    ...(args.version !== undefined && { version: args.version }),
    namespace,
    values,
    // Berth applied the CRDs above, or the caller did; with "skip" Helm installs them on first install only.
    skipCrds: plan.crds !== "skip",
  };
  const prerequisites = crds ? [...dependsOn, crds] : dependsOn;
  let release: k8s.helm.v3.Release | undefined;
  let chart: k8s.helm.v4.Chart | undefined;
  let watch: HelmReleaseWatch | undefined;
  const timeoutSeconds = args.timeoutSeconds ?? defaultHelmTimeoutSeconds;
  if (plan.mode === "release") {
    release = new sdk.helm.v3.Release(
      name,
      {
        ...common,
        name: releaseName,
        // Helm's --wait: the release fails, naming what is not ready, when the timeout passes.
        skipAwait: false,
        waitForJobs: true,
        timeout: timeoutSeconds,
        // A failed upgrade rolls back to the last good revision instead of staying half applied.
        atomic: true,
        cleanupOnFail: true,
        createNamespace: false,
      },
      // The provider echoes the values back: keep them secret in state whatever they hold.
      { ...childOpts, dependsOn: prerequisites, additionalSecretOutputs: ["values"] },
    );
    const chartVersion = args.version ?? preflight?.version;
    if (args.watch !== false && chartVersion !== undefined) {
      const access = args.cluster.access;
      // Beside the release, not after it: it reports while Helm waits, from the same inputs.
      watch = new HelmReleaseWatch(
        `${name}-watch`,
        {
          ...(access?.kubeconfig !== undefined && { kubeconfig: access.kubeconfig }),
          ...(access?.context !== undefined && { context: access.context }),
          namespace,
          release: releaseName,
          chartVersion,
          valuesDigest: values.apply(valuesDigest),
          timeoutSeconds,
          startSeconds: helmStartSeconds,
        },
        { parent, dependsOn: prerequisites },
      );
    }
  } else
    chart = new sdk.helm.v4.Chart(
      name,
      { ...common, name: releaseName },
      { ...childOpts, dependsOn: prerequisites },
    );

  return { releaseName, namespace, mode: plan.mode, preflight, release, chart, crds, watch };
}
