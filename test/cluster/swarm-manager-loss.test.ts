import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { SwarmCluster, type SwarmNodeArgs } from "../../components/swarm";
import { engineClient } from "../../provider/shared/engine";
import { runProgram, type ProgramRun } from "../support/harness";
import type { SshKeyPair } from "../support/netns-sshd";
import { clusterHostsCanRun, type SshHost, type SshHosts, startSshHosts } from "../support/ssh-hosts";

/**
 * A swarm of three managers and a worker ("VMs": network namespaces, each with its own dockerd and
 * sshd) that loses a manager while Berth deploys to it. Each scenario ends with a refresh that shows no
 * drift and an `up` that changes nothing. The time each scenario takes is printed.
 */

const names = ["m1", "m2", "m3", "w4"] as const;
type Name = (typeof names)[number];
const hosts = {} as Record<Name, SshHost>;
let admin: SshKeyPair;
let started: SshHosts<Name> | undefined;

function node(name: Name): SwarmNodeArgs {
  const { sshd } = hosts[name];
  return {
    name,
    role: name.startsWith("m") ? "manager" : "worker",
    labels: { host: name },
    ssh: { host: sshd.host, user: "root", privateKey: admin.privateKey, hostKey: sshd.hostKey },
  };
}

/** The cluster with `order` as its node list, and one service per name (replicas as given). */
function program(order: Name[], services: Record<string, number>) {
  return () => {
    const cluster = new SwarmCluster("ha", { nodes: order.map(node), timeoutSeconds: 120 });
    const ids: Record<string, unknown> = {};
    for (const [name, replicas] of Object.entries(services)) {
      const service = new ContainerService(name, {
        cluster,
        image: "local/busybox:1",
        command: ["sleep", "3600"],
        stopGracePeriod: "1s",
        replicas,
      });
      ids[name] = service.serviceId;
    }
    return { ids };
  };
}

const up = (order: Name[], services: Record<string, number>, previous?: ProgramRun) =>
  runProgram(program(order, services), { project: "berth", stack: "ha", previous });

/** Service name -> running tasks, as the manager `via` sees them. */
async function running(via: Name): Promise<Record<string, number>> {
  const docker = engineClient(hosts[via].engine.connection);
  const services = (await docker.listServices()) as { ID: string; Spec: { Name: string } }[];
  const tasks = (await docker.listTasks({
    filters: JSON.stringify({ "desired-state": ["running"] }),
  })) as { ServiceID: string; Status: { State: string } }[];
  const counts: Record<string, number> = {};
  for (const s of services) counts[s.Spec.Name] = 0;
  for (const t of tasks.filter((task) => task.Status.State === "running")) {
    const name = services.find((s) => s.ID === t.ServiceID)?.Spec.Name;
    if (name) counts[name]++;
  }
  return counts;
}

/** The manager that leads the swarm, as `via` sees it. */
async function leader(via: Name): Promise<Name> {
  const nodes = (await engineClient(hosts[via].engine.connection).listNodes()) as unknown as {
    Spec: { Labels: Record<string, string> };
    ManagerStatus?: { Leader?: boolean };
  }[];
  const found = nodes.find((n) => n.ManagerStatus?.Leader);
  assert.ok(found, "the swarm has a leader");
  return found.Spec.Labels["berth.node"] as Name;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(1000);
  }
  assert.fail(`${what} did not happen in ${timeoutMs / 1000} s`);
}

/** What an `up` did to each custom resource. */
const operations = (run: ProgramRun) =>
  Object.fromEntries(run.resources.filter((r) => r.custom).map((r) => [r.name, r.operation]));

/** A refresh shows no drift and the next `up` changes nothing. */
async function settled(order: Name[], services: Record<string, number>, latest: ProgramRun) {
  const refreshed = await latest.refresh();
  for (const entry of latest.state) {
    const after = refreshed.state.find((r) => r.urn === entry.urn);
    assert.ok(after, `${entry.urn} is still there after refresh`);
    assert.deepEqual(after.outputs, entry.outputs, `no drift in ${entry.urn}`);
  }
  const again = await up(order, services, refreshed);
  const changed = Object.entries(operations(again)).filter(([, op]) => op !== "same");
  assert.deepEqual(changed, [], "the up after the refresh changes nothing");
  return again;
}

function timed(label: string, started: number) {
  console.log(`# ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

describe("SwarmCluster of three managers losing one while Berth deploys", { concurrency: false }, () => {
  let ready = false;
  let latest: ProgramRun | undefined;

  before(async () => {
    if (!(await clusterHostsCanRun())) return;
    started = await startSshHosts(names, { firstIndex: 40 });
    Object.assign(hosts, started.hosts);
    admin = started.admin;
    ready = true;
  });

  after(async () => {
    try {
      if (latest) await latest.destroy().catch((err: unknown) => console.error(`destroy: ${String(err)}`));
    } finally {
      await started?.destroy();
    }
  });

  it("forms the swarm with its managers drained, and deploys a service on the worker", async (t) => {
    if (!ready) return t.skip("no cluster hosts");
    const started = Date.now();
    latest = await up(["m1", "m2", "m3", "w4"], { a: 2 });
    const nodes = (await engineClient(hosts.m1.engine.connection).listNodes()) as unknown as {
      Spec: { Availability: string; Labels: Record<string, string> };
    }[];
    assert.deepEqual(
      Object.fromEntries(nodes.map((n) => [n.Spec.Labels["berth.node"], n.Spec.Availability])),
      { m1: "drain", m2: "drain", m3: "drain", w4: "active" },
    );
    assert.deepEqual(await running("m1"), { a: 2 });
    timed("forming 3 managers + 1 worker and deploying one service", started);
  });

  it("creates, updates and deletes services through another manager while the first one's engine is stopped", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    await hosts.m1.engine.stop();
    try {
      const started = Date.now();
      // A new service, an update of the old one (replicas), then its removal: all through m2 or m3.
      latest = await up(["m1", "m2", "m3", "w4"], { a: 3, b: 1 }, latest);
      assert.deepEqual(await running("m2"), { a: 3, b: 1 });
      latest = await up(["m1", "m2", "m3", "w4"], { b: 1 }, latest);
      assert.deepEqual(await running("m2"), { b: 1 });
      latest = await settled(["m1", "m2", "m3", "w4"], { b: 1 }, latest);
      timed("first manager down: create + update, delete, refresh, up", started);
    } finally {
      await hosts.m1.engine.start();
    }
    await until("m1 reachable again", async () => {
      const nodes = (await engineClient(hosts.m2.engine.connection).listNodes()) as unknown as {
        Spec: { Labels: Record<string, string> };
        ManagerStatus?: { Reachability: string };
      }[];
      return (
        nodes.find((n) => n.Spec.Labels["berth.node"] === "m1")?.ManagerStatus?.Reachability === "reachable"
      );
    });
  });

  it("survives the leader's engine stopping in the middle of a deployment of several services", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    const lead = await leader("m2");
    // The leader goes first in the list (a reorder changes nothing but state), so that it is the
    // manager Berth would use if it could use only the first.
    const order = [lead, ...(["m1", "m2", "m3"] as const).filter((m) => m !== lead), "w4" as const];
    const survivor = order[1] as Name;
    const services = { b: 1, c: 2, d: 1, e: 1, f: 2 };
    const started = Date.now();
    const deploying = up(order, services, latest).then(
      (run) => ({ run, err: undefined }),
      (err: unknown) => ({ run: (err as { run?: ProgramRun }).run, err }),
    );
    // Once the first new service exists, the others are being created or are converging.
    await until("the first new service", async () => (await running(survivor)).c !== undefined, 120_000);
    await hosts[lead].engine.stop();
    try {
      const first = await deploying;
      if (first.err) {
        // A failure is allowed, if it says what happened.
        console.log(`# the interrupted up failed: ${String((first.err as Error).message).slice(0, 400)}`);
        assert.match(String((first.err as Error).message), /manager|leader|connect|socket|deadline/i);
      }
      latest = first.run ?? latest;
      latest = await up(order, services, latest);
      assert.deepEqual(await running(survivor), { b: 1, c: 2, d: 1, e: 1, f: 2 });
      latest = await settled(order, services, latest);
      timed(`leader (${lead}) stopped mid-deployment: up, second up, refresh, up`, started);
    } finally {
      await hosts[lead].engine.start();
    }
  });
});
