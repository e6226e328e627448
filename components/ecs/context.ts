import type * as pulumi from "@pulumi/pulumi";
import type { EcsFirelens } from "./firelens";

/**
 * What an `EcsCluster` hands each service it runs: where tasks go, how they find each other, and the
 * capacity they run on. Plain outputs, so the workload code needs no cluster component.
 */
export interface EcsClusterContext {
  /** The cluster's name (the component's name unless given). */
  clusterName: string;
  /** The ECS cluster's ARN. */
  clusterArn: pulumi.Output<string>;
  /** The AWS region the cluster is in. */
  region: pulumi.Output<string>;
  /** The ID of the VPC the tasks run in. */
  vpcId: pulumi.Output<string>;
  /** Tasks run here, without public addresses. */
  privateSubnetIds: pulumi.Output<string[]>;
  /** Internet-facing load balancers go here. */
  publicSubnetIds: pulumi.Output<string[]>;
  /** The VPC's CIDR block, for rules among the cluster's own addresses. */
  vpcCidr: pulumi.Output<string>;
  /** Cloud Map private DNS namespace: services are `<service>.<namespaceName>`. */
  namespaceId: pulumi.Output<string>;
  /** The namespace's name. */
  namespaceName: string;
  /**
   * The security group every task of the cluster carries; services allow each other's declared
   * ports from it, and nothing else.
   */
  tasksSecurityGroupId: pulumi.Output<string>;
  /** The default capacity provider strategy services use. */
  capacityProviderStrategy: pulumi.Output<{ capacityProvider: string; weight: number; base?: number }[]>;
  /** Whether EC2 capacity exists (services may then ask for `launchType: "EC2"` features). */
  hasEc2Capacity: boolean;
  /** Days a service's log group keeps its events. */
  logRetentionDays: number;
  /** An ACM certificate ARN for HTTPS listeners of public HTTP ports; without it, HTTP only. */
  certificateArn?: pulumi.Input<string>;
  /** Public HTTP ports may listen with plain HTTP when there is no certificate. */
  allowPlainHttp?: boolean;
  /**
   * The image of the init container that writes secret files.
   * @default the renderer's pinned one
   */
  initImage?: string;
  /** The FireLens log router of every service that names no log driver, when the cluster has one. */
  firelens?: EcsFirelens;
  /** Tags every resource carries. */
  tags: Record<string, string>;
}
