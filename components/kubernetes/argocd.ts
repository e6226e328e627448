import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stableBcryptHash } from "../../provider/shared/bcrypt";
import { RandomPassword } from "../../provider/random/password";
import { type ArgumentIssue, ComponentArgumentsError, issueCollector } from "../arguments";
import { type ArgoCdArgs, argoCdIssues } from "./argocd-args";
import { argoCdChart, argoCdCrdUrls, argoCdRepository, argoCdValues } from "./argocd-values";
import { type ArgoCdConnection, gitOpsLabels } from "./gitops-contract";
import { installHelmChart } from "./helm-chart-install";
import { providerComputed } from "../mocked-values";

/** An `ArgoCd`'s arguments are wrong: every problem, each naming its field. */
export class ArgoCdArgumentsError extends ComponentArgumentsError {
  constructor(name: string, issues: ArgumentIssue[]) {
    super("ArgoCd", name, issues);
    this.name = "ArgoCdArgumentsError";
  }
}

/** The Helm release name, which names Argo CD's objects (`argocd-server`, ...). */
const releaseName = "argocd";

/**
 * Argo CD on a `KubernetesCluster`: the `argo-cd` chart at a pinned version, installed as a
 * `HelmRelease` installs a release (atomic, its workloads reported while Helm waits), its CRDs applied
 * server-side as their own step (ApplicationSet's is too large for client-side apply), TLS on the API
 * server, and a generated admin password given to Argo CD as the bcrypt hash it expects. With `sso`,
 * the local admin account is disabled. With `ha`, Argo CD runs highly available (three nodes or more).
 *
 * It is an {@link ArgoCdConnection}: hand it to a `GitOpsProject`.
 */
export class ArgoCd extends pulumi.ComponentResource implements ArgoCdConnection {
  /** The namespace Argo CD runs in. */
  readonly namespace: pulumi.Output<string>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** Namespaces besides Argo CD's own where Applications may be kept. */
  readonly applicationNamespaces: readonly string[];
  /** Argo CD's CRDs and release: what its projects and Applications wait for. */
  readonly ready: pulumi.Resource[];
  /** The API server's URL inside the cluster (HTTPS). */
  readonly serverUrl: pulumi.Output<string>;
  /** The `admin` account's password. Secret. Unusable while `sso` is configured (admin disabled). */
  readonly adminPassword: pulumi.Output<string>;
  /** Whether the local `admin` account is enabled (it is not once SSO is configured). */
  readonly adminEnabled: boolean;
  /** The Argo CD version installed. */
  readonly version: string = argoCdChart.appVersion;

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    const { issues, add } = issueCollector();
    argoCdIssues(args, add);
    if (issues.length > 0) throw new ArgoCdArgumentsError(name, issues);
    super("berth:kubernetes:ArgoCd", name, {}, opts);

    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    this.provider = args.cluster.provider;
    this.applicationNamespaces = [...(args.applicationNamespaces ?? [])];
    this.adminEnabled = args.sso === undefined;
    const childOpts = { parent: this, provider: this.provider };

    const namespace = new sdk.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace ?? "argocd", labels: gitOpsLabels } },
      childOpts,
    );
    this.namespace = namespace.metadata.name;

    // One file each, server-side (the provider's default): ApplicationSet's CRD exceeds the
    // 262,144-byte annotation client-side apply would write.
    const crds = argoCdCrdUrls(argoCdChart.appVersion).map(
      (file, i) =>
        new sdk.yaml.v2.ConfigFile(
          `${name}-crds-${["application", "applicationset", "appproject"][i]}`,
          { file },
          childOpts,
        ),
    );

    const password = new RandomPassword(`${name}-admin-password`, { length: 24 }, { parent: this });
    this.adminPassword = pulumi.secret(password.result);
    const { sso } = args;
    const values = pulumi.all([password.result, sso?.clientSecret]).apply(([result, clientSecret]) =>
      argoCdValues({
        adminPasswordHash: stableBcryptHash(providerComputed(result, `ArgoCd ${name}`, "admin password")),
        url: args.url,
        ...(sso && {
          sso: {
            name: sso.name,
            issuer: sso.issuer,
            clientId: sso.clientId,
            requestedScopes: sso.requestedScopes,
          },
          ssoClientSecret: clientSecret,
        }),
        ha: args.ha ?? false,
        applicationNamespaces: this.applicationNamespaces,
      }),
    );

    // Through HelmRelease's installer: checked arguments, an atomic release, and a watch that reports
    // Argo CD's workloads while Helm waits. The chart's CRDs are templates switched off in the values.
    const { release } = installHelmChart(
      `${name}-argo-cd`,
      {
        cluster: { provider: this.provider, namespace: this.namespace, access: args.cluster.access },
        chart: "argo-cd",
        repository: argoCdRepository,
        version: argoCdChart.version,
        namespace: this.namespace,
        releaseName,
        // The values hold the admin password's hash and the SSO client secret.
        values: pulumi.secret(values),
        crds: "external",
        timeoutSeconds: 900,
        ...(args.watch !== undefined && { watch: args.watch }),
      },
      this,
      crds,
    );
    if (!release) throw new pulumi.ResourceError("the argo-cd chart was not installed as a release", this);
    this.ready = [...crds, release];
    // Known once the release exists, so a consumer of the URL waits for Argo CD.
    this.serverUrl = pulumi
      .all([this.namespace, release.id])
      .apply(([ns]) => `https://${releaseName}-server.${ns}.svc.cluster.local`);
    this.registerOutputs({
      namespace: this.namespace,
      serverUrl: this.serverUrl,
      adminPassword: this.adminPassword,
    });
  }
}
