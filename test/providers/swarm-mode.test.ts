import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { engineClient } from "../../provider/shared/engine";
import { ownerLabels } from "../../provider/swarm/ownership";
import {
  swarmModeProvider,
  type SwarmModeInputs,
  type SwarmModeOutputs,
} from "../../provider/swarm/swarm-mode";
import { needEngine } from "../support/engine";
import { testOwner } from "../support/cleanup";
import { destroyBridge, type NetnsEngine, needNetns, startNetnsEngine } from "../support/netns-engine";

interface Info {
  Swarm: { LocalNodeState: string; NodeID: string; NodeAddr: string };
}

const owner = testOwner("local");
const state = async (engine: NetnsEngine) =>
  ((await engineClient(engine.connection).info()) as Info).Swarm.LocalNodeState;

function inputs(engine: NetnsEngine): SwarmModeInputs {
  return {
    connection: engine.connection,
    owner,
    advertiseAddr: engine.address,
    listenAddr: `${engine.address}:2377`,
  };
}

async function create(input: SwarmModeInputs): Promise<{ id: string; outs: SwarmModeOutputs }> {
  const checked = await swarmModeProvider.check!({}, input);
  assert.deepEqual(checked.failures, []);
  return (await swarmModeProvider.create!(checked.inputs)) as { id: string; outs: SwarmModeOutputs };
}

describe("SwarmMode against an engine in its own namespace", () => {
  // One engine, used in turn by each test; every test leaves it with swarm mode off.
  let engine: NetnsEngine | undefined;
  const inactiveEngine = async () => {
    engine ??= await startNetnsEngine({ index: 1 });
    assert.equal(await state(engine), "inactive");
    return engine;
  };
  after(async () => {
    await engine?.destroy();
    destroyBridge();
  });

  it(
    "initialises swarm mode with the owner's labels, reads it, and leaves it on delete",
    { timeout: 120_000 },
    async (t) => {
      if (!(await needEngine(t)) || !needNetns(t)) return;
      const engine = await inactiveEngine();
      const { id, outs } = await create(inputs(engine));

      assert.equal(outs.initialized, true);
      const docker = engineClient(engine.connection);
      const swarm = (await docker.swarmInspect()) as { ID: string; Spec: { Labels: Record<string, string> } };
      const info = (await docker.info()) as Info;
      assert.equal(id, swarm.ID);
      assert.equal(outs.swarmId, swarm.ID);
      assert.equal(outs.nodeId, info.Swarm.NodeID);
      assert.equal(info.Swarm.NodeAddr, engine.address);
      assert.deepEqual(swarm.Spec.Labels, ownerLabels(owner));

      const read = await swarmModeProvider.read!(id, outs);
      assert.equal(read.id, id);
      assert.equal((read.props as SwarmModeOutputs).nodeId, info.Swarm.NodeID);

      await swarmModeProvider.delete!(id, outs);
      assert.equal(await state(engine), "inactive");
      assert.deepEqual(await swarmModeProvider.read!(id, outs), {}, "a swarm that is gone reads as gone");
      await swarmModeProvider.delete!(id, outs);
      assert.equal(await state(engine), "inactive", "a second delete changes nothing");
    },
  );

  it(
    "stays in the swarm while something it does not manage lives there, and says why",
    { timeout: 120_000 },
    async (t) => {
      if (!(await needEngine(t)) || !needNetns(t)) return;
      const engine = await inactiveEngine();
      const { id, outs } = await create(inputs(engine));
      await engine.docker(
        "service",
        "create",
        "--detach",
        "--name",
        "foreign",
        "local/busybox:1",
        "sleep",
        "600",
      );
      const warnings = t.mock.method(pulumi.log, "warn", () => undefined);

      await swarmModeProvider.delete!(id, outs);

      assert.equal(await state(engine), "active");
      assert.equal(await engine.docker("service", "ls", "--format", "{{.Name}}"), "foreign");
      const lines = warnings.mock.calls.map((call) => String(call.arguments[0]));
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^swarm mode stays on at .+: leaving would destroy 1 services/);

      await engine.docker("service", "rm", "foreign");
      await swarmModeProvider.delete!(id, outs);
      assert.equal(await state(engine), "inactive", "once nothing else is there, delete leaves");
    },
  );

  it(
    "treats a swarm carrying its own labels as its own after an interrupted run",
    { timeout: 120_000 },
    async (t) => {
      if (!(await needEngine(t)) || !needNetns(t)) return;
      const engine = await inactiveEngine();
      const first = await create(inputs(engine));
      // The state of the first create was lost: Pulumi creates again.
      const again = await create(inputs(engine));
      assert.equal(again.id, first.id);
      assert.equal(again.outs.initialized, true);

      const stranger = await create({ ...inputs(engine), owner: { ...owner, stack: "other" } });
      assert.equal(stranger.outs.initialized, false, "another stack adopts it and will not leave it");
      await swarmModeProvider.delete!(stranger.id, stranger.outs);
      assert.equal(await state(engine), "active");

      await swarmModeProvider.delete!(again.id, again.outs);
      assert.equal(await state(engine), "inactive");
    },
  );

  it("refuses a locked swarm with the command that unlocks it", { timeout: 120_000 }, async (t) => {
    if (!(await needEngine(t)) || !needNetns(t)) return;
    const engine = await inactiveEngine();
    const address = engine.address;
    await engine.docker(
      "swarm",
      "init",
      "--autolock",
      "--advertise-addr",
      address,
      "--listen-addr",
      `${address}:2377`,
    );
    const key = (await engine.docker("swarm", "unlock-key", "-q")).trim();
    await engine.stop();
    await engine.start();
    assert.equal(await state(engine), "locked");

    await assert.rejects(
      create(inputs(engine)),
      new RegExp(`^Error: the swarm of .+ is locked: unlock it with "docker swarm unlock" first$`),
    );

    await new Promise<void>((resolve, reject) => {
      const child = execFile("docker", ["-H", `unix://${engine.socketPath}`, "swarm", "unlock"], (err) =>
        err ? reject(err) : resolve(),
      );
      child.stdin?.end(`${key}\n`);
    });
    await engine.docker("swarm", "leave", "--force");
    assert.equal(await state(engine), "inactive");
  });

  it(
    "adopts the main engine's active swarm and leaves it alone on delete",
    { timeout: 60_000 },
    async (t) => {
      if (!(await needEngine(t))) return;
      const docker = engineClient();
      const before = (await docker.swarmInspect()) as {
        ID: string;
        Spec: { Labels?: Record<string, string> };
      };
      const checked = await swarmModeProvider.check!(
        {},
        { connection: {}, owner, advertiseAddr: "127.0.0.1", listenAddr: "127.0.0.1:2377" },
      );
      const { id, outs } = (await swarmModeProvider.create!(checked.inputs)) as {
        id: string;
        outs: SwarmModeOutputs;
      };
      assert.equal(id, before.ID);
      assert.equal(outs.initialized, false);
      await swarmModeProvider.delete!(id, outs);
      const afterwards = (await docker.swarmInspect()) as typeof before;
      assert.equal(afterwards.ID, before.ID);
      assert.deepEqual(afterwards.Spec.Labels ?? {}, before.Spec.Labels ?? {}, "its labels are untouched");
    },
  );
});

describe("SwarmMode check", () => {
  it("names every bad field before touching an engine", async () => {
    const checked = await swarmModeProvider.check!(
      {},
      { connection: { host: "10.0.0.1" }, owner, advertiseAddr: "", listenAddr: "0.0.0.0" },
    );
    const byField = Object.fromEntries(checked.failures!.map((f) => [f.property, f.reason]));
    assert.deepEqual(
      Object.keys(byField).sort(),
      ["advertiseAddr", "connection.protocol", "listenAddr"].sort(),
    );
    assert.match(byField.listenAddr, /<address>:<port>/);
  });
});
