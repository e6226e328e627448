import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "crypto";
import { execFileSync } from "child_process";
import type * as pulumi from "@pulumi/pulumi";
import { unknownValue as U } from "../../provider/shared/unknowns";
import { engineClient } from "../../provider/shared/engine";
import { networkProvider, type NetworkInputs, type NetworkOutputs } from "../../provider/swarm/network";
import {
  fileObjectProvider,
  type FileObjectInputs,
  type FileObjectOutputs,
} from "../../provider/swarm/file-object";
import { engineInfoProvider } from "../../provider/swarm/engine-info";
import { swarmModeProvider, type SwarmModeOutputs } from "../../provider/swarm/swarm-mode";
import type { Owner } from "../../provider/swarm/ownership";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";

// What the dynamic-provider host adds to every create/update/read/delete.
const __provider = "exports.handler = __provider_text";
const owner = testOwner("lifecycle");
const renamed: Owner = { ...owner, urn: `${owner.urn}-renamed` };
const otherResource: Owner = { ...owner, urn: `${owner.urn}-other` };
const socket = { socketPath: "/var/run/docker.sock" };
const secrets = fileObjectProvider("secret");
const configs = fileObjectProvider("config");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const localSwarmId = () => docker("info", "--format", "{{.Swarm.Cluster.ID}}");
type Props = Record<string, unknown>;

function netInputs(name: string, extra: Partial<NetworkInputs> = {}): NetworkInputs & Props {
  return {
    connection: {},
    name: `${owner.project}-${name}`,
    attachable: false,
    internal: false,
    encrypted: false,
    owner,
    labels: { tier: "a" },
    __provider,
    ...extra,
  };
}

function fileInputs(
  name: string,
  data: string,
  extra: Partial<FileObjectInputs> = {},
): FileObjectInputs & Props {
  return { connection: {}, name, data, owner, labels: { v: "1" }, __provider, ...extra };
}

async function created<T>(provider: pulumi.dynamic.ResourceProvider, inputs: object) {
  const result = await provider.create(inputs);
  return { id: result.id, outs: result.outs as T & Props };
}

describe("check and diff with values not known yet (preview)", () => {
  it("check passes unknowns through at any depth and still validates what is known", async () => {
    const net = {
      ...netInputs("u"),
      name: U,
      attachable: U,
      labels: { a: U },
      owner: U,
      connection: { protocol: "ssh", host: U, username: "u", privateKey: U, hostKey: U },
    };
    assert.deepEqual(await networkProvider.check!({}, net), { inputs: net, failures: [] });
    const bad = await networkProvider.check!({}, { ...net, name: "no spaces allowed" });
    assert.deepEqual(
      bad.failures?.map((f) => f.property),
      ["name"],
    );

    const secret = { ...fileInputs("s", U), name: U, labels: U, connection: U };
    assert.deepEqual(await secrets.check!({}, secret), { inputs: secret, failures: [] });
    const mode = { connection: { protocol: U, host: U }, owner: U, advertiseAddr: U, listenAddr: U };
    assert.deepEqual(await swarmModeProvider.check!({}, mode), { inputs: mode, failures: [] });
    const info = { connection: { protocol: "https", host: U, ca: U, cert: U, key: U }, __provider };
    assert.deepEqual(await engineInfoProvider.check!({}, info), { inputs: info, failures: [] });
    const noHost = await engineInfoProvider.check!({}, { connection: { protocol: "https", ca: U } });
    assert.ok(noHost.failures?.some((f) => f.property === "connection.host"));
  });

  it("diff reports a change for unknowns and replaces only on a known identity change", async () => {
    const olds = { ...netInputs("d"), swarmId: "s", labelledUrn: owner.urn };
    assert.deepEqual(await networkProvider.diff!("id", olds, { ...netInputs("d"), name: U }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const known = await networkProvider.diff!("id", olds, { ...netInputs("e"), labels: { tier: U } });
    assert.deepEqual(known.replaces, ["name"]);
    const conn = await networkProvider.diff!("id", olds, { ...netInputs("d"), connection: { host: U } });
    assert.deepEqual([conn.changes, conn.replaces], [true, []]);

    const fileOlds = {
      connection: {},
      name: "f",
      owner,
      labels: {},
      objectName: "f-x",
      contentHash: "h",
      salt: "s",
    };
    const data = await secrets.diff!("id", fileOlds, { ...fileInputs("f", U), labels: {} });
    assert.deepEqual([data.changes, data.replaces], [true, []]);
    const label = await secrets.diff!("id", fileOlds, { ...fileInputs("f", U), labels: { a: U }, name: "g" });
    assert.deepEqual([label.changes, label.replaces], [true, ["name"]]);

    const mode = { connection: {}, owner, advertiseAddr: "127.0.0.1", listenAddr: "127.0.0.1:2377" };
    const modeDiff = await swarmModeProvider.diff!("id", mode, { ...mode, advertiseAddr: U });
    assert.deepEqual([modeDiff.changes, modeDiff.replaces ?? []], [true, []]);
    const infoDiff = await engineInfoProvider.diff!("id", { connection: {} }, { connection: { host: U } });
    assert.deepEqual([infoDiff.changes, infoDiff.replaces ?? []], [true, []]);
  });
});

describe("Swarm objects through their lifecycle (real engine)", () => {
  before(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });
  after(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });

  it("a network keeps its swarm, takes a new connection and owner in place, and refuses another's", async (t) => {
    if (!(await needEngine(t))) return;
    const inputs = netInputs("life");
    const { id, outs } = await created<NetworkOutputs>(networkProvider, inputs);
    assert.equal(outs.swarmId, localSwarmId());
    assert.equal(outs.__provider, __provider);

    const moved = { ...inputs, connection: socket };
    const diff = await networkProvider.diff!(id, outs, moved);
    assert.deepEqual([diff.changes, diff.replaces], [true, []], "a new connection is not a replacement");
    const updated = (await networkProvider.update!(id, outs, moved)).outs as NetworkOutputs;
    assert.deepEqual(updated.connection, socket);

    const aliased = { ...moved, owner: renamed };
    assert.deepEqual((await networkProvider.diff!(id, updated, aliased)).replaces, []);
    const relabelled = (await networkProvider.update!(id, updated, aliased)).outs as NetworkOutputs;
    assert.deepEqual([relabelled.owner, relabelled.labelledUrn], [renamed, owner.urn]);

    const refresh = await networkProvider.read!(id, relabelled);
    assert.equal(
      (await networkProvider.diff!(id, refresh.props, aliased)).changes,
      false,
      "refresh, then no-op",
    );

    await assert.rejects(networkProvider.create({ ...inputs, owner: otherResource }), /managed by .*alias/s);
    assert.equal((await networkProvider.create(inputs)).id, id, "its own network is taken back");
    await assert.rejects(
      networkProvider.update!(id, { ...relabelled, swarmId: "another-swarm" }, aliased),
      new RegExp(`another-swarm.*${localSwarmId()}`),
    );
    await networkProvider.delete!(id, relabelled);
    assert.deepEqual(await networkProvider.read!(id, relabelled), {});
  });

  it("a network made by hand shows its drift and imports from its labels", async (t) => {
    if (!(await needEngine(t))) return;
    const inputs = netInputs("hand");
    const labels = Object.entries({ "berth.project": owner.project, "berth.stack": "test" })
      .concat([
        ["berth.component", "lifecycle"],
        ["berth.resource", owner.urn],
        ["tier", "b"],
      ])
      .flatMap(([k, v]) => ["--label", `${k}=${v}`]);
    // Docker cannot relabel a network: a hand-made change is a remove and re-create.
    const id = docker("network", "create", "--driver", "overlay", "--attachable", ...labels, inputs.name);
    const stale = { ...inputs, swarmId: localSwarmId(), labelledUrn: owner.urn };
    const read = (await networkProvider.read!(id, stale)).props as NetworkOutputs;
    assert.deepEqual([read.attachable, read.labels], [true, { tier: "b" }]);
    assert.deepEqual((await networkProvider.diff!(id, read, inputs)).replaces, ["attachable", "labels"]);

    const imported = await networkProvider.read!(id, {});
    assert.deepEqual(imported.props, {
      connection: {},
      owner,
      name: inputs.name,
      attachable: true,
      internal: false,
      encrypted: false,
      labels: { tier: "b" },
      // As a program that gives neither sends them: no driver options, the engine's default IPAM.
      options: {},
      ipam: {},
      swarmId: localSwarmId(),
      labelledUrn: owner.urn,
    });
    await networkProvider.delete!(id, imported.props as NetworkOutputs);
  });

  it("a secret is named by a salted HMAC, follows its connection and owner, and shows drift", async (t) => {
    if (!(await needEngine(t))) return;
    const data = "hunter2";
    const inputs = fileInputs("pw", data);
    const { id, outs } = await created<FileObjectOutputs>(secrets, inputs);
    const sha = createHash("sha256").update(data).digest("hex");
    assert.ok(!outs.objectName.includes(sha.slice(0, 12)), "the name does not confirm a guessed value");
    assert.ok(outs.salt && outs.salt.length >= 32);
    assert.equal(outs.contentHash, createHmac("sha256", outs.salt).update(data).digest("hex"));
    assert.equal(outs.objectName, `pw-${outs.contentHash.slice(0, 12)}`);
    assert.ok(!JSON.stringify(outs).includes(data));
    assert.equal(outs.swarmId, localSwarmId());
    assert.equal((await secrets.diff!(id, outs, inputs)).changes, false);
    assert.deepEqual((await secrets.diff!(id, outs, fileInputs("pw", "other"))).replaces, ["data"]);

    const moved = { ...inputs, connection: socket };
    assert.deepEqual((await secrets.diff!(id, outs, moved)).replaces, []);
    const updated = (await secrets.update!(id, outs, moved)).outs as FileObjectOutputs;
    assert.deepEqual(
      [updated.connection, updated.salt],
      [socket, outs.salt],
      "later deletes use the new connection",
    );

    const aliased = { ...moved, owner: renamed };
    const relabelled = (await secrets.update!(id, updated, aliased)).outs as FileObjectOutputs;
    const engineLabels = () =>
      JSON.parse(docker("secret", "inspect", id, "--format", "{{json .Spec.Labels}}")) as Record<
        string,
        string
      >;
    assert.equal(engineLabels()["berth.resource"], renamed.urn);

    // The docker CLI cannot relabel a secret; the engine API can.
    const handle = engineClient().getSecret(id);
    const current = (await handle.inspect()) as { Version: { Index: number }; Spec: { Labels: object } };
    await handle.update({
      _query: { version: current.Version.Index },
      _body: { ...current.Spec, Labels: { ...current.Spec.Labels, v: "by-hand" } },
    } as never);
    const drift = (await secrets.read!(id, relabelled)).props as FileObjectOutputs;
    assert.deepEqual(drift.labels, { v: "by-hand" });
    assert.equal((await secrets.diff!(id, drift, aliased)).changes, true);
    const fixed = (await secrets.update!(id, drift, aliased)).outs as FileObjectOutputs;
    const refresh = (await secrets.read!(id, fixed)).props;
    assert.equal((await secrets.diff!(id, refresh, aliased)).changes, false, "refresh, then no-op");

    const imported = (await secrets.read!(id, {})) as { props: FileObjectOutputs; inputs: Props };
    assert.deepEqual(
      [imported.props.name, imported.props.owner, imported.props.contentHash],
      ["pw", renamed, ""],
    );
    assert.deepEqual((await secrets.diff!(id, imported.props, aliased)).replaces, ["data"]);

    await assert.rejects(
      secrets.update!(id, { ...fixed, swarmId: "another-swarm" }, aliased),
      /another-swarm/,
    );
    await secrets.delete!(id, fixed);
    assert.deepEqual(await secrets.read!(id, fixed), {});
  });

  it("a config is not adopted from another resource, and imports whole", async (t) => {
    if (!(await needEngine(t))) return;
    const inputs = fileInputs("conf", "listen 80;\n");
    const { id, outs } = await created<FileObjectOutputs>(configs, inputs);
    assert.equal(outs.contentHash, createHash("sha256").update("listen 80;\n").digest("hex"));
    await assert.rejects(configs.create({ ...inputs, owner: otherResource }), /managed by .*alias/s);
    const imported = (await configs.read!(id, {})) as { props: FileObjectOutputs; inputs: Props };
    assert.equal(imported.inputs.data, "listen 80;\n");
    assert.equal((await configs.diff!(id, imported.props, inputs)).changes, false);
    await configs.delete!(id, outs);
  });

  it("swarm mode and engine facts follow a new connection in place; addresses never change silently", async (t) => {
    if (!(await needEngine(t))) return;
    const swarmId = localSwarmId();
    const inputs = {
      connection: {},
      owner,
      advertiseAddr: "127.0.0.1",
      listenAddr: "127.0.0.1:2377",
      __provider,
    };
    // Berth did not initialise the test engine's swarm: its state says so, and nothing here leaves it.
    const olds: SwarmModeOutputs & Props = { ...inputs, swarmId, nodeId: "", initialized: false };
    const moved = { ...inputs, connection: socket };
    assert.deepEqual((await swarmModeProvider.diff!(swarmId, olds, moved)).replaces, []);
    const updated = (await swarmModeProvider.update!(swarmId, olds, moved)).outs as SwarmModeOutputs;
    assert.deepEqual(updated.connection, socket);
    assert.equal(updated.nodeId, docker("info", "--format", "{{.Swarm.NodeID}}"));
    await assert.rejects(
      swarmModeProvider.update!(
        swarmId,
        { ...updated, initialized: true },
        { ...moved, advertiseAddr: "127.0.0.2" },
      ),
      /cannot change advertiseAddr .*127\.0\.0\.2.*destroys its services/s,
    );
    await assert.rejects(swarmModeProvider.update!("another-swarm", olds, moved), /another-swarm/);

    const info = await engineInfoProvider.create({ connection: {}, __provider });
    assert.deepEqual(
      (await engineInfoProvider.diff!(info.id, info.outs, { connection: socket })).replaces,
      [],
    );
    const facts = (await engineInfoProvider.update!(info.id, info.outs, { connection: socket })).outs;
    assert.deepEqual([facts.connection, facts.engineId], [socket, info.id]);
  });
});
