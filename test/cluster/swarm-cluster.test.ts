import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { ComposeStack } from "../../components/compose";
import { SwarmCluster, type SwarmClusterArgs, type SwarmNodeArgs } from "../../components/swarm";
import { engineClient } from "../../provider/shared/engine";
import { membershipProvider, type MembershipOutputs } from "../../provider/swarm";
import { type TlsMaterial, tlsMaterial } from "../support/tls-certs";
import { runProgram, type ProgramRun } from "../support/harness";
import { type NetnsEngine, startNetnsEngine } from "../support/netns-engine";
import { type NetnsSshd, type SshKeyPair, sshKeyPair, startSshd } from "../support/netns-sshd";
import { clusterHostsCanRun } from "../support/ssh-hosts";

/**
 * A real multi-node swarm formed by Berth alone over SSH: four "VMs" (network namespaces, each with its
 * own dockerd and sshd), grown, shrunk, broken and taken apart.
 */

type Host = { engine: NetnsEngine; sshd: NetnsSshd };
const names = ["m1", "w2", "w3", "n4"] as const;
type Name = (typeof names)[number];
const hosts = {} as Record<Name, Host>;
/** A fifth host, reached over the Docker API with mutual TLS instead of SSH. */
let tlsHost: { engine: NetnsEngine; material: TlsMaterial } | undefined;
let admin: SshKeyPair;
let keys: string | undefined;
let intruder: SshKeyPair;
const written: string[] = [];
/** Every join token and unlock key the outputs held, to check the logs for. */
const secretsSeen = new Set<string>();

function node(
  name: Name,
  role: "manager" | "worker",
  overrides: Partial<SwarmNodeArgs["ssh"]> = {},
): SwarmNodeArgs {
  const { sshd } = hosts[name];
  return {
    name,
    role,
    // Managers take tasks here too (drained by default beside workers): the tests count tasks on every node.
    ...(role === "manager" ? { availability: "active" as const } : {}),
    labels: { host: name },
    ssh: { host: sshd.host, user: "root", privateKey: admin.privateKey, hostKey: sshd.hostKey, ...overrides },
  };
}

function program(nodes: SwarmNodeArgs[], extra: Partial<SwarmClusterArgs> = {}) {
  return () => {
    const cluster = new SwarmCluster("fleet", { nodes, timeoutSeconds: 120, ...extra });
    const web = new ContainerService("web", {
      cluster,
      image: "local/busybox:1",
      command: ["sleep", "3600"],
      replicas: 3,
    });
    new ComposeStack("apps", {
      cluster,
      project: {
        workingDir: tmpdir(),
        env: {},
        projectName: "fleet-apps",
        content:
          "services:\n  idle:\n    image: local/busybox:1\n    command: sleep 3600\n    deploy: { mode: global }\n",
      },
    });
    return {
      nodeIds: cluster.nodeIds,
      joinTokens: cluster.joinTokens,
      unlockKey: cluster.unlockKey,
      managers: cluster.managerEndpoints,
      serviceId: web.serviceId,
    };
  };
}

async function run(nodes: SwarmNodeArgs[], previous?: ProgramRun, extra: Partial<SwarmClusterArgs> = {}) {
  const done = await runProgram(program(nodes, extra), { project: "berth", stack: "cluster", previous });
  const { joinTokens, unlockKey } = done.outputs as { joinTokens: Record<string, string>; unlockKey: string };
  for (const secret of [...Object.values(joinTokens), unlockKey]) if (secret) secretsSeen.add(secret);
  return done;
}

interface LiveNode {
  ID: string;
  Spec: { Role: string; Availability: string; Labels: Record<string, string> };
  Status: { State: string };
  ManagerStatus?: { Reachability: string };
}

async function liveNodes(via: Name = "m1"): Promise<Record<string, LiveNode>> {
  const nodes = (await engineClient(hosts[via].engine.connection).listNodes()) as unknown as LiveNode[];
  return Object.fromEntries(nodes.map((n) => [n.Spec.Labels["berth.node"] ?? n.ID, n]));
}

/** Node name -> running tasks of the service, as the managers see it. */
async function runningTasks(serviceId: string, via: Name = "m1"): Promise<Record<string, number>> {
  const docker = engineClient(hosts[via].engine.connection);
  const tasks = (await docker.listTasks({
    filters: JSON.stringify({ service: [serviceId], "desired-state": ["running"] }),
  })) as { NodeID: string; Status: { State: string } }[];
  const byId = Object.fromEntries(Object.entries(await liveNodes(via)).map(([name, n]) => [n.ID, name]));
  const counts: Record<string, number> = {};
  for (const t of tasks.filter((task) => task.Status.State === "running"))
    counts[byId[t.NodeID] ?? t.NodeID] = (counts[byId[t.NodeID] ?? t.NodeID] ?? 0) + 1;
  return counts;
}

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe().catch(() => undefined);
    if (last !== undefined && ok(last)) return last;
    await sleep(1000);
  }
  assert.fail(`${what} did not happen in ${timeoutMs / 1000} s; last seen: ${JSON.stringify(last)}`);
}

/** Command lines of live processes that name a path under `dir` (dockerd, containerd, sshd of one host). */
function processesUnder(dir: string): string[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      } catch {
        return "";
      }
    })
    .filter((cmdline) => cmdline.includes(`${dir}/`));
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe("SwarmCluster on five hosts, four over SSH and one over TLS", { concurrency: false }, () => {
  let ready = false;
  let latest: ProgramRun | undefined;
  const restoreWrites: (() => void)[] = [];

  before(async () => {
    // Every line written while the cluster is formed and changed, to prove that no secret is in any.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restoreWrites.push(() => (stream.write = original));
    }
    if (!(await clusterHostsCanRun())) return;
    const dir = mkdtempSync(join(tmpdir(), "berth-cluster-keys-"));
    keys = dir;
    admin = sshKeyPair(dir, "admin");
    intruder = sshKeyPair(dir, "intruder");
    let material: TlsMaterial | undefined;
    await Promise.all([
      ...names.map(async (name, i) => {
        const engine = await startNetnsEngine({ index: 20 + i });
        hosts[name] = { engine, sshd: await startSshd(engine, admin.publicKey) };
      }),
      (async () => {
        const engine = await startNetnsEngine({
          index: 24,
          tls: (address) => (material = tlsMaterial(join(dir, "tls"), address)),
        });
        tlsHost = { engine, material: material! };
      })(),
    ]);
    ready = true;
  });

  after(async () => {
    try {
      if (latest) await latest.destroy().catch((err: unknown) => console.error(`destroy: ${String(err)}`));
    } finally {
      const engines = [...Object.values(hosts).map((h) => h.engine), ...(tlsHost ? [tlsHost.engine] : [])];
      await Promise.all(engines.map((e) => e.destroy()));
      for (const restore of restoreWrites) restore();
      if (keys) rmSync(keys, { recursive: true, force: true });
    }
  });

  it("forms a swarm of one manager and two workers over SSH and spreads a service over them", async (t) => {
    if (!ready) return t.skip("no cluster hosts");
    latest = await run([node("m1", "manager"), node("w2", "worker"), node("w3", "worker")]);
    const nodes = await liveNodes();
    assert.deepEqual(
      Object.fromEntries(Object.entries(nodes).map(([name, n]) => [name, [n.Spec.Role, n.Status.State]])),
      { m1: ["manager", "ready"], w2: ["worker", "ready"], w3: ["worker", "ready"] },
    );
    assert.equal(nodes.w2.Spec.Labels.host, "w2");
    assert.deepEqual(latest.outputs.nodeIds, { m1: nodes.m1.ID, w2: nodes.w2.ID, w3: nodes.w3.ID });
    assert.deepEqual(latest.outputs.managers, [`${hosts.m1.sshd.host}:2377`]);
    const tasks = await runningTasks(latest.outputs.serviceId as string);
    assert.deepEqual(tasks, { m1: 1, w2: 1, w3: 1 }, "three replicas, one on each node");
    const stack = await hosts.m1.engine.docker(
      "stack",
      "ps",
      "fleet-apps",
      "--format",
      "{{.Node}} {{.CurrentState}}",
    );
    assert.equal(
      stack.split("\n").filter((line) => / Running /.test(line)).length,
      3,
      `a compose stack runs on every node:\n${stack}`,
    );
  });

  it("sees a node changed behind its back on refresh, and puts it back on the next update", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    const w2Id = (await liveNodes()).w2.ID;
    await hosts.m1.engine.docker("node", "update", "--label-add", "rogue=1", "--availability", "pause", w2Id);
    const record = latest.byName("fleet-membership");
    const refreshed = await membershipProvider.read!(record.id!, record.outputs as never);
    const w2 = (refreshed.props as MembershipOutputs).nodes.find((n) => n.name === "w2")!;
    assert.deepEqual([w2.availability, w2.labels], ["pause", { host: "w2", rogue: "1" }]);
    const diff = await membershipProvider.diff!(record.id!, refreshed.props as never, record.inputs as never);
    assert.equal(diff.changes, true, "the drift shows as a change");
    // `pulumi refresh` through the provider host, then `pulumi up`.
    const afterRefresh = await latest.refresh();
    const stored = afterRefresh.state.find((r) => r.urn === record.urn)!
      .outputs as unknown as MembershipOutputs;
    assert.equal(
      stored.nodes.find((n) => n.name === "w2")!.availability,
      "pause",
      "refresh stored the drift",
    );
    latest = await run([node("m1", "manager"), node("w2", "worker"), node("w3", "worker")], afterRefresh);
    assert.equal(latest.byName("fleet-membership").operation, "update");
    const nodes = await liveNodes();
    assert.equal(nodes.w2.Spec.Availability, "active");
    assert.equal(nodes.w2.Spec.Labels.rogue, undefined);
  });

  it("reconverges the service on the other nodes when a worker's engine stops", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    const serviceId = latest.outputs.serviceId as string;
    await hosts.w3.engine.stop();
    const after = await until(
      "the service running 3 tasks without w3",
      () => runningTasks(serviceId),
      (c) => total(c) === 3 && !c.w3,
    );
    assert.deepEqual(Object.keys(after).sort(), ["m1", "w2"]);
    await hosts.w3.engine.start();
    await until("w3 ready again", liveNodes, (n) => n.w3?.Status.State === "ready");
  });

  it("promotes to three managers, and removes a worker after draining it so its tasks move", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    const serviceId = latest.outputs.serviceId as string;
    const before = await runningTasks(serviceId);
    assert.ok((before.w2 ?? 0) > 0, `w2 runs tasks before it goes: ${JSON.stringify(before)}`);
    const oldTokens = latest.outputs.joinTokens as { worker: string; manager: string };
    latest = await run([node("m1", "manager"), node("w3", "manager"), node("n4", "manager")], latest, {
      rotate: { workerToken: "1" },
    });
    const nodes = await liveNodes();
    assert.deepEqual(Object.keys(nodes).sort(), ["m1", "n4", "w3"], "w2 left and its node entry is gone");
    for (const name of ["m1", "w3", "n4"])
      assert.equal(nodes[name].ManagerStatus?.Reachability, "reachable", name);
    assert.equal(await hosts.w2.engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "inactive");
    const tasks = await runningTasks(serviceId);
    assert.equal(total(tasks), 3);
    assert.equal(tasks.w2, undefined);
    const tokens = latest.outputs.joinTokens as { worker: string; manager: string };
    assert.notEqual(tokens.worker, oldTokens.worker, "the worker token was rotated");
    assert.equal(tokens.manager, oldTokens.manager, "the manager token was not");
    assert.equal(latest.outputs.managers instanceof Array && (latest.outputs.managers as string[]).length, 3);
  });

  it("refuses a removal that would break the managers' quorum, touching nothing", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    await hosts.n4.engine.stop();
    try {
      await until("n4 unreachable", liveNodes, (n) => n.n4?.ManagerStatus?.Reachability === "unreachable");
      await assert.rejects(
        run([node("m1", "manager"), node("n4", "manager")], latest),
        /removing the manager w3 would lose the managers' quorum: 1 of the 2 remaining managers would be reachable, 2 are needed \(unreachable: n4\); nothing was changed/,
      );
      const nodes = await liveNodes();
      assert.equal(nodes.w3.Spec.Role, "manager");
      assert.equal(nodes.w3.Spec.Availability, "active", "w3 was not drained");
    } finally {
      await hosts.n4.engine.start();
    }
    await until("n4 reachable again", liveNodes, (n) => n.n4?.ManagerStatus?.Reachability === "reachable");
  });

  it("turns autolock on and rotates the unlock key and the manager token on request", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    const nodes = [node("m1", "manager"), node("w3", "manager"), node("n4", "manager")];
    const previousManagerToken = (latest.outputs.joinTokens as { manager: string }).manager;
    latest = await run(nodes, latest, {
      swarm: { autolock: true },
      rotate: { workerToken: "1", managerToken: "1" },
    });
    const firstKey = latest.outputs.unlockKey as string;
    assert.match(firstKey, /^SWMKEY-1-/);
    assert.notEqual((latest.outputs.joinTokens as { manager: string }).manager, previousManagerToken);
    latest = await run(nodes, latest, {
      swarm: { autolock: true },
      rotate: { workerToken: "1", managerToken: "1", unlockKey: "1" },
    });
    assert.match(latest.outputs.unlockKey as string, /^SWMKEY-1-/);
    assert.notEqual(latest.outputs.unlockKey, firstKey, "the unlock key was rotated");
    // Back off, so engines restarting below need no key.
    latest = await run(nodes, latest, { rotate: { workerToken: "1", managerToken: "1", unlockKey: "1" } });
    assert.equal(latest.outputs.unlockKey, "");
  });

  const threeManagers = () => [node("m1", "manager"), node("w3", "manager"), node("n4", "manager")];
  const rotated = { rotate: { workerToken: "1", managerToken: "1", unlockKey: "1" } };
  const viaTls = (): SwarmNodeArgs => ({
    name: "t5",
    labels: { reached: "tls" },
    tls: { host: tlsHost!.engine.address, ...tlsHost!.material.client },
  });

  it("joins a node reached over the Docker API with mutual TLS", async (t) => {
    if (!ready || !latest || !tlsHost) return t.skip("no swarm");
    latest = await run([...threeManagers(), viaTls()], latest, rotated);
    const nodes = await liveNodes();
    assert.deepEqual(
      [nodes.t5?.Spec.Role, nodes.t5?.Status.State, nodes.t5?.Spec.Labels.reached],
      ["worker", "ready", "tls"],
    );
    assert.equal((latest.outputs.nodeIds as Record<string, string>).t5, nodes.t5.ID);
  });

  it("carries on with a worker that joined in an interrupted run, then takes it out again", async (t) => {
    if (!ready || !latest || !tlsHost) return t.skip("no swarm");
    const token = await hosts.m1.engine.docker("swarm", "join-token", "-q", "worker");
    await hosts.w2.engine.docker("swarm", "join", "--token", token, `${hosts.m1.engine.address}:2377`);
    latest = await run([...threeManagers(), viaTls(), node("w2", "worker")], latest, rotated);
    const nodes = await liveNodes();
    assert.deepEqual([nodes.w2?.Spec.Role, nodes.w2?.Spec.Labels.host], ["worker", "w2"]);
    assert.equal((latest.outputs.nodeIds as Record<string, string>).w2, nodes.w2.ID);
    latest = await run([...threeManagers(), viaTls()], latest, rotated);
    assert.equal(await hosts.w2.engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "inactive");
  });

  it("completes a join whose SSH connection dropped midway on the next up, without a duplicate node", async (t) => {
    if (!ready || !latest || !tlsHost) return t.skip("no swarm");
    const started = Date.now();
    const { engine } = hosts.w2;
    const inNs = (...args: string[]) => execFileSync("ip", ["netns", "exec", engine.name, ...args]);
    const reject = ["INPUT", "-p", "tcp", "--dport", "22", "-j", "REJECT", "--reject-with", "tcp-reset"];
    const cut = () => {
      // Every packet to sshd, on open connections too, is answered with a reset; open sockets are killed.
      inNs("iptables", "-I", ...reject.slice(0, 1), "1", ...reject.slice(1));
      inNs("ss", "-K", "sport", "=", ":22");
    };
    const restore = () => inNs("iptables", "-D", ...reject);
    const localState = () => engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}");
    assert.equal(await localState(), "inactive");
    const nodes = [...threeManagers(), viaTls(), node("w2", "worker")];
    // The join starts over SSH; once w2's engine has begun joining, its SSH connection drops.
    const interrupted = run(nodes, latest, rotated).then(
      () => undefined,
      (err: Error & { run?: ProgramRun }) => err,
    );
    let state = "inactive";
    const deadline = Date.now() + 120_000;
    while (state === "inactive" && Date.now() < deadline) state = await localState();
    cut();
    let failure: (Error & { run?: ProgramRun }) | undefined;
    try {
      failure = await interrupted;
    } finally {
      restore();
    }
    assert.ok(failure, `the run with the SSH connection dropped failed (w2 went ${state})`);
    assert.match(failure.message, /w2|ssh|ECONNRESET|socket|connect/i);
    await until("w2 in the swarm", localState, (s) => s === "active");
    assert.ok(failure.run, "the failed run carries its state");
    latest = await run(nodes, failure.run, rotated);
    const all = (await engineClient(hosts.m1.engine.connection).listNodes()) as unknown as LiveNode[];
    const w2Entries = all.filter((n) => n.Spec.Labels["berth.node"] === "w2");
    assert.equal(w2Entries.length, 1, "exactly one swarm node for w2");
    assert.equal(
      all.length,
      5,
      `five nodes: ${all.map((n) => n.Spec.Labels["berth.node"] ?? n.ID).join(", ")}`,
    );
    assert.equal((latest.outputs.nodeIds as Record<string, string>).w2, w2Entries[0].ID);
    assert.deepEqual([w2Entries[0].Spec.Role, w2Entries[0].Status.State], ["worker", "ready"]);
    // No drift on refresh, and a further up changes nothing.
    const record = latest.byName("fleet-membership");
    const refreshed = await membershipProvider.read!(record.id!, record.outputs as never);
    const diff = await membershipProvider.diff!(record.id!, refreshed.props as never, record.inputs as never);
    assert.equal(diff.changes, false, "refresh finds no drift");
    const again = await run(nodes, await latest.refresh(), rotated);
    const changed = again.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
    latest = again;
    console.log(`# SSH drop during a join, recovered in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Out again, as the tests below expect.
    latest = await run([...threeManagers(), viaTls()], latest, rotated);
    assert.equal(await localState(), "inactive");
  });

  it("moves a manager to a new machine (same name, new host): the new one joins before the old one leaves", async (t) => {
    if (!ready || !latest || !tlsHost) return t.skip("no swarm");
    const started = Date.now();
    const oldId = (await liveNodes()).n4.ID;
    const logFrom = written.length;
    // n4's machine replaced by w2's, as Pulumi replaces a VM: create before delete, same node name.
    const onW2: SwarmNodeArgs = { ...node("w2", "manager"), name: "n4" };
    latest = await run([node("m1", "manager"), node("w3", "manager"), onW2, viaTls()], latest, rotated);
    const nodes = await liveNodes();
    assert.deepEqual(Object.keys(nodes).sort(), ["m1", "n4", "t5", "w3"], "one entry per name");
    assert.notEqual(nodes.n4.ID, oldId);
    assert.equal(nodes.n4.Spec.Labels.host, "w2");
    for (const name of ["m1", "w3", "n4"])
      assert.equal(nodes[name].ManagerStatus?.Reachability, "reachable", name);
    assert.equal(await hosts.n4.engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "inactive");
    const log = written.slice(logFrom).join("");
    const joined = log.indexOf("n4: joining the swarm as a manager");
    const drained = log.indexOf("n4: draining before it leaves", joined);
    assert.ok(joined >= 0 && drained > joined, "the new machine joined before the old one was drained");
    // And back to n4's own machine, for the tests below.
    latest = await run([...threeManagers(), viaTls()], latest, rotated);
    assert.equal((await liveNodes()).n4.Spec.Labels.host, "n4");
    assert.equal(await hosts.w2.engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "inactive");
    console.log(
      `# a manager moved to a new machine and back in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it("refuses a wrong host key and a wrong private key, naming the node and nothing secret", async (t) => {
    if (!ready) return t.skip("no cluster hosts");
    const wrongHostKey = node("w2", "manager", { hostKey: hosts.m1.sshd.hostKey });
    await assert.rejects(
      runProgram(program([wrongHostKey]), { project: "berth", stack: "intruders" }),
      /node w2 \(ssh:\/\/root@[\d.]+:22\): cannot reach its Docker engine: its SSH host key is not the hostKey given for it; refusing to connect/,
    );
    const wrongKey = node("w2", "manager", { privateKey: intruder.privateKey });
    await assert.rejects(
      runProgram(program([wrongKey]), { project: "berth", stack: "intruders" }),
      /node w2 \(ssh:\/\/root@[\d.]+:22\): cannot reach its Docker engine: the SSH server refused the private key for user root/,
    );
    assert.equal(await hosts.w2.engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "inactive");
  });

  it("takes the swarm apart on destroy and leaves no namespace, daemon or process", async (t) => {
    if (!ready || !latest) return t.skip("no swarm");
    const secrets = [admin.privateKey, intruder.privateKey, tlsHost!.material.client.key].map((k) =>
      k.split("\n").slice(1, 3).join(""),
    );
    await latest.destroy();
    latest = undefined;
    assert.equal(
      await tlsHost!.engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"),
      "inactive",
      "t5",
    );
    for (const name of ["m1", "w3", "n4"] as const)
      assert.equal(
        await hosts[name].engine.docker("info", "--format", "{{.Swarm.LocalNodeState}}"),
        "inactive",
        name,
      );
    const engines = [...Object.values(hosts).map((h) => h.engine), tlsHost!.engine];
    await Promise.all(engines.map((e) => e.destroy()));
    const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    for (const e of engines) {
      assert.ok(!namespaces.includes(e.name), `namespace ${e.name} is gone`);
      const left = processesUnder(e.dir);
      assert.deepEqual(left, [], `no process of ${e.name} is left`);
    }
    const log = written.join("");
    assert.ok(log.includes("joining the swarm"), "the log was recorded");
    // Two worker tokens, two manager tokens, two unlock keys.
    assert.equal(secretsSeen.size, 6);
    for (const secret of [...secrets, ...secretsSeen])
      assert.ok(!log.includes(secret), "no key, token or unlock key appears in any log line");
  });
});
