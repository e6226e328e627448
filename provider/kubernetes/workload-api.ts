import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { type KubeAccess, loadKubeConfig } from "./kube-config";
import type { JsonPatchOperation } from "./rollout-undo";
import { plain } from "./template-match";

export type WorkloadKind = "Deployment" | "DaemonSet";

/** A workload by kind, namespace and name. */
export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** The calls a rollout needs, answering plain JSON objects. */
export interface WorkloadApi {
  /** The workload, or undefined when it does not exist. */
  read(): Promise<Deployment | DaemonSet | undefined>;
  /** Applies a JSON patch to the workload. */
  patch(operations: JsonPatchOperation[]): Promise<void>;
  /** The workload's revision history: its ReplicaSets (Deployment) or ControllerRevisions (DaemonSet). */
  history(selector: string): Promise<ReplicaSet[] | ControllerRevision[]>;
  pods(selector: string): Promise<Pod[]>;
}

/** The field manager Berth's patches are recorded under. */
export const fieldManager = "berth-rollout";

/** A label selector in the query-string form the API takes (`app=web,tier in (a,b)`). */
export function selectorQuery(selector: LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(",");
    if (e.operator === "In") terms.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") terms.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") terms.push(e.key);
    else if (e.operator === "DoesNotExist") terms.push(`!${e.key}`);
  }
  return terms.join(",");
}

/** The message of a Status the API server answered, or the start of whatever else it said. */
function statusMessage(body: unknown): string {
  try {
    const status = (typeof body === "string" ? JSON.parse(body) : body) as { message?: unknown };
    return typeof status?.message === "string" ? status.message : "";
  } catch {
    return typeof body === "string" ? body.slice(0, 200) : "";
  }
}

/** The API server's own words for a failed call: its Status message, never the response headers. */
export function apiFailure(what: string, err: unknown): Error {
  const e = err as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof e?.code === "number") {
    const said = statusMessage(e.body);
    return new Error(`${what}: the API server answered ${e.code}${said ? `: ${said}` : ""}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${what}: ${message}`, { cause: err });
}

/** The answer to `request` as plain JSON, or an error naming `what` failed in the API server's words. */
export async function callApi<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return plain(await request());
  } catch (err) {
    throw apiFailure(what, err);
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 404;
}

/** Calls on the workload `ref` through the cluster `access` reaches. */
export async function workloadApi(access: KubeAccess, ref: WorkloadRef): Promise<WorkloadApi> {
  const client = await import("@kubernetes/client-node");
  const config = await loadKubeConfig(access);
  const apps = config.makeApiClient(client.AppsV1Api);
  const core = config.makeApiClient(client.CoreV1Api);
  const { name, namespace } = ref;
  const where = `${ref.kind} ${name} in namespace ${namespace}`;
  const jsonPatch = client.setHeaderOptions("Content-Type", client.PatchStrategy.JsonPatch);
  const deployment = ref.kind === "Deployment";
  return {
    async read() {
      try {
        const found = deployment
          ? await apps.readNamespacedDeployment({ name, namespace })
          : await apps.readNamespacedDaemonSet({ name, namespace });
        return plain(found) as Deployment | DaemonSet;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw apiFailure(`reading ${where}`, err);
      }
    },
    async patch(operations) {
      const request = { name, namespace, body: operations, fieldManager };
      await callApi(`patching ${where}`, () =>
        deployment
          ? apps.patchNamespacedDeployment(request, jsonPatch)
          : apps.patchNamespacedDaemonSet(request, jsonPatch),
      );
    },
    async history(labelSelector) {
      const list = deployment
        ? await callApi(`listing the ReplicaSets of ${where}`, () =>
            apps.listNamespacedReplicaSet({ namespace, labelSelector }),
          )
        : await callApi(`listing the ControllerRevisions of ${where}`, () =>
            apps.listNamespacedControllerRevision({ namespace, labelSelector }),
          );
      return list.items as ReplicaSet[] | ControllerRevision[];
    },
    async pods(labelSelector) {
      const list = await callApi(`listing the pods of ${where}`, () =>
        core.listNamespacedPod({ namespace, labelSelector }),
      );
      return list.items as Pod[];
    },
  };
}
