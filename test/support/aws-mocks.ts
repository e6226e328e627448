/**
 * What AWS would answer in component tests: the resource type tokens the ECS components declare, the
 * outputs the provider computes for them, and the provider functions they call, all in one account
 * and region.
 */
import type { MockedResource } from "./harness";

/** The account every mocked ARN is in. */
export const awsAccount = "123456789012";
/** The region every mocked ARN is in, and the one `aws.getRegion` answers. */
export const awsRegion = "eu-west-1";

/** AWS resource type tokens, by a short name. */
export const awsTypes = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  eip: "aws:ec2/eip:Eip",
  natGateway: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  dhcpOptions: "aws:ec2/vpcDhcpOptions:VpcDhcpOptions",
  dhcpOptionsAssociation: "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  autoscalingGroup: "aws:autoscaling/group:Group",
  ecsCluster: "aws:ecs/cluster:Cluster",
  clusterCapacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
  capacityProvider: "aws:ecs/capacityProvider:CapacityProvider",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  ecsService: "aws:ecs/service:Service",
  namespace: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
  discovery: "aws:servicediscovery/service:Service",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  parameter: "aws:ssm/parameter:Parameter",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
} as const;

/** An ARN in the mocked account and region. */
export const awsArn = (service: string, rest: string) =>
  `arn:aws:${service}:${awsRegion}:${awsAccount}:${rest}`;

/** An IAM ARN (IAM is global: no region). */
const iamArn = (rest: string) => `arn:aws:iam::${awsAccount}:${rest}`;

const t = awsTypes;

/**
 * What AWS would compute for a resource: ARNs, and the names and DNS names the provider gives, derived
 * from the resource's name (an autonamed role `x` is `x-1a2b3c`, a capacity provider `x-a1b2c3`).
 */
export function awsMockResource({ type, name, inputs }: MockedResource): Record<string, unknown> {
  switch (type) {
    case t.ecsCluster:
      return { arn: awsArn("ecs", `cluster/${String(inputs.name)}`) };
    case t.capacityProvider:
      return { name: `${name}-a1b2c3`, arn: awsArn("ecs", `capacity-provider/${name}`) };
    case t.taskDefinition:
      return { arn: awsArn("ecs", `task-definition/${String(inputs.family)}:1`) };
    case t.autoscalingGroup:
      return { arn: awsArn("autoscaling", `autoScalingGroup:0f1e2d3c:autoScalingGroupName/${name}`) };
    case t.role:
      return { arn: iamArn(`role/${name}`), name: `${name}-1a2b3c` };
    case t.instanceProfile:
      return { arn: iamArn(`instance-profile/${name}`) };
    case t.namespace:
      return { arn: awsArn("servicediscovery", `namespace/ns-${name}`) };
    case t.discovery:
      return { arn: awsArn("servicediscovery", `service/srv-${name}`) };
    case t.parameter:
      return { arn: awsArn("ssm", `parameter${String(inputs.name)}`) };
    case t.secret:
      return { arn: awsArn("secretsmanager", `secret:${name}-AbCdEf`) };
    case t.logGroup:
      return { arn: awsArn("logs", `log-group:${String(inputs.name)}`) };
    case t.lb:
      return {
        arn: awsArn("elasticloadbalancing", `loadbalancer/${name}`),
        arnSuffix: `app/${name}/50dc6c495c0c9188`,
        dnsName: `${name}.elb.example`,
      };
    case t.targetGroup:
      return {
        arn: awsArn("elasticloadbalancing", `targetgroup/${name}`),
        arnSuffix: `targetgroup/${name}/73e2d6bc24d8a067`,
      };
    case t.listener:
      return { arn: awsArn("elasticloadbalancing", `listener/${name}`) };
    default:
      return {};
  }
}

/** The token of `aws.getAvailabilityZones`. */
export const availabilityZonesToken = "aws:index/getAvailabilityZones:getAvailabilityZones";

/**
 * What AWS provider functions return: three zones in the region, the region itself, and any VPC asked
 * for by ID with the block 172.31.0.0/16. Other functions fail (undefined).
 */
export function awsMockInvoke({
  token,
  args,
}: {
  token: string;
  args: Record<string, unknown>;
}): Record<string, unknown> | undefined {
  switch (token) {
    case availabilityZonesToken:
      return { names: [`${awsRegion}a`, `${awsRegion}b`, `${awsRegion}c`], id: awsRegion };
    case "aws:index/getRegion:getRegion":
      return { region: awsRegion, name: awsRegion, id: awsRegion };
    case "aws:ec2/getVpc:getVpc":
      return { id: String(args.id), cidrBlock: "172.31.0.0/16" };
    default:
      return undefined;
  }
}
