import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { AwsSwarmNodes, type AwsSwarmNodesArgs, SwarmCluster } from "../../components/swarm";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";

const hostKeyType = "pulumi-nodejs:dynamic/berth/ssh:SshHostKey";
const base: AwsSwarmNodesArgs = {
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  adminCidr: "203.0.113.7/32",
  ami: "ami-debian12",
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin",
  sshPrivateKey: "ADMIN-PRIVATE",
};

/** Addresses by role and index: fleet-worker-0 gets 10.0.2.0 and 198.51.100.20. */
function mockResource({ type, name }: { type: string; name: string }) {
  const vm = /-(manager|worker)-(\d+)$/.exec(name);
  if (type !== "aws:ec2/instance:Instance" || !vm) return {};
  const role = vm[1] === "manager" ? 1 : 2;
  return { privateIp: `10.0.${role}.${vm[2]}`, publicIp: `198.51.100.${role}${vm[2]}` };
}
const mockDynamic = ({ type, name }: { type: string; name: string }) =>
  type === hostKeyType
    ? { privateKey: `HOSTKEY-${name}`, publicKey: `ssh-ed25519 AAAA${name.replace(/-/g, "")}` }
    : {};

async function deploy(args: Partial<AwsSwarmNodesArgs> = {}, withCluster = false): Promise<ProgramRun> {
  return runProgram(
    () => {
      const vms = new AwsSwarmNodes("fleet", { ...base, ...args });
      if (withCluster) {
        const cluster = new SwarmCluster("swarm", { nodes: vms.nodes, defaultNetwork: { skip: true } });
        return { tokens: cluster.joinTokens };
      }
      return {};
    },
    { mockResource, mockDynamic },
  );
}

const ofType = (run: ProgramRun, type: string) =>
  run.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
const ruleText = (r: RecordedResource) => {
  const i = r.inputs as Record<string, unknown>;
  const from = i.referencedSecurityGroupId ?? i.cidrIpv4 ?? i.cidrIpv6;
  return `${r.name}: ${String(i.securityGroupId)} ${String(i.ipProtocol)} ${String(i.fromPort)}-${String(i.toPort)} from ${String(from)}`;
};

describe("AwsSwarmNodes under mocks", () => {
  it("makes three managers and two workers by default, spread over the subnets", async () => {
    const run = await deploy();
    const instances = ofType(run, "aws:ec2/instance:Instance");
    assert.deepEqual(
      instances.map((r) => [
        r.name,
        r.inputs.subnetId,
        (r.inputs.tags as Record<string, string>)["berth:swarm-role"],
      ]),
      [
        ["fleet-manager-0", "subnet-a", "manager"],
        ["fleet-manager-1", "subnet-b", "manager"],
        ["fleet-manager-2", "subnet-a", "manager"],
        ["fleet-worker-0", "subnet-b", "worker"],
        ["fleet-worker-1", "subnet-a", "worker"],
      ],
    );
    const component = run.resources.find((r) => r.type === "berth:swarm:AwsSwarmNodes")!;
    for (const r of instances) assert.equal(r.parent, component.urn, `${r.name} is a child of the component`);
    assert.equal(ofType(run, hostKeyType).length, 5, "one host key per instance");
  });

  it("opens exactly the swarm ports among nodes, the control plane only to managers, and SSH only to the admin CIDR", async () => {
    const run = await deploy();
    const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(ruleText);
    assert.deepEqual(rules, [
      "fleet-control: fleet-managers-id tcp 2377-2377 from fleet-nodes-id",
      "fleet-gossip-tcp: fleet-nodes-id tcp 7946-7946 from fleet-nodes-id",
      "fleet-gossip-udp: fleet-nodes-id udp 7946-7946 from fleet-nodes-id",
      "fleet-overlay: fleet-nodes-id udp 4789-4789 from fleet-nodes-id",
      "fleet-ssh: fleet-nodes-id tcp 22-22 from 203.0.113.7/32",
    ]);
    const groups = ofType(run, "aws:ec2/securityGroup:SecurityGroup");
    for (const g of groups) {
      assert.equal(
        g.inputs.ingress,
        undefined,
        `${g.name} has no inline rules that would fight the rule resources`,
      );
      assert.equal(g.inputs.vpcId, "vpc-1");
    }
    const egress = ofType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    assert.deepEqual(
      egress.map((r) => [r.inputs.securityGroupId, r.inputs.ipProtocol, r.inputs.cidrIpv4]),
      [["fleet-nodes-id", "-1", "0.0.0.0/0"]],
    );
    const byRole = Object.fromEntries(
      ofType(run, "aws:ec2/instance:Instance").map((r) => [r.name, r.inputs.vpcSecurityGroupIds]),
    );
    assert.deepEqual(byRole["fleet-manager-0"], ["fleet-nodes-id", "fleet-managers-id"]);
    assert.deepEqual(byRole["fleet-worker-0"], ["fleet-nodes-id"], "workers do not accept the control plane");
  });

  it("accepts an IPv6 admin CIDR as such", async () => {
    const run = await deploy({ adminCidr: "2001:db8::/48" });
    const ssh = run.byName("fleet-ssh");
    assert.equal(ssh.inputs.cidrIpv6, "2001:db8::/48");
    assert.equal(ssh.inputs.cidrIpv4, undefined);
  });

  it("encrypts root volumes, requires IMDSv2 and gives no public address by default", async () => {
    const run = await deploy({ kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k", volumeSize: 40 });
    for (const r of ofType(run, "aws:ec2/instance:Instance")) {
      assert.deepEqual(r.inputs.rootBlockDevice, {
        encrypted: true,
        volumeType: "gp3",
        volumeSize: 40,
        kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k",
      });
      assert.deepEqual(r.inputs.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
      assert.equal(r.inputs.associatePublicIpAddress, false);
      assert.equal(r.inputs.instanceType, "t3.small");
      assert.ok(r.secretInputs.includes("userData"), "user data holds a private host key: secret");
    }
  });

  it("gives each instance cloud-init that installs Docker, its own host key and the admin key", async () => {
    const run = await deploy();
    const manager = run.byName("fleet-manager-1");
    const userData = manager.inputs.userData as string;
    assert.match(userData, /^#cloud-config\n/);
    const config = parse(userData) as Record<string, unknown>;
    assert.deepEqual(config.packages, ["docker.io"]);
    assert.deepEqual(config.ssh_keys, {
      ed25519_private: "HOSTKEY-fleet-manager-1-host-key",
      ed25519_public: "ssh-ed25519 AAAAfleetmanager1hostkey",
    });
    assert.equal(config.ssh_deletekeys, true);
    const users = config.users as (string | Record<string, unknown>)[];
    assert.deepEqual((users[1] as { ssh_authorized_keys: string[] }).ssh_authorized_keys, [
      base.sshPublicKey,
    ]);
    assert.equal((users[1] as { name: string }).name, "berth");
  });

  it("feeds SwarmCluster with node definitions that verify each instance's own host key", async () => {
    const run = await deploy({ publicAddresses: true, labels: { cloud: "aws" } }, true);
    const membership = run.byName("swarm-membership");
    const nodes = membership.inputs.nodes as Record<string, unknown>[];
    assert.equal(nodes.length, 5);
    assert.deepEqual(nodes[3], {
      name: "fleet-worker-0",
      role: "worker",
      availability: "active",
      labels: { cloud: "aws" },
      connection: {
        protocol: "ssh",
        host: "198.51.100.20",
        username: "berth",
        privateKey: "ADMIN-PRIVATE",
        hostKey: "ssh-ed25519 AAAAfleetworker0hostkey",
      },
      advertiseAddr: "10.0.2.0",
      listenAddr: "0.0.0.0:2377",
    });
    assert.ok(membership.secretInputs.some((p) => p.startsWith("nodes")));
  });

  it("refuses a missing or malformed admin CIDR and bad counts before creating anything", async () => {
    const failing = async (args: Partial<AwsSwarmNodesArgs>) => {
      let caught: unknown;
      const run = await runProgram(() => {
        try {
          new AwsSwarmNodes("fleet", { ...base, ...args } as AwsSwarmNodesArgs);
        } catch (err) {
          caught = err;
        }
      });
      assert.deepEqual(
        run.resources.filter((r) => r.custom),
        [],
        "nothing was created",
      );
      return (caught as Error).message;
    };
    assert.equal(
      await failing({ adminCidr: undefined }),
      "AwsSwarmNodes fleet:\n  adminCidr: is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
    );
    assert.equal(
      await failing({ adminCidr: "203.0.113.7", managers: 0, workers: -1, subnetIds: [], volumeSize: 4 }),
      [
        "AwsSwarmNodes fleet:",
        "  managers: must be a whole number of at least 1, not 0",
        "  workers: must be a whole number of at least 0, not -1",
        '  adminCidr: must be a CIDR block such as 203.0.113.7/32, not "203.0.113.7"',
        "  subnetIds: must list at least one",
        "  volumeSize: must be a whole number of GiB, at least 8, not 4",
      ].join("\n"),
    );
  });
});
