import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ArgumentIssue, ComponentArgumentsError, issueCollector } from "../arguments";
import {
  type GitOpsApplicationArgs,
  gitOpsApplicationIssues,
  type GitOpsSyncPolicy,
  isChartSource,
} from "./gitops-application-args";
import { gitOpsLabels, inClusterServer } from "./gitops-contract";
import { resourcesFinalizer } from "./gitops-project";

/** A `GitOpsApplication`'s arguments are wrong: every problem, each naming its field. */
export class GitOpsApplicationArgumentsError extends ComponentArgumentsError {
  constructor(name: string, issues: ArgumentIssue[]) {
    super("GitOpsApplication", name, issues);
    this.name = "GitOpsApplicationArgumentsError";
  }
}

/**
 * An Argo CD Application: one source (a path of manifests at a pinned revision, or a chart at a pinned
 * version) deployed to one destination, in a project other than `default`.
 *
 * Syncs are explicit and safe by default: automated with self-heal, no pruning unless asked, server-side
 * apply, no namespace creation. The resources finalizer is set, so deleting the Application (or
 * destroying the stack) deletes what it deployed rather than orphaning it.
 *
 * Refused before anything is created: the `default` project, no `targetRevision`, a source or
 * destination the project does not allow, and an Application namespace the project does not admit.
 */
export class GitOpsApplication extends pulumi.ComponentResource {
  /** The Application's name. */
  readonly applicationName: string;
  /** The Application resource. */
  readonly application: k8s.apiextensions.CustomResource;

  constructor(name: string, args: GitOpsApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    const { issues, add } = issueCollector();
    gitOpsApplicationIssues(name, args, add);
    if (issues.length > 0) throw new GitOpsApplicationArgumentsError(name, issues);
    super("berth:kubernetes:GitOpsApplication", name, {}, opts);

    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    const { project } = args;
    const { argoCd } = project;
    this.applicationName = args.applicationName ?? name;
    const dependsOn = [...argoCd.ready, ...(project instanceof pulumi.Resource ? [project] : [])];

    this.application = new sdk.apiextensions.CustomResource(
      `${name}-application`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
          name: this.applicationName,
          namespace: args.namespace ?? argoCd.namespace,
          labels: gitOpsLabels,
          finalizers: [resourcesFinalizer],
        },
        spec: {
          project: project.projectName,
          source: applicationSource(args.source, this.applicationName),
          destination: {
            server: args.destination.server ?? inClusterServer,
            namespace: args.destination.namespace,
          },
          syncPolicy: syncPolicy(args.sync ?? {}),
        },
      },
      { parent: this, provider: argoCd.provider, dependsOn },
    );
    this.registerOutputs({});
  }
}

function applicationSource(source: GitOpsApplicationArgs["source"], applicationName: string) {
  if (!isChartSource(source))
    return { repoURL: source.repoUrl, targetRevision: source.targetRevision, path: source.path };
  return {
    repoURL: source.repoUrl,
    chart: source.chart,
    targetRevision: source.targetRevision,
    helm: {
      releaseName: source.releaseName ?? applicationName,
      // `valuesObject` keeps the values structured (and checked by the CRD) rather than a YAML string.
      ...(source.values !== undefined && { valuesObject: source.values }),
    },
  };
}

/** The Application's `syncPolicy` from Berth's defaults and what was asked. */
export function syncPolicy(sync: GitOpsSyncPolicy) {
  const automated = sync.automated ?? true;
  const syncOptions = [
    `ServerSideApply=${String(sync.serverSideApply ?? true)}`,
    `CreateNamespace=${String(sync.createNamespace ?? false)}`,
    // With pruning on, objects leave only after the rest synced, so a failed sync deletes nothing.
    ...(sync.prune === true ? ["PruneLast=true"] : []),
  ];
  return {
    // Argo CD reads an absent `automated` as manual sync; stating every flag leaves no default unsaid.
    ...(automated && {
      automated: { enabled: true, selfHeal: sync.selfHeal ?? true, prune: sync.prune ?? false },
    }),
    syncOptions,
  };
}
