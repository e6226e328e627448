import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import { missingArchitecture, waitForConvergence } from "../../provider/swarm/convergence";

const template = { ContainerSpec: { Image: "local/busybox:1" } };
const oldTemplate = { ContainerSpec: { Image: "local/busybox:0" } };

interface ScriptedTask {
  id: string;
  state: string;
  err?: string;
  at: string;
  slot?: number;
  spec?: Record<string, unknown>;
  /** What the engine's `_up-to-date` filter says of the task. Default: whether `spec` is the template. */
  upToDate?: boolean;
  iteration?: number;
  desired?: string;
}

interface ScriptedService {
  monitorNs?: number;
  restart?: { Condition?: string; MaxAttempts?: number };
  failureAction?: string;
  updateState?: string;
  jobIteration?: number;
}

/**
 * An engine whose service `s1` shows, on each task list, what `script` gives for the milliseconds
 * since the first list (a list of scripted tasks, or a list and the service's update state).
 */
function scriptedEngine(
  script: (elapsedMs: number) => ScriptedTask[] | { tasks: ScriptedTask[]; updateState?: string },
  service: ScriptedService = {},
) {
  let start: number | undefined;
  let lastStep: ReturnType<typeof script> | undefined;
  let updateState = service.updateState;
  return {
    async listTasks(opts?: { filters?: string }) {
      const upToDateOnly = opts?.filters?.includes("_up-to-date") ?? false;
      // The board asks for all tasks and for the up-to-date ones at once: one step of the script serves both.
      if (!upToDateOnly) {
        start ??= Date.now();
        lastStep = script(Date.now() - start);
      }
      const step = lastStep ?? script(0);
      const tasks = Array.isArray(step) ? step : step.tasks;
      if (!Array.isArray(step) && step.updateState) updateState = step.updateState;
      // As the engine's filter: a task is up to date when made from the service's current spec.
      const listed = upToDateOnly
        ? tasks.filter((t) => t.upToDate ?? JSON.stringify(t.spec ?? template) === JSON.stringify(template))
        : tasks;
      return listed.map((t) => ({
        ID: t.id,
        ServiceID: "s1",
        NodeID: "n1",
        Slot: t.slot ?? 1,
        DesiredState:
          t.desired ?? (["running", "starting", "pending"].includes(t.state) ? "running" : "shutdown"),
        Spec: t.spec ?? template,
        Status: { State: t.state, Err: t.err, Timestamp: t.at },
        ...(t.iteration !== undefined && { JobIteration: { Index: t.iteration } }),
      }));
    },
    async listServices() {
      return [
        {
          ID: "s1",
          Spec: {
            TaskTemplate: { ...template, ...(service.restart && { RestartPolicy: service.restart }) },
            UpdateConfig: {
              Monitor: service.monitorNs ?? 1e9,
              FailureAction: service.failureAction ?? "pause",
            },
          },
          ...(updateState && { UpdateStatus: { State: updateState } }),
          ...(service.jobIteration !== undefined && {
            JobStatus: { JobIteration: { Index: service.jobIteration } },
          }),
        },
      ];
    },
    async listNodes() {
      return [{ ID: "n1", Status: { State: "ready" } }];
    },
  } as unknown as Dockerode;
}

const target = { serviceId: "s1", mode: "replicated", replicas: 1, updating: false } as const;
const exit1 = "task: non-zero exit (1)";
const exit2 = "task: non-zero exit (2)";

async function timed(work: Promise<unknown>): Promise<number> {
  const start = Date.now();
  await work;
  return Date.now() - start;
}

describe("convergence", () => {
  it("waits for every task to run for the monitor window, and says which phase it is in", async () => {
    const lines: string[] = [];
    const ms = await timed(
      waitForConvergence(
        scriptedEngine((t) => {
          if (t < 100) return [{ id: "a", state: "starting", at: "01" }];
          if (t < 200) return [{ id: "a", state: "failed", err: exit1, at: "02" }];
          return [
            { id: "a", state: "failed", err: exit1, at: "02" },
            // A task of an older spec says nothing about this one.
            { id: "o", state: "failed", err: "old", at: "09", spec: oldTemplate },
            { id: "b", state: "running", at: "03" },
          ];
        }),
        target,
        { timeoutMs: 5000, pollMs: 10, progress: (line) => lines.push(line) },
      ),
    );
    assert.ok(ms >= 1200, `running for the 1 s window after 200 ms, took ${ms} ms`);
    assert.deepEqual(lines, [
      "0/1 tasks running",
      `0/1 tasks running; 1 task failed, the last: ${exit1}`,
      `1/1 tasks running, stable for 0/1 s; 1 task failed, the last: ${exit1}`,
      `1/1 tasks running, stable for 1/1 s; 1 task failed, the last: ${exit1}`,
    ]);
  });

  it("takes the engine's word for which tasks are of the current spec, not a comparison of what the API shows", async () => {
    // After a leader change a service can show `DNSConfig: {}` where its tasks show nothing.
    const shownOtherwise = { ContainerSpec: { ...template.ContainerSpec, DNSConfig: { Nameservers: [] } } };
    await waitForConvergence(
      scriptedEngine(() => [{ id: "a", state: "running", at: "01", spec: shownOtherwise, upToDate: true }]),
      target,
      { timeoutMs: 3000, pollMs: 10 },
    );
    // And a task the engine does not call up to date never counts, however its spec reads.
    await assert.rejects(
      waitForConvergence(
        scriptedEngine(() => [{ id: "b", state: "running", at: "01", upToDate: false }]),
        target,
        { timeoutMs: 1000, pollMs: 10 },
      ),
      /not converged after 1 s \(0\/1 tasks running\)/,
    );
  });

  it("counts slots, not tasks: two running tasks in one slot (a node lost mid-update) are one replica", async () => {
    // As Swarm left it in a real run: slot 2 restarted off the lost node while the updater replaced it.
    const lines: string[] = [];
    await waitForConvergence(
      scriptedEngine(() => [
        { id: "a", state: "running", at: "01", slot: 1 },
        { id: "b", state: "running", at: "02", slot: 2 },
        { id: "c", state: "running", at: "03", slot: 2 },
        { id: "d", state: "running", at: "04", slot: 3 },
      ]),
      { ...target, replicas: 3 },
      { timeoutMs: 3000, pollMs: 10, progress: (line) => lines.push(line) },
    );
    assert.equal(lines[0], "3/3 tasks running, stable for 0/1 s");
    // A slot beyond the replicas that is still wanted is a scale-down not yet done.
    await assert.rejects(
      waitForConvergence(
        scriptedEngine(() => [
          { id: "a", state: "running", at: "01", slot: 1 },
          { id: "b", state: "running", at: "02", slot: 2 },
        ]),
        target,
        { timeoutMs: 1000, pollMs: 10 },
      ),
      /not converged after 1 s \(2\/1 tasks running\)/,
    );
  });

  it("starts the window again when a task of the current spec fails and another takes its slot", async () => {
    const lines: string[] = [];
    const ms = await timed(
      waitForConvergence(
        scriptedEngine((t) => {
          if (t < 600) return [{ id: "a", state: "running", at: "01" }];
          return [
            { id: "a", state: "failed", err: exit1, at: "02" },
            { id: "b", state: "running", at: "03" },
          ];
        }),
        target,
        { timeoutMs: 5000, pollMs: 10, progress: (line) => lines.push(line) },
      ),
    );
    assert.ok(ms >= 1600, `a new 1 s window from 600 ms, took ${ms} ms`);
    assert.ok(lines.includes(`1/1 tasks running, stable for 0/1 s; 1 task failed, the last: ${exit1}`));
  });

  it("fails as soon as a slot failed twice, naming the task errors, long before the timeout", async () => {
    const ms = await timed(
      assert.rejects(
        waitForConvergence(
          scriptedEngine((t) => {
            if (t < 50) return [{ id: "a", state: "running", at: "01" }];
            if (t < 100) return [{ id: "a", state: "complete", at: "02" }];
            return [
              { id: "a", state: "complete", at: "02" },
              { id: "b", state: "failed", err: exit2, at: "04" },
            ];
          }),
          target,
          { timeoutMs: 60_000, pollMs: 10 },
        ),
        (err: Error) =>
          err.message ===
          `the tasks of the current spec keep failing (2 failures of slot 1; 2 failures in all); task errors: the container exited with code 0 | ${exit2}`,
      ),
    );
    assert.ok(ms < 1000, `failed after ${ms} ms`);
  });

  it("fails at the first failure when the restart policy restarts nothing", async () => {
    await assert.rejects(
      waitForConvergence(
        scriptedEngine(() => [{ id: "a", state: "rejected", err: "No such image: local/x:1", at: "01" }], {
          restart: { Condition: "none" },
        }),
        target,
        { timeoutMs: 60_000, pollMs: 10 },
      ),
      /keep failing \(the restart policy restarts no task \(condition none\); 1 failure in all\); task errors: No such image: local\/x:1 \(the engine could not pull local\/x:1/,
    );
  });

  it("counts failures per slot: one failure in each of two replicas is not yet failing", async () => {
    await waitForConvergence(
      scriptedEngine((t) =>
        t < 50
          ? [
              { id: "a", state: "failed", err: exit1, at: "01", slot: 1 },
              { id: "b", state: "failed", err: exit1, at: "01", slot: 2 },
            ]
          : [
              { id: "a", state: "failed", err: exit1, at: "01", slot: 1 },
              { id: "b", state: "failed", err: exit1, at: "01", slot: 2 },
              { id: "c", state: "running", at: "02", slot: 1 },
              { id: "d", state: "running", at: "02", slot: 2 },
            ],
      ),
      { ...target, replicas: 2 },
      { timeoutMs: 5000, pollMs: 10 },
    );
  });

  it("keeps waiting for a placement no node satisfies, and names it at the timeout", async () => {
    const noNode = "no suitable node (scheduling constraints not satisfied on 1 node)";
    await assert.rejects(
      waitForConvergence(
        scriptedEngine(() => [{ id: "a", state: "pending", err: noNode, at: "01" }]),
        target,
        { timeoutMs: 300, pollMs: 10 },
      ),
      (err: Error) => err.message === `not converged after 0 s (0/1 tasks running); pending: ${noNode}`,
    );
  });

  it("ends a timeout with the count alone, the task errors after it", async () => {
    await assert.rejects(
      waitForConvergence(
        scriptedEngine(() => [{ id: "a", state: "failed", err: exit1, at: "02" }]),
        target,
        { timeoutMs: 100, pollMs: 10 },
      ),
      (err: Error) => err.message === `not converged after 0 s (0/1 tasks running); task errors: ${exit1}`,
    );
  });

  it("reports a failing update Swarm rolls back with Swarm's verdict, once the rollback is done", async () => {
    await assert.rejects(
      waitForConvergence(
        scriptedEngine(
          (t) => {
            const tasks = [
              { id: "a", state: "failed", err: exit1, at: "02" },
              { id: "b", state: "failed", err: exit2, at: "03" },
            ];
            if (t < 20) return { tasks: [], updateState: "updating" };
            if (t < 300) return { tasks, updateState: "updating" };
            if (t < 400) return { tasks, updateState: "rollback_started" };
            return { tasks, updateState: "rollback_completed" };
          },
          { failureAction: "rollback" },
        ),
        { ...target, updating: true },
        { timeoutMs: 60_000, pollMs: 10 },
      ),
      (err: Error) =>
        err.message ===
        `the update failed and was rolled back to the previous spec; task errors: ${exit1} | ${exit2}`,
    );
  });

  it("counts only the tasks of a job's current run", async () => {
    const job = { ...target, mode: "job", replicas: 2 } as const;
    const lines: string[] = [];
    await waitForConvergence(
      scriptedEngine(
        (t) => [
          // The previous run's completions, of the same spec.
          { id: "p1", state: "complete", at: "01", iteration: 1, slot: 1 },
          { id: "p2", state: "complete", at: "01", iteration: 1, slot: 2 },
          {
            id: "n1",
            state: t < 100 ? "running" : "complete",
            at: "02",
            iteration: 2,
            slot: 1,
            desired: "complete",
          },
          {
            id: "n2",
            state: t < 200 ? "running" : "complete",
            at: "02",
            iteration: 2,
            slot: 2,
            desired: "complete",
          },
        ],
        { jobIteration: 2, restart: { Condition: "on-failure" } },
      ),
      job,
      { timeoutMs: 5000, pollMs: 10, progress: (line) => lines.push(line) },
    );
    assert.deepEqual(lines, ["0/2 tasks complete", "1/2 tasks complete", "2/2 tasks complete"]);
  });
});

describe("missingArchitecture", () => {
  const service = (constraints: string[]) => ({
    ID: "s1",
    Spec: { TaskTemplate: { Placement: { Constraints: constraints } } },
  });
  const node = (arch: string, state = "ready") => ({
    ID: `n-${arch}`,
    Status: { State: state },
    Description: { Platform: { Architecture: arch, OS: "linux" } },
  });
  const pending = {
    ID: "t1",
    DesiredState: "running",
    Status: { State: "pending", Err: "no suitable node (scheduling constraints not satisfied on 1 node)" },
  };

  it("names the architecture no node has, while a task waits for a node", () => {
    const why = missingArchitecture(
      service(["node.labels.zone==a", "node.platform.arch == aarch64"]),
      [node("x86_64")],
      [pending],
    );
    assert.match(
      why ?? "",
      /^no suitable node: the service needs node\.platform\.arch==aarch64 and no node of the swarm has that architecture \(its nodes are x86_64\)/,
    );
  });

  it("says nothing while some node has it, even a node that is down, or while no task waits", () => {
    const arm = service(["node.platform.arch==aarch64"]);
    assert.equal(missingArchitecture(arm, [node("x86_64"), node("aarch64", "down")], [pending]), undefined);
    assert.equal(
      missingArchitecture(arm, [node("x86_64")], [{ ...pending, Status: { State: "running" } }]),
      undefined,
    );
    assert.equal(
      missingArchitecture(service(["node.labels.zone==a"]), [node("x86_64")], [pending]),
      undefined,
    );
  });
});
