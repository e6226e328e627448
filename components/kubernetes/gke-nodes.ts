import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type GkeNodePoolArgs, type GkePlacement, poolMachineType } from "./gke-args";

/**
 * The project roles of the nodes' service account: write logs and metrics, read monitoring, report
 * resource metadata, and pull images from Artifact Registry. Nothing else: pods get their own
 * identities through Workload Identity.
 */
export const nodeServiceAccountRoles = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/artifactregistry.reader",
] as const;

/** Access is limited by the service account's roles; the scope only opens the door to all APIs. */
export const nodeOauthScopes = ["https://www.googleapis.com/auth/cloud-platform"];

const taintEffects = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

interface Children {
  sdk: typeof gcp;
  name: string;
  parent: pulumi.Resource;
  placement: GkePlacement;
}

/** The service account's ID: the cluster's name cut to fit GCP's 30 characters, then `-nodes`. */
export function nodeServiceAccountId(clusterName: string): string {
  return `${clusterName.slice(0, 24).replace(/-+$/, "")}-nodes`;
}

/** The nodes' dedicated service account and its project roles; the roles are bound before nodes boot. */
export function nodeServiceAccount(c: Children, clusterName: string) {
  const { sdk, name, placement } = c;
  const account = new sdk.serviceaccount.Account(
    `${name}-nodes`,
    {
      project: placement.project,
      accountId: nodeServiceAccountId(clusterName),
      displayName: `Nodes of GKE cluster ${clusterName}`,
    },
    { parent: c.parent },
  );
  const bindings = nodeServiceAccountRoles.map(
    (role) =>
      new sdk.projects.IAMMember(
        `${name}-nodes-${role.slice("roles/".length).replace(/\./g, "-")}`,
        { project: placement.project, role, member: pulumi.interpolate`serviceAccount:${account.email}` },
        { parent: c.parent },
      ),
  );
  return { account, bindings };
}

/**
 * One autoscaled node pool of Shielded VMs (secure boot, integrity monitoring) with the GKE metadata
 * server, auto-repaired and auto-upgraded, running as `serviceAccountEmail`.
 */
export function nodePool(
  c: Children,
  pool: GkeNodePoolArgs,
  cluster: gcp.container.Cluster,
  serviceAccountEmail: pulumi.Input<string>,
  dependsOn: pulumi.Resource[],
): gcp.container.NodePool {
  const { sdk, name, placement } = c;
  const min = pool.min ?? 1;
  return new sdk.container.NodePool(
    `${name}-pool-${pool.name}`,
    {
      name: pool.name,
      project: placement.project,
      location: placement.location,
      cluster: cluster.name,
      initialNodeCount: min,
      autoscaling: { minNodeCount: min, maxNodeCount: pool.max ?? 3 },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: {
        machineType: poolMachineType(pool),
        spot: pool.spot ?? false,
        diskSizeGb: pool.diskSizeGb ?? 100,
        diskType: pool.diskType ?? "pd-balanced",
        serviceAccount: serviceAccountEmail,
        oauthScopes: nodeOauthScopes,
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { "disable-legacy-endpoints": "true" },
        ...(pool.labels !== undefined && { labels: pool.labels }),
        ...(pool.taints !== undefined && {
          taints: pool.taints.map((t) => ({
            key: t.key,
            value: t.value ?? "",
            effect: taintEffects[t.effect],
          })),
        }),
      },
    },
    // The autoscaler owns the count once the pool exists; a new `min` must not replace the pool.
    { parent: c.parent, dependsOn, ignoreChanges: ["initialNodeCount"] },
  );
}
