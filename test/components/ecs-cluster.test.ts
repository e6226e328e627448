import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { EcsCluster, type EcsClusterArgs, EcsClusterError } from "../../components/ecs/cluster";
import { regionDomain } from "../../components/ecs/vpc";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import {
  availabilityZonesToken as zoneToken,
  awsMockInvoke,
  awsMockResource,
  awsTypes,
} from "../support/aws-mocks";
import { ofType, OptionsCapture } from "../support/vm-nodes";

const t = awsTypes;
const vpcTypes = [
  t.vpc,
  t.subnet,
  t.internetGateway,
  t.eip,
  t.natGateway,
  t.routeTable,
  t.route,
  t.routeTableAssociation,
  t.dhcpOptions,
  t.dhcpOptionsAssociation,
];

/** The provider functions the program called, in order. */
const invoked: string[] = [];
function mockInvoke(call: { token: string; args: Record<string, unknown> }) {
  invoked.push(call.token);
  return awsMockInvoke(call);
}

/** Deploys one cluster named `shop` under mocks; its context and outputs become the stack outputs. */
function deploy(args: EcsClusterArgs = {}, capture?: OptionsCapture): Promise<ProgramRun> {
  invoked.length = 0;
  return runProgram(
    () => {
      const cluster = new EcsCluster("shop", args, {
        transformations: capture ? [capture.transformation] : [],
      });
      const { context } = cluster;
      return {
        clusterArn: cluster.clusterArn,
        clusterName: cluster.clusterName,
        vpcId: cluster.vpcId,
        privateSubnetIds: cluster.privateSubnetIds,
        publicSubnetIds: cluster.publicSubnetIds,
        namespaceName: cluster.namespaceName,
        namespaceId: cluster.namespaceId,
        context: {
          ...context,
          certificateArn: context.certificateArn ?? null,
        },
      };
    },
    { mockResource: awsMockResource, mockInvoke },
  );
}

const names = (run: ProgramRun, type: string) => ofType(run, type).map((r) => r.name);
const byName = (run: ProgramRun, name: string, type: string) => run.byName(name, type);

function ipv4Range(cidr: string): [number, number] {
  const [address, bits] = cidr.split("/");
  const start = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  return [start, start + 2 ** (32 - Number(bits)) - 1];
}

/** Every subnet lies in the VPC's block and no two overlap. */
function assertSubnetsFit(run: ProgramRun) {
  const [vpcStart, vpcEnd] = ipv4Range(ofType(run, t.vpc)[0].inputs.cidrBlock as string);
  const ranges = ofType(run, t.subnet).map(
    (s) => [s.name, ...ipv4Range(s.inputs.cidrBlock as string)] as const,
  );
  for (const [name, start, end] of ranges)
    assert.ok(start >= vpcStart && end <= vpcEnd, `${name} lies inside the VPC block`);
  for (const [i, [a, aStart, aEnd]] of ranges.entries())
    for (const [b, bStart, bEnd] of ranges.slice(i + 1))
      assert.ok(aEnd < bStart || bEnd < aStart, `${a} and ${b} do not overlap`);
}

async function refusal(args: Record<string, unknown>, name = "shop"): Promise<EcsClusterError> {
  let caught: unknown;
  const run = await runProgram(
    () => {
      try {
        new EcsCluster(name, args as EcsClusterArgs);
      } catch (err) {
        caught = err;
      }
    },
    { mockResource: awsMockResource, mockInvoke },
  );
  assert.ok(caught instanceof EcsClusterError, `expected an EcsClusterError, got ${String(caught)}`);
  assert.ok(pulumi.ResourceError.isInstance(caught), "reported against the component");
  assert.equal(caught.resourceName, name);
  assert.deepEqual(
    run.resources.filter((r) => r.custom).map((r) => r.name),
    [],
    "nothing was created",
  );
  return caught;
}

const issueLines = (err: EcsClusterError) => err.issues.map((i) => `${i.path}: ${i.message}`);

describe("EcsCluster under mocks", () => {
  it("makes a new VPC over two zones with a NAT gateway per zone, everything a child of the component", async () => {
    const run = await deploy();
    const component = run.byName("shop", "berth:ecs:EcsCluster");
    const children = run.resources.filter(
      (r) => r !== component && r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
    );
    for (const r of children) assert.equal(r.parent, component.urn, `${r.name} is a child of the component`);
    assert.deepEqual(
      children.map((r) => `${r.type} ${r.name}`).sort(),
      [
        `${t.routeTableAssociation} shop-private-0-assoc`,
        `${t.routeTableAssociation} shop-private-1-assoc`,
        `${t.routeTableAssociation} shop-public-0-assoc`,
        `${t.routeTableAssociation} shop-public-1-assoc`,
        `${t.egress} shop-tasks-egress`,
        `${t.eip} shop-nat-0-ip`,
        `${t.eip} shop-nat-1-ip`,
        `${t.securityGroup} shop-tasks`,
        `${t.internetGateway} shop-igw`,
        `${t.natGateway} shop-nat-0`,
        `${t.natGateway} shop-nat-1`,
        `${t.route} shop-private-0-nat`,
        `${t.route} shop-private-1-nat`,
        `${t.route} shop-public-internet`,
        `${t.routeTable} shop-private-0-routes`,
        `${t.routeTable} shop-private-1-routes`,
        `${t.routeTable} shop-public-routes`,
        `${t.subnet} shop-private-0`,
        `${t.subnet} shop-private-1`,
        `${t.subnet} shop-public-0`,
        `${t.subnet} shop-public-1`,
        `${t.vpc} shop-vpc`,
        `${t.dhcpOptions} shop-dhcp`,
        `${t.dhcpOptionsAssociation} shop-dhcp`,
        `${t.ecsCluster} shop-cluster`,
        `${t.clusterCapacityProviders} shop-capacity-providers`,
        `${t.namespace} shop-namespace`,
      ].sort(),
    );
    const vpc = byName(run, "shop-vpc", t.vpc);
    assert.deepEqual(
      [vpc.inputs.cidrBlock, vpc.inputs.enableDnsSupport, vpc.inputs.enableDnsHostnames],
      ["10.0.0.0/16", true, true],
    );
    const subnets = ofType(run, t.subnet).map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZone]);
    assert.deepEqual(subnets, [
      ["shop-private-0", "10.0.0.0/19", "eu-west-1a"],
      ["shop-private-1", "10.0.32.0/19", "eu-west-1b"],
      ["shop-public-0", "10.0.128.0/19", "eu-west-1a"],
      ["shop-public-1", "10.0.160.0/19", "eu-west-1b"],
    ]);
    for (const s of ofType(run, t.subnet)) assert.equal(s.inputs.mapPublicIpOnLaunch, false);
    assert.ok(invoked.includes(zoneToken), "zones come from the region");
  });

  it("routes public subnets to the internet gateway and each private subnet through its own zone's NAT", async () => {
    const run = await deploy();
    const route = (name: string) => byName(run, name, t.route).inputs;
    assert.deepEqual(route("shop-public-internet"), {
      routeTableId: "shop-public-routes-id",
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: "shop-igw-id",
    });
    for (const i of [0, 1]) {
      assert.equal(route(`shop-private-${i}-nat`).natGatewayId, `shop-nat-${i}-id`);
      assert.equal(route(`shop-private-${i}-nat`).routeTableId, `shop-private-${i}-routes-id`);
      const nat = byName(run, `shop-nat-${i}`, t.natGateway).inputs;
      assert.equal(nat.subnetId, `shop-public-${i}-id`, "NAT gateways live in public subnets");
      assert.equal(nat.allocationId, `shop-nat-${i}-ip-id`);
      const assoc = byName(run, `shop-private-${i}-assoc`, t.routeTableAssociation).inputs;
      assert.deepEqual(assoc, {
        subnetId: `shop-private-${i}-id`,
        routeTableId: `shop-private-${i}-routes-id`,
      });
      assert.deepEqual(byName(run, `shop-public-${i}-assoc`, t.routeTableAssociation).inputs, {
        subnetId: `shop-public-${i}-id`,
        routeTableId: "shop-public-routes-id",
      });
    }
    assert.deepEqual(run.outputs.privateSubnetIds, ["shop-private-0-id", "shop-private-1-id"]);
    assert.deepEqual(run.outputs.publicSubnetIds, ["shop-public-0-id", "shop-public-1-id"]);
    assert.equal(run.outputs.vpcId, "shop-vpc-id");
  });

  it("takes three zones, a single NAT gateway and another block, and its subnets never overlap", async () => {
    const run = await deploy({ availabilityZones: 3, natGateways: "single", cidrBlock: "172.20.0.0/20" });
    assert.deepEqual(names(run, t.natGateway), ["shop-nat-0"]);
    assert.deepEqual(names(run, t.eip), ["shop-nat-0-ip"]);
    for (const i of [0, 1, 2])
      assert.equal(byName(run, `shop-private-${i}-nat`, t.route).inputs.natGatewayId, "shop-nat-0-id");
    assert.deepEqual(
      ofType(run, t.subnet).map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZone]),
      [
        ["shop-private-0", "172.20.0.0/23", "eu-west-1a"],
        ["shop-private-1", "172.20.2.0/23", "eu-west-1b"],
        ["shop-private-2", "172.20.4.0/23", "eu-west-1c"],
        ["shop-public-0", "172.20.8.0/23", "eu-west-1a"],
        ["shop-public-1", "172.20.10.0/23", "eu-west-1b"],
        ["shop-public-2", "172.20.12.0/23", "eu-west-1c"],
      ],
    );
    assertSubnetsFit(run);
    assertSubnetsFit(await deploy());
    assertSubnetsFit(await deploy({ availabilityZones: 3, cidrBlock: "10.8.0.0/25" }));
  });

  it("uses the zones named without asking the region", async () => {
    const run = await deploy({ availabilityZones: ["eu-west-1c", "eu-west-1a"] });
    assert.deepEqual(
      ofType(run, t.subnet).map((s) => s.inputs.availabilityZone),
      ["eu-west-1c", "eu-west-1a", "eu-west-1c", "eu-west-1a"],
    );
    assert.ok(!invoked.includes(zoneToken));
  });

  it("runs in an existing network without making any VPC resource", async () => {
    const run = await deploy({
      network: {
        vpcId: "vpc-9",
        privateSubnetIds: ["subnet-p1", "subnet-p2"],
        publicSubnetIds: ["subnet-q1"],
      },
    });
    for (const type of vpcTypes) assert.deepEqual(names(run, type), [], `no ${type}`);
    assert.equal(byName(run, "shop-namespace", t.namespace).inputs.vpc, "vpc-9");
    assert.equal(byName(run, "shop-tasks", t.securityGroup).inputs.vpcId, "vpc-9");
    const context = run.outputs.context as Record<string, unknown>;
    assert.equal(context.vpcCidr, "172.31.0.0/16", "the VPC's block, looked up");
    assert.deepEqual(context.privateSubnetIds, ["subnet-p1", "subnet-p2"]);
    assert.deepEqual(run.outputs.publicSubnetIds, ["subnet-q1"]);
  });

  it("turns Container Insights on, makes the namespace, and offers Fargate and Fargate Spot, Fargate by default", async () => {
    const run = await deploy({
      tags: { team: "shop" },
      logRetentionDays: 90,
      certificateArn: "arn:aws:acm:eu-west-1:1:certificate/c",
      allowPlainHttp: false,
      initImage: `registry.example.com/mirror/busybox@sha256:${"b".repeat(64)}`,
    });
    const cluster = byName(run, "shop-cluster", t.ecsCluster).inputs;
    assert.deepEqual(cluster.settings, [{ name: "containerInsights", value: "enhanced" }]);
    assert.equal(cluster.name, "shop");
    assert.deepEqual(cluster.tags, { team: "shop" });
    const namespace = byName(run, "shop-namespace", t.namespace).inputs;
    assert.equal(namespace.name, "shop.local");
    assert.equal(namespace.vpc, "shop-vpc-id");
    const providers = byName(run, "shop-capacity-providers", t.clusterCapacityProviders).inputs;
    assert.equal(providers.clusterName, "shop");
    assert.deepEqual(providers.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
    assert.deepEqual(providers.defaultCapacityProviderStrategies, [
      { capacityProvider: "FARGATE", weight: 1 },
    ]);
    assert.deepEqual(run.outputs.context, {
      clusterName: "shop",
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
      region: "eu-west-1",
      vpcId: "shop-vpc-id",
      privateSubnetIds: ["shop-private-0-id", "shop-private-1-id"],
      publicSubnetIds: ["shop-public-0-id", "shop-public-1-id"],
      vpcCidr: "10.0.0.0/16",
      namespaceId: "shop-namespace-id",
      namespaceName: "shop.local",
      tasksSecurityGroupId: "shop-tasks-id",
      capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
      hasEc2Capacity: false,
      logRetentionDays: 90,
      certificateArn: "arn:aws:acm:eu-west-1:1:certificate/c",
      allowPlainHttp: false,
      initImage: `registry.example.com/mirror/busybox@sha256:${"b".repeat(64)}`,
      tags: { team: "shop" },
    });
    assert.equal(run.outputs.namespaceName, "shop.local");
    assert.equal(run.outputs.namespaceId, "shop-namespace-id");
    assert.equal(run.outputs.clusterName, "shop");
    const component = run.byName("shop", "berth:ecs:EcsCluster");
    assert.deepEqual(Object.keys(component.outputs).sort(), [
      "clusterArn",
      "clusterName",
      "namespaceId",
      "namespaceName",
      "privateSubnetIds",
      "publicSubnetIds",
      "vpcId",
    ]);
    for (const r of ofType(run, t.subnet))
      assert.equal((r.inputs.tags as Record<string, string>).team, "shop");
  });

  it("makes the namespace the new VPC's first search domain, so tasks resolve bare service names", async () => {
    const dhcpOf = (run: ProgramRun) => {
      const options = byName(run, "shop-dhcp", t.dhcpOptions);
      const association = byName(run, "shop-dhcp", t.dhcpOptionsAssociation).inputs;
      assert.equal(association.vpcId, byName(run, "shop-vpc", t.vpc).id);
      assert.equal(association.dhcpOptionsId, options.id);
      assert.deepEqual(options.inputs.domainNameServers, ["AmazonProvidedDNS"]);
      return options.inputs.domainName;
    };
    assert.equal(dhcpOf(await deploy()), "shop.local eu-west-1.compute.internal");
    assert.equal(
      dhcpOf(await deploy({ clusterName: "shop-prod", namespaceName: "internal.shop" })),
      "internal.shop eu-west-1.compute.internal",
    );
    assert.equal(regionDomain("us-east-1"), "ec2.internal", "us-east-1 names its instances apart");
  });

  it("honours a cluster name, namespace, insights setting and Spot-first strategy", async () => {
    const run = await deploy({
      clusterName: "shop-prod",
      namespaceName: "internal.shop",
      containerInsights: "enabled",
      defaultCapacityProviderStrategy: [
        { capacityProvider: "FARGATE_SPOT", weight: 3 },
        { capacityProvider: "FARGATE", weight: 1, base: 2 },
      ],
    });
    const cluster = byName(run, "shop-cluster", t.ecsCluster).inputs;
    assert.equal(cluster.name, "shop-prod");
    assert.deepEqual(cluster.settings, [{ name: "containerInsights", value: "enabled" }]);
    assert.equal(byName(run, "shop-namespace", t.namespace).inputs.name, "internal.shop");
    const strategy = [
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
      { capacityProvider: "FARGATE", weight: 1, base: 2 },
    ];
    assert.deepEqual(
      byName(run, "shop-capacity-providers", t.clusterCapacityProviders).inputs
        .defaultCapacityProviderStrategies,
      strategy,
    );
    assert.deepEqual((run.outputs.context as Record<string, unknown>).capacityProviderStrategy, strategy);
  });

  it("adds EC2 capacity: ECS-optimised AMI by SSM, IMDSv2, encrypted root, joining the cluster, scaled by ECS", async () => {
    const capture = new OptionsCapture();
    const run = await deploy(
      {
        ec2: { instanceType: "m7i.large", min: 1, max: 4 },
        defaultCapacityProviderStrategy: [{ capacityProvider: "EC2", weight: 1 }],
      },
      capture,
    );
    const template = byName(run, "shop-ec2-template", t.launchTemplate).inputs;
    assert.equal(
      template.imageId,
      "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    );
    assert.ok(!invoked.some((tok) => tok.includes("ssm") || tok.includes("Ami")), "no AMI lookup");
    assert.equal(template.instanceType, "m7i.large");
    assert.deepEqual(template.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    assert.deepEqual(template.blockDeviceMappings, [
      {
        deviceName: "/dev/xvda",
        ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 30, deleteOnTermination: "true" },
      },
    ]);
    assert.deepEqual(template.iamInstanceProfile, {
      arn: "arn:aws:iam::123456789012:instance-profile/shop-ec2-profile",
    });
    assert.deepEqual(template.vpcSecurityGroupIds, ["shop-ec2-id"]);
    const userData = Buffer.from(template.userData as string, "base64").toString();
    assert.match(userData, /^#!\/bin\/bash\n/);
    assert.match(userData, /^ECS_CLUSTER=shop$/m);
    assert.match(userData, /^ECS_AWSVPC_BLOCK_IMDS=true$/m);

    const role = byName(run, "shop-ec2-role", t.role).inputs;
    assert.deepEqual(JSON.parse(role.assumeRolePolicy as string).Statement[0].Principal, {
      Service: "ec2.amazonaws.com",
    });
    assert.deepEqual(byName(run, "shop-ec2-ecs-policy", t.rolePolicyAttachment).inputs, {
      role: "shop-ec2-role-1a2b3c",
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    });
    assert.equal(byName(run, "shop-ec2-profile", t.instanceProfile).inputs.role, "shop-ec2-role-1a2b3c");

    const asg = byName(run, "shop-ec2-asg", t.autoscalingGroup).inputs;
    assert.deepEqual(
      [asg.minSize, asg.maxSize, asg.desiredCapacity, asg.protectFromScaleIn],
      [1, 4, 1, true],
    );
    assert.deepEqual(asg.vpcZoneIdentifiers, ["shop-private-0-id", "shop-private-1-id"], "private subnets");
    assert.deepEqual(asg.launchTemplate, { id: "shop-ec2-template-id", version: "$Latest" });
    assert.ok(
      (asg.tags as { key: string }[]).some((tag) => tag.key === "AmazonECSManaged"),
      "carries the tag ECS puts on groups it scales",
    );
    assert.deepEqual(capture.optionsOf("shop-ec2-asg").ignoreChanges, ["desiredCapacity"]);
    assert.deepEqual(capture.dependsOnOf("shop-ec2-asg"), ["shop-cluster", "shop-ec2-ecs-policy"]);

    const capacity = byName(run, "shop-ec2-capacity", t.capacityProvider).inputs;
    assert.deepEqual(capacity.autoScalingGroupProvider, {
      autoScalingGroupArn:
        "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:0f1e2d3c:autoScalingGroupName/shop-ec2-asg",
      managedScaling: { status: "ENABLED", targetCapacity: 100 },
      managedTerminationProtection: "ENABLED",
      managedDraining: "ENABLED",
    });
    const providers = byName(run, "shop-capacity-providers", t.clusterCapacityProviders).inputs;
    assert.deepEqual(providers.capacityProviders, ["FARGATE", "FARGATE_SPOT", "shop-ec2-capacity-a1b2c3"]);
    assert.deepEqual(providers.defaultCapacityProviderStrategies, [
      { capacityProvider: "shop-ec2-capacity-a1b2c3", weight: 1 },
    ]);
    const context = run.outputs.context as Record<string, unknown>;
    assert.equal(context.hasEc2Capacity, true);
    assert.deepEqual(context.capacityProviderStrategy, [
      { capacityProvider: "shop-ec2-capacity-a1b2c3", weight: 1 },
    ]);
  });

  it("opens no port to anyone: no ingress rule at all, inline or not; egress only", async () => {
    const run = await deploy({ ec2: { instanceType: "t3.large", min: 0, max: 2, desired: 1 } });
    assert.deepEqual(names(run, t.ingress), []);
    for (const g of ofType(run, t.securityGroup)) {
      assert.equal(g.inputs.ingress, undefined, `${g.name} has no inline ingress`);
      assert.equal(g.inputs.egress, undefined, `${g.name} has no inline egress to fight the rule resources`);
    }
    const everything = (r: RecordedResource) => JSON.stringify(r.inputs);
    for (const r of run.resources.filter((x) => x.type !== t.egress && x.type !== t.route))
      assert.ok(!everything(r).includes("0.0.0.0/0"), `${r.name} mentions no open CIDR`);
    assert.deepEqual(
      ofType(run, t.egress).map((r) => [
        r.name,
        r.inputs.securityGroupId,
        r.inputs.ipProtocol,
        r.inputs.cidrIpv4,
      ]),
      [
        ["shop-ec2-egress", "shop-ec2-id", "-1", "0.0.0.0/0"],
        ["shop-tasks-egress", "shop-tasks-id", "-1", "0.0.0.0/0"],
      ],
    );
    assert.equal(byName(run, "shop-ec2-asg", t.autoscalingGroup).inputs.desiredCapacity, 1);
  });

  it("previews with nothing known yet, making the same graph", async () => {
    const preview = await runProgram(
      () => new EcsCluster("shop", { ec2: { instanceType: "t3.large", min: 0, max: 2 } }),
      {
        preview: true,
        mockResource: awsMockResource,
        mockInvoke,
      },
    );
    const up = await deploy({ ec2: { instanceType: "t3.large", min: 0, max: 2 } });
    const graph = (run: ProgramRun) => run.resources.map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(graph(preview), graph(up));
  });

  it("refuses bad counts, CIDRs and names, listing every problem, with suggestions for unknown fields", async () => {
    const err = await refusal({
      availabilityZones: 4,
      cidrBlock: "10.0.0.0/27",
      natGateway: "single",
      logRetentionDays: 31,
      containerInsights: "on",
      clusterName: "shop prod",
    });
    assert.deepEqual(issueLines(err), [
      'natGateway: unknown field; did you mean "natGateways"?',
      'clusterName: "shop prod" is not an ECS cluster name: letters, digits, - and _, at most 255',
      'namespaceName: "shop prod.local" is not a DNS name (lowercase letters, digits and -, dot-separated); set namespaceName',
      "cidrBlock: /27 is too small: it is cut in 8 subnets of at least /28, so it must be /25 or larger, e.g. /16",
      "availabilityZones: must be 2 or 3, not 4",
      'containerInsights: must be "enabled", "enhanced" or "disabled", not "on"',
      "logRetentionDays: must be a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, ... 3653 days), not 31",
    ]);
    assert.equal(err.message.split("\n")[0], "EcsCluster shop:");
  });

  it("refuses a plain-HTTP opt-in that is no boolean and an init image not pinned by digest", async () => {
    assert.deepEqual(
      issueLines(
        await refusal({
          allowPlainHttp: "yes",
          initImage: "public.ecr.aws/docker/library/busybox:1.36",
        }),
      ),
      [
        'allowPlainHttp: must be true or false, not "yes"',
        'initImage: "public.ecr.aws/docker/library/busybox:1.36" must be pinned by digest: <repository>@sha256:<64 hex digits>',
      ],
    );
    assert.deepEqual(issueLines(await refusal({ initImage: "Bad Image@sha256:1" })), [
      'initImage: "Bad Image@sha256:1" is not an image reference: digest "sha256:1" is not of the form algorithm:hex (e.g. sha256:<64 hex digits>)',
    ]);
  });

  it("refuses a malformed or misaligned CIDR block and repeated zone names", async () => {
    assert.deepEqual(issueLines(await refusal({ cidrBlock: "10.0.0/16", availabilityZones: ["a", "a"] })), [
      'cidrBlock: must be an IPv4 CIDR block such as "10.0.0.0/16", not "10.0.0/16"',
      'availabilityZones: names "a" more than once',
    ]);
    assert.deepEqual(issueLines(await refusal({ cidrBlock: "10.0.1.0/16" })), [
      'cidrBlock: "10.0.1.0/16" has host bits set; did you mean "10.0.0.0/16"?',
    ]);
    assert.deepEqual(issueLines(await refusal({ cidrBlock: "10.0.0.0/8" })), [
      "cidrBlock: /8 is larger than a VPC may be: use /16 to /25",
    ]);
  });

  it("refuses EC2 capacity with min above max, a missing type, and strategies ECS would refuse", async () => {
    const err = await refusal({
      ec2: { min: 3, max: 2, desired: 1, instanceTyp: "m7i.large" },
      defaultCapacityProviderStrategy: [
        { capacityProvider: "EC2", weight: 1, base: 1 },
        { capacityProvider: "FARGATE_SPTO", weight: 1, base: 1 },
        { capacityProvider: "FARGATE", weight: -1 },
      ],
    });
    assert.deepEqual(issueLines(err), [
      'ec2.instanceTyp: unknown field; did you mean "instanceType"?',
      "ec2.instanceType: is required",
      "ec2.min: is more than ec2.max (3 > 2)",
      'defaultCapacityProviderStrategy[1].capacityProvider: must be FARGATE, FARGATE_SPOT or EC2, not "FARGATE_SPTO"; did you mean "FARGATE_SPOT"?',
      "defaultCapacityProviderStrategy[2].weight: must be a whole number from 0 to 1000, not -1",
      "defaultCapacityProviderStrategy: only one entry may have a base",
      "defaultCapacityProviderStrategy: cannot mix EC2 with FARGATE or FARGATE_SPOT: ECS takes only one kind in a strategy",
    ]);
    assert.deepEqual(
      issueLines(await refusal({ defaultCapacityProviderStrategy: [{ capacityProvider: "EC2" }] })),
      ["defaultCapacityProviderStrategy[0].capacityProvider: EC2 needs EC2 capacity: give ec2"],
    );
    assert.deepEqual(
      issueLines(await refusal({ ec2: { instanceType: "t3.large", min: 0, max: 2 } }, "ecs-main")),
      [
        'name: ECS refuses capacity provider names that start with aws, ecs or fargate, and the EC2 capacity provider is named after the component ("ecs-main-ec2-capacity-..."): rename it',
      ],
    );
  });

  it("refuses a partial network, and VPC settings given with one", async () => {
    const err = await refusal({
      network: { vpcId: "vpc-9", privateSubnetIds: [], publicSubnets: ["subnet-q1"] },
      cidrBlock: "10.1.0.0/16",
      natGateways: "single",
    });
    assert.deepEqual(issueLines(err), [
      'network.publicSubnets: unknown field; did you mean "publicSubnetIds"?',
      "network.privateSubnetIds: must list at least one subnet",
      "network.publicSubnetIds: is required with network",
      "cidrBlock: shapes a new VPC and cannot be given with network (an existing one)",
      "natGateways: shapes a new VPC and cannot be given with network (an existing one)",
    ]);
    assert.deepEqual(
      issueLines(await refusal({ network: { privateSubnetIds: ["s"], publicSubnetIds: ["p"] } })),
      ["network.vpcId: is required with network"],
    );
  });

  it("gives Graviton capacity the arm64 ECS-optimised AMI, and refuses an instance type of another architecture", async () => {
    const armImage =
      "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";
    const implied = await deploy({ ec2: { instanceType: "m7g.large", min: 1, max: 2 } });
    assert.equal(byName(implied, "shop-ec2-template", t.launchTemplate).inputs.imageId, armImage);
    const stated = await deploy({
      ec2: { instanceType: "c7g.xlarge", min: 1, max: 2, architecture: "arm64" },
    });
    assert.equal(byName(stated, "shop-ec2-template", t.launchTemplate).inputs.imageId, armImage);
    const err = await refusal({ ec2: { instanceType: "m7i.large", min: 1, max: 2, architecture: "arm64" } });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["ec2.instanceType"],
    );
    assert.match(err.issues[0].message, /^"m7i.large" is an amd64 type, but ec2.architecture is "arm64"/);
    const odd = await refusal({ ec2: { instanceType: "m7i.large", min: 1, max: 2, architecture: "x86" } });
    assert.deepEqual(issueLines(odd), ['ec2.architecture: must be "amd64" or "arm64", not "x86"']);
  });
});
