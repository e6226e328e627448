/** The VPC an `EcsCluster` runs in: a new one with public and private subnets per zone, or a given one. */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { defaultCidrBlock, EcsClusterError, type EcsNetworkArgs, subnetLayout } from "./cluster-args";
import { providerComputed } from "../mocked-values";

/** What the cluster needs of its network. */
export interface EcsNetwork {
  vpcId: pulumi.Output<string>;
  vpcCidr: pulumi.Output<string>;
  privateSubnetIds: pulumi.Output<string[]>;
  publicSubnetIds: pulumi.Output<string[]>;
}

export interface NewNetworkSettings {
  cidrBlock?: string;
  availabilityZones?: number | string[];
  natGateways?: "perZone" | "single";
}

/** Where the new VPC's names are looked up. */
export interface NetworkNaming {
  /** The Cloud Map namespace, searched first so that tasks resolve each other's bare names. */
  searchDomain: string;
  region: pulumi.Input<string>;
}

/** The domain EC2 gives a region's instances by default; us-east-1 alone has its own. */
export function regionDomain(region: string): string {
  return region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
}

/** What making the cluster's children takes: the SDK, names after the cluster, the parent, tags. */
export interface ChildFactory {
  sdk: typeof aws;
  name: string;
  parent: pulumi.Resource;
  tags: (suffix: string) => Record<string, string>;
}

/** An existing VPC: its CIDR block is looked up, nothing is created. */
export function existingNetwork(c: ChildFactory, network: EcsNetworkArgs): EcsNetwork {
  const vpcId = pulumi.output(network.vpcId);
  return {
    vpcId,
    vpcCidr: c.sdk.ec2.getVpcOutput({ id: vpcId }, { parent: c.parent }).cidrBlock,
    privateSubnetIds: pulumi.output(network.privateSubnetIds),
    publicSubnetIds: pulumi.output(network.publicSubnetIds),
  };
}

/** The zone of each subnet pair: the names given, or the first of the region's that need no opt-in. */
function zoneNames(c: ChildFactory, zones: number | string[]): pulumi.Output<string>[] {
  if (Array.isArray(zones)) return zones.map((z) => pulumi.output(z));
  const available = c.sdk.getAvailabilityZonesOutput(
    { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    { parent: c.parent },
  ).names;
  const region = available.apply((given: string[] | undefined) => {
    const names = given ?? zonesUnderMocks(c.name, zones);
    if (names.length < zones)
      throw new EcsClusterError(
        c.name,
        [
          {
            path: "availabilityZones",
            message: `the region has ${names.length} zones available (${names.join(", ")}), not ${zones}`,
          },
        ],
        c.parent,
      );
    return names;
  });
  return Array.from({ length: zones }, (_, i) => region.apply((names) => names[i]));
}

/** Placeholder zones for a mock that did not answer the zones lookup; in a deployment, an error. */
function zonesUnderMocks(cluster: string, zones: number): string[] {
  return Array.from({ length: zones }, (_, i) => providerComputed(undefined, cluster, `zone-${i}`));
}

/**
 * A new VPC across 2 or 3 zones: per zone a public subnet (routed to an internet gateway) and a private
 * one (routed to a NAT gateway: its zone's, or the single one). Each private subnet has its own route
 * table either way, so switching `natGateways` changes routes only.
 */
export function newNetwork(c: ChildFactory, settings: NewNetworkSettings, naming: NetworkNaming): EcsNetwork {
  const { ec2 } = c.sdk;
  const child = { parent: c.parent };
  const cidrBlock = settings.cidrBlock ?? defaultCidrBlock;
  const zones = zoneNames(c, settings.availabilityZones ?? 2);
  const layout = subnetLayout(cidrBlock, zones.length);
  const vpc = new ec2.Vpc(
    `${c.name}-vpc`,
    // Cloud Map's private DNS names resolve only with both DNS settings on.
    { cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: c.tags("vpc") },
    child,
  );
  // As on a Compose network, `db` must reach the service db: the namespace becomes the VPC's search
  // domain, ahead of the region's own, which instances keep for their host names.
  const dhcp = new ec2.VpcDhcpOptions(
    `${c.name}-dhcp`,
    {
      domainName: pulumi
        .output(naming.region)
        .apply((region) => `${naming.searchDomain} ${regionDomain(region)}`),
      domainNameServers: ["AmazonProvidedDNS"],
      tags: c.tags("dhcp"),
    },
    child,
  );
  new ec2.VpcDhcpOptionsAssociation(`${c.name}-dhcp`, { vpcId: vpc.id, dhcpOptionsId: dhcp.id }, child);
  const gateway = new ec2.InternetGateway(`${c.name}-igw`, { vpcId: vpc.id, tags: c.tags("igw") }, child);
  const publicTable = new ec2.RouteTable(
    `${c.name}-public-routes`,
    { vpcId: vpc.id, tags: c.tags("public-routes") },
    child,
  );
  new ec2.Route(
    `${c.name}-public-internet`,
    { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: gateway.id },
    child,
  );
  const subnet = (kind: "public" | "private", i: number) =>
    new ec2.Subnet(
      `${c.name}-${kind}-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock: layout[kind][i],
        availabilityZone: zones[i],
        mapPublicIpOnLaunch: false,
        tags: c.tags(`${kind}-${i}`),
      },
      child,
    );
  const publicSubnets = zones.map((_, i) => subnet("public", i));
  const privateSubnets = zones.map((_, i) => subnet("private", i));
  publicSubnets.forEach(
    (s, i) =>
      new ec2.RouteTableAssociation(
        `${c.name}-public-${i}-assoc`,
        { subnetId: s.id, routeTableId: publicTable.id },
        child,
      ),
  );

  const natCount = settings.natGateways === "single" ? 1 : zones.length;
  const nats = Array.from({ length: natCount }, (_, i) => {
    const address = new ec2.Eip(
      `${c.name}-nat-${i}-ip`,
      { domain: "vpc", tags: c.tags(`nat-${i}-ip`) },
      child,
    );
    return new ec2.NatGateway(
      `${c.name}-nat-${i}`,
      { allocationId: address.id, subnetId: publicSubnets[i].id, tags: c.tags(`nat-${i}`) },
      // A NAT gateway works only once its subnet's VPC reaches the internet.
      { parent: c.parent, dependsOn: [gateway] },
    );
  });
  privateSubnets.forEach((s, i) => {
    const table = new ec2.RouteTable(
      `${c.name}-private-${i}-routes`,
      { vpcId: vpc.id, tags: c.tags(`private-${i}-routes`) },
      child,
    );
    new ec2.Route(
      `${c.name}-private-${i}-nat`,
      { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[i % natCount].id },
      child,
    );
    new ec2.RouteTableAssociation(
      `${c.name}-private-${i}-assoc`,
      { subnetId: s.id, routeTableId: table.id },
      child,
    );
  });
  return {
    vpcId: vpc.id,
    vpcCidr: vpc.cidrBlock,
    privateSubnetIds: pulumi.all(privateSubnets.map((s) => s.id)),
    publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)),
  };
}
