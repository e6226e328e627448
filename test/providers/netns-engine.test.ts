import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import { connect } from "net";
import { engineClient } from "../../provider/shared/engine";
import { needEngine } from "../support/engine";
import {
  destroyBridge,
  type NetnsEngine,
  needNetns,
  sharedBridge,
  startNetnsEngine,
} from "../support/netns-engine";

interface Info {
  ID: string;
  Swarm: { LocalNodeState: string; NodeID: string; NodeAddr: string };
}

const info = async (engine: NetnsEngine) => (await engineClient(engine.connection).info()) as Info;
const netnsNames = () =>
  execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.split(" ")[0]);
const linkExists = (name: string) => {
  try {
    execFileSync("ip", ["link", "show", "dev", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

describe("an engine in its own network namespace", () => {
  after(() => destroyBridge());

  it("runs its own swarm, survives a restart and leaves nothing behind", { timeout: 120_000 }, async (t) => {
    if (!(await needEngine(t)) || !needNetns(t)) return;
    const engine = await startNetnsEngine({ index: 1, swarm: true });
    t.after(() => engine.destroy());
    const main = (await engineClient().info()) as Info;
    const first = await info(engine);
    assert.equal(first.Swarm.LocalNodeState, "active");
    assert.equal(first.Swarm.NodeAddr, engine.address);
    assert.notEqual(first.ID, main.ID);
    assert.notEqual(first.Swarm.NodeID, main.Swarm.NodeID);
    assert.match(await engine.docker("image", "ls", "-q", "local/busybox:1"), /^\w+$/);
    const bridge = sharedBridge();
    assert.ok(bridge && engine.address.startsWith(`${bridge.subnet}.`));

    const pid = engine.pid();
    assert.ok(pid);
    await engine.stop();
    assert.equal(engine.pid(), undefined);
    assert.equal(existsSync(`/proc/${pid}`), false, "dockerd has exited");
    await assert.rejects(engineClient(engine.connection).ping(), /ENOENT|ECONNREFUSED/);

    await engine.start();
    assert.notEqual(engine.pid(), pid);
    const again = await info(engine);
    assert.equal(again.Swarm.LocalNodeState, "active");
    assert.equal(again.Swarm.NodeID, first.Swarm.NodeID, "the same node, from the same data root");

    const restarted = engine.pid();
    await engine.destroy();
    await engine.destroy();
    assert.equal(netnsNames().includes(engine.name), false);
    assert.equal(existsSync(`/proc/${restarted}`), false);
    assert.equal(existsSync(engine.dir), false);
    assert.equal(
      readMounts().some((point) => point.startsWith(engine.dir)),
      false,
    );
    assert.equal(netnsNames().includes(bridge.namespace), false, "the last engine takes the bridge with it");
    assert.equal(linkExists(bridge.hostLink), false);
    assert.equal(sharedBridge(), undefined);
  });

  it("puts engines on one bridge, where they reach each other", { timeout: 120_000 }, async (t) => {
    if (!(await needEngine(t)) || !needNetns(t)) return;
    const manager = await startNetnsEngine({ index: 1, swarm: true, images: [] });
    t.after(() => manager.destroy());
    const worker = await startNetnsEngine({ index: 2, images: [] });
    t.after(() => worker.destroy());
    const token = await manager.docker("swarm", "join-token", "-q", "worker");
    await worker.docker("swarm", "join", "--token", token, `${manager.address}:2377`);
    const nodes = (await engineClient(manager.connection).listNodes()) as { Status: { Addr: string } }[];
    assert.deepEqual(nodes.map((n) => n.Status.Addr).sort(), [manager.address, worker.address].sort());

    const bridge = sharedBridge();
    assert.ok(bridge);
    // The host reaches them too, through its own address on the bridge.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(2377, manager.address, () => {
        socket.destroy();
        resolve();
      }).on("error", reject);
    });
    await manager.destroy();
    assert.equal(linkExists(bridge.hostLink), true, "the bridge stays while an engine uses it");
    await worker.destroy();
    assert.equal(linkExists(bridge.hostLink), false);
    assert.equal(netnsNames().includes(bridge.namespace), false);
  });
});

function readMounts(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "");
}
