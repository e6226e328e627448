import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import { waitForConvergence } from "../../provider/swarm/convergence";

const template = { ContainerSpec: { Image: "local/busybox:1" } };
const oldTemplate = { ContainerSpec: { Image: "local/busybox:0" } };

type ScriptedTask = { state: string; err?: string; at: string; spec?: Record<string, unknown> };

/** An engine whose service `s1` shows, on each task list, the next entry of `script`. */
function scriptedEngine(script: ScriptedTask[][]) {
  let poll = 0;
  return {
    async listTasks() {
      const tasks = script[Math.min(poll++, script.length - 1)];
      return tasks.map((t, i) => ({
        ID: `t${i}`,
        ServiceID: "s1",
        NodeID: "n1",
        DesiredState: t.state === "running" || t.state === "starting" ? "running" : "shutdown",
        Spec: t.spec ?? template,
        Status: { State: t.state, Err: t.err, Timestamp: t.at },
      }));
    },
    async listServices() {
      return [{ ID: "s1", Spec: { TaskTemplate: template } }];
    },
    async listNodes() {
      return [{ ID: "n1", Status: { State: "ready" } }];
    },
  } as unknown as Dockerode;
}

const target = { serviceId: "s1", mode: "replicated", replicas: 1, updating: false } as const;

describe("convergence progress", () => {
  it("says how many tasks of the current spec failed so far, and the last one's error", async () => {
    const exit1 = "task: non-zero exit (1)";
    const exit2 = "task: non-zero exit (2)";
    const lines: string[] = [];
    await waitForConvergence(
      scriptedEngine([
        [{ state: "starting", at: "2026-01-01T00:00:01Z" }],
        [{ state: "failed", err: exit1, at: "2026-01-01T00:00:02Z" }],
        [
          { state: "failed", err: exit1, at: "2026-01-01T00:00:02Z" },
          // A task of an older spec says nothing about this one.
          { state: "failed", err: "old", at: "2026-01-01T00:00:09Z", spec: oldTemplate },
          { state: "failed", err: exit2, at: "2026-01-01T00:00:04Z" },
        ],
        [
          { state: "failed", err: exit1, at: "2026-01-01T00:00:02Z" },
          { state: "failed", err: exit2, at: "2026-01-01T00:00:04Z" },
          { state: "running", at: "2026-01-01T00:00:06Z" },
        ],
      ]),
      target,
      { timeoutMs: 5000, pollMs: 10, progress: (line) => lines.push(line) },
    );
    assert.deepEqual(lines, [
      "0/1 tasks running",
      `0/1 tasks running; 1 task failed, the last: ${exit1}`,
      `0/1 tasks running; 2 tasks failed, the last: ${exit2}`,
      `1/1 tasks running; 2 tasks failed, the last: ${exit2}`,
    ]);
  });

  it("ends a timeout with the count alone, the task errors after it", async () => {
    const crash = "task: non-zero exit (1)";
    await assert.rejects(
      waitForConvergence(
        scriptedEngine([[{ state: "failed", err: crash, at: "2026-01-01T00:00:02Z" }]]),
        target,
        { timeoutMs: 100, pollMs: 10 },
      ),
      (err: Error) => err.message === `not converged after 0 s (0/1 tasks running); task errors: ${crash}`,
    );
  });
});
