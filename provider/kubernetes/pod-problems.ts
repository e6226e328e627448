import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";

/**
 * Waiting reasons after which a container will not start without a change to the pod template or the
 * cluster: a rollout that meets one has failed. Other reasons (ErrImagePull before its back-off,
 * Unschedulable while a node may still be added) are reported, and fail the rollout only at its timeout.
 */
export const definiteFailureReasons = [
  "ImagePullBackOff",
  "CrashLoopBackOff",
  "ErrImageNeverPull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
];

/** Waiting reasons of a container on its way up: nothing to report. */
const startingReasons = ["ContainerCreating", "PodInitializing"];

/** Something keeping a pod from running: its reason (e.g. `ImagePullBackOff`) and what it says. */
export interface PodProblem {
  reason: string;
  /** The reason with where it happened and the kubelet's or scheduler's message. */
  detail: string;
  /** Whether the pod will not recover without a change (see {@link definiteFailureReasons}). */
  definite: boolean;
}

const maxMessageLength = 200;

function clipped(message: string | undefined): string {
  if (!message) return "";
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length > maxMessageLength ? `${oneLine.slice(0, maxMessageLength)}...` : oneLine;
}

function containerProblems(statuses: ContainerStatus[] | undefined, kind: string): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const status of statuses ?? []) {
    const waiting = status.state?.waiting;
    const terminated = status.state?.terminated;
    const lastExit = status.lastState?.terminated;
    if (waiting?.reason && !startingReasons.includes(waiting.reason)) {
      const message = clipped(waiting.message);
      const exit = lastExit
        ? ` (last exit code ${lastExit.exitCode}${lastExit.reason ? `, ${lastExit.reason}` : ""})`
        : "";
      problems.push({
        reason: waiting.reason,
        detail: `${kind} ${status.name} ${waiting.reason}${message ? `: ${message}` : ""}${exit}`,
        definite: definiteFailureReasons.includes(waiting.reason),
      });
    } else if (terminated && terminated.exitCode !== 0) {
      const reason = terminated.reason ?? "Error";
      const message = clipped(terminated.message);
      problems.push({
        reason,
        detail: `${kind} ${status.name} exited with code ${terminated.exitCode} (${reason})${message ? `: ${message}` : ""}`,
        definite: false,
      });
    }
  }
  return problems;
}

/** What keeps `pod` from running: its containers' waiting or failed states, or being unschedulable. */
export function podProblems(pod: Pod): PodProblem[] {
  const status = pod.status ?? {};
  const problems = [
    ...containerProblems(status.initContainerStatuses, "init container"),
    ...containerProblems(status.containerStatuses, "container"),
  ];
  const scheduled = status.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const message = clipped(scheduled.message);
    problems.push({
      reason: "Unschedulable",
      detail: `Unschedulable${message ? `: ${message}` : ""}`,
      definite: false,
    });
  }
  if (status.phase === "Failed") {
    const message = clipped(status.message);
    const reason = status.reason ?? "Failed";
    problems.push({ reason, detail: `pod ${reason}${message ? `: ${message}` : ""}`, definite: false });
  }
  return problems;
}

/**
 * The problems of `pods`, one line per distinct problem with how many pods have it, e.g.
 * `container app ImagePullBackOff: Back-off pulling image "web:2" (2 pods)`.
 */
export function summarizeProblems(pods: Pod[]): { lines: string[]; definite: boolean } {
  const counts = new Map<string, number>();
  let definite = false;
  for (const pod of pods) {
    // A pod counts once per problem, however many of its containers share it.
    for (const detail of new Set(
      podProblems(pod).map((p) => {
        definite ||= p.definite;
        return p.detail;
      }),
    ))
      counts.set(detail, (counts.get(detail) ?? 0) + 1);
  }
  const lines = [...counts].map(([detail, n]) => `${detail} (${n} pod${n === 1 ? "" : "s"})`);
  return { lines, definite };
}
