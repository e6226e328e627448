import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SshHostKey } from "../../provider/ssh";
import { swarmNodeCloudInit } from "./cloud-init";
import type { SwarmNodeArgs } from "./node-types";
import { vmArgProblems, vmRoster } from "./vm-args";

export interface AwsSwarmNodesArgs {
  vpcId: pulumi.Input<string>;
  /** Subnets the instances are spread over, round-robin (one per availability zone, say). */
  subnetIds: pulumi.Input<string>[];
  /**
   * The only source SSH (22/tcp) is open to, e.g. `203.0.113.7/32`. Required: there is no default, and
   * nothing else reaches the nodes from outside.
   */
  adminCidr: string;
  /** A Debian 12 or Ubuntu 22.04+ AMI of the region, with cloud-init (the official ones have it). */
  ami: pulumi.Input<string>;
  /** The admin's public key, allowed to log in as `sshUser`. */
  sshPublicKey: pulumi.Input<string>;
  /** The matching private key, for the node definitions Berth connects with. Pass it as a secret. */
  sshPrivateKey: pulumi.Input<string>;
  /** Default: 3. */
  managers?: number;
  /** Default: 2. */
  workers?: number;
  /** Default: `"t3.small"`. */
  instanceType?: pulumi.Input<string>;
  /** Default: `instanceType`. */
  managerInstanceType?: pulumi.Input<string>;
  /** The user cloud-init creates for Berth (in the docker group). Default: `"berth"`. */
  sshUser?: string;
  /** Give instances public addresses and connect to those. Default: false (private addresses). */
  publicAddresses?: boolean;
  /** Root volume size in GiB (gp3, always encrypted). Default: 20. */
  volumeSize?: number;
  /** KMS key for the root volumes. Default: the account's EBS default key. */
  kmsKeyId?: pulumi.Input<string>;
  /** Swarm node labels on every node. Default: none. */
  labels?: Record<string, pulumi.Input<string>>;
  /** Tags on every resource. Default: none. */
  tags?: Record<string, pulumi.Input<string>>;
}

/** The swarm ports, and who may reach them. */
const swarmPorts = {
  control: { port: 2377, protocol: "tcp" },
  gossip: [
    { port: 7946, protocol: "tcp" },
    { port: 7946, protocol: "udp" },
  ],
  overlay: { port: 4789, protocol: "udp" },
} as const;

/**
 * EC2 instances for a swarm, each given Docker and its own SSH host key by cloud-init, behind security
 * groups that open 2377/tcp only from nodes to managers, 7946/tcp+udp and 4789/udp only among nodes,
 * and SSH only from `adminCidr`. Root volumes are encrypted and the metadata service needs IMDSv2.
 * `nodes` feeds `SwarmCluster` directly.
 *
 * The host key reaches the instance in its user data: readable through the EC2 API by whoever may
 * call `ec2:DescribeInstanceAttribute`, and on the instance through the metadata service.
 */
export class AwsSwarmNodes extends pulumi.ComponentResource {
  /** One definition per instance, managers first, for `SwarmCluster`'s `nodes`. */
  readonly nodes: SwarmNodeArgs[];
  readonly instances: aws.ec2.Instance[];
  /** `nodes`: every instance; `managers`: managers only. */
  readonly securityGroups: { nodes: aws.ec2.SecurityGroup; managers: aws.ec2.SecurityGroup };

  constructor(name: string, args: AwsSwarmNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:AwsSwarmNodes", name, {}, opts);
    const problems = vmArgProblems(args, { field: "subnetIds", count: args.subnetIds?.length ?? 0 });
    if (args.volumeSize !== undefined && !(Number.isInteger(args.volumeSize) && args.volumeSize >= 8))
      problems.push(
        `volumeSize: must be a whole number of GiB, at least 8, not ${JSON.stringify(args.volumeSize)}`,
      );
    if (problems.length > 0)
      throw new Error(`AwsSwarmNodes ${name}:\n${problems.map((p) => `  ${p}`).join("\n")}`);

    const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });
    const child = { parent: this };
    const nodesGroup = new aws.ec2.SecurityGroup(
      `${name}-nodes`,
      {
        vpcId: args.vpcId,
        description: "Swarm nodes: gossip and overlay among nodes, SSH from the admin CIDR",
        tags: tags("nodes"),
      },
      child,
    );
    const managersGroup = new aws.ec2.SecurityGroup(
      `${name}-managers`,
      {
        vpcId: args.vpcId,
        description: "Swarm managers: the control plane, from nodes only",
        tags: tags("managers"),
      },
      child,
    );
    const ingress = (
      ruleName: string,
      group: aws.ec2.SecurityGroup,
      port: number,
      protocol: string,
      from: { group?: aws.ec2.SecurityGroup; cidr?: string },
      description: string,
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${ruleName}`,
        {
          securityGroupId: group.id,
          ipProtocol: protocol,
          fromPort: port,
          toPort: port,
          ...(from.group ? { referencedSecurityGroupId: from.group.id } : {}),
          ...(from.cidr?.includes(":") ? { cidrIpv6: from.cidr } : from.cidr ? { cidrIpv4: from.cidr } : {}),
          description,
          tags: tags(ruleName),
        },
        child,
      );
    const { control, gossip, overlay } = swarmPorts;
    ingress(
      "control",
      managersGroup,
      control.port,
      control.protocol,
      { group: nodesGroup },
      "swarm control plane, from nodes",
    );
    for (const g of gossip)
      ingress(
        `gossip-${g.protocol}`,
        nodesGroup,
        g.port,
        g.protocol,
        { group: nodesGroup },
        "swarm gossip, among nodes",
      );
    ingress(
      "overlay",
      nodesGroup,
      overlay.port,
      overlay.protocol,
      { group: nodesGroup },
      "overlay network (VXLAN), among nodes",
    );
    ingress("ssh", nodesGroup, 22, "tcp", { cidr: args.adminCidr }, "SSH from the admin CIDR");
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress`,
      {
        securityGroupId: nodesGroup.id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        description: "packages and images",
        tags: tags("egress"),
      },
      child,
    );

    const user = args.sshUser ?? "berth";
    const roster = vmRoster(name, args.managers ?? 3, args.workers ?? 2);
    this.instances = [];
    this.nodes = roster.map((vm) => {
      const hostKey = new SshHostKey(`${vm.name}-host-key`, {}, child);
      const userData = pulumi
        .all([args.sshPublicKey, hostKey.privateKey, hostKey.publicKey])
        .apply(([authorizedKey, privateKey, publicKey]) =>
          swarmNodeCloudInit({ user, authorizedKey, hostKey: { privateKey, publicKey } }),
        );
      const instance = new aws.ec2.Instance(
        vm.name,
        {
          ami: args.ami,
          instanceType:
            vm.role === "manager"
              ? (args.managerInstanceType ?? args.instanceType ?? "t3.small")
              : (args.instanceType ?? "t3.small"),
          subnetId: args.subnetIds[vm.index % args.subnetIds.length],
          vpcSecurityGroupIds: vm.role === "manager" ? [nodesGroup.id, managersGroup.id] : [nodesGroup.id],
          associatePublicIpAddress: args.publicAddresses ?? false,
          userData: pulumi.secret(userData),
          userDataReplaceOnChange: true,
          rootBlockDevice: {
            encrypted: true,
            volumeType: "gp3",
            volumeSize: args.volumeSize ?? 20,
            ...(args.kmsKeyId ? { kmsKeyId: args.kmsKeyId } : {}),
          },
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
          tags: { ...tags(vm.role), Name: vm.name, "berth:swarm-role": vm.role },
        },
        child,
      );
      this.instances.push(instance);
      return {
        name: vm.name,
        role: vm.role,
        labels: args.labels,
        ssh: {
          host: args.publicAddresses ? instance.publicIp : instance.privateIp,
          user,
          privateKey: pulumi.secret(args.sshPrivateKey),
          hostKey: hostKey.publicKey,
        },
        advertiseAddr: instance.privateIp,
      };
    });
    this.securityGroups = { nodes: nodesGroup, managers: managersGroup };
    this.registerOutputs({ instanceIds: this.instances.map((i) => i.id) });
  }
}
