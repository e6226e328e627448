import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { membershipProvider, type MembershipOutputs } from "../../provider/swarm/membership";
import {
  describeStep,
  diffMembership,
  type MemberSpec,
  planMembership,
  quorumProblem,
} from "../../provider/swarm/membership-plan";
import { unknownValue as U } from "../../provider/shared/unknowns";

const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests";
const member = (name: string, role: MemberSpec["role"], extra: Partial<MemberSpec> = {}): MemberSpec => ({
  name,
  role,
  labels: {},
  availability: "active",
  connection: { protocol: "ssh", host: `${name}.test`, username: "root", privateKey: "KEY", hostKey },
  advertiseAddr: `${name}.test`,
  listenAddr: "0.0.0.0:2377",
  ...extra,
});
const owner = { project: "p", stack: "s", component: "fleet", urn: "urn:pulumi:s::p::x::fleet" };
const inputs = (nodes: unknown, extra: Record<string, unknown> = {}) => ({
  owner,
  nodes,
  swarm: { autolock: false },
  rotate: { workerToken: "", managerToken: "", unlockKey: "" },
  timeoutSeconds: 300,
  ...extra,
});
const three = [member("a", "manager"), member("b", "manager"), member("c", "worker")];
const state = (nodes: MemberSpec[] = three, extra: Record<string, unknown> = {}) =>
  ({
    ...inputs(nodes, extra),
    swarmId: "swarm-1",
    nodeIds: Object.fromEntries(nodes.map((n) => [n.name, `id-${n.name}`])),
    joinTokens: { worker: "W", manager: "M" },
    unlockKey: "",
    managerAddresses: [],
  }) as unknown as MembershipOutputs;

type CheckInputs = Parameters<NonNullable<typeof membershipProvider.check>>[1];
const check = async (news: unknown, olds: unknown = {}) => {
  const result = await membershipProvider.check!(olds as CheckInputs, news as CheckInputs);
  return {
    inputs: result.inputs,
    failures: (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`),
  };
};
const diff = (olds: MembershipOutputs, news: unknown) =>
  membershipProvider.diff!("swarm-1", olds, news as never);

describe("the membership provider at preview (values not known yet)", () => {
  const withUnknowns: [string, unknown][] = [
    ["the whole node list", U],
    ["a whole node", [member("a", "manager"), U]],
    ["a node's connection", [member("a", "manager", { connection: U as never })]],
    [
      "a node's host, host key and private key",
      [
        member("a", "manager", {
          connection: { protocol: "ssh", host: U, username: "root", privateKey: U, hostKey: U },
        }),
      ],
    ],
    ["a node's protocol", [member("a", "manager", { connection: { protocol: U as "ssh", host: "h" } })]],
    ["a node's advertise address", [member("a", "manager", { advertiseAddr: U })]],
    ["a node's name and role", [member(U, U as "manager"), member(U, "worker")]],
    ["a node's labels", [member("a", "manager", { labels: U as never })]],
  ];
  for (const [what, nodes] of withUnknowns) {
    it(`check passes ${what} through unjudged`, async () => {
      const news = inputs(nodes);
      const { inputs: checked, failures } = await check(news);
      assert.deepEqual(failures, []);
      assert.deepEqual(checked, news);
    });
    it(`diff answers changes without a replacement for ${what}`, async () => {
      assert.deepEqual(await diff(state(), inputs(nodes)), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: true,
      });
    });
  }

  it("still judges what is known next to what is not", async () => {
    const { failures } = await check(
      inputs([
        member("a", "manager", {
          advertiseAddr: U,
          connection: { protocol: "ssh", host: U, hostKey: "nope" },
        }),
        U,
        member("Bad", "worker", { availability: U as "active" }),
      ]),
    );
    assert.deepEqual(failures, [
      "nodes[0].connection.username: is required for an SSH connection",
      "nodes[0].connection.privateKey: is required for an SSH connection",
      'nodes[0].connection.hostKey: must be "<type> <base64>", as a known_hosts entry',
      "nodes[2].name: must be a DNS label: lowercase letters, digits and -, at most 63",
    ]);
  });

  it("does not claim a missing manager while a role is unknown, and does once all are known", async () => {
    assert.deepEqual((await check(inputs([member("a", "worker"), U]))).failures, []);
    assert.deepEqual((await check(inputs([member("a", "worker"), member("b", U as "worker")]))).failures, []);
    assert.deepEqual((await check(inputs([member("a", "worker")]))).failures, [
      'nodes: must include a node with role "manager"',
    ]);
  });

  it("passes unknown swarm settings, triggers, timeout and owner through", async () => {
    for (const extra of [
      { swarm: U },
      { swarm: { autolock: U, dataPathPort: U } },
      { rotate: U },
      { rotate: { workerToken: U, managerToken: "", unlockKey: "" } },
      { timeoutSeconds: U },
      { owner: U },
    ]) {
      const news = inputs(three, extra);
      assert.deepEqual((await check(news, inputs(three))).failures, [], JSON.stringify(extra));
      assert.deepEqual(await diff(state(), news), { changes: true, replaces: [], deleteBeforeReplace: true });
    }
  });

  it("replaces only for a known change to a setting fixed when the swarm forms", async () => {
    const olds = state(three, { swarm: { autolock: false, dataPathPort: 4789 } });
    assert.deepEqual(
      (await diff(olds, inputs(three, { swarm: { autolock: false, dataPathPort: 4790 } }))).replaces,
      ["swarm"],
    );
    assert.deepEqual(
      (
        await diff(
          olds,
          inputs([member("a", "manager", { advertiseAddr: U })], {
            swarm: { autolock: false, dataPathPort: 4790 },
          }),
        )
      ).replaces,
      ["swarm"],
      "a known identity change replaces even next to unknown values",
    );
    assert.deepEqual(
      (await diff(olds, inputs(three, { swarm: { autolock: true, dataPathPort: 4789 } }))).replaces,
      [],
    );
  });
});

describe("what identifies a swarm's membership", () => {
  const withConnection = (m: MemberSpec, connection: MemberSpec["connection"]) => ({ ...m, connection });

  it("updates in place for new keys, a new TLS certificate or another connection to the first manager", async () => {
    const rekeyed = three.map((m) => withConnection(m, { ...m.connection, privateKey: "NEW KEY" }));
    const tls = [
      withConnection(three[0], {
        protocol: "https",
        host: "10.9.9.9",
        port: 2376,
        ca: "CA",
        cert: "CERT2",
        key: "K2",
      }),
      ...three.slice(1),
    ];
    for (const news of [rekeyed, tls]) {
      assert.deepEqual(await diff(state(), inputs(news)), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: true,
      });
      assert.deepEqual(planMembership(three, news), [], "no node leaves, joins or changes");
    }
    assert.deepEqual(await diff(state(), inputs(three)), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
  });

  it("compares state read back with its keys in another order as unchanged", () => {
    const reordered = JSON.parse(
      JSON.stringify(state(), (_k, v: unknown) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as MembershipOutputs;
    assert.equal(diffMembership(reordered, inputs(three)).changes, false);
  });

  it("reports a renamed owner (an alias) as a change, not a replacement", () => {
    assert.deepEqual(diffMembership(state(), inputs(three, { owner: { ...owner, urn: "urn:new" } })), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
  });
});

describe("a node's new swarm addresses", () => {
  for (const field of ["advertiseAddr", "listenAddr", "dataPathAddr"] as const) {
    it(`a new ${field} is a change the plan applies by having the node leave and join again`, async () => {
      const news = three.map((m) => (m.name === "c" ? { ...m, [field]: "10.1.1.3" } : m));
      assert.equal((await diff(state(), inputs(news))).changes, true);
      const steps = planMembership(three, news);
      assert.deepEqual(
        steps.map((s) => [s.kind, s.member.name]),
        [["rejoin", "c"]],
      );
      assert.match(
        describeStep(steps[0]),
        new RegExp(`^c moves \\(${field} .* -> 10\\.1\\.1\\.3\\): it leaves the swarm and joins again$`),
      );
    });
  }

  it("moves workers before managers, after joins and spec changes, and takes the new role in the same move", () => {
    const news = [
      member("a", "manager", { advertiseAddr: "10.1.0.1" }),
      member("b", "manager", { availability: "drain" }),
      member("c", "manager", { advertiseAddr: "10.1.0.3" }),
      member("d", "worker"),
    ];
    assert.deepEqual(
      planMembership(three, news).map((s) => `${s.kind} ${s.member.name} ${s.member.role}`),
      ["join d worker", "configure b manager", "rejoin c manager", "rejoin a manager"],
    );
  });

  it("moves managers one at a time while the others keep the quorum", () => {
    const managers = [member("a", "manager"), member("b", "manager"), member("c", "manager")];
    const moved = managers.map((m) => ({ ...m, advertiseAddr: `new-${m.name}` }));
    const live = managers.map((m) => ({ name: m.name, reachable: true }));
    assert.equal(quorumProblem(live, planMembership(managers, moved)), undefined);
    assert.match(
      quorumProblem(
        [...live.slice(0, 2), { name: "c", reachable: false }],
        planMembership(managers, moved),
      ) ?? "",
      /^moving the manager a to new addresses \(it must leave the swarm and join again\) would lose the managers' quorum/,
    );
  });

  it("refuses, with the way out, to move a swarm's only manager, at check time already", async () => {
    const olds = [member("a", "manager"), member("w", "worker")];
    const news = [member("a", "manager", { advertiseAddr: "10.2.0.1" }), member("w", "worker")];
    const expected =
      "moving the manager a to new addresses (it must leave the swarm and join again) would leave the swarm without a manager: add another manager first, then change the addresses, or replace the cluster";
    assert.equal(quorumProblem([{ name: "a", reachable: true }], planMembership(olds, news)), expected);
    assert.deepEqual((await check(inputs(news), inputs(olds))).failures, [`nodes: ${expected}`]);
    assert.deepEqual(
      (await check(inputs([news[0], U]), inputs(olds))).failures,
      [],
      "not judged while unknown",
    );
  });
});
