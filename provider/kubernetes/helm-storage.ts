/**
 * Helm's own record of a release, as its default storage driver keeps it: one Secret per revision,
 * labelled `owner=helm,name=<release>,version=<n>,status=<status>`, whose `release` key holds the
 * release as gzip-compressed JSON, base64-encoded (and base64-encoded again by the Secret's `data`).
 */
import { gunzipSync } from "zlib";
import { parseAllDocuments } from "yaml";
import { canonicalJsonWithoutNulls } from "../shared/same-value";

/** The label selector of every record of `release`. */
export const releaseRecordSelector = (release: string) => `owner=helm,name=${release}`;

/** A release's status as Helm records it. */
export type HelmReleaseStatus =
  | "unknown"
  | "deployed"
  | "uninstalled"
  | "superseded"
  | "failed"
  | "uninstalling"
  | "pending-install"
  | "pending-upgrade"
  | "pending-rollback";

/** One revision of a release: what Helm installed, and how that went. */
export interface ReleaseRecord {
  revision: number;
  status: HelmReleaseStatus;
  /** Helm's description: "Install complete", "Upgrade \"x\" failed: ...", "Rollback to 2". */
  description: string;
  chartVersion: string;
  /** The values the user gave (not merged with the chart's defaults). */
  config: Record<string, unknown>;
  /** The rendered objects, as one multi-document YAML text. */
  manifest: string;
}

/** A workload of a release whose rollout a wait can follow. */
export interface ReleaseWorkload {
  kind: "Deployment" | "DaemonSet" | "StatefulSet";
  namespace: string;
  name: string;
}

const gzipMagic = [0x1f, 0x8b];

/** The record in a Helm storage Secret's `data.release` (as the API returns it: base64). */
export function decodeReleaseRecord(data: string): ReleaseRecord {
  const helmText = Buffer.from(data, "base64").toString("latin1");
  let bytes = Buffer.from(helmText, "base64");
  if (bytes[0] === gzipMagic[0] && bytes[1] === gzipMagic[1]) bytes = gunzipSync(bytes);
  const release = JSON.parse(bytes.toString("utf8")) as {
    version?: number;
    info?: { status?: string; description?: string };
    chart?: { metadata?: { version?: string } };
    config?: Record<string, unknown> | null;
    manifest?: string;
  };
  return {
    revision: release.version ?? 0,
    status: (release.info?.status ?? "unknown") as HelmReleaseStatus,
    description: release.info?.description ?? "",
    chartVersion: release.chart?.metadata?.version ?? "",
    config: release.config ?? {},
    manifest: release.manifest ?? "",
  };
}

// An array, not a Set: providers are serialized into state, and a module-level Set would not be.
const workloadKinds: readonly string[] = ["Deployment", "DaemonSet", "StatefulSet"];

/** The Deployments, DaemonSets and StatefulSets of a release's manifest, in its order. */
export function manifestWorkloads(manifest: string, releaseNamespace: string): ReleaseWorkload[] {
  const workloads: ReleaseWorkload[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const object = doc.toJS() as {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string; namespace?: string };
    } | null;
    if (!object || object.apiVersion !== "apps/v1" || !workloadKinds.includes(object.kind ?? "")) continue;
    if (!object.metadata?.name) continue;
    workloads.push({
      kind: object.kind as ReleaseWorkload["kind"],
      namespace: object.metadata.namespace ?? releaseNamespace,
      name: object.metadata.name,
    });
  }
  return workloads;
}

/**
 * Values as comparable text: keys sorted, and null or absent entries dropped (the Kubernetes provider
 * and Helm each may drop or keep them), so the values a program gives and the config Helm recorded
 * for them compare equal.
 */
export function canonicalValues(values: unknown): string {
  return canonicalJsonWithoutNulls(values ?? {});
}
