import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HarborHealth } from "../../../provider/harbor/health";
import { installHelmChart } from "../../kubernetes/helm-chart-install";
import { RandomPassword } from "../../../provider/random/password";
import { missingPeersMessage } from "../../../provider/shared/peer-packages";
import type { HarborConnection } from "../../../provider/harbor/resource-connection";
import { defaultExternalURL, harborHelmValues, type ResolvedInstall } from "./helm-values";
import {
  defaultHarborChartVersion,
  harborChartRepository,
  type HarborInstallArgs,
  type HarborRegistryArgs,
  HarborRegistryError,
  harborRegistryIssues,
} from "./registry-args";

export * from "./registry-args";

/**
 * A Harbor to configure with Berth's Harbor resources: installed on a `KubernetesCluster` with the
 * official `harbor` Helm chart (`install`), or one that already runs (`existing`). Either way the
 * registry waits until Harbor's `/api/v2.0/health` reports every component healthy, and
 * {@link connection} is known only after that, so every resource given it waits too.
 *
 * ```ts
 * const harbor = new HarborRegistry("harbor", {
 *   install: { cluster, expose: { type: "ingress", host: "harbor.example.com" } },
 * });
 * const project = new HarborProject("apps", { connection: harbor.connection, name: "apps" });
 * ```
 *
 * @throws {@link HarborRegistryError} for wrong arguments, listing each, before anything is created.
 */
export class HarborRegistry extends pulumi.ComponentResource {
  /** Harbor's base URL, known once Harbor is healthy. */
  declare readonly url: pulumi.Output<string>;
  /** The registry host images are named with: the URL's host and port, e.g. `harbor.example.com`. */
  declare readonly server: pulumi.Output<string>;
  /** The administrator's connection for Berth's Harbor resources. Secret; known once Harbor is healthy. */
  declare readonly connection: pulumi.Output<HarborConnection>;
  /** The `admin` password (secret). */
  declare readonly adminPassword: pulumi.Output<string>;
  /** The namespace Harbor is installed in; undefined for an existing Harbor. */
  declare readonly namespace: pulumi.Output<string | undefined>;

  constructor(name: string, args: HarborRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:registry:HarborRegistry", name, {}, opts);
    const issues = harborRegistryIssues(args);
    if (issues.length > 0) throw new HarborRegistryError(name, issues, this);
    const timeoutSeconds = args.healthTimeoutSeconds ?? 900;
    let url: pulumi.Output<string>;
    let username: pulumi.Input<string>;
    let password: pulumi.Output<string>;
    let trigger: pulumi.Input<string> = "";
    let dependsOn: pulumi.Resource[] = [];
    let namespace: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.install) {
      const installed = this.install(name, args.install);
      ({ url, password, namespace } = installed);
      username = "admin";
      trigger = installed.release.status.apply((s) => String(s?.revision ?? ""));
      dependsOn = [installed.release];
    } else {
      const existing = args.existing!;
      url = pulumi.output(existing.url);
      username = existing.username ?? "admin";
      password = pulumi.secret(existing.password);
    }
    const health = new HarborHealth(
      `${name}-health`,
      { url, timeoutSeconds, trigger },
      { parent: this, dependsOn },
    );
    const self = this as { -readonly [K in keyof HarborRegistry]: HarborRegistry[K] };
    self.url = health.url;
    self.server = health.url.apply((u) => new URL(u).host);
    self.adminPassword = password;
    self.namespace = namespace;
    self.connection = pulumi.secret(
      pulumi.all([health.url, username, password]).apply(([u, n, p]) => ({
        url: u,
        username: n,
        password: p,
        ...(args.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
      })),
    );
    this.registerOutputs({ url: this.url, server: this.server, connection: this.connection, namespace });
  }

  /** The namespace, the admin password and the Helm release, as children through the cluster's provider. */
  private install(name: string, install: HarborInstallArgs) {
    const missing = missingPeersMessage(`HarborRegistry ${name}`, ["@pulumi/kubernetes"]);
    if (missing) throw new pulumi.ResourceError(missing, this);
    const sdk = require("@pulumi/kubernetes") as typeof k8s;
    const provider = install.cluster.provider;
    const ns = new sdk.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: install.namespace ?? "harbor",
          labels: { "app.kubernetes.io/managed-by": "berth" },
        },
      },
      { parent: this, provider },
    );
    const password =
      install.adminPassword !== undefined
        ? pulumi.secret(install.adminPassword)
        : new RandomPassword(`${name}-admin-password`, { length: 24 }, { parent: this }).result;
    const tlsEnabled = install.tls?.enabled ?? true;
    const url = pulumi
      .all([install.externalURL, install.expose.type === "ingress" ? install.expose.host : undefined])
      .apply(([given, host]) => given ?? defaultExternalURL(host!, tlsEnabled));
    const resolved = pulumi
      .all({
        expose: install.expose,
        externalURL: url,
        tls: { enabled: tlsEnabled, secretName: install.tls?.secretName },
        persistence: {
          enabled: install.persistence?.enabled ?? true,
          storageClass: install.persistence?.storageClass,
          registrySize: install.persistence?.registrySize,
        },
        database: install.database,
        redis: install.redis,
        adminPassword: password,
        values: install.values,
      })
      .apply((r) => harborHelmValues(r as unknown as ResolvedInstall));
    // Called without a component of its own: the release keeps its name and place under the registry.
    const { release } = installHelmChart(
      `${name}-release`,
      {
        cluster: install.cluster,
        chart: "harbor",
        repository: harborChartRepository,
        version: install.chartVersion ?? defaultHarborChartVersion,
        namespace: ns.metadata.name,
        releaseName: "harbor",
        // The admin password, and any database or Redis password, are in the values.
        values: pulumi.secret(resolved),
        timeoutSeconds: 900,
      },
      this,
    );
    if (!release) throw new pulumi.ResourceError("the harbor chart was not installed as a release", this);
    return { url, password, release, namespace: ns.metadata.name as pulumi.Output<string | undefined> };
  }
}
