import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { AwsSwarmNodes, type AwsSwarmNodesArgs } from "../../components/swarm/aws-swarm-nodes";
import { SwarmCluster } from "../../components/swarm";
import type { MemberSpec } from "../../provider/swarm/membership-plan";
import { planMembership, quorumProblem, replacesMachine } from "../../provider/swarm/membership-plan";
import { type MockedResource, type RecordedResource, runProgram } from "../support/harness";
import {
  awsFleetArgs,
  deployVmNodes,
  nodesRefusal,
  ofType,
  OptionsCapture,
  sshDynamicType,
  vmMockDynamic,
} from "../support/vm-nodes";

const instanceType = "aws:ec2/instance:Instance";
const ingressType = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const egressType = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const base: AwsSwarmNodesArgs = awsFleetArgs;

/** Addresses by role and index: fleet-worker-0 gets 10.0.2.0 inside and 198.51.100.20 outside. */
function mockResource({ type, name }: MockedResource) {
  const vm = /-(manager|worker)-(\d+)$/.exec(name);
  if (type !== instanceType || !vm) return {};
  const role = vm[1] === "manager" ? 1 : 2;
  return { privateIp: `10.0.${role}.${vm[2]}`, publicIp: `198.51.100.${role}${vm[2]}` };
}

const deploy = (args: Partial<AwsSwarmNodesArgs> = {}, withCluster = false, capture?: OptionsCapture) =>
  deployVmNodes((opts) => new AwsSwarmNodes("fleet", { ...base, ...args }, opts), {
    mockResource,
    withCluster,
    capture,
  });

const ruleText = (r: RecordedResource) => {
  const i = r.inputs;
  const from = i.referencedSecurityGroupId ?? i.cidrIpv4 ?? i.cidrIpv6;
  const ports = i.fromPort === undefined ? "" : ` ${String(i.fromPort)}-${String(i.toPort)}`;
  return `${r.name}: ${String(i.securityGroupId)} ${String(i.ipProtocol)}${ports} from ${String(from)}`;
};

const refusal = (args: Partial<AwsSwarmNodesArgs> | Record<string, unknown>, name = "fleet") =>
  nodesRefusal(() => new AwsSwarmNodes(name, { ...base, ...args } as AwsSwarmNodesArgs));

describe("AwsSwarmNodes under mocks", () => {
  it("makes three managers and two workers by default, spread over the subnets, all children of the component", async () => {
    const run = await deploy();
    assert.deepEqual(
      ofType(run, instanceType).map((r) => [
        r.name,
        r.inputs.subnetId,
        r.inputs.instanceType,
        (r.inputs.tags as Record<string, string>)["berth:swarm-role"],
      ]),
      [
        ["fleet-manager-0", "subnet-a", "t3.small", "manager"],
        ["fleet-manager-1", "subnet-b", "t3.small", "manager"],
        ["fleet-manager-2", "subnet-a", "t3.small", "manager"],
        ["fleet-worker-0", "subnet-b", "t3.small", "worker"],
        ["fleet-worker-1", "subnet-a", "t3.small", "worker"],
      ],
    );
    const component = run.byName("fleet", "berth:swarm:AwsSwarmNodes");
    const children = run.resources.filter((r) => r !== component && r.type !== "pulumi:pulumi:Stack");
    for (const r of children) assert.equal(r.parent, component.urn, `${r.name} is a child of the component`);
    const counts = Object.fromEntries(
      [
        "aws:ec2/securityGroup:SecurityGroup",
        ingressType,
        egressType,
        instanceType,
        sshDynamicType("SshHostKey"),
        sshDynamicType("MachineReady"),
      ].map((t) => [t, ofType(run, t).length]),
    );
    assert.deepEqual(Object.values(counts), [2, 5, 1, 5, 5, 5]);
    assert.equal(children.length, 23, "nothing else");
  });

  it("opens exactly the swarm ports among nodes, the control plane only to managers, and SSH only to the admin CIDR", async () => {
    const run = await deploy();
    assert.deepEqual(ofType(run, ingressType).map(ruleText), [
      "fleet-control: fleet-managers-id tcp 2377-2377 from fleet-nodes-id",
      "fleet-gossip-tcp: fleet-nodes-id tcp 7946-7946 from fleet-nodes-id",
      "fleet-gossip-udp: fleet-nodes-id udp 7946-7946 from fleet-nodes-id",
      "fleet-overlay: fleet-nodes-id udp 4789-4789 from fleet-nodes-id",
      "fleet-ssh: fleet-nodes-id tcp 22-22 from 203.0.113.7/32",
    ]);
    for (const rule of ofType(run, ingressType)) {
      const sources = ["referencedSecurityGroupId", "cidrIpv4", "cidrIpv6", "prefixListId"].filter(
        (k) => rule.inputs[k] !== undefined,
      );
      assert.equal(sources.length, 1, `${rule.name} has exactly one source`);
      if (rule.name !== "fleet-ssh")
        assert.equal(rule.inputs.referencedSecurityGroupId, "fleet-nodes-id", `${rule.name} only from nodes`);
    }
    for (const g of ofType(run, "aws:ec2/securityGroup:SecurityGroup")) {
      assert.equal(g.inputs.ingress, undefined, `${g.name} has no inline rules to fight the rule resources`);
      assert.equal(g.inputs.egress, undefined);
      assert.equal(g.inputs.vpcId, "vpc-1");
    }
    assert.deepEqual(
      ofType(run, egressType).map((r) => [r.inputs.securityGroupId, r.inputs.ipProtocol, r.inputs.cidrIpv4]),
      [["fleet-nodes-id", "-1", "0.0.0.0/0"]],
    );
    const groupsOf = Object.fromEntries(
      ofType(run, instanceType).map((r) => [r.name, r.inputs.vpcSecurityGroupIds]),
    );
    assert.deepEqual(groupsOf, {
      "fleet-manager-0": ["fleet-nodes-id", "fleet-managers-id"],
      "fleet-manager-1": ["fleet-nodes-id", "fleet-managers-id"],
      "fleet-manager-2": ["fleet-nodes-id", "fleet-managers-id"],
      "fleet-worker-0": ["fleet-nodes-id"],
      "fleet-worker-1": ["fleet-nodes-id"],
    });
  });

  it("takes the IPv6 admin CIDR as such, another data path port, and ESP only when encrypted overlays are wanted", async () => {
    const run = await deploy({ adminCidr: "2001:db8::/48", dataPathPort: 4790, encryptedOverlay: true });
    assert.deepEqual(ofType(run, ingressType).map(ruleText), [
      "fleet-control: fleet-managers-id tcp 2377-2377 from fleet-nodes-id",
      "fleet-gossip-tcp: fleet-nodes-id tcp 7946-7946 from fleet-nodes-id",
      "fleet-gossip-udp: fleet-nodes-id udp 7946-7946 from fleet-nodes-id",
      "fleet-overlay: fleet-nodes-id udp 4790-4790 from fleet-nodes-id",
      "fleet-overlay-esp: fleet-nodes-id 50 from fleet-nodes-id",
      "fleet-ssh: fleet-nodes-id tcp 22-22 from 2001:db8::/48",
    ]);
    assert.equal(run.byName("fleet-ssh").inputs.cidrIpv4, undefined);
  });

  it("encrypts root volumes, requires IMDSv2 and gives no public address by default", async () => {
    const run = await deploy({
      kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k",
      volumeSize: 40,
      tags: { team: "ops" },
      instanceType: "t3.medium",
      managerInstanceType: "m7i.large",
    });
    for (const r of ofType(run, instanceType)) {
      const role = r.name.includes("manager") ? "manager" : "worker";
      assert.deepEqual(r.inputs.rootBlockDevice, {
        encrypted: true,
        volumeType: "gp3",
        volumeSize: 40,
        kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k",
        tags: { team: "ops", Name: r.name },
      });
      assert.deepEqual(r.inputs.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
      assert.equal(r.inputs.associatePublicIpAddress, false);
      assert.equal(r.inputs.ami, "ami-ubuntu2404");
      assert.equal(r.inputs.instanceType, role === "manager" ? "m7i.large" : "t3.medium");
      assert.equal(r.inputs.keyName, undefined, "no EC2 key pair: only the admin key of the user data");
      assert.equal(r.inputs.iamInstanceProfile, undefined, "no instance role");
      assert.deepEqual(r.inputs.tags, { team: "ops", Name: r.name, "berth:swarm-role": role });
      assert.ok(r.secretInputs.includes("userData"), "user data holds a private host key: secret");
    }
  });

  it("creates machines only after their firewall, and never touches them for new user data", async () => {
    const capture = new OptionsCapture();
    await deploy({}, false, capture);
    assert.deepEqual(capture.optionsOf("fleet-worker-1").ignoreChanges, ["userData"]);
    assert.deepEqual(capture.dependsOnOf("fleet-worker-1").sort(), [
      "fleet-control",
      "fleet-egress",
      "fleet-gossip-tcp",
      "fleet-gossip-udp",
      "fleet-overlay",
      "fleet-ssh",
    ]);
  });

  it("gives each instance cloud-init that installs Docker, its own host key and the admin key", async () => {
    const run = await deploy({ sshUser: "ops" });
    for (const r of ofType(run, instanceType)) {
      const userData = r.inputs.userData as string;
      assert.match(userData, /^#cloud-config\n/);
      const config = parse(userData) as Record<string, unknown>;
      assert.deepEqual(config.packages, ["docker.io"]);
      assert.deepEqual(config.runcmd, [["systemctl", "enable", "--now", "docker"]]);
      assert.deepEqual(config.ssh_keys, {
        ed25519_private: `HOSTKEY-${r.name}-host-key`,
        ed25519_public: `ssh-ed25519 AAAA${r.name.replace(/-/g, "")}hostkey`,
      });
      assert.equal(config.ssh_deletekeys, true);
      assert.deepEqual(config.ssh_genkeytypes, []);
      const user = (config.users as Record<string, unknown>[])[1];
      assert.equal(user.name, "ops");
      assert.deepEqual(user.groups, ["docker"]);
      assert.deepEqual(user.ssh_authorized_keys, [base.sshPublicKey]);
      assert.ok(!userData.includes("ADMIN-PRIVATE"), "the admin's private key never reaches a machine");
    }
  });

  it("waits for each machine over SSH with its own host key before handing it over", async () => {
    const run = await deploy({ readyTimeoutSeconds: 900 });
    const ready = run.byName("fleet-manager-2-ready");
    assert.deepEqual(ready.inputs, {
      machine: "fleet-manager-2-ready",
      host: "10.0.1.2",
      port: 22,
      username: "berth",
      privateKey: "ADMIN-PRIVATE",
      hostKey: "ssh-ed25519 AAAAfleetmanager2hostkey",
      timeoutSeconds: 900,
      pollSeconds: 5,
    });
    assert.deepEqual(ready.secretInputs, ["privateKey"]);
  });

  it("feeds SwarmCluster with node definitions that verify each instance's own host key", async () => {
    const run = await deploy(
      { publicAddresses: true, labels: { cloud: "aws" }, nodeLabels: { "fleet-worker-0": { gpu: "yes" } } },
      true,
    );
    assert.equal(run.byName("fleet-worker-0-ready").inputs.host, "198.51.100.20", "public address");
    const membership = run.byName("swarm-membership");
    const nodes = membership.inputs.nodes as Record<string, unknown>[];
    assert.deepEqual(
      nodes.map((n) => [n.name, n.role]),
      [
        ["fleet-manager-0", "manager"],
        ["fleet-manager-1", "manager"],
        ["fleet-manager-2", "manager"],
        ["fleet-worker-0", "worker"],
        ["fleet-worker-1", "worker"],
      ],
    );
    assert.deepEqual(nodes[3], {
      name: "fleet-worker-0",
      role: "worker",
      availability: "active",
      labels: { cloud: "aws", gpu: "yes" },
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
    assert.deepEqual(nodes[4].labels, { cloud: "aws" });
    assert.ok(membership.secretInputs.some((p) => p.startsWith("nodes")));
  });

  it("a new ami reaches the swarm's membership as the same nodes on new machines, taken one at a time", async () => {
    // A new image means new instances, with new addresses (the second image's machines get 10.1.x.y).
    const program = (ami: string) => () => {
      const vms = new AwsSwarmNodes("fleet", { ...base, ami });
      new SwarmCluster("swarm", { nodes: vms.nodes, defaultNetwork: { skip: true } });
    };
    const addressed = (r: MockedResource) => {
      const out = mockResource(r) as { privateIp?: string };
      return r.inputs.ami === "ami-next" && out.privateIp
        ? { privateIp: out.privateIp.replace(/^10\.0/, "10.1") }
        : out;
    };
    const options = { mockResource: addressed, mockDynamic: vmMockDynamic };
    const first = await runProgram(program("ami-ubuntu2404"), options);
    const next = await runProgram(program("ami-next"), { ...options, previous: first });
    const membership = next.byName("swarm-membership");
    assert.equal(membership.operation, "update", "the swarm itself is kept");
    const steps = planMembership(
      first.byName("swarm-membership").inputs.nodes as MemberSpec[],
      membership.inputs.nodes as MemberSpec[],
    );
    assert.deepEqual(
      steps.map((s) => `${s.kind} ${s.member.name}${replacesMachine(s) ? " on a new machine" : ""}`),
      [
        "rejoin fleet-worker-0 on a new machine",
        "rejoin fleet-worker-1 on a new machine",
        "rejoin fleet-manager-0 on a new machine",
        "rejoin fleet-manager-1 on a new machine",
        "rejoin fleet-manager-2 on a new machine",
      ],
    );
    // Each new manager joins before its old machine leaves: quorum holds even with one manager down.
    const live = ["fleet-manager-0", "fleet-manager-1", "fleet-manager-2"].map((name, i) => ({
      name,
      reachable: i !== 2,
    }));
    assert.equal(quorumProblem(live, steps), undefined);
  });

  it("refuses a missing admin CIDR, naming the resource and the field, before creating anything", async () => {
    const err = await refusal({ adminCidr: undefined });
    assert.equal(
      err.message,
      "AwsSwarmNodes fleet:\n  adminCidr: is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
    );
    assert.equal(err.resourceName, "fleet");
    assert.ok(pulumi.ResourceError.isInstance(err), "reported against the component");
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["adminCidr"],
    );
  });

  it("lists every other problem at once: a malformed CIDR, counts, subnets, sizes, unknown fields", async () => {
    const err = await refusal({
      adminCidr: "203.0.113.7",
      managers: 0,
      workers: -1,
      subnetIds: [],
      volumeSize: 4,
      instanceTyp: "t3.large",
      nodeLabels: { "fleet-worker-7": {} },
    });
    assert.equal(
      err.message,
      [
        "AwsSwarmNodes fleet:",
        '  instanceTyp: unknown field; did you mean "instanceType"?',
        "  managers: must be a whole number of at least 1, not 0",
        "  workers: must be a whole number of at least 0, not -1",
        '  adminCidr: must be a CIDR block such as 203.0.113.7/32, not "203.0.113.7"',
        "  subnetIds: must list at least one",
        "  volumeSize: must be a whole number of GiB, at least 8, not 4",
      ].join("\n"),
    );
  });

  it("refuses a private key given as the public one, root as the user, and labels for a node it does not make", async () => {
    const err = await refusal({
      sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----",
      sshUser: "root",
      workers: 1,
      nodeLabels: { "fleet-worker-1": { gpu: "yes" } },
    });
    assert.deepEqual(err.issues, [
      {
        path: "sshUser",
        message: 'must be a Linux user name other than root (lowercase letters, digits, _ and -), not "root"',
      },
      {
        path: "sshPublicKey",
        message: "is a private key: pass the public half (ssh-ed25519 AAAA...), never the private one",
      },
      {
        path: "nodeLabels.fleet-worker-1",
        message: 'is not a node of fleet; did you mean "fleet-worker-0"?',
      },
    ]);
    assert.ok(!err.message.includes("b3Blbn"), "the key itself is not repeated in the error");
  });

  it("refuses required fields that are missing", async () => {
    const err = await refusal({
      vpcId: undefined,
      ami: undefined,
      sshPrivateKey: undefined,
    });
    assert.deepEqual(
      err.issues.map((i) => `${i.path}: ${i.message}`),
      ["vpcId: is required", "ami: is required", "sshPrivateKey: is required"],
    );
  });

  it("takes an architecture: Graviton types by default for arm64, and types of another family refused at preview", async () => {
    const arm = await deploy({ architecture: "arm64" });
    assert.deepEqual(
      [...new Set(ofType(arm, instanceType).map((r) => r.inputs.instanceType))],
      ["t4g.small"],
    );
    const x86 = await deploy();
    assert.deepEqual([...new Set(ofType(x86, instanceType).map((r) => r.inputs.instanceType))], ["t3.small"]);
    const err = await refusal({
      architecture: "arm64",
      instanceType: "m7i.large",
      managerInstanceType: "c7g.large",
    });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["instanceType"],
    );
    assert.match(err.issues[0].message, /^"m7i.large" is an amd64 type, but architecture is "arm64"/);
    const mixed = await refusal({ instanceType: "m7g.large", managerInstanceType: "m7i.large" });
    assert.deepEqual(
      mixed.issues.map((i) => `${i.path}: ${i.message.split(":")[0]}`),
      ['managerInstanceType: "m7i.large" is an amd64 type, but instanceType is arm64'],
    );
    const wrong = await refusal({ architecture: "arm" as "arm64" });
    assert.deepEqual(
      wrong.issues.map((i) => `${i.path}: ${i.message}`),
      ['architecture: must be "amd64" or "arm64", not "arm"'],
    );
  });
});
