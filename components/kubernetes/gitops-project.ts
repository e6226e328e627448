import crypto from "crypto";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ArgumentIssue, ComponentArgumentsError, issueCollector } from "../arguments";
import type { GitOpsProjectReference } from "./gitops-application-args";
import {
  type GitOpsDestination,
  type GitOpsHttpsCredentials,
  type GitOpsProjectArgs,
  gitOpsProjectIssues,
  type GitOpsRepository,
} from "./gitops-args";
import { type ArgoCdConnection, gitOpsLabels, inClusterServer } from "./gitops-contract";

/** A `GitOpsProject`'s arguments are wrong: every problem, each naming its field. */
export class GitOpsProjectArgumentsError extends ComponentArgumentsError {
  constructor(name: string, issues: ArgumentIssue[]) {
    super("GitOpsProject", name, issues);
    this.name = "GitOpsProjectArgumentsError";
  }
}

/** The label that makes Argo CD read a Secret as a repository's credentials. */
export const repositorySecretLabel = "argocd.argoproj.io/secret-type";

/** The name of the repository Secret of `url`: one per URL, whatever its place in the list. */
export const repositorySecretName = (projectName: string, url: string): string =>
  `${projectName}-repo-${crypto.createHash("sha256").update(url).digest("hex").slice(0, 10)}`;

/** The finalizer that makes Argo CD delete what an Application deployed (and keep a used project). */
export const resourcesFinalizer = "resources-finalizer.argocd.argoproj.io";

/**
 * An Argo CD project (AppProject): the only repositories its Applications may deploy from, the only
 * destinations they may deploy to, and the namespaces their Application objects may live in, each
 * given once. Repository credentials become Argo CD repository Secrets scoped to the project, their
 * token or key kept secret.
 *
 * Refused before anything is created: the name `default` (Argo CD's built-in, allow-all project), no
 * repository or destination, and an application namespace that Argo CD itself does not watch.
 */
export class GitOpsProject extends pulumi.ComponentResource implements GitOpsProjectReference {
  /** The AppProject's name. */
  readonly projectName: string;
  /** The Argo CD the project belongs to. */
  readonly argoCd: ArgoCdConnection;
  /** The URLs of the repositories the project allows. */
  readonly repositoryUrls: readonly string[];
  /** The destinations the project allows. */
  readonly destinations: readonly GitOpsDestination[];
  /** Namespaces besides Argo CD's own whose Applications may use the project. */
  readonly applicationNamespaces: readonly string[];
  /** The AppProject resource. */
  readonly appProject: k8s.apiextensions.CustomResource;

  constructor(name: string, args: GitOpsProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    const { issues, add } = issueCollector();
    gitOpsProjectIssues(name, args, add);
    if (issues.length > 0) throw new GitOpsProjectArgumentsError(name, issues);
    super("berth:kubernetes:GitOpsProject", name, {}, opts);

    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    const { argoCd } = args;
    this.projectName = args.projectName ?? name;
    this.argoCd = argoCd;
    this.repositoryUrls = args.repositories.map((r) => r.url);
    this.destinations = args.destinations;
    this.applicationNamespaces = args.applicationNamespaces ?? [];
    const childOpts = { parent: this, provider: argoCd.provider, dependsOn: argoCd.ready };

    const secrets = args.repositories
      .filter((r) => r.credentials !== undefined)
      .map(
        (r) =>
          new sdk.core.v1.Secret(
            `${name}-repo-${repositorySecretName(this.projectName, r.url).slice(-10)}`,
            {
              metadata: {
                name: repositorySecretName(this.projectName, r.url),
                namespace: argoCd.namespace,
                labels: { ...gitOpsLabels, [repositorySecretLabel]: "repository" },
              },
              stringData: repositoryData(r, this.projectName),
            },
            childOpts,
          ),
      );

    this.appProject = new sdk.apiextensions.CustomResource(
      `${name}-project`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: {
          name: this.projectName,
          namespace: argoCd.namespace,
          labels: gitOpsLabels,
          finalizers: [resourcesFinalizer],
        },
        spec: {
          ...(args.description !== undefined && { description: args.description }),
          sourceRepos: [...this.repositoryUrls],
          destinations: args.destinations.map((d) => ({
            server: d.server ?? inClusterServer,
            namespace: d.namespace,
          })),
          sourceNamespaces: [...this.applicationNamespaces],
          // An empty list allows no cluster-scoped kind; an absent one would too, but says less.
          clusterResourceWhitelist: args.clusterResources ?? [],
        },
      },
      { ...childOpts, dependsOn: [...argoCd.ready, ...secrets] },
    );
    this.registerOutputs({});
  }
}

/** The `stringData` of a repository Secret: its URL, its kind, its project and its credentials (secret). */
function repositoryData(
  r: GitOpsRepository,
  project: string,
): pulumi.Input<Record<string, pulumi.Input<string>>> {
  const base = { type: r.type ?? "git", url: r.url, project };
  const c = r.credentials;
  if (c === undefined) return base;
  if ("token" in c) {
    const https = c as GitOpsHttpsCredentials;
    return { ...base, username: https.username, password: pulumi.secret(https.token) };
  }
  return { ...base, sshPrivateKey: pulumi.secret(c.sshPrivateKey) };
}
