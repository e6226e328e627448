/**
 * A stand-in for `EcsCluster` in component tests: the context a real cluster would hand its services
 * (known values, AWS answered by mocks), and a component that deploys each workload with it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, Workload, WorkloadRequest } from "../../components/cluster";
import type { EcsClusterContext } from "../../components/ecs/context";
import { deployEcsWorkload } from "../../components/ecs/workload";
import { ecsStackSupport } from "../../components/ecs/stack-support";
import { awsAccount, awsRegion } from "./aws-mocks";

/** A cluster `prod` on Fargate in a VPC `vpc-1`, its namespace `prod.internal`; `overrides` win. */
export function ecsTestContext(overrides: Partial<EcsClusterContext> = {}): EcsClusterContext {
  return {
    clusterName: "prod",
    clusterArn: pulumi.output(`arn:aws:ecs:${awsRegion}:${awsAccount}:cluster/prod`),
    region: pulumi.output(awsRegion),
    vpcId: pulumi.output("vpc-1"),
    privateSubnetIds: pulumi.output(["subnet-private-a", "subnet-private-b"]),
    publicSubnetIds: pulumi.output(["subnet-public-a", "subnet-public-b"]),
    vpcCidr: pulumi.output("10.0.0.0/16"),
    namespaceId: pulumi.output("ns-1"),
    namespaceName: "prod.internal",
    tasksSecurityGroupId: pulumi.output("sg-cluster-tasks"),
    capacityProviderStrategy: pulumi.output([{ capacityProvider: "FARGATE", weight: 1 }]),
    hasEc2Capacity: false,
    logRetentionDays: 14,
    tags: {},
    ...overrides,
  };
}

/** Deploys every workload with `context`, as `EcsCluster` does with its own. */
export class TestEcsCluster extends pulumi.ComponentResource implements ServiceCluster {
  readonly target = "ecs" as const;
  readonly namespaceName: pulumi.Output<string>;
  constructor(
    name: string,
    private readonly context: EcsClusterContext = ecsTestContext(),
  ) {
    super("test:ecs:Cluster", name, {});
    this.namespaceName = pulumi.output(context.namespaceName);
  }
  readonly stackSupport = ecsStackSupport;
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload {
    return deployEcsWorkload(name, request, parent, this.context);
  }
  serviceHost(serviceName: string): pulumi.Output<string> {
    return this.namespaceName.apply((ns) => `${serviceName}.${ns}`);
  }
}
