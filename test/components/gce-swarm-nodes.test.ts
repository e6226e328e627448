import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { GceSwarmNodes, type GceSwarmNodesArgs, SwarmCluster } from "../../components/swarm";
import { runProgram, type ProgramRun } from "../support/harness";

const hostKeyType = "pulumi-nodejs:dynamic/berth/ssh:SshHostKey";
const base: GceSwarmNodesArgs = {
  network: "swarm-vpc",
  zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
  subnetworks: ["subnet-b", "subnet-c", "subnet-d"],
  adminCidr: "203.0.113.0/24",
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin",
  sshPrivateKey: "ADMIN-PRIVATE",
};

/** Addresses by role and index: fleet-worker-0 gets 10.0.2.0 inside and 198.51.100.20 outside. */
function mockResource({
  type,
  name,
  inputs,
}: {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}) {
  const vm = /-(manager|worker)-(\d+)$/.exec(name);
  if (type !== "gcp:compute/instance:Instance" || !vm) return {};
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
const mockDynamic = ({ type, name }: { type: string; name: string }) =>
  type === hostKeyType
    ? { privateKey: `HOSTKEY-${name}`, publicKey: `ssh-ed25519 AAAA${name.replace(/-/g, "")}` }
    : {};

function deploy(args: Partial<GceSwarmNodesArgs> = {}, withCluster = false): Promise<ProgramRun> {
  return runProgram(
    () => {
      const vms = new GceSwarmNodes("fleet", { ...base, ...args });
      if (withCluster) new SwarmCluster("swarm", { nodes: vms.nodes, defaultNetwork: { skip: true } });
    },
    { mockResource, mockDynamic },
  );
}

const ofType = (run: ProgramRun, type: string) =>
  run.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));

describe("GceSwarmNodes under mocks", () => {
  it("spreads three managers and two workers over the zones and their subnetworks, tagged by role", async () => {
    const run = await deploy();
    assert.deepEqual(
      ofType(run, "gcp:compute/instance:Instance").map((r) => [
        r.name,
        r.inputs.zone,
        (r.inputs.networkInterfaces as { subnetwork: string }[])[0].subnetwork,
        r.inputs.tags,
      ]),
      [
        ["fleet-manager-0", "europe-west1-b", "subnet-b", ["fleet-swarm-node", "fleet-swarm-manager"]],
        ["fleet-manager-1", "europe-west1-c", "subnet-c", ["fleet-swarm-node", "fleet-swarm-manager"]],
        ["fleet-manager-2", "europe-west1-d", "subnet-d", ["fleet-swarm-node", "fleet-swarm-manager"]],
        ["fleet-worker-0", "europe-west1-b", "subnet-b", ["fleet-swarm-node"]],
        ["fleet-worker-1", "europe-west1-c", "subnet-c", ["fleet-swarm-node"]],
      ],
    );
    assert.equal(ofType(run, hostKeyType).length, 5);
  });

  it("opens 2377 only from nodes to managers, gossip and VXLAN only among nodes, SSH only from the admin CIDR", async () => {
    const run = await deploy();
    const rules = ofType(run, "gcp:compute/firewall:Firewall").map((r) => ({
      name: r.name,
      direction: r.inputs.direction,
      allows: r.inputs.allows,
      from: r.inputs.sourceTags ?? r.inputs.sourceRanges,
      to: r.inputs.targetTags,
      network: r.inputs.network,
    }));
    assert.deepEqual(rules, [
      {
        name: "fleet-control",
        direction: "INGRESS",
        allows: [{ protocol: "tcp", ports: ["2377"] }],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-manager"],
        network: "swarm-vpc",
      },
      {
        name: "fleet-gossip",
        direction: "INGRESS",
        allows: [
          { protocol: "tcp", ports: ["7946"] },
          { protocol: "udp", ports: ["7946", "4789"] },
        ],
        from: ["fleet-swarm-node"],
        to: ["fleet-swarm-node"],
        network: "swarm-vpc",
      },
      {
        name: "fleet-ssh",
        direction: "INGRESS",
        allows: [{ protocol: "tcp", ports: ["22"] }],
        from: ["203.0.113.0/24"],
        to: ["fleet-swarm-node"],
        network: "swarm-vpc",
      },
    ]);
    for (const r of ofType(run, "gcp:compute/firewall:Firewall")) {
      const tagged = r.inputs.sourceTags !== undefined;
      assert.ok(tagged !== (r.inputs.sourceRanges !== undefined), `${r.name} has exactly one kind of source`);
    }
  });

  it("turns Shielded VM on, blocks project SSH keys, keeps addresses internal, and encrypts with the KMS key given", async () => {
    const run = await deploy({ diskEncryptionKey: "projects/p/locations/l/keyRings/r/cryptoKeys/k" });
    for (const r of ofType(run, "gcp:compute/instance:Instance")) {
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
      assert.equal(r.inputs.machineType, "e2-small");
      assert.ok(
        r.secretInputs.some((path) => path === "metadata" || path === "metadata.user-data"),
        "user data holds a private host key: secret",
      );
    }
  });

  it("gives each instance cloud-init with its own host key, and keeps the guest agent from replacing it", async () => {
    const run = await deploy();
    const config = parse(
      (run.byName("fleet-worker-1").inputs.metadata as Record<string, string>)["user-data"],
    ) as Record<string, unknown>;
    assert.deepEqual(config.ssh_keys, {
      ed25519_private: "HOSTKEY-fleet-worker-1-host-key",
      ed25519_public: "ssh-ed25519 AAAAfleetworker1hostkey",
    });
    assert.deepEqual(config.write_files, [
      {
        path: "/etc/default/instance_configs.cfg",
        content: "[InstanceSetup]\nset_host_keys = false\n",
        permissions: "0644",
      },
    ]);
    assert.deepEqual(config.packages, ["docker.io"]);
  });

  it("feeds SwarmCluster with each instance's addresses and host key", async () => {
    const run = await deploy({ publicAddresses: true, sshUser: "ops" }, true);
    const nodes = run.byName("swarm-membership").inputs.nodes as Record<string, unknown>[];
    assert.deepEqual(nodes[0], {
      name: "fleet-manager-0",
      role: "manager",
      availability: "active",
      labels: {},
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
  });

  it("refuses a missing admin CIDR and a subnetwork list that does not match the zones", async () => {
    let caught: unknown;
    const run = await runProgram(() => {
      try {
        new GceSwarmNodes("fleet", {
          ...base,
          adminCidr: undefined,
          subnetworks: ["a", "b"],
        } as unknown as GceSwarmNodesArgs);
      } catch (err) {
        caught = err;
      }
    });
    assert.equal(
      (caught as Error).message,
      [
        "GceSwarmNodes fleet:",
        "  adminCidr: is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
        "  subnetworks: must list one subnetwork, or one per zone (3), not 2",
      ].join("\n"),
    );
    assert.deepEqual(
      run.resources.filter((r) => r.custom),
      [],
    );
  });
});
