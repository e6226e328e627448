/**
 * The arguments of `GitOpsProject` and `GitOpsApplication`, and their checks, made before anything is
 * created so that a preview already refuses a project or an Application Argo CD would misread.
 */
import { type AddIssue, isDnsLabel, isObject, show, unknownFields } from "../arguments";
import type { ArgoCdConnection } from "./gitops-contract";
import type { GitOpsHttpsCredentials, GitOpsRepository } from "./gitops-repository";

export type { GitOpsHttpsCredentials, GitOpsRepository, GitOpsSshCredentials } from "./gitops-repository";

/** A cluster and namespace a project's Applications may deploy to. */
export interface GitOpsDestination {
  /**
   * The cluster's API server URL as Argo CD knows it.
   * @default "https://kubernetes.default.svc" (the cluster Argo CD runs on)
   */
  server?: string;
  /** The namespace the Applications' objects go to. */
  namespace: string;
}

/** The arguments of a `GitOpsProject`. */
export interface GitOpsProjectArgs {
  /** The Argo CD the project belongs to: an `ArgoCd`, or its {@link ArgoCdConnection}. */
  argoCd: ArgoCdConnection;
  /**
   * The AppProject's name. `default` is refused: Argo CD's built-in project allows every source and
   * destination.
   * @default the resource's name
   */
  projectName?: string;
  /** What the project is for, as Argo CD shows it. */
  description?: string;
  /** The only repositories the project's Applications may deploy from, with their credentials. */
  repositories: GitOpsRepository[];
  /** The only destinations the project's Applications may deploy to. */
  destinations: GitOpsDestination[];
  /**
   * Namespaces besides Argo CD's own whose Applications may use the project; each must be one of the
   * Argo CD's `applicationNamespaces` (Argo CD ignores Applications anywhere else).
   * @default [] (Applications of the project live in Argo CD's namespace)
   */
  applicationNamespaces?: string[];
  /**
   * Cluster-scoped kinds the project's Applications may create (`{ group: "", kind: "Namespace" }`).
   * @default [] (none: the project deploys namespaced objects only)
   */
  clusterResources?: GitOpsClusterResource[];
}

/** A cluster-scoped kind a project's Applications may create. */
export interface GitOpsClusterResource {
  /** The API group: `""` for the core group, `rbac.authorization.k8s.io`, ... */
  group: string;
  /** The kind, such as `Namespace` or `ClusterRole`. */
  kind: string;
}

/** Names Argo CD gives its built-in project, which allows everything. */
export const defaultProject = "default";

const repositoryFields = ["url", "type", "credentials"] as const;
const destinationFields = ["server", "namespace"] as const;
const projectFields = [
  "argoCd",
  "projectName",
  "description",
  "repositories",
  "destinations",
  "applicationNamespaces",
  "clusterResources",
] as const;

/** Every problem with a `GitOpsProject`'s arguments. */
export function gitOpsProjectIssues(name: string, args: GitOpsProjectArgs, add: AddIssue): void {
  unknownFields(args, projectFields, "", add);
  if (!isObject(args.argoCd)) add("argoCd", "required: the Argo CD the project belongs to");
  const projectName = args.projectName ?? name;
  if (projectName === defaultProject)
    add(
      "projectName",
      `"default" is Argo CD's built-in project, which allows every repository and destination; name another`,
    );
  else if (!isDnsLabel(projectName)) add("projectName", `${show(projectName)} is not a DNS label`);
  repositoryIssues(args.repositories, add);
  if (!Array.isArray(args.destinations) || args.destinations.length === 0)
    add("destinations", "at least one destination is required: a project without one deploys nowhere");
  else
    args.destinations.forEach((d, i) => {
      unknownFields(d, destinationFields, `destinations[${i}].`, add);
      if (!isDnsLabel(d.namespace))
        add(`destinations[${i}].namespace`, `${show(d.namespace)} is not a namespace name`);
      if (d.server !== undefined && !/^https:\/\/\S+$/.test(d.server))
        add(`destinations[${i}].server`, `${show(d.server)} is not an https:// API server URL`);
    });
  const watched = isObject(args.argoCd) ? args.argoCd.applicationNamespaces : [];
  (args.applicationNamespaces ?? []).forEach((ns, i) => {
    if (!watched.includes(ns))
      add(
        `applicationNamespaces[${i}]`,
        `Argo CD watches Applications only in its own namespace and ${show(watched)}; add ${show(ns)} to ` +
          `the ArgoCd's applicationNamespaces too`,
      );
  });
  (args.clusterResources ?? []).forEach((r, i) => {
    if (!isObject(r) || typeof r.group !== "string" || typeof r.kind !== "string" || r.kind === "")
      add(`clusterResources[${i}]`, `must be { group, kind }, got ${show(r)}`);
  });
}

function repositoryIssues(repositories: GitOpsRepository[] | undefined, add: AddIssue): void {
  if (!Array.isArray(repositories) || repositories.length === 0) {
    add("repositories", "at least one repository is required: a project without one deploys nothing");
    return;
  }
  const seen = new Set<string>();
  repositories.forEach((r, i) => {
    const at = `repositories[${i}]`;
    unknownFields(r, repositoryFields, `${at}.`, add);
    if (typeof r.url !== "string" || !/^(https:\/\/|ssh:\/\/|[\w.-]+@[\w.-]+:)\S+$/.test(r.url))
      add(`${at}.url`, `${show(r.url)} is not an https://, ssh:// or user@host: repository URL`);
    else if (seen.has(r.url)) add(`${at}.url`, `${show(r.url)} is listed twice`);
    seen.add(r.url);
    if (r.type !== undefined && r.type !== "git" && r.type !== "helm")
      add(`${at}.type`, `must be "git" or "helm", got ${show(r.type)}`);
    const c = r.credentials;
    if (c === undefined) return;
    const https = isObject(c) && "token" in c;
    const ssh = isObject(c) && "sshPrivateKey" in c;
    if (https === ssh)
      add(`${at}.credentials`, "give either { username, token } (HTTPS) or { sshPrivateKey } (SSH)");
    else if (ssh && typeof r.url === "string" && r.url.startsWith("https://"))
      add(`${at}.credentials`, "an SSH key cannot read an https:// URL; give { username, token }");
    else if (https && typeof r.url === "string" && !r.url.startsWith("https://"))
      add(`${at}.credentials`, "a token reads only an https:// URL; give { sshPrivateKey }");
    if (https && (c as GitOpsHttpsCredentials).username === undefined)
      add(`${at}.credentials.username`, "required with a token");
  });
}
