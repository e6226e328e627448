import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { revisionsOf } from "./rollout-state";
import { controlledBy, equalIgnoringHash, plain, withoutHashLabel } from "./template-match";

/** The annotation holding a ReplicaSet's (and its Deployment's) revision number. */
export const revisionAnnotation = "deployment.kubernetes.io/revision";

/** One operation of a JSON patch (RFC 6902), as `application/json-patch+json` carries it. */
export type JsonPatchOperation =
  { op: "test"; path: string; value: unknown } | { op: "replace"; path: string; value: unknown };

/** What undoing a rollout takes: the revision rolled back to, its template, and the patch restoring it. */
export type UndoPlan =
  { revision: number; template: PodTemplateSpec; patch: JsonPatchOperation[] } | { refusal: string };

/**
 * A patch that puts `template` into the workload with `uid`: the API server applies it only to that
 * object (the `test` operation), so a workload deleted and created again under the same name in the
 * meantime is left alone.
 */
export function templatePatch(uid: string, template: PodTemplateSpec): JsonPatchOperation[] {
  return [
    { op: "test", path: "/metadata/uid", value: uid },
    { op: "replace", path: "/spec/template", value: template },
  ];
}

/**
 * How `kubectl rollout undo deployment/<name>` goes back one revision: the ReplicaSets the Deployment
 * controls, by their revision annotation; the second highest is the previous one, whose template (without
 * the `pod-template-hash` label) goes back into the Deployment. A paused Deployment is not rolled back.
 */
export function deploymentUndo(deployment: Deployment, replicaSets: ReplicaSet[]): UndoPlan {
  if (deployment.spec?.paused) {
    return { refusal: "a paused Deployment (spec.paused) cannot be rolled back; resume it first" };
  }
  const history = replicaSets
    .filter((rs) => controlledBy(rs.metadata, deployment.metadata?.uid))
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[revisionAnnotation]) }))
    .filter(({ revision }) => Number.isInteger(revision) && revision > 0)
    .sort((a, b) => b.revision - a.revision);
  const previous = history[1];
  if (!previous) return { refusal: "it has no earlier revision to roll back to" };
  if (equalIgnoringHash(previous.rs.spec?.template, deployment.spec?.template)) {
    return { refusal: `revision ${previous.revision} has the same pod template as the failed one` };
  }
  const template = withoutHashLabel(previous.rs.spec?.template);
  return {
    revision: previous.revision,
    template,
    patch: templatePatch(deployment.metadata?.uid ?? "", template),
  };
}

/**
 * How `kubectl rollout undo daemonset/<name>` goes back one revision: the ControllerRevisions the
 * DaemonSet controls; the second highest holds the previous template (as a strategic merge patch with
 * `$patch: replace`, which is dropped: the template replaces the current one whole either way).
 */
export function daemonSetUndo(daemonSet: DaemonSet, revisions: ControllerRevision[]): UndoPlan {
  const previous = revisionsOf(daemonSet, revisions)[1];
  if (!previous) return { refusal: "it has no earlier revision to roll back to" };
  const data = previous.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  if (!data?.spec?.template) {
    return { refusal: `its revision ${previous.revision} holds no pod template` };
  }
  const { $patch: _directive, ...stored } = plain(data.spec.template);
  const template = stored as PodTemplateSpec;
  return {
    revision: previous.revision,
    template,
    patch: templatePatch(daemonSet.metadata?.uid ?? "", template),
  };
}
