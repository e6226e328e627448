import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { summarizeProblems } from "./pod-problems";
import { controlledBy, equalIgnoringHash } from "./template-match";

/**
 * Where a rollout stands. `progress` is a line for the log ("2 of 3 updated replicas are available");
 * `problems` are the new pods' problems, one line each (see `summarizeProblems`).
 */
export type RolloutState =
  | { phase: "progressing"; progress: string; problems: string[] }
  | { phase: "complete"; progress: string }
  | { phase: "failed"; progress: string; problems: string[] };

/** The revision-history label a DaemonSet's ControllerRevisions and pods carry. */
export const controllerRevisionHashLabel = "controller-revision-hash";

function minReadyNote(minReadySeconds: number | undefined): string {
  return minReadySeconds ? ` (a pod counts once ready for ${minReadySeconds} s: minReadySeconds)` : "";
}

/** An `OnDelete` workload replaces pods only when they are deleted: there is nothing to wait for. */
const onDeleteState: RolloutState = {
  phase: "complete",
  progress: "updateStrategy OnDelete: pods change only when deleted",
};

/** While the `kind` controller has not observed the workload's latest generation. */
function awaitingController(kind: "Deployment" | "DaemonSet" | "StatefulSet"): RolloutState {
  return {
    phase: "progressing",
    progress: `waiting for the ${kind} controller to take up the new template`,
    problems: [],
  };
}

/** The ReplicaSet the Deployment controller rolls out to: the one with the Deployment's template. */
export function newReplicaSet(deployment: Deployment, replicaSets: ReplicaSet[]): ReplicaSet | undefined {
  return replicaSets
    .filter((rs) => controlledBy(rs.metadata, deployment.metadata?.uid))
    .filter((rs) => equalIgnoringHash(rs.spec?.template, deployment.spec?.template))
    .sort((a, b) =>
      (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? ""),
    )[0];
}

/**
 * A Deployment's rollout as `kubectl rollout status` judges it, and failed as soon as a pod of the new
 * ReplicaSet cannot start (see `definiteFailureReasons`) or the controller reports
 * ProgressDeadlineExceeded.
 */
export function deploymentRollout(
  deployment: Deployment,
  replicaSets: ReplicaSet[],
  pods: Pod[],
): RolloutState {
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return awaitingController("Deployment");
  }
  const replicaSet = newReplicaSet(deployment, replicaSets);
  const newPods = replicaSet ? pods.filter((p) => controlledBy(p.metadata, replicaSet.metadata?.uid)) : [];
  const { lines: problems, definite } = summarizeProblems(newPods);
  const deadline = status.conditions?.find(
    (c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded",
  );
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  let progress: string;
  if (updated < wanted) progress = `${updated} of ${wanted} new replicas have been updated`;
  else if (total > updated) progress = `${total - updated} old replicas are pending termination`;
  else if (available < updated)
    progress = `${available} of ${updated} updated replicas are available${minReadyNote(deployment.spec?.minReadySeconds)}`;
  else return { phase: "complete", progress: `${updated} of ${wanted} replicas updated and available` };
  if (deadline) {
    const message = deadline.message ? `: ${deadline.message}` : "";
    return { phase: "failed", progress, problems: [`ProgressDeadlineExceeded${message}`, ...problems] };
  }
  if (deployment.spec?.paused) {
    return {
      phase: "failed",
      progress,
      problems: ["the Deployment is paused (spec.paused): its rollout cannot progress", ...problems],
    };
  }
  return { phase: definite ? "failed" : "progressing", progress, problems };
}

/** The DaemonSet's ControllerRevisions, newest (highest revision) first. */
export function revisionsOf(daemonSet: DaemonSet, revisions: ControllerRevision[]): ControllerRevision[] {
  return revisions
    .filter((r) => controlledBy(r.metadata, daemonSet.metadata?.uid))
    .sort((a, b) => b.revision - a.revision);
}

/**
 * A DaemonSet's rollout as `kubectl rollout status` judges it, and failed as soon as a pod of the
 * current revision cannot start. A DaemonSet has no progress deadline: only its pods and the timeout
 * tell. An `OnDelete` DaemonSet replaces pods only when they are deleted: there is nothing to wait for.
 */
export function daemonSetRollout(
  daemonSet: DaemonSet,
  revisions: ControllerRevision[],
  pods: Pod[],
): RolloutState {
  if (daemonSet.spec?.updateStrategy?.type === "OnDelete") {
    return onDeleteState;
  }
  const generation = daemonSet.metadata?.generation ?? 0;
  const status = daemonSet.status;
  if (!status || (status.observedGeneration ?? 0) < generation) {
    return awaitingController("DaemonSet");
  }
  const hash = revisionsOf(daemonSet, revisions)[0]?.metadata?.labels?.[controllerRevisionHashLabel];
  const newPods = pods.filter(
    (p) =>
      controlledBy(p.metadata, daemonSet.metadata?.uid) &&
      hash !== undefined &&
      p.metadata?.labels?.[controllerRevisionHashLabel] === hash,
  );
  const { lines: problems, definite } = summarizeProblems(newPods);
  const wanted = status.desiredNumberScheduled;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  let progress: string;
  if (updated < wanted) progress = `${updated} of ${wanted} new pods have been updated`;
  else if (available < wanted)
    progress = `${available} of ${wanted} updated pods are available${minReadyNote(daemonSet.spec?.minReadySeconds)}`;
  else return { phase: "complete", progress: `${updated} of ${wanted} pods updated and available` };
  return { phase: definite ? "failed" : "progressing", progress, problems };
}

/**
 * A StatefulSet's rollout as `kubectl rollout status` judges it: the pods above the partition run the
 * update revision and every replica is ready. Failed as soon as a pod of the update revision cannot
 * start. An `OnDelete` StatefulSet replaces pods only when they are deleted: nothing to wait for.
 */
export function statefulSetRollout(statefulSet: StatefulSet, pods: Pod[]): RolloutState {
  const strategy = statefulSet.spec?.updateStrategy;
  if (strategy?.type === "OnDelete") {
    return onDeleteState;
  }
  const generation = statefulSet.metadata?.generation ?? 0;
  const status = statefulSet.status;
  if (!status || (status.observedGeneration ?? 0) < generation) {
    return awaitingController("StatefulSet");
  }
  const newPods = pods.filter(
    (p) =>
      controlledBy(p.metadata, statefulSet.metadata?.uid) &&
      status.updateRevision !== undefined &&
      p.metadata?.labels?.[controllerRevisionHashLabel] === status.updateRevision,
  );
  const { lines: problems, definite } = summarizeProblems(newPods);
  const wanted = statefulSet.spec?.replicas ?? 1;
  const toUpdate = Math.max(0, wanted - (strategy?.rollingUpdate?.partition ?? 0));
  const updated = status.updatedReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  let progress: string;
  if (updated < toUpdate) progress = `${updated} of ${toUpdate} new pods have been updated`;
  else if (ready < wanted) progress = `${ready} of ${wanted} pods are ready`;
  else return { phase: "complete", progress: `${updated} of ${toUpdate} pods updated, ${ready} ready` };
  return { phase: definite ? "failed" : "progressing", progress, problems };
}
