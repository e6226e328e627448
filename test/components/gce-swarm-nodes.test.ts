import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { GceSwarmNodes, type GceSwarmNodesArgs } from "../../components/swarm/gce-swarm-nodes";
import type { MockedResource, RecordedResource } from "../support/harness";
import { deployVmNodes, nodesRefusal, ofType, OptionsCapture, sshDynamicType } from "../support/vm-nodes";

const instanceType = "gcp:compute/instance:Instance";
const firewallType = "gcp:compute/firewall:Firewall";
const base: GceSwarmNodesArgs = {
  network: "swarm-vpc",
  zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
  subnetworks: ["subnet-b", "subnet-c", "subnet-d"],
  adminCidr: "203.0.113.0/24",
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin",
  sshPrivateKey: "ADMIN-PRIVATE",
};

/** Addresses by role and index: fleet-worker-0 gets 10.0.2.0 inside and 198.51.100.20 outside. */
function mockResource({ type, name, inputs }: MockedResource) {
  const vm = /-(manager|worker)-(\d+)$/.exec(name);
  if (type !== instanceType || !vm) return {};
  const role = vm[1] === "manager" ? 1 : 2;
  const [nic] = inputs.networkInterfaces as { accessConfigs: unknown[] }[];
  return {
    networkInterfaces: [
      {
        ...nic,
        networkIp: `10.0.${role}.${vm[2]}`,
        accessConfigs: nic.accessConfigs.map(() => ({ natIp: `198.51.100.${role}${vm[2]}` })),
      },
    ],
  };
}
const deploy = (args: Partial<GceSwarmNodesArgs> = {}, withCluster = false, capture?: OptionsCapture) =>
  deployVmNodes((opts) => new GceSwarmNodes("fleet", { ...base, ...args }, opts), {
    mockResource,
    withCluster,
    capture,
  });

const ruleOf = (r: RecordedResource) => ({
  name: r.name,
  allows: r.inputs.allows,
  from: r.inputs.sourceTags ?? r.inputs.sourceRanges,
  to: r.inputs.targetTags,
});

const refusal = (args: Partial<GceSwarmNodesArgs> | Record<string, unknown>, name = "fleet") =>
  nodesRefusal(() => new GceSwarmNodes(name, { ...base, ...args } as GceSwarmNodesArgs));

describe("GceSwarmNodes under mocks", () => {
  it("spreads three managers and two workers over the zones and their subnetworks, tagged by role", async () => {
    const run = await deploy();
    assert.deepEqual(
      ofType(run, instanceType).map((r) => [
        r.name,
        r.inputs.zone,
        (r.inputs.networkInterfaces as { subnetwork: string }[])[0].subnetwork,
        r.inputs.tags,
        r.inputs.labels,
      ]),
      [
        [
          "fleet-manager-0",
          "europe-west1-b",
          "subnet-b",
          ["fleet-swarm-node", "fleet-swarm-manager"],
          { "berth-swarm-role": "manager" },
        ],
        [
          "fleet-manager-1",
          "europe-west1-c",
          "subnet-c",
          ["fleet-swarm-node", "fleet-swarm-manager"],
          { "berth-swarm-role": "manager" },
        ],
        [
          "fleet-manager-2",
          "europe-west1-d",
          "subnet-d",
          ["fleet-swarm-node", "fleet-swarm-manager"],
          { "berth-swarm-role": "manager" },
        ],
        [
          "fleet-worker-0",
          "europe-west1-b",
          "subnet-b",
          ["fleet-swarm-node"],
          { "berth-swarm-role": "worker" },
        ],
        [
          "fleet-worker-1",
          "europe-west1-c",
          "subnet-c",
          ["fleet-swarm-node"],
          { "berth-swarm-role": "worker" },
        ],
      ],
    );
    const component = run.byName("fleet", "berth:swarm:GceSwarmNodes");
    const children = run.resources.filter((r) => r !== component && r.type !== "pulumi:pulumi:Stack");
    for (const r of children) assert.equal(r.parent, component.urn, `${r.name} is a child of the component`);
    assert.deepEqual(
      [firewallType, instanceType, sshDynamicType("SshHostKey"), sshDynamicType("MachineReady")].map(
        (t) => ofType(run, t).length,
      ),
      [5, 5, 5, 5],
    );
    assert.equal(children.length, 20, "nothing else");
  });

  it("uses one subnetwork for every zone when given one, and the network's own when given none", async () => {
    const one = await deploy({ subnetworks: ["shared"] });
    assert.deepEqual(
      ofType(one, instanceType).map(
        (r) => (r.inputs.networkInterfaces as { subnetwork?: string }[])[0].subnetwork,
      ),
      ["shared", "shared", "shared", "shared", "shared"],
    );
    const none = await deploy({ subnetworks: undefined, zones: ["us-east1-b"] });
    for (const r of ofType(none, instanceType)) {
      assert.deepEqual(r.inputs.networkInterfaces, [{ network: "swarm-vpc", accessConfigs: [] }]);
      assert.equal(r.inputs.zone, "us-east1-b");
    }
  });

  it("opens 2377 only from nodes to managers, gossip and VXLAN only among nodes, SSH only from the admin CIDR", async () => {
    const run = await deploy();
    assert.deepEqual(ofType(run, firewallType).map(ruleOf), [
      {
        name: "fleet-control",
        allows: [{ protocol: "tcp", ports: ["2377"] }],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-manager"],
      },
      {
        name: "fleet-gossip-tcp",
        allows: [{ protocol: "tcp", ports: ["7946"] }],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-node"],
      },
      {
        name: "fleet-gossip-udp",
        allows: [{ protocol: "udp", ports: ["7946"] }],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-node"],
      },
      {
        name: "fleet-overlay",
        allows: [{ protocol: "udp", ports: ["4789"] }],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-node"],
      },
      {
        name: "fleet-ssh",
        allows: [{ protocol: "tcp", ports: ["22"] }],
        from: ["203.0.113.0/24"],
        to: ["fleet-swarm-node"],
      },
    ]);
    for (const r of ofType(run, firewallType)) {
      assert.equal(r.inputs.direction, "INGRESS");
      assert.equal(r.inputs.network, "swarm-vpc");
      const tagged = r.inputs.sourceTags !== undefined;
      assert.ok(tagged !== (r.inputs.sourceRanges !== undefined), `${r.name} has exactly one kind of source`);
      assert.equal(r.inputs.sourceServiceAccounts, undefined);
      assert.equal(r.inputs.denies, undefined);
      if (r.name !== "fleet-ssh") assert.equal(tagged, true, `${r.name} admits swarm machines only`);
    }
  });

  it("follows the data path port and lets ESP through among nodes for encrypted overlays", async () => {
    const run = await deploy({ dataPathPort: 4790, encryptedOverlay: true });
    const rules = ofType(run, firewallType).map(ruleOf);
    assert.deepEqual(rules.find((r) => r.name === "fleet-overlay")?.allows, [
      { protocol: "udp", ports: ["4790"] },
    ]);
    assert.deepEqual(
      rules.find((r) => r.name === "fleet-overlay-esp"),
      {
        name: "fleet-overlay-esp",
        allows: [{ protocol: "esp" }],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-node"],
      },
    );
  });

  it("turns Shielded VM on, blocks project SSH keys, keeps addresses internal, and encrypts with the KMS key given", async () => {
    const run = await deploy({
      diskEncryptionKey: "projects/p/locations/l/keyRings/r/cryptoKeys/k",
      managerMachineType: "e2-medium",
      project: "p1",
    });
    for (const r of ofType(run, instanceType)) {
      assert.deepEqual(r.inputs.shieldedInstanceConfig, {
        enableSecureBoot: true,
        enableVtpm: true,
        enableIntegrityMonitoring: true,
      });
      assert.equal((r.inputs.metadata as Record<string, string>)["block-project-ssh-keys"], "true");
      assert.deepEqual((r.inputs.networkInterfaces as { accessConfigs: unknown[] }[])[0].accessConfigs, []);
      assert.deepEqual(r.inputs.bootDisk, {
        initializeParams: { image: "ubuntu-os-cloud/ubuntu-2404-lts-amd64", size: 20 },
        kmsKeySelfLink: "projects/p/locations/l/keyRings/r/cryptoKeys/k",
      });
      assert.equal(r.inputs.machineType, r.name.includes("manager") ? "e2-medium" : "e2-small");
      assert.equal(r.inputs.project, "p1");
      assert.equal(
        r.inputs.serviceAccount,
        undefined,
        "no service account, so no cloud credentials on the VM",
      );
      assert.ok(
        r.secretInputs.some((path) => path === "metadata" || path === "metadata.user-data"),
        "user data holds a private host key: secret",
      );
    }
    for (const r of ofType(run, firewallType)) assert.equal(r.inputs.project, "p1");
  });

  it("leaves the boot disk to Google-managed encryption when no key is given", async () => {
    const run = await deploy({ image: "my-project/debian-12-cloud-init", diskSizeGb: 50 });
    assert.deepEqual(run.byName("fleet-worker-0").inputs.bootDisk, {
      initializeParams: { image: "my-project/debian-12-cloud-init", size: 50 },
    });
  });

  it("creates machines only after their firewall", async () => {
    const capture = new OptionsCapture();
    await deploy({}, false, capture);
    assert.deepEqual(capture.dependsOnOf("fleet-manager-0"), [
      "fleet-control",
      "fleet-gossip-tcp",
      "fleet-gossip-udp",
      "fleet-overlay",
      "fleet-ssh",
    ]);
  });

  it("gives each instance cloud-init with its own host key, and keeps the guest agent from replacing it", async () => {
    const run = await deploy();
    for (const r of ofType(run, instanceType)) {
      const config = parse((r.inputs.metadata as Record<string, string>)["user-data"]) as Record<
        string,
        unknown
      >;
      assert.deepEqual(config.ssh_keys, {
        ed25519_private: `HOSTKEY-${r.name}-host-key`,
        ed25519_public: `ssh-ed25519 AAAA${r.name.replace(/-/g, "")}hostkey`,
      });
      assert.equal(config.ssh_deletekeys, true);
      assert.deepEqual(config.write_files, [
        {
          path: "/etc/default/instance_configs.cfg",
          content: "[InstanceSetup]\nset_host_keys = false\n",
          permissions: "0644",
        },
      ]);
      assert.deepEqual(config.packages, ["docker.io"]);
      assert.deepEqual((config.users as { ssh_authorized_keys?: string[] }[])[1].ssh_authorized_keys, [
        base.sshPublicKey,
      ]);
    }
  });

  it("feeds SwarmCluster with each instance's addresses and host key, once the machine is ready", async () => {
    const run = await deploy(
      { publicAddresses: true, sshUser: "ops", nodeLabels: { "fleet-manager-0": { zone: "b" } } },
      true,
    );
    assert.deepEqual(
      (run.byName("fleet-manager-0").inputs.networkInterfaces as { accessConfigs: unknown[] }[])[0]
        .accessConfigs,
      [{}],
      "an external address",
    );
    const ready = run.byName("fleet-manager-0-ready");
    assert.equal(ready.inputs.host, "198.51.100.10");
    assert.equal(ready.inputs.hostKey, "ssh-ed25519 AAAAfleetmanager0hostkey");
    assert.deepEqual(ready.secretInputs, ["privateKey"]);
    const nodes = run.byName("swarm-membership").inputs.nodes as Record<string, unknown>[];
    assert.deepEqual(nodes[0], {
      name: "fleet-manager-0",
      role: "manager",
      // Managers of a swarm with workers are drained by default.
      availability: "drain",
      labels: { zone: "b" },
      connection: {
        protocol: "ssh",
        host: "198.51.100.10",
        username: "ops",
        privateKey: "ADMIN-PRIVATE",
        hostKey: "ssh-ed25519 AAAAfleetmanager0hostkey",
      },
      advertiseAddr: "10.0.1.0",
      listenAddr: "0.0.0.0:2377",
    });
    assert.deepEqual(
      nodes.slice(1).map((n) => [n.name, (n.connection as { host: string }).host, n.advertiseAddr, n.labels]),
      [
        ["fleet-manager-1", "198.51.100.11", "10.0.1.1", {}],
        ["fleet-manager-2", "198.51.100.12", "10.0.1.2", {}],
        ["fleet-worker-0", "198.51.100.20", "10.0.2.0", {}],
        ["fleet-worker-1", "198.51.100.21", "10.0.2.1", {}],
      ],
    );
  });

  it("refuses a missing admin CIDR and a subnetwork list that does not match the zones, before creating anything", async () => {
    const err = await refusal({ adminCidr: undefined, subnetworks: ["a", "b"] });
    assert.equal(
      err.message,
      [
        "GceSwarmNodes fleet:",
        "  adminCidr: is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
        "  subnetworks: must list one subnetwork, or one per zone (3), not 2",
      ].join("\n"),
    );
  });

  it("refuses a malformed CIDR, no managers, no zones, a small disk and unknown fields", async () => {
    const err = await refusal({
      adminCidr: "203.0.113.0/40",
      managers: 0,
      zones: [],
      subnetworks: [],
      diskSizeGb: 5,
      machinetype: "e2-micro",
    });
    assert.deepEqual(
      err.issues.map((i) => `${i.path}: ${i.message}`),
      [
        'machinetype: unknown field; did you mean "machineType"?',
        "managers: must be a whole number of at least 1, not 0",
        'adminCidr: must be a CIDR block such as 203.0.113.7/32, not "203.0.113.0/40"',
        "zones: must list at least one",
        "diskSizeGb: must be a whole number of GB, at least 10, not 5",
      ],
    );
  });

  it("refuses a name that would make instance names Compute Engine rejects", async () => {
    const upper = await refusal({}, "Fleet");
    assert.deepEqual(
      upper.issues.map((i) => i.path),
      ["name"],
    );
    const long = await refusal({}, "f".repeat(46));
    assert.deepEqual(long.issues, [
      {
        path: "name",
        message: `"${"f".repeat(46)}-manager-2" is too long for an instance name: Pulumi adds 8 characters, and 63 is the most`,
      },
    ]);
  });

  it("takes an architecture: a t2a machine and the arm64 Ubuntu image by default, other series refused at preview", async () => {
    const arm = await deploy({ architecture: "arm64" });
    const instances = ofType(arm, instanceType);
    assert.deepEqual([...new Set(instances.map((r) => r.inputs.machineType))], ["t2a-standard-1"]);
    assert.deepEqual(
      [
        ...new Set(
          instances.map(
            (r) => (r.inputs.bootDisk as { initializeParams: { image: string } }).initializeParams.image,
          ),
        ),
      ],
      ["ubuntu-os-cloud/ubuntu-2404-lts-arm64"],
    );
    const implied = ofType(await deploy({ machineType: "t2a-standard-2" }), instanceType);
    assert.equal(
      (implied[0].inputs.bootDisk as { initializeParams: { image: string } }).initializeParams.image,
      "ubuntu-os-cloud/ubuntu-2404-lts-arm64",
    );
    const err = await refusal({ architecture: "arm64", machineType: "e2-standard-2" });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["machineType"],
    );
    assert.match(err.issues[0].message, /^"e2-standard-2" is an amd64 type, but architecture is "arm64"/);
  });
});
