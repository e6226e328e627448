import { setTimeout as sleep } from "timers/promises";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { engineMessage, isTransientEngineError } from "../shared/engine-errors";
import { joinTaskBoard, type NodeState, type ServiceState, type Task } from "./task-board";

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
  /** Called with a progress line ("2/3 tasks running", "2/2 tasks running, stable for 3/5 s") whenever it changes. */
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

/** The docker CLI's window when a spec sets no `UpdateConfig.Monitor` (as Swarm's own default). */
export const defaultMonitorMs = 5000;
/**
 * Failures of one task slot (a replica, a job's completion, a global service's node) after which the
 * spec is taken as failing, whatever the restart policy still allows: with Swarm's default restart
 * delay (5 s) a container that keeps exiting fails a deploy a few seconds after the monitor window.
 */
export const failuresPerSlot = 2;
/**
 * How long an update whose policy lets Swarm pause or roll back is given to do so after its tasks
 * failed, so that the failure is reported with Swarm's verdict (and the previous spec back in place).
 */
const swarmVerdictGraceMs = 15_000;

/** The convergence window of a service: its update policy's monitor, 5 s when it sets none (or 0). */
export function monitorMsOf(service: ServiceState): number {
  const ns = service.Spec.UpdateConfig?.Monitor;
  return typeof ns === "number" && ns > 0 ? ns / 1e6 : defaultMonitorMs;
}

/** A failed task of the current spec, as counted while waiting. */
interface Failure {
  slot: string;
  state: string;
  error: string;
  at: string;
}

function errorOf(task: Task): string {
  // A replicated task's container that exits 0 ends "complete", with no error to show.
  if (task.Status.State === "complete") return "the container exited with code 0";
  return task.Status.Err ?? task.Status.Message ?? task.Status.State;
}

/** What the task's failure is counted under: its slot, or its node for a global service. */
function slotOf(task: Task, mode: ConvergenceTarget["mode"]): string {
  return mode === "global" ? `node ${task.NodeID ?? "?"}` : `slot ${task.Slot ?? "?"}`;
}

/**
 * Whether a task of the current spec ended without success. A replicated or global task that
 * completes (its container exited 0) was wanted running: for those services it is a failure too.
 */
function isFailure(task: Task, mode: ConvergenceTarget["mode"]): boolean {
  return failedStates.includes(task.Status.State) || (mode !== "job" && task.Status.State === "complete");
}

/**
 * Why the failures of one slot mean the current spec is failing, or undefined while Swarm may still
 * bring it up: after {@link failuresPerSlot} failures, or once the restart policy allows no restart.
 */
function givenUp(
  failures: Failure[],
  service: ServiceState,
  mode: ConvergenceTarget["mode"],
): string | undefined {
  const policy = service.Spec.TaskTemplate.RestartPolicy ?? {};
  const last = failures[failures.length - 1];
  if (policy.Condition === "none") return "the restart policy restarts no task (condition none)";
  if (policy.Condition === "on-failure" && last.state === "complete" && mode !== "job")
    return "its container exited 0 and the restart policy restarts only on failure";
  if (policy.MaxAttempts && policy.MaxAttempts > 0 && failures.length > policy.MaxAttempts)
    return `the restart policy's ${policy.MaxAttempts} attempts are used up`;
  if (failures.length >= failuresPerSlot) return `${failures.length} failures of ${last.slot}`;
  return undefined;
}

/** "; 2 tasks failed, the last: <error>": what went wrong so far with the tasks of the current spec. */
function failuresSoFar(failures: Failure[]): string {
  if (failures.length === 0) return "";
  const last = [...failures].sort((a, b) => a.at.localeCompare(b.at))[failures.length - 1];
  const tasksFailed = failures.length === 1 ? "1 task failed" : `${failures.length} tasks failed`;
  return `; ${tasksFailed}, the last: ${last.error}`;
}

/** "; pending: no suitable node (...)": why wanted tasks wait for a node. */
function pendingReason(tasks: Task[]): string {
  const pending = tasks.find(
    (t) => t.DesiredState === "running" && t.Status.State === "pending" && t.Status.Err,
  );
  return pending ? `; pending: ${pending.Status.Err}` : "";
}

/**
 * Why the service can never be placed, when a wanted task waits for "no suitable node" and the
 * service's placement asks for a CPU architecture (`node.platform.arch==aarch64`, as a service's
 * `platform` renders) that no node of the swarm has, up or down. Swarm would keep the task pending
 * until such a node joins; a deployment would wait out its timeout. Otherwise undefined.
 */
export function missingArchitecture(
  service: ServiceState,
  nodes: NodeState[],
  tasks: Task[],
): string | undefined {
  const pending = tasks.find(
    (t) =>
      t.DesiredState === "running" &&
      t.Status.State === "pending" &&
      /no suitable node/.test(t.Status.Err ?? ""),
  );
  if (pending === undefined || nodes.length === 0) return undefined;
  const placement = service.Spec.TaskTemplate.Placement as { Constraints?: unknown } | undefined;
  const constraints = Array.isArray(placement?.Constraints) ? (placement.Constraints as unknown[]) : [];
  const have = [...new Set(nodes.map((n) => n.Description?.Platform?.Architecture ?? "unknown"))];
  for (const constraint of constraints) {
    const wanted = /^\s*node\.platform\.arch\s*==\s*(\S+)\s*$/.exec(String(constraint))?.[1];
    if (wanted === undefined || have.some((a) => a.toLowerCase() === wanted.toLowerCase())) continue;
    return `no suitable node: the service needs node.platform.arch==${wanted} and no node of the swarm has that architecture (its nodes are ${have.join(", ")}); add ${wanted} nodes or deploy the service for a platform the swarm has (task pending: ${pending.Status.Err})`;
  }
  return undefined;
}

function lastErrors(errors: string[]): string {
  const distinct = [...new Set(errors)];
  if (distinct.length === 0) return "";
  return `; task errors: ${distinct.slice(-3).join(" | ")}${pullHint(distinct)}`;
}

/** The errors of every failed task listed, old specs' included (an update's outcome is about both). */
function allTaskErrors(tasks: Task[]): string[] {
  return tasks.filter((t) => failedStates.includes(t.Status.State)).map(errorOf);
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

const seconds = (ms: number) => Math.round(ms / 1000);
/** A window in seconds as people write it: "5", "1", "0.5". */
const windowSeconds = (ms: number) => String(Math.round(ms / 100) / 10);

/**
 * Polls until the service has converged, ignoring nodes that are down:
 * - replicated and global: every wanted task of the current spec has been running, without a task
 *   failure of that spec in between, for the update policy's `monitor` (default 5 s, the docker CLI's
 *   `--detach=false` window), and an update has completed;
 * - job: the current run (`JobIteration`) has its completions.
 * Fails early, naming the last task errors, when the current spec keeps failing: a task slot failed
 * {@link failuresPerSlot} times, or its restart policy allows no more attempts. Fails on a timeout
 * (naming a placement that no node satisfies) or an update that ends paused or rolled back. The
 * events API has no task events, so this polls. An engine that stops answering (restarting, say) is
 * asked again until the deadline.
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
  // Failed tasks of the current spec seen so far, by task ID (Swarm keeps only a few of each slot).
  const failures = new Map<string, Failure>();
  // An update's first poll lists the failures of earlier runs of the same spec: they do not count.
  let earlier: Set<string> | undefined = target.updating ? undefined : new Set();
  // Since when every wanted task has run, and which tasks those are.
  let stable: { since: number; tasks: string } | undefined;
  // Since when the spec is known to be failing while Swarm may still pause or roll the update back.
  let failingSince: number | undefined;
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
            `the engine was unreachable for the last ${seconds(Date.now() - unreachable.since)} s (${engineMessage(err)}); not converged after ${seconds(options.timeoutMs)} s${seen}`,
            { cause: err },
          );
        }
        await sleep(pollMs);
        continue;
      }
      unreachable = undefined;
      const { service: serviceState, tasks, nodes: nodeStates } = polled;
      const now = Date.now();
      const downNodes = new Set(nodeStates.filter((n) => n.Status.State !== "ready").map((n) => n.ID));
      const current = tasks.filter((t) => !t.NodeID || !downNodes.has(t.NodeID));
      const fresh =
        serviceState.UpdateStatus && JSON.stringify(serviceState.UpdateStatus) !== target.staleUpdateStatus;
      const updateState = fresh ? serviceState.UpdateStatus?.State : undefined;
      if (target.updating && updateState === "rollback_started") {
        // Report the failure only once the previous spec is back in place.
        report("update failed; rolling back to the previous spec");
        if (now > deadline) {
          throw new Error(
            `the update failed and its rollback did not finish within the timeout${lastErrors(allTaskErrors(tasks))}`,
          );
        }
        await sleep(pollMs);
        continue;
      }
      if (target.updating && updateState && failedUpdateStates[updateState]) {
        throw new Error(
          `${failedUpdateStates[updateState]}${serviceState.UpdateStatus?.Message ? ` (${serviceState.UpdateStatus.Message})` : ""}${lastErrors(allTaskErrors(tasks))}`,
        );
      }
      const updateDone = updateState === undefined || updateState === "completed";

      // A job counts only the tasks of its current run; a service, those of its current spec.
      const iteration = serviceState.JobStatus?.JobIteration?.Index;
      const ofThisRun = (t: Task) =>
        target.mode === "job" && iteration !== undefined
          ? t.JobIteration?.Index === iteration
          : t.upToDate === true;
      const failedNow = current.filter((t) => isFailure(t, target.mode) && ofThisRun(t));
      if (earlier === undefined) earlier = new Set(failedNow.map((t) => t.ID));
      let newFailure = false;
      for (const t of failedNow) {
        if (earlier.has(t.ID) || failures.has(t.ID)) continue;
        newFailure = true;
        failures.set(t.ID, {
          slot: slotOf(t, target.mode),
          state: t.Status.State,
          error: errorOf(t),
          at: t.Status.Timestamp ?? "",
        });
      }
      const counted = [...failures.values()];

      let done: boolean;
      let line: string;
      const monitorMs = monitorMsOf(serviceState);
      if (target.mode === "job") {
        const complete = current.filter((t) => t.Status.State === "complete" && ofThisRun(t)).length;
        line = `${complete}/${target.replicas} tasks complete`;
        done = complete >= target.replicas;
      } else {
        const wanted = current.filter((t) => t.DesiredState === "running");
        // Counted by slot (a global service's: its node), as the docker CLI's progress counts them:
        // when a node is lost during an update, Swarm can run two tasks in one slot for a while.
        const slotsWanted = new Set(wanted.map((t) => slotOf(t, target.mode)));
        // Only tasks of the current spec count: right after an update the old ones still run.
        const runningBySlot = new Map<string, Task>();
        for (const t of wanted.filter((w) => w.Status.State === "running" && w.upToDate === true)) {
          const slot = slotOf(t, target.mode);
          const kept = runningBySlot.get(slot);
          // One task stands for its slot, the same one on every poll while both run.
          if (!kept || t.ID < kept.ID) runningBySlot.set(slot, t);
        }
        const running = [...runningBySlot.values()];
        // A global service gets one task per eligible node; Swarm alone knows which nodes those are.
        const expected = target.mode === "replicated" ? target.replicas : Math.max(1, slotsWanted.size);
        const allRunning = slotsWanted.size === expected && running.length === expected;
        const runningIds = running
          .map((t) => t.ID)
          .sort()
          .join();
        // Any failure of the current spec, or another task taking a slot, starts the window again.
        if (!allRunning) stable = undefined;
        else if (!stable || newFailure || stable.tasks !== runningIds)
          stable = { since: now, tasks: runningIds };
        line = `${running.length}/${expected} tasks running`;
        if (stable && expected > 0) {
          const held = Math.min(now - stable.since, monitorMs);
          line += `, stable for ${windowSeconds(Math.floor(held / 1000) * 1000)}/${windowSeconds(monitorMs)} s`;
        }
        if (target.updating && !updateDone) line += "; update in progress";
        done = updateDone && allRunning && (expected === 0 || now - stable!.since >= monitorMs);
      }
      report(`${line}${failuresSoFar(counted)}${pendingReason(current)}`);
      if (done) return;
      const unplaceable = missingArchitecture(serviceState, nodeStates, current);
      if (unplaceable !== undefined) throw new Error(unplaceable);

      const bySlot = new Map<string, Failure[]>();
      for (const f of counted) bySlot.set(f.slot, [...(bySlot.get(f.slot) ?? []), f]);
      const reason = [...bySlot.values()]
        .map((slotFailures) => givenUp(slotFailures, serviceState, target.mode))
        .find((r) => r !== undefined);
      if (reason !== undefined) {
        // Swarm pauses or rolls back a failing update itself: give it the time to, and report that.
        const action = serviceState.Spec.UpdateConfig?.FailureAction;
        const swarmActs = target.updating && (action === "rollback" || action === "pause");
        failingSince ??= now;
        if (!swarmActs || now - failingSince >= swarmVerdictGraceMs) {
          const sorted = counted.sort((a, b) => a.at.localeCompare(b.at)).map((f) => f.error);
          throw new Error(
            `the tasks of the current spec keep failing (${reason}; ${counted.length === 1 ? "1 failure" : `${counted.length} failures`} in all)${lastErrors(sorted)}`,
          );
        }
      }
      if (now > deadline) {
        throw new Error(
          `not converged after ${seconds(options.timeoutMs)} s (${line})${pendingReason(current)}${lastErrors(allTaskErrors(tasks))}`,
        );
      }
      await sleep(pollMs);
    }
  } finally {
    board.leave();
  }
}
