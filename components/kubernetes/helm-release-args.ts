/**
 * `HelmRelease`'s arguments and their checks, the chart's preflight included: everything here runs
 * before any resource is registered.
 */
import fs from "fs";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type ArgumentIssue,
  ComponentArgumentsError,
  isObject,
  isWhole,
  issueCollector,
  show,
  unknownFields,
} from "../arguments";
import type { KubernetesAccess } from "./context";
import { readChartFiles } from "./helm-chart-files";
import { chartPreflight, type ChartPreflight } from "./helm-chart-preflight";
import { valuesSchemaIssues } from "./helm-values-schema";

/** The cluster a `HelmRelease` installs into: a `KubernetesCluster` or `GkeCluster` fits. */
export interface HelmReleaseCluster {
  /** The provider every object is created with. */
  provider: k8s.Provider;
  /** The namespace the release goes in unless `namespace` is given. */
  namespace: pulumi.Output<string>;
  /**
   * How the release's wait reads the cluster (the kubeconfig, secret, and its context).
   * @default the ambient kubeconfig, as a provider given no kubeconfig uses
   */
  access?: KubernetesAccess;
}

/** Who installs the chart's CRDs: see {@link HelmReleaseArgs.crds}. */
export type HelmCrds = "apply" | "skip" | "external";

/** How the chart is installed: see {@link HelmReleaseArgs.mode}. */
export type HelmReleaseMode = "release" | "objects";

/** Arguments of a {@link HelmRelease}. */
export interface HelmReleaseArgs {
  /** The cluster to install into. */
  cluster: HelmReleaseCluster;
  /**
   * The chart: its name in `repository`, or without `repository` the path of a chart directory or a
   * packaged chart (`.tgz`), which the preflight reads.
   */
  chart: string;
  /** The chart repository: `https://...`, or an OCI registry path `oci://host/path`. None for a local chart. */
  repository?: string;
  /** The chart's version. Required with `repository`, so that an update never installs a newer chart unasked. */
  version?: pulumi.Input<string>;
  /**
   * A local copy of the remote chart (`helm pull <repository>/<chart> --version <version>` writes one),
   * for the preflight: `objects` mode, `crds: "apply"` and the values check need the chart's files. Its
   * `Chart.yaml` must name `chart` and `version`.
   */
  chartArchive?: string;
  /** The chart's values. Secrets stay secret: the values are stored as a secret in Pulumi's state. */
  values?: pulumi.Input<Record<string, unknown>>;
  /** The namespace to install in. @default the cluster's namespace */
  namespace?: pulumi.Input<string>;
  /** The Helm release's name, a DNS label of at most 53 characters. @default the component's name */
  releaseName?: string;
  /**
   * `"release"`: a real Helm release (hooks run, `helm list` shows it, Helm waits for its workloads).
   * `"objects"`: the chart rendered into objects Pulumi owns, refused for a chart with hooks,
   * `lookup` or random generators.
   * @default "release"
   */
  mode?: HelmReleaseMode;
  /**
   * `"apply"`: the chart's `crds/` are applied by Berth before the chart, server-side, and updated with
   * each chart version. `"skip"`: left to Helm (installed on first install only, never upgraded).
   * `"external"`: applied by you, before this release (pass them in its `dependsOn`); Helm does not
   * touch them (`--skip-crds`).
   * @default "apply" when the chart is read locally (a local chart or `chartArchive`), otherwise "skip"
   */
  crds?: HelmCrds;
  /** How long Helm waits for the release's workloads to be ready, in seconds. @default 600 */
  timeoutSeconds?: number;
  /**
   * In `release` mode, follow the release while Helm installs or upgrades it: log its workloads'
   * progress, and fail naming the pods' reasons when Helm fails. It reads Helm's default Secret
   * storage: turn it off for a cluster whose releases are kept otherwise (`HELM_DRIVER`).
   * @default true
   */
  watch?: boolean;
}

const knownFields = [
  "cluster",
  "chart",
  "repository",
  "version",
  "chartArchive",
  "values",
  "namespace",
  "releaseName",
  "mode",
  "crds",
  "timeoutSeconds",
  "watch",
] as const;

/** A `HelmRelease`'s arguments are wrong: {@link ComponentArgumentsError.issues} lists each. */
export class HelmReleaseError extends ComponentArgumentsError {
  constructor(resourceName: string, issues: ArgumentIssue[], resource?: pulumi.Resource) {
    super("HelmRelease", resourceName, issues, resource);
    this.name = "HelmReleaseError";
  }
}

/** The checked arguments: the preflight when the chart was read locally, and the defaults applied. */
export interface HelmReleasePlan {
  issues: ArgumentIssue[];
  preflight?: ChartPreflight;
  mode: HelmReleaseMode;
  crds: HelmCrds;
}

/** Whether `value` holds no Output or Promise anywhere: then it can be checked now. */
export function isPlain(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
  if (Array.isArray(value)) return value.every(isPlain);
  if (isObject(value)) return Object.values(value).every(isPlain);
  return true;
}

function readPreflight(location: string, field: string, add: (p: string, m: string) => void) {
  if (!fs.existsSync(location)) {
    add(field, `${show(location)} does not exist`);
    return undefined;
  }
  try {
    return chartPreflight(readChartFiles(location));
  } catch (err) {
    add(field, `cannot read the chart at ${show(location)}: ${(err as Error).message}`);
    return undefined;
  }
}

/** Checks `args` and reads the chart when it is local; every problem is an issue at its field. */
export function planHelmRelease(args: HelmReleaseArgs): HelmReleasePlan {
  const { issues, add } = issueCollector();
  unknownFields(args, knownFields, "", add);
  if (!args.cluster || !isObject(args.cluster.provider as unknown))
    add("cluster", "required: a KubernetesCluster (or anything with its provider and namespace)");
  if (typeof args.chart !== "string" || args.chart.trim() === "")
    add("chart", "required: a chart name or path");
  const mode = args.mode ?? "release";
  if (mode !== "release" && mode !== "objects")
    add("mode", `must be "release" or "objects", not ${show(mode)}`);
  if (args.crds !== undefined && !["apply", "skip", "external"].includes(args.crds))
    add("crds", `must be "apply", "skip" or "external", not ${show(args.crds)}`);
  if (args.releaseName !== undefined && !/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(args.releaseName))
    add("releaseName", "must be a DNS label of at most 53 characters (lower case letters, digits, -)");
  if (args.watch !== undefined && typeof args.watch !== "boolean")
    add("watch", `must be true or false, not ${show(args.watch)}`);
  if (args.timeoutSeconds !== undefined && !isWhole(args.timeoutSeconds, 1, 86400))
    add(
      "timeoutSeconds",
      `must be a whole number of seconds from 1 to 86400, not ${show(args.timeoutSeconds)}`,
    );

  let preflight: ChartPreflight | undefined;
  if (args.repository !== undefined) {
    if (!/^(https|oci):\/\/[^\s/]+/.test(args.repository))
      add("repository", `must be an https:// or oci:// address, not ${show(args.repository)}`);
    if (args.version === undefined || (typeof args.version === "string" && args.version.trim() === ""))
      add(
        "version",
        "required for a chart from a repository, so that updates never change the chart unasked",
      );
    if (args.chartArchive !== undefined && args.version !== undefined && typeof args.version !== "string")
      add(
        "version",
        "must be a plain string with chartArchive, so that the archive can be checked against it",
      );
    else if (args.chartArchive !== undefined) {
      preflight = readPreflight(args.chartArchive, "chartArchive", add);
      if (
        preflight &&
        (preflight.name !== args.chart ||
          (typeof args.version === "string" && preflight.version !== args.version))
      )
        add(
          "chartArchive",
          `holds ${preflight.name} ${preflight.version}, not ${args.chart} ${args.version}`,
        );
    }
  } else if (args.chartArchive !== undefined) {
    add("chartArchive", "only for a chart from a repository: a local chart is read where it is");
  } else if (typeof args.chart === "string" && args.chart.trim() !== "") {
    preflight = readPreflight(args.chart, "chart", add);
    if (preflight && typeof args.version === "string" && preflight.version !== args.version)
      add("version", `the chart at ${show(args.chart)} is version ${preflight.version}, not ${args.version}`);
  }

  const local = args.repository === undefined || args.chartArchive !== undefined;
  if (!local && mode === "objects")
    add(
      "chartArchive",
      "required in objects mode: the preflight must read the chart for hooks, lookup and random values",
    );
  if (!local && args.crds === "apply")
    add("chartArchive", 'required with crds: "apply": Berth applies the CRDs it reads from the chart');
  if (preflight && mode === "objects")
    for (const hazard of preflight.hazards)
      add("mode", `"objects" cannot install this chart: ${hazard.file} ${hazard.reason}; use mode "release"`);

  if (args.values !== undefined && isPlain(args.values)) {
    if (!isObject(args.values)) add("values", "must be an object of chart values");
    else if (preflight?.valuesSchema)
      for (const i of valuesSchemaIssues(preflight.valuesSchema, preflight.defaultValues, args.values))
        add(i.path, i.message);
  }
  return { issues, preflight, mode, crds: args.crds ?? (preflight ? "apply" : "skip") };
}
