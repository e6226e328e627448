import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "../../components";
import { SwarmCluster, SwarmClusterError, type SwarmNodeArgs } from "../../components/swarm";
import { runProgram } from "../support/harness";
import { membershipOutputs } from "../support/swarm-mocks";

const dynamic = (kind: string) => `pulumi-nodejs:dynamic/berth/swarm:${kind}`;
const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests";

function mockOutputs({ type, inputs }: { type: string; inputs: Record<string, unknown> }) {
  return type === dynamic("SwarmMembership") ? membershipOutputs(inputs) : {};
}

const ssh = (host: string) => ({ host, privateKey: pulumi.secret("PRIVATE"), hostKey });
const nodes: SwarmNodeArgs[] = [
  { name: "m1", role: "manager", ssh: ssh("10.0.0.1"), labels: { zone: "a" } },
  { name: "w1", ssh: ssh("10.0.0.2"), availability: "drain", advertiseAddr: "192.168.0.2" },
];

describe("SwarmCluster under mocks", () => {
  it("resolves every node with its defaults, keeps keys secret, and drains the manager of a swarm with a worker, and deploys services through every manager", async () => {
    const run = await runProgram(
      () => {
        const cluster = new SwarmCluster("fleet", { nodes, rotate: { workerToken: "2026-11" } });
        new ContainerService("web", {
          cluster,
          image: "nginx:1.27",
          ports: [{ target: 80, published: 8080, public: true }],
        });
        return { nodeIds: cluster.nodeIds };
      },
      { mockDynamic: mockOutputs },
    );
    const membership = run.byName("fleet-membership");
    assert.equal(membership.type, dynamic("SwarmMembership"));
    assert.deepEqual(membership.inputs.nodes, [
      {
        name: "m1",
        role: "manager",
        availability: "drain",
        labels: { zone: "a" },
        connection: { protocol: "ssh", host: "10.0.0.1", username: "root", privateKey: "PRIVATE", hostKey },
        advertiseAddr: "10.0.0.1",
        listenAddr: "0.0.0.0:2377",
      },
      {
        name: "w1",
        role: "worker",
        availability: "drain",
        labels: {},
        connection: { protocol: "ssh", host: "10.0.0.2", username: "root", privateKey: "PRIVATE", hostKey },
        advertiseAddr: "192.168.0.2",
        listenAddr: "0.0.0.0:2377",
      },
    ]);
    assert.deepEqual(membership.inputs.rotate, { workerToken: "2026-11", managerToken: "", unlockKey: "" });
    assert.deepEqual(membership.inputs.swarm, { autolock: false });
    assert.ok(
      membership.secretInputs.some((path) => path.startsWith("nodes")),
      "the node list, with keys, is secret",
    );
    for (const output of ["unlockKey", "joinTokens"])
      assert.ok(membership.secretOutputs.includes(output), `${output} is secret in state`);

    const network = run.byName("fleet-default");
    assert.equal(network.inputs.name, "fleet-default");
    const service = run.resources.find((r) => r.type === dynamic("SwarmService"))!;
    // Every manager (here the only one) is handed to the services, as a list.
    assert.deepEqual(service.inputs.connection, [
      { protocol: "ssh", host: "10.0.0.1", username: "root", privateKey: "PRIVATE", hostKey },
    ]);
    assert.ok(service.secretInputs.includes("connection"), "the service's connection holds a key: secret");
    assert.deepEqual(run.outputs.nodeIds, { m1: "node-0", w1: "node-1" });
  });

  it("lists every problem with the node list before creating anything, naming the resource", async () => {
    let caught: unknown;
    const run = await runProgram(
      () => {
        try {
          new SwarmCluster("fleet", {
            nodes: [
              { name: "w1", ssh: { host: "h", privateKey: "k" } as SwarmNodeArgs["ssh"] },
              { name: "w1", tls: { host: "h", ca: "c", cert: "c", key: "k" } },
            ],
          });
        } catch (err) {
          caught = err;
        }
      },
      { mockDynamic: mockOutputs },
    );
    assert.ok(caught instanceof SwarmClusterError, String(caught));
    assert.equal(caught.resourceName, "fleet");
    assert.ok(pulumi.ResourceError.isInstance(caught), "reported against the component");
    assert.equal((caught.resource as pulumi.ComponentResource | undefined)?.constructor.name, "SwarmCluster");
    assert.equal(
      caught.message,
      [
        "SwarmCluster fleet:",
        '  nodes: must include a node with role "manager"',
        "  nodes[0].ssh.hostKey: is required: the node's host key is always verified, never trusted on first use",
        '  nodes[1].name: "w1" names two nodes',
      ].join("\n"),
    );
    assert.deepEqual(
      run.resources.filter((r) => r.custom).map((r) => r.name),
      [],
      "nothing was created",
    );
  });

  it("takes a node list, addresses, host keys and keys that other resources produce", async () => {
    const later = <T>(value: T) => pulumi.output(Promise.resolve(value));
    const fed: SwarmNodeArgs[] = [
      {
        name: "m1",
        role: "manager",
        ssh: {
          host: later("10.0.0.1"),
          privateKey: pulumi.secret(later("PRIVATE")),
          hostKey: later(hostKey),
        },
        advertiseAddr: later("192.168.0.1"),
      },
    ];
    const run = await runProgram(
      () => {
        const cluster = new SwarmCluster("fleet", { nodes: later(fed), defaultNetwork: { skip: true } });
        return { connection: cluster.connection };
      },
      { mockDynamic: mockOutputs },
    );
    const membership = run.byName("fleet-membership");
    assert.deepEqual(membership.inputs.nodes, [
      {
        name: "m1",
        role: "manager",
        availability: "active",
        labels: {},
        connection: { protocol: "ssh", host: "10.0.0.1", username: "root", privateKey: "PRIVATE", hostKey },
        advertiseAddr: "192.168.0.1",
        listenAddr: "0.0.0.0:2377",
      },
    ]);
    assert.ok(membership.secretInputs.includes("nodes"));
    assert.deepEqual((run.outputs.connection as { host: string }).host, "10.0.0.1");
  });

  it("checks a node list that is an output once it resolves, with the component's error", async () => {
    await assert.rejects(
      runProgram(
        () => {
          new SwarmCluster("fleet", {
            nodes: pulumi.output(Promise.resolve([{ name: "w1", ssh: ssh("10.0.0.2") }] as SwarmNodeArgs[])),
          });
        },
        { mockDynamic: mockOutputs },
      ),
      (err: unknown) => {
        const text = String((err as Error).message ?? err);
        assert.match(text, /SwarmCluster fleet:\n {2}nodes: must include a node with role "manager"/);
        return true;
      },
    );
  });

  it("refuses at preview, in the membership's check, a node list that takes out 2 of 3 managers at once", async () => {
    const three: SwarmNodeArgs[] = ["m1", "m2", "m3"].map((name, i) => ({
      name,
      role: "manager",
      ssh: ssh(`10.0.0.${i + 1}`),
    }));
    const program = (list: SwarmNodeArgs[]) => () => {
      new SwarmCluster("fleet", { nodes: list, defaultNetwork: { skip: true } });
    };
    const up = await runProgram(program(three), { mockDynamic: mockOutputs });
    await assert.rejects(
      runProgram(program([three[0]]), { mockDynamic: mockOutputs, preview: true, previous: up }),
      (err: unknown) => {
        assert.match(
          String((err as Error).message ?? err),
          /nodes: removing 2 of 3 managers \(m2, m3\) leaves 1: a swarm of 3 managers keeps quorum only while 2 answer; take out at most 1 per update/,
        );
        return true;
      },
    );
    // One at a time passes.
    const next = await runProgram(program(three.slice(0, 2)), {
      mockDynamic: mockOutputs,
      preview: true,
      previous: up,
    });
    assert.equal(next.byName("fleet-membership").operation, "update");
  });

  it("hands every manager to its children, and warns at preview about a topology that loses quorum easily", async () => {
    const four: SwarmNodeArgs[] = [
      { name: "m1", role: "manager", ssh: ssh("10.0.0.1"), labels: { zone: "a" } },
      { name: "m2", role: "manager", ssh: ssh("10.0.0.2"), labels: { zone: "a" } },
      { name: "m3", role: "manager", ssh: ssh("10.0.0.3"), labels: { zone: "a" } },
      { name: "m4", role: "manager", ssh: ssh("10.0.0.4"), labels: { zone: "b" }, availability: "active" },
      { name: "w1", ssh: ssh("10.0.0.5") },
    ];
    const run = await runProgram(
      () => {
        const cluster = new SwarmCluster("fleet", { nodes: four });
        new ContainerService("web", { cluster, image: "nginx:1.27" });
      },
      { mockDynamic: mockOutputs, preview: true },
    );
    const service = run.resources.find((r) => r.type === dynamic("SwarmService"))!;
    assert.deepEqual(
      (service.inputs.connection as { host: string }[]).map((c) => c.host),
      ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"],
    );
    assert.deepEqual(
      (run.byName("fleet-default").inputs.connection as { host: string }[]).map((c) => c.host),
      ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"],
    );
    const availability = (run.byName("fleet-membership").inputs.nodes as { availability: string }[]).map(
      (n) => n.availability,
    );
    assert.deepEqual(availability, ["drain", "drain", "drain", "active", "active"], "m4 keeps its own");
    const warnings = run.logs.filter((l) => l.severity === "warning").map((l) => l.message);
    assert.deepEqual(warnings, [
      "SwarmCluster fleet: 4 managers tolerate no more failures than 3 (1: a majority of 3 must stay reachable): use an odd number (3 or 5)",
      "SwarmCluster fleet: zone a holds 3 of the 4 managers (a: 3, b: 1): losing that zone loses the quorum (3 needed); spread managers over at least 3 zones so that none holds 3",
    ]);
  });
});
