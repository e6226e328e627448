import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SwarmNodeArgs } from "./node-types";
import { swarmTrafficRules } from "./swarm-ports";
import { awsInstanceArchitecture } from "../machine-architecture";
import { checkedAdminCidr, SwarmNodesError, vmArchitecture, vmArgIssues, vmRoster } from "./vm-args";
import { readyVmNode, type SwarmVmArgs, swarmVmFields, vmBootstrap } from "./vm-node";

/** Arguments of {@link AwsSwarmNodes}. */
export interface AwsSwarmNodesArgs extends SwarmVmArgs {
  /** The VPC of the security groups. */
  vpcId: pulumi.Input<string>;
  /** Subnets the instances are spread over, round-robin, managers first (one per availability zone, say). */
  subnetIds: pulumi.Input<string>[];
  /**
   * The image: an Ubuntu 22.04+ or Debian 12 AMI of the region, with cloud-init (the official ones have
   * it), built for `architecture`. Required, so that a new image never replaces the machines by surprise.
   */
  ami: pulumi.Input<string>;
  /**
   * The machines' CPU architecture. Every instance type whose family says one must be of it (Graviton
   * families such as `t4g`, `m7g`, `c7g` are arm64), and so must `ami`. A mixed swarm joins two
   * components, one per architecture.
   * @default the instance types' (`"amd64"` when they say nothing)
   */
  architecture?: "amd64" | "arm64";
  /** @default `"t3.small"` (`"t4g.small"` when `architecture` is `"arm64"`) */
  instanceType?: pulumi.Input<string>;
  /** @default `instanceType` */
  managerInstanceType?: pulumi.Input<string>;
  /**
   * Root volume size in GiB (gp3, always encrypted).
   * @default 20
   */
  volumeSize?: number;
  /**
   * KMS key for the root volumes.
   * @default the account's default EBS key
   */
  kmsKeyId?: pulumi.Input<string>;
  /**
   * Tags on every resource and root volume.
   * @default none
   */
  tags?: Record<string, pulumi.Input<string>>;
}

const fields: Record<keyof AwsSwarmNodesArgs, true> = {
  ...swarmVmFields,
  vpcId: true,
  subnetIds: true,
  ami: true,
  architecture: true,
  instanceType: true,
  managerInstanceType: true,
  volumeSize: true,
  kmsKeyId: true,
  tags: true,
};

/**
 * EC2 instances for a swarm, each given Docker and its own SSH host key by cloud-init, behind two
 * security groups: `nodes` (every instance) accepts gossip and overlay traffic from itself and SSH from
 * `adminCidr`; `managers` accepts 2377/tcp from `nodes`. Root volumes are encrypted and the metadata
 * service needs IMDSv2 tokens. `nodes` feeds `SwarmCluster`, and resolves once every instance has let
 * Berth in with its expected host key and runs Docker.
 *
 * The host key reaches the instance in its user data: readable through the EC2 API by whoever may
 * call `ec2:DescribeInstanceAttribute`, and on the instance through the metadata service. User data is
 * read at first boot only, so changing it (a new `sshPublicKey`) leaves running instances alone.
 */
export class AwsSwarmNodes extends pulumi.ComponentResource {
  /** One definition per instance, managers first, for `SwarmCluster`'s `nodes`. */
  readonly nodes: SwarmNodeArgs[];
  /** In the order of `nodes`. */
  readonly instances: aws.ec2.Instance[];
  /** `nodes`: on every instance; `managers`: on managers only. */
  readonly securityGroups: { nodes: aws.ec2.SecurityGroup; managers: aws.ec2.SecurityGroup };

  constructor(name: string, args: AwsSwarmNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:AwsSwarmNodes", name, {}, opts);
    const issues = vmArgIssues(name, args ?? {}, {
      fields: Object.keys(fields),
      required: ["vpcId", "subnetIds", "ami", "sshPublicKey", "sshPrivateKey"],
      spreadOver: { field: "subnetIds", count: args?.subnetIds?.length ?? -1 },
    });
    if (args?.volumeSize !== undefined && !(Number.isInteger(args.volumeSize) && args.volumeSize >= 8))
      issues.push({
        path: "volumeSize",
        message: `must be a whole number of GiB, at least 8, not ${JSON.stringify(args.volumeSize)}`,
      });
    const { architecture, issues: architectureIssues } = vmArchitecture(
      args ?? {},
      ["instanceType", "managerInstanceType"],
      awsInstanceArchitecture,
    );
    issues.push(...architectureIssues);
    if (issues.length > 0) throw new SwarmNodesError("AwsSwarmNodes", name, issues, this);
    const defaultType = architecture === "arm64" ? "t4g.small" : "t3.small";
    // Loaded only when AWS machines are wanted: `pulumi-berth/swarm` alone never loads the AWS SDK.
    const { ec2, vpc } = require("@pulumi/aws") as typeof aws;

    const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });
    const child = { parent: this };
    const nodesGroup = new ec2.SecurityGroup(
      `${name}-nodes`,
      {
        vpcId: args.vpcId,
        description: "Swarm nodes: gossip and overlay among nodes, SSH from the admin CIDR",
        tags: tags("nodes"),
      },
      child,
    );
    const managersGroup = new ec2.SecurityGroup(
      `${name}-managers`,
      {
        vpcId: args.vpcId,
        description: "Swarm managers: the control plane, from nodes only",
        tags: tags("managers"),
      },
      child,
    );
    const rules: pulumi.Resource[] = swarmTrafficRules(args).map(
      (rule) =>
        new vpc.SecurityGroupIngressRule(
          `${name}-${rule.name}`,
          {
            securityGroupId: (rule.to === "managers" ? managersGroup : nodesGroup).id,
            referencedSecurityGroupId: nodesGroup.id,
            ...(rule.protocol === "esp"
              ? { ipProtocol: "50" }
              : { ipProtocol: rule.protocol, fromPort: rule.port, toPort: rule.port }),
            description: rule.description,
            tags: tags(rule.name),
          },
          child,
        ),
    );
    const adminCidr = checkedAdminCidr("AwsSwarmNodes", name, args.adminCidr, this);
    const ipv6 = (yes: boolean) => adminCidr.apply((c) => (c.includes(":") === yes ? c : undefined));
    rules.push(
      new vpc.SecurityGroupIngressRule(
        `${name}-ssh`,
        {
          securityGroupId: nodesGroup.id,
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrIpv6: ipv6(true),
          cidrIpv4: ipv6(false),
          description: "SSH from the admin CIDR",
          tags: tags("ssh"),
        },
        child,
      ),
      new vpc.SecurityGroupEgressRule(
        `${name}-egress`,
        {
          securityGroupId: nodesGroup.id,
          ipProtocol: "-1",
          cidrIpv4: "0.0.0.0/0",
          description: "packages and images",
          tags: tags("egress"),
        },
        child,
      ),
    );

    this.instances = [];
    this.nodes = vmRoster(name, args.managers ?? 3, args.workers ?? 2).map((vm) => {
      const { hostKey, userData } = vmBootstrap(vm.name, args, this);
      const instance = new ec2.Instance(
        vm.name,
        {
          ami: args.ami,
          instanceType:
            vm.role === "manager"
              ? (args.managerInstanceType ?? args.instanceType ?? defaultType)
              : (args.instanceType ?? defaultType),
          subnetId: args.subnetIds[vm.index % args.subnetIds.length],
          vpcSecurityGroupIds: vm.role === "manager" ? [nodesGroup.id, managersGroup.id] : [nodesGroup.id],
          associatePublicIpAddress: args.publicAddresses ?? false,
          userData,
          rootBlockDevice: {
            encrypted: true,
            volumeType: "gp3",
            volumeSize: args.volumeSize ?? 20,
            ...(args.kmsKeyId ? { kmsKeyId: args.kmsKeyId } : {}),
            tags: { ...tags(vm.role), Name: vm.name },
          },
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
          tags: { ...tags(vm.role), Name: vm.name, "berth:swarm-role": vm.role },
        },
        // The firewall is complete before a machine exists; user data only matters at first boot.
        { parent: this, dependsOn: rules, ignoreChanges: ["userData"] },
      );
      this.instances.push(instance);
      const connectAt = args.publicAddresses ? instance.publicIp : instance.privateIp;
      return readyVmNode(vm, args, hostKey, { connectAt, advertise: instance.privateIp }, this);
    });
    this.securityGroups = { nodes: nodesGroup, managers: managersGroup };
    this.registerOutputs({ instanceIds: this.instances.map((i) => i.id) });
  }
}
