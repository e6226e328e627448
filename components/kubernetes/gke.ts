import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesCluster } from "./cluster";
import { kubernetesClusterIssues } from "./cluster-args";
import {
  defaultMasterCidr,
  defaultNodePools,
  type GkeClusterArgs,
  GkeClusterError,
  gkeClusterIssues,
  gkeMonitoring,
  type GkePlacement,
} from "./gke-args";
import { gkeKubeconfig } from "./gke-kubeconfig";
import { existingGkeNetwork, newGkeNetwork } from "./gke-network";
import { nodePool, nodeServiceAccount } from "./gke-nodes";
import { gkeSecretsKey, type SecretsKey } from "./gke-secrets";

export type {
  GkeClusterArgs,
  GkeNetworkArgs,
  GkeNodePoolArgs,
  GkeNodeTaint,
  GkeAuthorizedNetwork,
  GkeClusterIssue,
} from "./gke-args";
export { GkeClusterError } from "./gke-args";
export { nodeServiceAccountRoles } from "./gke-nodes";

/**
 * A GKE cluster, provisioned secure by default, that runs portable services: it is a
 * `KubernetesCluster` reached through its own kubeconfig.
 *
 * Defaults: regional (control plane and nodes in three zones; `zone` for a zonal one); VPC-native in a
 * new network with Cloud NAT (or `network`); the default node pool removed, replaced by `nodePools`;
 * release channel `REGULAR`; Workload Identity (`<project>.svc.id.goog`) with the GKE metadata server
 * on every node; Shielded GKE nodes with secure boot and integrity monitoring; Dataplane V2, which
 * enforces NetworkPolicies; private nodes; a control plane reached only from the `authorizedNetworks`
 * the user names (or from anywhere with `publicEndpoint: true`, or only privately with
 * `privateEndpoint`; a cluster with none of them is refused); Secrets encrypted in etcd with a Cloud
 * KMS key (a new, rotated one unless `secretsEncryptionKey`); VPC flow logs on a new subnetwork; no
 * legacy ABAC, no basic auth, no client certificate; deletion protection; and a dedicated node service
 * account with only the roles in `nodeServiceAccountRoles`.
 *
 * ```ts
 * const cluster = new GkeCluster("prod", {
 *   project: "shop-prod",
 *   region: "europe-west1",
 *   authorizedNetworks: [{ cidr: "203.0.113.0/24", displayName: "office" }],
 * });
 * new ContainerService("api", { cluster, image: "traefik/whoami:v1.10", ports: [{ target: 80 }] });
 * ```
 */
export class GkeCluster extends KubernetesCluster {
  /** A kubeconfig for the cluster (the `gke-gcloud-auth-plugin` exec form). Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The GKE cluster's name. */
  readonly gkeClusterName: pulumi.Output<string>;
  /** The cluster's ID, `projects/<project>/locations/<location>/clusters/<name>`. */
  readonly clusterId: pulumi.Output<string>;
  /** The control plane's address. */
  readonly endpoint: pulumi.Output<string>;
  /** The Google Cloud project the cluster is in. */
  readonly project: string;
  /** The region (regional cluster) or zone (zonal cluster). */
  readonly location: string;
  /** The Workload Identity pool, `<project>.svc.id.goog`, in which Kubernetes service accounts get Google identities. */
  readonly workloadPool: string;
  /** The email of the nodes' service account. */
  readonly nodeServiceAccountEmail: pulumi.Output<string>;

  constructor(name: string, args: GkeClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(name, {}, opts, { type: "berth:kubernetes:GkeCluster", gke: true });
    const given = args ?? {};
    // Loaded only when a GKE cluster is made: `pulumi-berth/kubernetes` works on any cluster without it.
    const sdk = require("@pulumi/gcp") as typeof gcp;
    const { issues, placement } = gkeClusterIssues(name, given, {
      project: sdk.config.project,
      region: sdk.config.region,
    });
    // The connection's own checks, now: once the GKE resources exist it would be too late to refuse.
    issues.push(
      ...kubernetesClusterIssues({
        ...(given.namespace !== undefined && { namespace: given.namespace }),
        ...(given.createNamespace !== undefined && { createNamespace: given.createNamespace }),
      }),
    );
    if (issues.length > 0 || !placement) throw new GkeClusterError(name, issues, this);

    const clusterName = given.clusterName ?? name;
    const c = { sdk, name, parent: this, placement };
    const network = given.network ? existingGkeNetwork(given.network, given) : newGkeNetwork(c, given);
    const secretsKey = gkeSecretsKey(c, given.secretsEncryptionKey);
    const cluster = this.gkeCluster(sdk, name, clusterName, given, placement, network, secretsKey);
    const nodes = nodeServiceAccount(c, clusterName);
    const pools = (given.nodePools ?? defaultNodePools).map((pool) =>
      nodePool(c, pool, cluster, nodes.account.email, [...nodes.bindings, ...network.ready]),
    );

    this.project = placement.project;
    this.location = placement.location;
    this.workloadPool = `${placement.project}.svc.id.goog`;
    this.gkeClusterName = cluster.name;
    this.clusterId = cluster.id;
    this.endpoint = cluster.endpoint;
    this.nodeServiceAccountEmail = nodes.account.email;
    // Made from the pools' IDs too, so that workloads deployed through it wait for nodes to run on.
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.endpoint, cluster.masterAuth, cluster.name, pulumi.all(pools.map((p) => p.id))])
        .apply(([endpoint, auth, actualName]) =>
          gkeKubeconfig({
            project: placement.project,
            location: placement.location,
            clusterName: actualName,
            endpoint,
            caCertificate: auth.clusterCaCertificate ?? "",
          }),
        ),
    );
    this.connect({
      kubeconfig: this.kubeconfig,
      ...(given.namespace !== undefined && { namespace: given.namespace }),
      ...(given.createNamespace !== undefined && { createNamespace: given.createNamespace }),
      monitoring: gkeMonitoring(given),
    });
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      gkeClusterName: this.gkeClusterName,
      clusterId: this.clusterId,
      endpoint: this.endpoint,
      namespace: this.namespace,
      nodeServiceAccountEmail: this.nodeServiceAccountEmail,
    });
  }

  /** The cluster itself, without its default node pool. */
  private gkeCluster(
    sdk: typeof gcp,
    name: string,
    clusterName: string,
    args: GkeClusterArgs,
    placement: GkePlacement,
    network: ReturnType<typeof newGkeNetwork>,
    secretsKey: SecretsKey,
  ): gcp.container.Cluster {
    const privateNodes = args.privateNodes !== false;
    const privateEndpoint = args.privateEndpoint === true;
    const authorized = args.authorizedNetworks;
    return new sdk.container.Cluster(
      `${name}-cluster`,
      {
        name: clusterName,
        project: placement.project,
        location: placement.location,
        network: network.network,
        subnetwork: network.subnetwork,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: network.ipAllocationPolicy,
        // GKE makes a cluster with a node pool; the pools Berth manages replace it at once.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        releaseChannel: { channel: args.releaseChannel ?? "REGULAR" },
        workloadIdentityConfig: { workloadPool: `${placement.project}.svc.id.goog` },
        enableShieldedNodes: true,
        ...(gkeMonitoring(args).discovery === "podMonitoring" && {
          monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: true } },
        }),
        datapathProvider: "ADVANCED_DATAPATH",
        ...(privateNodes && {
          privateClusterConfig: {
            enablePrivateNodes: true,
            enablePrivateEndpoint: privateEndpoint,
            masterIpv4CidrBlock: args.masterCidr ?? defaultMasterCidr,
          },
        }),
        // Authorized networks are on unless the endpoint is public by name; a private endpoint needs
        // them on, even with none listed (the VPC only).
        ...(args.publicEndpoint !== true && {
          masterAuthorizedNetworksConfig: {
            cidrBlocks: (authorized ?? []).map((n) => ({
              cidrBlock: n.cidr,
              displayName: n.displayName ?? n.cidr,
            })),
          },
        }),
        // Application-layer Secrets encryption: Secrets in etcd are encrypted with the Cloud KMS key.
        databaseEncryption: { state: "ENCRYPTED", keyName: secretsKey.keyName },
        enableLegacyAbac: false,
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        deletionProtection: args.deletionProtection ?? true,
        ...(args.labels !== undefined && { resourceLabels: args.labels }),
      },
      // GKE checks at creation that its service agent may use the key.
      { parent: this, dependsOn: secretsKey.ready },
    );
  }
}
