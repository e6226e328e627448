import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { setTimeout as sleep } from "timers/promises";
import { networkProvider, type NetworkInputs } from "../../provider/swarm/network";
import { SwarmNetwork } from "../../provider/swarm";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { runProgram } from "../support/harness";

const owner = testOwner("net");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

function inputs(name: string, extra: Partial<NetworkInputs> = {}): NetworkInputs {
  return {
    connection: {},
    name: `${owner.project}-${name}`,
    attachable: false,
    internal: false,
    encrypted: false,
    owner,
    labels: {},
    ...extra,
  };
}

describe("Swarm overlay networks (real engine)", () => {
  after(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });

  it("creates an overlay network with the requested options and labels", async (t) => {
    if (!(await needEngine(t))) return;
    const { id } = await networkProvider.create(
      inputs("opts", { attachable: true, internal: true, encrypted: true, labels: { team: "a" } }),
    );
    const found = JSON.parse(docker("network", "inspect", id, "--format", "{{json .}}"));
    assert.equal(found.Driver, "overlay");
    assert.equal(found.Scope, "swarm");
    assert.equal(found.Attachable, true);
    assert.equal(found.Internal, true);
    assert.equal(found.Options.encrypted, "");
    assert.equal(found.Labels.team, "a");
    assert.equal(found.Labels["berth.stack"], "test");
  });

  it("records an encrypted network as encrypted, however early the manager is asked", async (t) => {
    if (!(await needEngine(t))) return;
    // The manager can answer an inspect before the new network's options are filled in; recording
    // `encrypted: false` then would replace the network on the next up, under its services.
    for (let i = 0; i < 10; i++) {
      const asked = inputs(`encrypted-${i}`, { encrypted: true });
      const { id, outs } = await networkProvider.create(asked);
      assert.equal(outs.encrypted, true, `network ${i}`);
      const diff = await networkProvider.diff!(id, outs, asked);
      assert.deepEqual([diff.changes, diff.replaces], [false, []], `network ${i}`);
      // A record written before this was mended: a refresh reads the network as it is.
      const refreshed = await networkProvider.read!(id, { ...outs, encrypted: false });
      assert.equal(refreshed.props?.encrypted, true, `network ${i}, refreshed`);
      await networkProvider.delete!(id, outs);
    }
  });

  it("creates a network with driver options and address management, and reads them back", async (t) => {
    if (!(await needEngine(t))) return;
    const ipam = {
      driver: "default",
      options: { "berth.test": "1" },
      config: [
        {
          subnet: "10.247.7.0/24",
          ipRange: "10.247.7.128/25",
          gateway: "10.247.7.1",
          auxAddresses: { printer: "10.247.7.5" },
        },
      ],
    };
    const options = { "com.docker.network.driver.mtu": "1400" };
    const net = inputs("ipam", { encrypted: true, options, ipam });
    const { id, outs } = await networkProvider.create(net);
    const found = JSON.parse(docker("network", "inspect", id, "--format", "{{json .}}"));
    assert.equal(found.Options["com.docker.network.driver.mtu"], "1400");
    assert.equal(found.Options.encrypted, "");
    assert.equal(found.IPAM.Driver, "default");
    assert.equal(found.IPAM.Options["berth.test"], "1");
    assert.deepEqual(
      found.IPAM.Config.map((c: Record<string, string>) => [c.Subnet, c.IPRange, c.Gateway]),
      [["10.247.7.0/24", "10.247.7.128/25", "10.247.7.1"]],
    );
    // What the engine adds by itself (the VXLAN id, IPAM's serial option) is not drift.
    assert.deepEqual(outs.options, options);
    assert.deepEqual(outs.ipam, ipam);
    const read = await networkProvider.read?.(id, {
      ...outs,
      options: { "com.docker.network.driver.mtu": "9000" },
    });
    assert.deepEqual((read?.props as NetworkInputs).options, options);
    assert.deepEqual((read?.props as NetworkInputs).ipam, ipam);
    const diff = await networkProvider.diff?.(id, outs, {
      ...net,
      ipam: { config: [{ subnet: "10.247.8.0/24" }] },
    });
    assert.deepEqual(diff?.replaces, ["ipam"]);
    const unchanged = await networkProvider.diff?.(id, outs, net);
    assert.equal(unchanged?.changes, false);
  });

  it("refuses driver options that are not strings, and encrypted among them", async () => {
    const check = (extra: Partial<NetworkInputs>) =>
      networkProvider.check?.({} as NetworkInputs, inputs("bad", extra)).then((r) => r.failures);
    assert.deepEqual(await check({ options: { mtu: 1400 as unknown as string } }), [
      { property: "options", reason: "must map option names to strings" },
    ]);
    assert.deepEqual(await check({ options: { encrypted: "" } }), [
      { property: "options", reason: "must not hold encrypted; set encrypted: true" },
    ]);
    assert.deepEqual(await check({ ipam: { config: "10.0.0.0/8" as never } }), [
      { property: "ipam", reason: "config must be a list of address pools" },
    ]);
  });

  it("reads drift and disappearance, and deletes idempotently", async (t) => {
    if (!(await needEngine(t))) return;
    const created = await networkProvider.create(inputs("drift", { labels: { v: "1" } }));
    const read = await networkProvider.read?.(created.id, { ...inputs("drift"), labels: { v: "stale" } });
    assert.deepEqual((read?.props as NetworkInputs).labels, { v: "1" });
    assert.equal((read?.props as NetworkInputs).attachable, false);
    docker("network", "rm", created.id);
    assert.deepEqual(await networkProvider.read?.(created.id, inputs("drift")), {});
    await networkProvider.delete?.(created.id, inputs("drift"));
  });

  it("replaces on any change, deleting first when the name stays", async () => {
    assert.deepEqual(await networkProvider.diff?.("id", inputs("x"), inputs("x", { encrypted: true })), {
      changes: true,
      replaces: ["encrypted"],
      deleteBeforeReplace: true,
    });
    assert.deepEqual(await networkProvider.diff?.("id", inputs("x"), inputs("y")), {
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    assert.equal((await networkProvider.diff?.("id", inputs("x"), inputs("x")))?.changes, false);
  });

  it("waits for a removed service's tasks to leave before deleting the network", async (t) => {
    if (!(await needEngine(t))) return;
    const net = inputs("busy");
    const { id } = await networkProvider.create(net);
    const service = docker(
      "service",
      "create",
      "--detach",
      "--name",
      `${owner.project}-busy`,
      "--label",
      `berth.project=${owner.project}`,
      "--network",
      net.name,
      "local/busybox:1",
      "sleep",
      "600",
    );
    const running = () =>
      docker("service", "ps", service, "--format", "{{.CurrentState}}").startsWith("Running");
    for (let i = 0; i < 60 && !running(); i++) await sleep(500);
    assert.ok(running(), "the service's task is attached to the network before the test removes it");
    docker("service", "rm", service);
    await networkProvider.delete?.(id, net);
    assert.throws(() => execFileSync("docker", ["network", "inspect", id], { stdio: "ignore" }));
  });

  it("refuses to delete a network another owner created", async (t) => {
    if (!(await needEngine(t))) return;
    const foreign = docker("network", "create", "--driver", "overlay", `${owner.project}-foreign`);
    try {
      await assert.rejects(
        networkProvider.delete?.(foreign, inputs("foreign")) ?? Promise.resolve(),
        /does not belong/,
      );
    } finally {
      docker("network", "rm", foreign);
    }
  });

  it("runs through Pulumi's serialization", async (t) => {
    if (!(await needEngine(t))) return;
    const run = await runProgram(
      () => ({
        name: new SwarmNetwork("backend", { name: `${owner.project}-backend`, attachable: true }).name,
      }),
      {
        project: owner.project,
      },
    );
    const net = run.byName("backend");
    assert.equal(docker("network", "inspect", net.id ?? "", "--format", "{{.Attachable}}"), "true");
    await run.destroy();
    assert.throws(() => execFileSync("docker", ["network", "inspect", net.id ?? ""], { stdio: "ignore" }));
  });
});
