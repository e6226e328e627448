import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, StackSupport, Workload, WorkloadRequest } from "../cluster";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import {
  defaultLogRetentionDays,
  defaultStrategy,
  type ContainerInsightsLevel,
  type EcsClusterArgs,
  EcsClusterError,
  ec2Architecture,
  ecsClusterIssues,
  type EcsEc2CapacityArgs,
} from "./cluster-args";
import type { EcsClusterContext } from "./context";
import { MonitoredServices } from "./monitored-services";
import type { Ec2CapacityGroup } from "./monitoring-alarms";
import { ecsStackSupport } from "./stack-support";
import { type ChildFactory, existingNetwork, newNetwork } from "./vpc";

export type {
  ContainerInsightsLevel,
  EcsClusterArgs,
  EcsFirelensArgs,
  EcsLoggingArgs,
  EcsNetworkArgs,
  EcsEc2CapacityArgs,
  EcsCapacityProviderStrategyItem,
  EcsCapacityProviderName,
  EcsClusterIssue,
} from "./cluster-args";
export { EcsClusterError } from "./cluster-args";

/** The ECS-optimised Amazon Linux 2023 AMI, resolved by EC2 at launch from its public SSM parameter. */
export const ecsOptimizedImage =
  "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

/** The arm64 (Graviton) ECS-optimised Amazon Linux 2023 AMI, from its public SSM parameter. */
export const ecsOptimizedArmImage =
  "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";

type StrategyEntry = { capacityProvider: string; weight: number; base?: number };

/** Boot script of EC2 capacity: join the cluster, and keep tasks away from the instance's credentials. */
function ec2UserData(clusterName: string): string {
  const script = [
    "#!/bin/bash",
    "cat >> /etc/ecs/ecs.config <<'EOF'",
    `ECS_CLUSTER=${clusterName}`,
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "EOF",
    "",
  ].join("\n");
  return Buffer.from(script).toString("base64");
}

/**
 * An AWS ECS cluster that runs portable services: Fargate and Fargate Spot capacity (plus optional EC2
 * capacity that ECS scales), Container Insights, a Cloud Map private DNS namespace through which
 * services find each other, and the security group every task carries. It makes a VPC with public and
 * private subnets in 2 or 3 zones and NAT gateways, unless given an existing one; tasks always run in
 * the private subnets, without public addresses.
 *
 * ```ts
 * const cluster = new EcsCluster("prod", { availabilityZones: 3 });
 * new ContainerService("api", { cluster, image: "traefik/whoami:v1.10", ports: [{ target: 80 }] });
 * ```
 */
export class EcsCluster extends pulumi.ComponentResource implements ServiceCluster {
  readonly target = "ecs" as const;
  /** The ECS cluster's ARN. */
  readonly clusterArn: pulumi.Output<string>;
  /** The ECS cluster's name. */
  readonly clusterName: pulumi.Output<string>;
  /** The ID of the VPC the tasks run in. */
  readonly vpcId: pulumi.Output<string>;
  /** The subnets tasks run in, without public addresses. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The subnets internet-facing load balancers are placed in. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** The Cloud Map private DNS namespace's name: services are `<service>.<namespaceName>`. */
  readonly namespaceName: pulumi.Output<string>;
  /** The Cloud Map private DNS namespace's ID. */
  readonly namespaceId: pulumi.Output<string>;
  /** The security group every task carries. */
  readonly tasksSecurityGroupId: pulumi.Output<string>;
  /** What each service deployed on the cluster is handed. */
  readonly context: EcsClusterContext;
  /** The cluster's Container Insights setting: its `Monitoring` may ask for this level or a lower one. */
  readonly containerInsights: ContainerInsightsLevel;
  private readonly componentName: string;
  /** The services deployed on the cluster, for its monitoring whenever that comes. */
  private readonly services = new MonitoredServices();
  private ec2Group?: Ec2CapacityGroup;

  constructor(name: string, args: EcsClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("berth:ecs:EcsCluster", name, {}, opts);
    const given = args ?? {};
    const issues = ecsClusterIssues(name, given);
    if (issues.length > 0) throw new EcsClusterError(name, issues, this);
    // Loaded only when a cluster is made: `pulumi-berth/ecs`'s renderers work without the AWS SDK.
    const sdk = require("@pulumi/aws") as typeof aws;

    const clusterName = given.clusterName ?? name;
    this.componentName = name;
    this.containerInsights = given.containerInsights ?? "enhanced";
    const namespaceName = given.namespaceName ?? `${clusterName}.local`;
    const baseTags = given.tags ?? {};
    const c: ChildFactory = {
      sdk,
      name,
      parent: this,
      tags: (suffix) => ({ ...baseTags, Name: `${name}-${suffix}` }),
    };
    const child = { parent: this };
    const region = sdk.getRegionOutput({}, { parent: this }).region;
    const network = given.network
      ? existingNetwork(c, given.network)
      : newNetwork(c, given, { searchDomain: namespaceName, region });

    const cluster = new sdk.ecs.Cluster(
      `${name}-cluster`,
      {
        name: clusterName,
        settings: [{ name: "containerInsights", value: this.containerInsights }],
        tags: baseTags,
      },
      child,
    );
    const namespace = new sdk.servicediscovery.PrivateDnsNamespace(
      `${name}-namespace`,
      {
        name: namespaceName,
        vpc: network.vpcId,
        description: `Services of ECS cluster ${clusterName}`,
        tags: baseTags,
      },
      child,
    );
    const tasksGroup = this.egressOnlyGroup(
      c,
      "tasks",
      network.vpcId,
      "ECS tasks: each service opens its own ports; all egress (image pulls through NAT)",
    );
    const ec2Provider = given.ec2 && this.ec2Capacity(c, given.ec2, clusterName, network, cluster);
    const strategy = (given.defaultCapacityProviderStrategy ?? defaultStrategy).map((item) => ({
      capacityProvider:
        item.capacityProvider === "EC2" && ec2Provider
          ? ec2Provider.name
          : pulumi.output(item.capacityProvider),
      weight: item.weight ?? 1,
      ...(item.base !== undefined && { base: item.base }),
    }));
    const providers = new sdk.ecs.ClusterCapacityProviders(
      `${name}-capacity-providers`,
      {
        clusterName: cluster.name,
        capacityProviders: ["FARGATE", "FARGATE_SPOT", ...(ec2Provider ? [ec2Provider.name] : [])],
        defaultCapacityProviderStrategies: strategy,
      },
      child,
    );
    // Through the association's outputs, so that services wait until the providers are the cluster's.
    const capacityProviderStrategy = providers.defaultCapacityProviderStrategies.apply((entries) =>
      (entries ?? []).map((e): StrategyEntry => ({
        capacityProvider: e.capacityProvider,
        weight: e.weight ?? 1,
        ...(e.base ? { base: e.base } : {}),
      })),
    );

    this.clusterArn = cluster.arn;
    this.clusterName = cluster.name;
    this.vpcId = network.vpcId;
    this.privateSubnetIds = network.privateSubnetIds;
    this.publicSubnetIds = network.publicSubnetIds;
    this.namespaceName = namespace.name;
    this.namespaceId = namespace.id;
    this.tasksSecurityGroupId = tasksGroup.id;
    this.context = {
      clusterName,
      clusterArn: cluster.arn,
      region,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      publicSubnetIds: network.publicSubnetIds,
      vpcCidr: network.vpcCidr,
      namespaceId: namespace.id,
      namespaceName,
      tasksSecurityGroupId: tasksGroup.id,
      capacityProviderStrategy,
      hasEc2Capacity: ec2Provider !== undefined,
      logRetentionDays: given.logRetentionDays ?? defaultLogRetentionDays,
      ...(given.certificateArn !== undefined && { certificateArn: given.certificateArn }),
      ...(given.allowPlainHttp !== undefined && { allowPlainHttp: given.allowPlainHttp }),
      ...(given.initImage !== undefined && { initImage: given.initImage }),
      ...(given.logging?.firelens && {
        // Loaded on use: its modules import @pulumi/aws, which `pulumi-berth/ecs` loads only with a cluster.
        firelens: (require("./firelens") as typeof import("./firelens")).clusterFirelens(
          c,
          given.logging.firelens,
          clusterName,
        ),
      }),
      tags: baseTags,
    };
    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
      namespaceName: this.namespaceName,
      namespaceId: this.namespaceId,
    });
  }

  /** What a Compose stack may hold here: see {@link StackSupport}. */
  readonly stackSupport: StackSupport = ecsStackSupport;

  /** `<serviceName>.<Cloud Map namespace>`: the name Cloud Map answers with the service's tasks. */
  serviceHost(serviceName: string): pulumi.Output<string> {
    return this.namespaceName.apply((ns) => `${serviceName}.${ns}`);
  }

  /** Runs a service on the cluster: its task definition, service and rules are children of `parent`. */
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload {
    // Loaded on use: the workload's modules import @pulumi/aws, which `pulumi-berth/ecs` must not load for
    // users of the renderer alone.
    const { deployEcsWorkload } = require("./workload") as typeof import("./workload");
    const workload = deployEcsWorkload(name, request, parent, this.context);
    this.services.add({
      name: request.preview.name,
      preview: request.preview,
      deployedName: workload.serviceName,
    });
    return workload;
  }

  /**
   * Monitors the cluster (what `Monitoring` asks for): CloudWatch alarms for each of its services, those
   * deployed before and after, and for its EC2 capacity; an SNS topic that tells the receivers; and a
   * CloudWatch dashboard. One monitoring per cluster; its Container Insights level must be the cluster's
   * or lower.
   */
  deployMonitoring(
    name: string,
    request: MonitoringRequest,
    parent: pulumi.ComponentResource,
  ): MonitoringDeployment {
    // Loaded on use, as the workload's modules are.
    const { deployEcsMonitoring } = require("./monitoring") as typeof import("./monitoring");
    return deployEcsMonitoring(name, request, parent, {
      componentName: this.componentName,
      containerInsights: this.containerInsights,
      hasEc2Capacity: this.context.hasEc2Capacity,
      context: this.context,
      services: this.services,
      ...(this.ec2Group && { ec2Group: this.ec2Group }),
    });
  }

  /** A security group with no ingress and all egress. */
  private egressOnlyGroup(c: ChildFactory, suffix: string, vpcId: pulumi.Input<string>, description: string) {
    const group = new c.sdk.ec2.SecurityGroup(
      `${c.name}-${suffix}`,
      { vpcId, description, tags: c.tags(suffix) },
      { parent: this },
    );
    new c.sdk.vpc.SecurityGroupEgressRule(
      `${c.name}-${suffix}-egress`,
      {
        securityGroupId: group.id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        description: "images, AWS APIs and services' own calls out",
        tags: c.tags(`${suffix}-egress`),
      },
      { parent: this },
    );
    return group;
  }

  /**
   * EC2 capacity: instances of the ECS-optimised AMI in the private subnets, joining the cluster at
   * boot, in an Auto Scaling group that ECS scales (managed scaling) and never shrinks under running
   * tasks (managed termination protection).
   */
  private ec2Capacity(
    c: ChildFactory,
    ec2: EcsEc2CapacityArgs,
    clusterName: string,
    network: { vpcId: pulumi.Output<string>; privateSubnetIds: pulumi.Output<string[]> },
    cluster: aws.ecs.Cluster,
  ): aws.ecs.CapacityProvider {
    const { sdk, name } = c;
    const child = { parent: this };
    const role = new sdk.iam.Role(
      `${name}-ec2-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
        tags: c.tags("ec2-role"),
      },
      child,
    );
    const policy = new sdk.iam.RolePolicyAttachment(
      `${name}-ec2-ecs-policy`,
      { role: role.name, policyArn: sdk.iam.ManagedPolicy.AmazonEC2ContainerServiceforEC2Role },
      child,
    );
    const profile = new sdk.iam.InstanceProfile(
      `${name}-ec2-profile`,
      { role: role.name, tags: c.tags("ec2-profile") },
      child,
    );
    const group = this.egressOnlyGroup(
      c,
      "ec2",
      network.vpcId,
      "ECS EC2 capacity: no ingress; the agent calls out",
    );
    const instanceTags = { ...c.tags("ec2"), "berth:ecs-cluster": clusterName };
    const template = new sdk.ec2.LaunchTemplate(
      `${name}-ec2-template`,
      {
        imageId: ec2Architecture(ec2) === "arm64" ? ecsOptimizedArmImage : ecsOptimizedImage,
        instanceType: ec2.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [group.id],
        userData: ec2UserData(clusterName),
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              encrypted: "true",
              volumeType: "gp3",
              volumeSize: ec2.volumeSize ?? 30,
              deleteOnTermination: "true",
            },
          },
        ],
        tagSpecifications: [
          { resourceType: "instance", tags: instanceTags },
          { resourceType: "volume", tags: instanceTags },
        ],
        updateDefaultVersion: true,
        tags: c.tags("ec2-template"),
      },
      child,
    );
    const asg = new sdk.autoscaling.Group(
      `${name}-ec2-asg`,
      {
        minSize: ec2.min,
        maxSize: ec2.max,
        desiredCapacity: ec2.desired ?? ec2.min,
        vpcZoneIdentifiers: network.privateSubnetIds,
        launchTemplate: { id: template.id, version: "$Latest" },
        protectFromScaleIn: true,
        tags: [
          // ECS adds this tag to groups it scales; declaring it keeps the next update from removing it.
          { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
          ...Object.entries(instanceTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        ],
      },
      // Managed scaling owns the count after creation; instances join a cluster that must exist.
      { parent: this, ignoreChanges: ["desiredCapacity"], dependsOn: [cluster, policy] },
    );
    this.ec2Group = { name: asg.name, min: ec2.min };
    return new sdk.ecs.CapacityProvider(
      `${name}-ec2-capacity`,
      {
        autoScalingGroupProvider: {
          autoScalingGroupArn: asg.arn,
          managedScaling: { status: "ENABLED", targetCapacity: 100 },
          managedTerminationProtection: "ENABLED",
          managedDraining: "ENABLED",
        },
        tags: c.tags("ec2-capacity"),
      },
      child,
    );
  }
}
