/**
 * The calls a Helm release's wait makes: the release's records in Helm's storage, and its workloads
 * with their pods. Read-only.
 */
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from "kubernetes-types/apps/v1";
import type { Pod, Secret } from "kubernetes-types/core/v1";
import { type KubeAccess, loadKubeConfig } from "./kube-config";
import { releaseRecordSelector } from "./helm-storage";
import { plain } from "./template-match";
import { apiFailure, callApi, isNotFound, selectorQuery } from "./workload-api";
import type { ReleaseWorkload } from "./helm-storage";

/** A workload as it stands, with what its rollout state needs. */
export type ObservedWorkload =
  | { kind: "Deployment"; object: Deployment; replicaSets: ReplicaSet[]; pods: Pod[] }
  | { kind: "DaemonSet"; object: DaemonSet; revisions: ControllerRevision[]; pods: Pod[] }
  | { kind: "StatefulSet"; object: StatefulSet; pods: Pod[] };

export interface ReleaseApi {
  /** Helm's storage Secrets of the release, in the release's namespace. */
  records(): Promise<Secret[]>;
  /** The workload with its pods (and a Deployment's ReplicaSets), or undefined when it is not there. */
  workload(ref: ReleaseWorkload): Promise<ObservedWorkload | undefined>;
}

/** Read-only calls on release `release` in `namespace`, through the cluster `access` reaches. */
export async function releaseApi(
  access: KubeAccess,
  namespace: string,
  release: string,
): Promise<ReleaseApi> {
  const client = await import("@kubernetes/client-node");
  const config = await loadKubeConfig(access);
  const apps = config.makeApiClient(client.AppsV1Api);
  const core = config.makeApiClient(client.CoreV1Api);
  return {
    async records() {
      const list = await callApi(
        `listing the records of Helm release ${release} in namespace ${namespace}`,
        () => core.listNamespacedSecret({ namespace, labelSelector: releaseRecordSelector(release) }),
      );
      return list.items as Secret[];
    },
    async workload(ref) {
      const where = `${ref.kind} ${ref.name} in namespace ${ref.namespace}`;
      const request = { name: ref.name, namespace: ref.namespace };
      let object: Deployment | DaemonSet | StatefulSet;
      try {
        object = plain(
          ref.kind === "Deployment"
            ? await apps.readNamespacedDeployment(request)
            : ref.kind === "DaemonSet"
              ? await apps.readNamespacedDaemonSet(request)
              : await apps.readNamespacedStatefulSet(request),
        ) as Deployment | DaemonSet | StatefulSet;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw apiFailure(`reading ${where}`, err);
      }
      const labelSelector = selectorQuery(object.spec?.selector);
      const list = { namespace: ref.namespace, labelSelector };
      const pods = (await callApi(`listing the pods of ${where}`, () => core.listNamespacedPod(list)))
        .items as Pod[];
      if (ref.kind === "StatefulSet") return { kind: ref.kind, object: object as StatefulSet, pods };
      if (ref.kind === "DaemonSet") {
        const revisions = (
          await callApi(`listing the ControllerRevisions of ${where}`, () =>
            apps.listNamespacedControllerRevision(list),
          )
        ).items as ControllerRevision[];
        return { kind: ref.kind, object: object as DaemonSet, revisions, pods };
      }
      const replicaSets = (
        await callApi(`listing the ReplicaSets of ${where}`, () => apps.listNamespacedReplicaSet(list))
      ).items as ReplicaSet[];
      return { kind: ref.kind, object: object as Deployment, replicaSets, pods };
    },
  };
}
