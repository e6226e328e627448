import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { managerWarnings, nodeIssues } from "../../components/swarm/member-spec";
import type { SwarmNodeArgs } from "../../components/swarm";
import { membershipProvider } from "../../provider/swarm/membership";
import {
  managerLossProblem,
  type MemberSpec,
  planMembership,
  quorumProblem,
  replacesMachine,
} from "../../provider/swarm/membership-plan";

const member = (name: string, role: MemberSpec["role"], extra: Partial<MemberSpec> = {}): MemberSpec => ({
  name,
  role,
  labels: {},
  availability: "active",
  connection: { protocol: "ssh", host: name, username: "root", privateKey: "k", hostKey: "ssh-ed25519 AAAA" },
  advertiseAddr: name,
  listenAddr: "0.0.0.0:2377",
  ...extra,
});
const describeSteps = (olds: MemberSpec[], news: MemberSpec[]) =>
  planMembership(olds, news).map(
    (s) => `${s.kind} ${s.member.name}${s.kind === "configure" ? ` -> ${s.member.role}` : ""}`,
  );

describe("planMembership", () => {
  it("joins first, promotes before it demotes, and removes workers before managers", () => {
    const olds = [
      member("a", "manager"),
      member("b", "manager"),
      member("c", "worker"),
      member("d", "worker"),
      member("e", "manager"),
    ];
    const news = [
      member("a", "manager"),
      member("b", "worker"),
      member("c", "manager"),
      member("f", "worker"),
    ];
    assert.deepEqual(describeSteps(olds, news), [
      "join f",
      "configure c -> manager",
      "configure b -> worker",
      "remove d",
      "remove e",
    ]);
  });

  it("changes a node's labels or availability in place, and leaves unchanged nodes alone", () => {
    const olds = [member("a", "manager", { labels: { zone: "1", rack: "x" } }), member("b", "worker")];
    const news = [
      member("a", "manager", { labels: { rack: "x", zone: "1" } }),
      member("b", "worker", { availability: "drain" }),
    ];
    assert.deepEqual(describeSteps(olds, news), ["configure b -> worker"]);
    assert.deepEqual(describeSteps(olds, olds), []);
  });
});

describe("quorumProblem", () => {
  const managers = (...spec: [string, boolean][]) => spec.map(([name, reachable]) => ({ name, reachable }));
  const steps = (olds: MemberSpec[], news: MemberSpec[]) => planMembership(olds, news);
  const three = [member("a", "manager"), member("b", "manager"), member("c", "manager")];

  it("allows shrinking a healthy swarm from three managers to one, step by step", () => {
    assert.equal(
      quorumProblem(managers(["a", true], ["b", true], ["c", true]), steps(three, [three[0]])),
      undefined,
    );
  });

  it("refuses removing a manager when another is unreachable, naming both", () => {
    assert.equal(
      quorumProblem(managers(["a", true], ["b", true], ["c", false]), steps(three, [three[0], three[2]])),
      "removing the manager b would lose the managers' quorum: 1 of the 2 remaining managers would be reachable, 2 are needed (unreachable: c)",
    );
  });

  it("refuses a demotion that loses quorum the same way", () => {
    const news = [three[0], member("b", "worker"), three[2]];
    assert.match(
      quorumProblem(managers(["a", true], ["b", true], ["c", false]), steps(three, news)) ?? "",
      /^demoting b would lose the managers' quorum/,
    );
  });

  it("counts managers that join before anything is removed", () => {
    const news = [three[0], member("d", "manager"), member("e", "manager")];
    // c is down: removing b and c is safe only because d and e join first (a, d, e reachable).
    assert.equal(
      quorumProblem(managers(["a", true], ["b", true], ["c", false]), steps(three, news)),
      undefined,
    );
  });

  it("refuses any change to a swarm that has already lost its quorum", () => {
    assert.equal(
      quorumProblem(
        managers(["a", true], ["b", false], ["c", false]),
        steps(three, [...three, member("d", "worker")]),
      ),
      "the swarm has lost its quorum: 1 of 3 managers are reachable, 2 are needed to change anything",
    );
  });

  it("refuses removing the last manager", () => {
    assert.equal(
      quorumProblem(managers(["a", true]), [{ kind: "remove", member: member("a", "manager") }]),
      "removing the manager a would leave the swarm without a manager",
    );
  });
});

describe("managerLossProblem (judged at preview from the node lists)", () => {
  const managersNamed = (...names: string[]) => names.map((n) => member(n, "manager"));

  it("refuses taking out more than (N-1)/2 of N managers at once, with the arithmetic", () => {
    const three = managersNamed("a", "b", "c");
    assert.equal(
      managerLossProblem(three, [three[0]]),
      "removing 2 of 3 managers (b, c) leaves 1: a swarm of 3 managers keeps quorum only while 2 answer; take out at most 1 per update",
    );
    const five = managersNamed("a", "b", "c", "d", "e");
    assert.equal(
      managerLossProblem(five, [five[0], member("b", "worker"), five[2]]),
      "removing or demoting 3 of 5 managers (d, e, b) leaves 2: a swarm of 5 managers keeps quorum only while 3 answer; take out at most 2 per update",
    );
    assert.match(
      managerLossProblem(managersNamed("a", "b", "c", "d"), [
        member("a", "manager"),
        member("b", "manager"),
      ]) ?? "",
      /^removing 2 of 4 managers \(c, d\) leaves 2: a swarm of 4 managers keeps quorum only while 3 answer/,
    );
  });

  it("allows (N-1)/2 at a time, and 1 of 2 (so that 2 managers can become 1)", () => {
    const three = managersNamed("a", "b", "c");
    assert.equal(managerLossProblem(three, [three[0], member("b", "worker"), three[2]]), undefined);
    const five = managersNamed("a", "b", "c", "d", "e");
    assert.equal(managerLossProblem(five, five.slice(0, 3)), undefined);
    assert.equal(managerLossProblem(managersNamed("a", "b"), managersNamed("a")), undefined);
  });

  it("does not count managers joining in the same update, nor managers whose machines are replaced", () => {
    const three = managersNamed("a", "b", "c");
    assert.match(managerLossProblem(three, managersNamed("a", "d", "e")) ?? "", /^removing 2 of 3/);
    const replaced = three.map((m) => ({
      ...m,
      advertiseAddr: `new-${m.name}`,
      connection: { ...m.connection, host: `new-${m.name}` },
    }));
    assert.equal(managerLossProblem(three, replaced), undefined);
  });
});

describe("replacing every manager's machine in one update", () => {
  const three = [
    member("a", "manager"),
    member("b", "manager"),
    member("c", "manager"),
    member("w", "worker"),
  ];
  const replaced = three.map((m) => ({
    ...m,
    advertiseAddr: `new-${m.name}`,
    connection: { ...m.connection, host: `new-${m.name}` },
  }));

  it("plans one rejoin per node, the worker first, then one manager after the other", () => {
    const steps = planMembership(three, replaced);
    assert.deepEqual(
      steps.map((s) => `${s.kind} ${s.member.name}${replacesMachine(s) ? " (new machine)" : ""}`),
      [
        "rejoin w (new machine)",
        "rejoin a (new machine)",
        "rejoin b (new machine)",
        "rejoin c (new machine)",
      ],
    );
  });

  it("keeps quorum with a manager down, as each new machine joins before its old one leaves", () => {
    const live = [
      { name: "a", reachable: true },
      { name: "b", reachable: true },
      { name: "c", reachable: false },
    ];
    assert.equal(quorumProblem(live, planMembership(three, replaced)), undefined);
    // The same machine moving to new addresses must leave first: with c down, that loses quorum.
    const moved = three.map((m) => ({ ...m, advertiseAddr: `new-${m.name}` }));
    assert.ok(!planMembership(three, moved).some(replacesMachine));
    assert.match(
      quorumProblem(live, planMembership(three, moved)) ?? "",
      /^moving the manager a to new addresses .* would lose the managers' quorum/,
    );
  });
});

describe("nodeIssues and managerWarning", () => {
  const ssh = { host: "10.0.0.2", privateKey: "key", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB" };
  const ok: SwarmNodeArgs = { name: "a", role: "manager", ssh };

  it("accepts a well-formed list", () => assert.deepEqual(nodeIssues([ok, { name: "b", ssh }]), []));

  it("lists every problem at once, with its path", () => {
    const issues = nodeIssues([
      { name: "Bad_Name", role: "worker", ssh: { ...ssh, hostKey: "not a key!" } },
      { name: "b", role: "boss" as "manager", availability: "off" as "active" },
      {
        name: "b",
        ssh: { host: "h", privateKey: "k" } as SwarmNodeArgs["ssh"],
        tls: { host: "h", ca: "c", cert: "c", key: "k" },
      },
    ]);
    assert.deepEqual(
      issues.map((i) => `${i.path}: ${i.message}`),
      [
        'nodes: must include a node with role "manager"',
        "nodes[0].name: must be a DNS label: lowercase letters, digits and -, at most 63",
        'nodes[0].ssh.hostKey: must be "<type> <base64>", as a known_hosts entry',
        'nodes[1].role: must be "manager" or "worker", not "boss"',
        'nodes[1].availability: must be "active", "pause" or "drain", not "off"',
        "nodes[1]: needs exactly one of ssh, tls and docker to reach its Docker engine",
        'nodes[2].name: "b" names two nodes',
        "nodes[2]: needs exactly one of ssh, tls and docker to reach its Docker engine",
        "nodes[2].ssh.hostKey: is required: the node's host key is always verified, never trusted on first use",
      ],
    );
  });

  it("warns about an even number of managers only", () => {
    const managers = (n: number) => Array.from({ length: n }, (_, i) => ({ ...ok, name: `m${i}` }));
    assert.deepEqual(managerWarnings(managers(2)), [
      "2 managers tolerate no lost manager, as 1 does, but the loss of either machine stops the swarm: use 1 or 3",
    ]);
    assert.deepEqual(managerWarnings(managers(4)), [
      "4 managers tolerate no more failures than 3 (1: a majority of 3 must stay reachable): use an odd number (3 or 5)",
    ]);
    assert.deepEqual(managerWarnings(managers(3)), []);
    assert.deepEqual(managerWarnings([...managers(1), { name: "w", ssh }]), []);
  });

  it("warns about more than 7 managers, and a zone that holds their majority", () => {
    const managers = (n: number) => Array.from({ length: n }, (_, i) => ({ ...ok, name: `m${i}` }));
    assert.deepEqual(managerWarnings(managers(9)), [
      "9 managers: every change waits for a majority of 5 to write it; more than 7 slows the swarm down and tolerates no failure that 7 would not survive: use 3, 5 or 7",
    ]);
    const zoned = (...zones: string[]) =>
      zones.map((zone, i) => ({ ...ok, name: `m${i}`, labels: { zone } }));
    assert.deepEqual(managerWarnings(zoned("a", "b", "c")), []);
    assert.deepEqual(managerWarnings(zoned("a", "a", "b", "b", "c")), []);
    assert.deepEqual(managerWarnings(zoned("a", "a", "b")), [
      "zone a holds 2 of the 3 managers (a: 2, b: 1): losing that zone loses the quorum (2 needed); spread managers over at least 3 zones so that none holds 2",
    ]);
    // A manager without a zone label: the spread is not judged.
    assert.deepEqual(managerWarnings([...zoned("a", "a"), { ...ok, name: "m9" }]), []);
  });
});

describe("the membership provider's check", () => {
  it("refuses the same node lists the component does, with the same words, plus its own resolved fields", async () => {
    const nodes = [
      member("w1", "worker", {
        advertiseAddr: "",
        connection: {
          protocol: "ssh",
          host: "w1",
          username: "root",
          privateKey: "k",
          hostKey: "ssh-ed25519 AAAAC3Nz",
        },
      }),
      member("w1", "boss" as "worker", { connection: {} }),
    ];
    const { failures } = await membershipProvider.check!({}, { nodes });
    assert.deepEqual(
      failures!.map((f) => `${f.property}: ${f.reason}`),
      [
        'nodes: must include a node with role "manager"',
        "nodes[0].advertiseAddr: is required",
        'nodes[1].name: "w1" names two nodes',
        'nodes[1].role: must be "manager" or "worker", not "boss"',
        "nodes[1]: needs ssh or tls to reach its engine",
      ],
    );
  });
});
