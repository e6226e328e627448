import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { swarmTrafficRules } from "../../components/swarm/swarm-ports";
import { isCidr, labelsOf, vmArgIssues, vmRoster, type VmArgRules } from "../../components/swarm/vm-args";

const rules: VmArgRules = {
  fields: [
    "adminCidr",
    "managers",
    "workers",
    "sshUser",
    "sshPublicKey",
    "nodeLabels",
    "subnetIds",
    "dataPathPort",
  ],
  required: ["subnetIds"],
  spreadOver: { field: "subnetIds", count: 1 },
};
const good = { adminCidr: "203.0.113.7/32", subnetIds: ["s"], sshPublicKey: "ssh-ed25519 AAAAC3Nz admin" };
const issuesOf = (args: object, name = "fleet") =>
  vmArgIssues(name, args, rules).map((i) => `${i.path}: ${i.message}`);

describe("isCidr and vmRoster", () => {
  it("tells CIDR blocks from addresses and junk", () => {
    for (const ok of ["203.0.113.7/32", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/48", "::/0"])
      assert.ok(isCidr(ok), ok);
    for (const bad of ["203.0.113.7", "256.0.0.0/8", "10.0.0.0/33", "office", "", "2001:db8::/129", 7])
      assert.ok(!isCidr(bad), String(bad));
  });

  it("names managers first, then workers, with running indexes", () => {
    assert.deepEqual(vmRoster("f", 2, 1), [
      { name: "f-manager-0", role: "manager", index: 0 },
      { name: "f-manager-1", role: "manager", index: 1 },
      { name: "f-worker-0", role: "worker", index: 2 },
    ]);
  });
});

describe("vmArgIssues", () => {
  it("finds nothing wrong with good arguments", () => assert.deepEqual(issuesOf(good), []));

  it("refuses unknown fields, suggesting the near miss", () => {
    assert.deepEqual(issuesOf({ ...good, adminCIDR: "1.2.3.4/32", workerz: 2, colour: "red" }), [
      'adminCIDR: unknown field; did you mean "adminCidr"?',
      'workerz: unknown field; did you mean "workers"?',
      "colour: unknown field",
    ]);
  });

  it("lists every problem at once", () => {
    assert.deepEqual(
      issuesOf({
        adminCidr: "0.0.0.0",
        managers: 0,
        workers: 1.5,
        sshUser: "root",
        sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n-----END OPENSSH PRIVATE KEY-----\n",
        dataPathPort: 80,
      }),
      [
        "subnetIds: is required",
        "managers: must be a whole number of at least 1, not 0",
        "workers: must be a whole number of at least 0, not 1.5",
        'adminCidr: must be a CIDR block such as 203.0.113.7/32, not "0.0.0.0"',
        "dataPathPort: must be a whole number from 1024 to 49151, as Docker requires, not 80",
        'sshUser: must be a Linux user name other than root (lowercase letters, digits, _ and -), not "root"',
        "sshPublicKey: is a private key: pass the public half (ssh-ed25519 AAAA...), never the private one",
      ],
    );
  });

  it("requires an admin CIDR, and accepts whatever block the user gives", () => {
    assert.deepEqual(issuesOf({ ...good, adminCidr: undefined }), [
      "adminCidr: is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
    ]);
    assert.deepEqual(issuesOf({ ...good, adminCidr: "0.0.0.0/0" }), []);
  });

  it("refuses a public key that is not one, and a name that makes bad node names", () => {
    assert.deepEqual(issuesOf({ ...good, sshPublicKey: "AAAAC3Nz" }, "Fleet_1"), [
      'sshPublicKey: must be an OpenSSH public key line such as "ssh-ed25519 AAAA... admin"',
      'name: "Fleet_1" makes node names such as "Fleet_1-manager-2", which must be DNS labels: lowercase letters, digits and -, at most 63',
    ]);
    assert.deepEqual(issuesOf(good, "a".repeat(54)).length, 1, "fleet-manager-2 is 64 characters");
  });

  it("refuses labels for nodes the component does not make", () => {
    assert.deepEqual(
      issuesOf({ ...good, workers: 1, nodeLabels: { "fleet-worker-1": {}, "fleet-worker-0": {} } }),
      ['nodeLabels.fleet-worker-1: is not a node of fleet; did you mean "fleet-worker-0"?'],
    );
  });

  it("does not judge values that are outputs", () => {
    assert.deepEqual(issuesOf({ ...good, sshPublicKey: { promise: true } }), []);
  });
});

describe("labelsOf", () => {
  it("puts a node's own labels over the shared ones", () => {
    const args = { labels: { zone: "a", tier: "x" }, nodeLabels: { n1: { tier: "gpu" } } };
    assert.deepEqual(labelsOf("n1", args), { zone: "a", tier: "gpu" });
    assert.deepEqual(labelsOf("n2", args), { zone: "a", tier: "x" });
    assert.equal(labelsOf("n1", {}), undefined);
  });
});

describe("swarmTrafficRules", () => {
  it("opens the control plane to managers only and the rest among nodes", () => {
    assert.deepEqual(
      swarmTrafficRules().map((r) => `${r.name} ${r.protocol}/${r.port} to ${r.to}`),
      [
        "control tcp/2377 to managers",
        "gossip-tcp tcp/7946 to nodes",
        "gossip-udp udp/7946 to nodes",
        "overlay udp/4789 to nodes",
      ],
    );
  });

  it("follows the data path port, and lets ESP through only for encrypted overlays", () => {
    const rules = swarmTrafficRules({ dataPathPort: 4790, encryptedOverlay: true });
    assert.deepEqual(
      rules.slice(3).map((r) => [r.name, r.protocol, r.port, r.to]),
      [
        ["overlay", "udp", 4790, "nodes"],
        ["overlay-esp", "esp", undefined, "nodes"],
      ],
    );
  });
});
