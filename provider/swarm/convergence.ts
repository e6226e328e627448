import { setTimeout as sleep } from "timers/promises";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { engineMessage, isTransientEngineError } from "./engine-errors";
import { joinTaskBoard, type Task } from "./task-board";

/** What a service is waiting for, and how it went. */
export interface ConvergenceTarget {
  serviceId: string;
  mode: "replicated" | "global" | "job";
  /** Replicated: running tasks wanted; job: completions wanted. */
  replicas: number;
  /** True when the call was an update, whose outcome Swarm reports in `UpdateStatus`. */
  updating: boolean;
  /**
   * The service's `UpdateStatus` (as JSON) read just before the update: left by an earlier update, it
   * says nothing about this one.
   */
  staleUpdateStatus?: string;
}

export interface ConvergenceOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Called with a progress line ("2/3 tasks running") whenever it changes. */
  progress?: (line: string) => void;
  /**
   * Names the engine: waits in this process with the same key share one poll of it (see task-board.ts).
   * Default: this wait polls on its own.
   */
  engineKey?: string;
}

// An array, not a Set: Pulumi's closure serialization captures a module-level Set as a plain object.
const failedStates = ["failed", "rejected", "orphaned"];
/** Update states that end an update without success: a rollback is never a success. */
const failedUpdateStates: Record<string, string> = {
  paused: "the update was paused after tasks failed",
  rollback_completed: "the update failed and was rolled back to the previous spec",
  rollback_paused: "the update failed and its rollback was paused",
};

/** Whether a task was made from the service's current task template (the engine adds Runtime to the latter). */
function ofCurrentSpec(task: Task, template: Record<string, unknown>): boolean {
  if (!task.Spec) return false;
  return Object.entries(task.Spec).every(
    ([key, value]) => JSON.stringify(value) === JSON.stringify(template[key]),
  );
}

/**
 * While a service has not converged, what went wrong so far with the tasks of its current spec: a
 * container that exits at once is restarted by Swarm until the timeout, and the progress says why.
 */
function failuresSoFar(tasks: Task[], template: Record<string, unknown>): string {
  const failed = tasks
    .filter((t) => failedStates.includes(t.Status.State) && ofCurrentSpec(t, template))
    .sort((a, b) => (a.Status.Timestamp ?? "").localeCompare(b.Status.Timestamp ?? ""));
  if (failed.length === 0) return "";
  const last = failed[failed.length - 1].Status;
  const tasksFailed = failed.length === 1 ? "1 task failed" : `${failed.length} tasks failed`;
  return `; ${tasksFailed}, the last: ${last.Err ?? last.Message ?? last.State}`;
}

function lastErrors(tasks: Task[]): string {
  const errors = [
    ...new Set(
      tasks
        .filter((t) => failedStates.includes(t.Status.State))
        .map((t) => t.Status.Err ?? t.Status.Message ?? t.Status.State),
    ),
  ];
  if (errors.length === 0) return "";
  return `; task errors: ${errors.slice(-3).join(" | ")}${pullHint(errors)}`;
}

/**
 * Swarm reports a failed pull only as the missing image ("No such image: <ref>"), dropping the
 * registry's answer; say what usually lies behind it.
 */
function pullHint(errors: string[]): string {
  const missing = errors.map((e) => /No such image: (\S+)/.exec(e)?.[1]).find((ref) => ref !== undefined);
  if (!missing) return "";
  return ` (the engine could not pull ${missing}: check that the image exists and, for a private registry, that registryAuth holds working credentials)`;
}

/**
 * Polls until every task of the service's current spec is running (replicated, global) or complete
 * (job), ignoring nodes that are down. Fails on a timeout or an update that ends paused or rolled
 * back, with the failed tasks' errors in the message. The events API has no task events, so this polls.
 * An engine that stops answering (restarting, say) is asked again until the deadline.
 */
export async function waitForConvergence(
  docker: Dockerode,
  target: ConvergenceTarget,
  options: ConvergenceOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 250;
  let lastLine = "";
  const report = (line: string) => {
    if (line !== lastLine) options.progress?.(line);
    lastLine = line;
  };
  // Set while the engine does not answer (restarting, say), with the last progress seen before.
  let unreachable: { since: number; seen: string } | undefined;
  const board = joinTaskBoard(docker, options.engineKey);
  try {
    for (;;) {
      let polled;
      try {
        // An update reads the service on every poll, for its UpdateStatus.
        polled = await board.poll(target.serviceId, target.updating);
      } catch (err) {
        board.forget();
        if (!isTransientEngineError(err)) throw err;
        unreachable ??= { since: Date.now(), seen: lastLine };
        report(`engine unreachable (${engineMessage(err)}); retrying`);
        if (Date.now() > deadline) {
          const seen = unreachable.seen ? ` (last seen: ${unreachable.seen})` : "";
          throw new Error(
            `the engine was unreachable for the last ${Math.round((Date.now() - unreachable.since) / 1000)} s (${engineMessage(err)}); not converged after ${Math.round(options.timeoutMs / 1000)} s${seen}`,
            { cause: err },
          );
        }
        await sleep(pollMs);
        continue;
      }
      unreachable = undefined;
      const { service: serviceState, tasks, nodes: nodeStates } = polled;
      const downNodes = new Set(nodeStates.filter((n) => n.Status.State !== "ready").map((n) => n.ID));
      const current = tasks.filter((t) => !t.NodeID || !downNodes.has(t.NodeID));
      const fresh =
        serviceState.UpdateStatus && JSON.stringify(serviceState.UpdateStatus) !== target.staleUpdateStatus;
      const updateState = fresh ? serviceState.UpdateStatus?.State : undefined;
      if (target.updating && updateState === "rollback_started") {
        // Report the failure only once the previous spec is back in place.
        report("update failed; rolling back to the previous spec");
        if (Date.now() > deadline) {
          throw new Error(
            `the update failed and its rollback did not finish within the timeout${lastErrors(tasks)}`,
          );
        }
        await sleep(pollMs);
        continue;
      }
      if (target.updating && updateState && failedUpdateStates[updateState]) {
        throw new Error(
          `${failedUpdateStates[updateState]}${serviceState.UpdateStatus?.Message ? ` (${serviceState.UpdateStatus.Message})` : ""}${lastErrors(tasks)}`,
        );
      }
      const updateDone = updateState === undefined || updateState === "completed";

      let done: boolean;
      let counted: string;
      if (target.mode === "job") {
        const complete = current.filter((t) => t.Status.State === "complete").length;
        counted = `${complete}/${target.replicas} tasks complete`;
        report(`${counted}${failuresSoFar(current, serviceState.Spec.TaskTemplate)}`);
        done = complete >= target.replicas;
      } else {
        const wanted = current.filter((t) => t.DesiredState === "running");
        // Only tasks of the current spec count: right after an update the old ones still run.
        const running = wanted.filter(
          (t) => t.Status.State === "running" && ofCurrentSpec(t, serviceState.Spec.TaskTemplate),
        );
        // A global service gets one task per eligible node; Swarm alone knows which nodes those are.
        const expected = target.mode === "replicated" ? target.replicas : Math.max(1, wanted.length);
        counted = `${running.length}/${expected} tasks running`;
        report(`${counted}${failuresSoFar(current, serviceState.Spec.TaskTemplate)}`);
        done = updateDone && wanted.length === expected && running.length === expected;
      }
      if (done) return;
      if (Date.now() > deadline) {
        throw new Error(
          `not converged after ${Math.round(options.timeoutMs / 1000)} s (${counted})${lastErrors(tasks)}`,
        );
      }
      await sleep(pollMs);
    }
  } finally {
    board.leave();
  }
}
