/** The arguments of a `GitOpsApplication`, and their checks, made before anything is created. */
import type * as pulumi from "@pulumi/pulumi";
import { type AddIssue, isDnsLabel, isObject, show, unknownFields } from "../arguments";
import { defaultProject, type GitOpsDestination } from "./gitops-args";
import { type ArgoCdConnection, inClusterServer } from "./gitops-contract";

/** A directory of plain manifests (or a Kustomization) in a Git repository. */
export interface GitOpsPathSource {
  /** The Git repository's URL; one of the project's repositories. */
  repoUrl: string;
  /**
   * The branch, tag or commit to deploy. Required: Argo CD would otherwise follow `HEAD` of the
   * default branch, whatever is pushed to it.
   */
  targetRevision: string;
  /** The directory in the repository, such as `deploy/prod`. */
  path: string;
}

/** A Helm chart from a chart repository. */
export interface GitOpsChartSource {
  /** The chart repository's URL; one of the project's repositories. */
  repoUrl: string;
  /** The chart's name in the repository. */
  chart: string;
  /** The chart version to deploy. Required: there is no "latest" that stays put. */
  targetRevision: string;
  /** Values given to the chart. */
  values?: pulumi.Input<Record<string, unknown>>;
  /**
   * The Helm release name.
   * @default the Application's name
   */
  releaseName?: string;
}

/** How Argo CD keeps the deployed objects in line with the source. */
export interface GitOpsSyncPolicy {
  /**
   * Sync by itself when the source or the cluster changes; false leaves syncs to a person.
   * @default true
   */
  automated?: boolean;
  /**
   * Undo changes made in the cluster by hand (automated syncs only).
   * @default true
   */
  selfHeal?: boolean;
  /**
   * Delete objects that left the source (automated syncs only). Off unless asked: a path emptied by
   * mistake then deletes nothing.
   * @default false
   */
  prune?: boolean;
  /**
   * Apply with server-side apply, which has no size limit on an object (client-side apply's
   * last-applied annotation holds 262,144 bytes at most, less than some CRDs).
   * @default true
   */
  serverSideApply?: boolean;
  /**
   * Let Argo CD create the destination namespace. Off by default: the namespace, its quotas and its
   * policies are the cluster owner's.
   * @default false
   */
  createNamespace?: boolean;
}

/** A project by name, when it was not created with a `GitOpsProject`. */
export interface GitOpsProjectReference {
  /** The AppProject's name; `default` is refused. */
  projectName: string;
  /** The Argo CD it belongs to. */
  argoCd: ArgoCdConnection;
  /** The repositories it allows, when known: the Application's source must be one of them. */
  repositoryUrls?: readonly string[];
  /** The destinations it allows, when known: the Application's destination must be one of them. */
  destinations?: readonly GitOpsDestination[];
  /** Namespaces besides Argo CD's own whose Applications may use the project. */
  applicationNamespaces?: readonly string[];
}

/** The arguments of a `GitOpsApplication`. */
export interface GitOpsApplicationArgs {
  /**
   * The project the Application belongs to: a `GitOpsProject` or a reference to one. Required, and
   * never `default`, whose Applications escape every restriction of a tenant's project.
   */
  project: GitOpsProjectReference;
  /**
   * The Application's name.
   * @default the resource's name
   */
  applicationName?: string;
  /**
   * The namespace the Application object is kept in: Argo CD's own, or one of the project's
   * `applicationNamespaces`.
   * @default Argo CD's namespace
   */
  namespace?: string;
  /** What to deploy: a path of plain manifests, or a chart. */
  source: GitOpsPathSource | GitOpsChartSource;
  /** Where to deploy it. */
  destination: GitOpsDestination;
  /** How to sync; see {@link GitOpsSyncPolicy} for the defaults. */
  sync?: GitOpsSyncPolicy;
}

const applicationFields = ["project", "applicationName", "namespace", "source", "destination", "sync"];
const pathFields = ["repoUrl", "targetRevision", "path"];
const chartFields = ["repoUrl", "chart", "targetRevision", "values", "releaseName"];
const syncFields = ["automated", "selfHeal", "prune", "serverSideApply", "createNamespace"];

/** Whether `source` is a chart. */
export const isChartSource = (source: GitOpsApplicationArgs["source"]): source is GitOpsChartSource =>
  "chart" in source;

/** Every problem with a `GitOpsApplication`'s arguments. */
export function gitOpsApplicationIssues(name: string, args: GitOpsApplicationArgs, add: AddIssue): void {
  unknownFields(args, applicationFields, "", add);
  const project = args.project as GitOpsProjectReference | undefined;
  if (!isObject(project) || typeof project.projectName !== "string")
    add("project", 'required: a GitOpsProject (Argo CD\'s "default" project allows everything)');
  else if (project.projectName === defaultProject)
    add(
      "project",
      `"default" is Argo CD's built-in project: it allows every repository, destination and ` +
        `cluster-scoped kind, so an Application in it escapes the restrictions of every other project`,
    );
  const applicationName = args.applicationName ?? name;
  if (!isDnsLabel(applicationName)) add("applicationName", `${show(applicationName)} is not a DNS label`);
  if (args.namespace !== undefined && isObject(project)) {
    const allowed = project.applicationNamespaces ?? [];
    if (!allowed.includes(args.namespace))
      add("namespace", `the project admits Applications only from Argo CD's namespace and ${show(allowed)}`);
  }
  sourceIssues(args.source, project, add);
  destinationIssues(args.destination, project, add);
  if (args.sync !== undefined) {
    unknownFields(args.sync, syncFields, "sync.", add);
    for (const field of syncFields) {
      const value = (args.sync as Record<string, unknown>)[field];
      if (value !== undefined && typeof value !== "boolean")
        add(`sync.${field}`, `must be true or false, got ${show(value)}`);
    }
  }
}

function sourceIssues(
  source: GitOpsApplicationArgs["source"] | undefined,
  project: GitOpsProjectReference | undefined,
  add: AddIssue,
): void {
  if (!isObject(source)) {
    add("source", "required: { repoUrl, targetRevision, path } or { repoUrl, chart, targetRevision }");
    return;
  }
  const chart = isChartSource(source);
  unknownFields(source, chart ? chartFields : pathFields, "source.", add);
  if (typeof source.targetRevision !== "string" || source.targetRevision.trim() === "")
    add(
      "source.targetRevision",
      chart
        ? "required: the chart version to deploy"
        : "required: the branch, tag or commit to deploy (Argo CD would otherwise follow HEAD silently)",
    );
  if (chart && (typeof source.chart !== "string" || source.chart === ""))
    add("source.chart", "required: the chart's name");
  if (!chart && (typeof source.path !== "string" || source.path === "" || source.path.startsWith("/")))
    add("source.path", `${show(source.path)} is not a directory relative to the repository's root`);
  const known = project?.repositoryUrls;
  if (known !== undefined && !known.includes(source.repoUrl))
    add("source.repoUrl", `${show(source.repoUrl)} is not one of the project's repositories ${show(known)}`);
}

function destinationIssues(
  destination: GitOpsDestination | undefined,
  project: GitOpsProjectReference | undefined,
  add: AddIssue,
): void {
  if (!isObject(destination)) {
    add("destination", "required: { namespace } and, for another cluster, { server }");
    return;
  }
  if (!isDnsLabel(destination.namespace))
    add("destination.namespace", `${show(destination.namespace)} is not a namespace name`);
  const known = project?.destinations;
  const server = destination.server ?? inClusterServer;
  if (
    known !== undefined &&
    !known.some((d) => (d.server ?? inClusterServer) === server && d.namespace === destination.namespace)
  )
    add(
      "destination",
      `${server} namespace ${show(destination.namespace)} is not one of the project's destinations`,
    );
}
