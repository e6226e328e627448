import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import { waitForConvergence } from "../../provider/swarm/convergence";

const template = { ContainerSpec: { Image: "local/busybox:1" } };

/**
 * An engine whose services each get a running task on the `runsAfter`-th task list that names them,
 * recording every call.
 */
function countingEngine(serviceIds: string[], runsAfter = 3) {
  const calls = {
    listTasks: [] as string[][],
    upToDateLists: 0,
    listServices: [] as string[][],
    listNodes: 0,
  };
  const seen: Record<string, number> = {};
  const engine = {
    async listTasks(opts: { filters: string }) {
      const filters = JSON.parse(opts.filters) as { service: string[]; "_up-to-date"?: string[] };
      const ids = filters.service;
      if (filters["_up-to-date"]) calls.upToDateLists++;
      else calls.listTasks.push(ids);
      return ids.map((id) => {
        if (!filters["_up-to-date"]) seen[id] = (seen[id] ?? 0) + 1;
        const state = seen[id] >= runsAfter ? "running" : "preparing";
        return {
          ID: `t-${id}`,
          ServiceID: id,
          NodeID: "n1",
          DesiredState: "running",
          Spec: template,
          Status: { State: state },
        };
      });
    },
    async listServices(opts: { filters: string }) {
      const ids = (JSON.parse(opts.filters) as { id: string[] }).id;
      calls.listServices.push(ids);
      // The engine's id filter matches prefixes: an ID that starts another's brings both.
      return serviceIds
        .filter((s) => ids.some((id) => s.startsWith(id)))
        .map((ID) => ({ ID, Spec: { TaskTemplate: template, UpdateConfig: { Monitor: 1e6 } } }));
    },
    async listNodes() {
      calls.listNodes++;
      return [{ ID: "n1", Status: { State: "ready" } }];
    },
  };
  return { docker: engine as unknown as Dockerode, calls };
}

const target = (serviceId: string) =>
  ({ serviceId, mode: "replicated", replicas: 1, updating: false }) as const;

describe("one poll of the engine for every service waited on", () => {
  it("asks once for the tasks of all services waiting on the same engine", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `svc${i}`);
    const { docker, calls } = countingEngine(ids);
    await Promise.all(
      ids.map((id) =>
        waitForConvergence(docker, target(id), { timeoutMs: 5000, pollMs: 20, engineKey: "engine-a" }),
      ),
    );
    // Three polls bring every service to running and a fourth ends their 1 ms monitor window: four
    // task lists, each naming all twenty services.
    assert.equal(calls.listTasks.length, 4);
    assert.equal(calls.upToDateLists, 4, "each poll also asks which tasks are up to date, once for all");
    for (const asked of calls.listTasks) assert.deepEqual([...asked].sort(), [...ids].sort());
    assert.equal(calls.listNodes, 1, "nodes are read at most every two seconds");
  });

  it("polls on its own for a wait without an engine key, and for another engine", async () => {
    const { docker, calls } = countingEngine(["x1", "x2", "x3"]);
    await Promise.all([
      waitForConvergence(docker, target("x1"), { timeoutMs: 5000, pollMs: 20 }),
      waitForConvergence(docker, target("x2"), { timeoutMs: 5000, pollMs: 20, engineKey: "engine-b" }),
      waitForConvergence(docker, target("x3"), { timeoutMs: 5000, pollMs: 20, engineKey: "engine-c" }),
    ]);
    assert.deepEqual(
      calls.listTasks.map((ids) => ids.length),
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    );
  });

  it("says a service is gone when the engine no longer lists it, even if another ID starts with its own", async () => {
    const { docker } = countingEngine(["abc123"]);
    await assert.rejects(
      waitForConvergence(docker, target("abc"), { timeoutMs: 5000, pollMs: 20, engineKey: "engine-d" }),
      /service abc not found/,
    );
  });

  it("reads a service that is updating on every poll, for its update status", async () => {
    const { docker, calls } = countingEngine(["u1"], 4);
    await waitForConvergence(
      docker,
      { ...target("u1"), updating: true },
      { timeoutMs: 5000, pollMs: 20, engineKey: "engine-e" },
    );
    assert.equal(calls.listServices.length, calls.listTasks.length);
  });

  it("reads the nodes again once its list is two seconds old, however often it polls", async () => {
    // As after a leader election: the first node list says every node is unknown, later ones ready.
    let nodeLists = 0;
    const engine = {
      async listTasks() {
        const task = { ID: "t1", ServiceID: "n1svc", NodeID: "n1", DesiredState: "running" };
        return [{ ...task, Spec: template, Status: { State: "running" } }];
      },
      async listServices() {
        return [{ ID: "n1svc", Spec: { TaskTemplate: template, UpdateConfig: { Monitor: 1e6 } } }];
      },
      async listNodes() {
        nodeLists++;
        return [{ ID: "n1", Status: { State: nodeLists === 1 ? "unknown" : "ready" } }];
      },
    };
    const started = Date.now();
    await waitForConvergence(engine as unknown as Dockerode, target("n1svc"), {
      timeoutMs: 6000,
      pollMs: 100,
      engineKey: "engine-f",
    });
    assert.equal(nodeLists, 2, "the node list is read again after it aged, and only then");
    assert.ok(Date.now() - started >= 1900, "the first list stood for its two seconds");
  });
});
