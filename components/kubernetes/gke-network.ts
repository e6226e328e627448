import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import {
  defaultNodesCidr,
  defaultPodsCidr,
  defaultServicesCidr,
  type GkeClusterArgs,
  type GkePlacement,
} from "./gke-args";

/** Where a GKE cluster's nodes, pods and Services get their addresses. */
export interface GkeNetwork {
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  ipAllocationPolicy: gcp.types.input.container.ClusterIpAllocationPolicy;
  /** What nodes must wait for before they can reach the internet (the Cloud NAT), if Berth made it. */
  ready: pulumi.Resource[];
}

/** The flow logs of a subnetwork Berth makes: half of the flows, every 5 seconds, with all metadata. */
export const subnetworkFlowLogs = {
  aggregationInterval: "INTERVAL_5_SEC",
  flowSampling: 0.5,
  metadata: "INCLUDE_ALL_METADATA",
};

/** The names of the secondary ranges of a subnetwork Berth makes. */
export const podsRangeName = "pods";
export const servicesRangeName = "services";

interface Children {
  sdk: typeof gcp;
  name: string;
  parent: pulumi.Resource;
  placement: GkePlacement;
}

/** An existing network: its secondary ranges by name, or new ones GKE makes (of the given sizes). */
export function existingGkeNetwork(
  network: NonNullable<GkeClusterArgs["network"]>,
  args: GkeClusterArgs,
): GkeNetwork {
  const ipAllocationPolicy =
    network.podsRangeName !== undefined
      ? {
          clusterSecondaryRangeName: network.podsRangeName,
          servicesSecondaryRangeName: network.servicesRangeName,
        }
      : {
          ...(args.podsCidr !== undefined && { clusterIpv4CidrBlock: args.podsCidr }),
          ...(args.servicesCidr !== undefined && { servicesIpv4CidrBlock: args.servicesCidr }),
        };
  return { network: network.network, subnetwork: network.subnetwork, ipAllocationPolicy, ready: [] };
}

/**
 * A new network with one subnetwork for the nodes (secondary ranges for pods and Services, Private
 * Google Access so that private nodes reach Google's APIs and Artifact Registry, VPC flow logs) and, for private
 * nodes, a Cloud Router with a Cloud NAT so that they can pull images from public registries.
 */
export function newGkeNetwork(c: Children, args: GkeClusterArgs): GkeNetwork {
  const { sdk, name, placement } = c;
  const child = { parent: c.parent };
  const { project, region } = placement;
  const network = new sdk.compute.Network(
    `${name}-network`,
    {
      project,
      autoCreateSubnetworks: false,
      description: `GKE cluster ${name}: nodes, pods and Services`,
    },
    child,
  );
  const subnetwork = new sdk.compute.Subnetwork(
    `${name}-nodes`,
    {
      project,
      region,
      network: network.id,
      ipCidrRange: args.nodesCidr ?? defaultNodesCidr,
      privateIpGoogleAccess: true,
      // VPC flow logs: a sample of the nodes' and pods' connections, for investigation and audit.
      logConfig: subnetworkFlowLogs,
      secondaryIpRanges: [
        { rangeName: podsRangeName, ipCidrRange: args.podsCidr ?? defaultPodsCidr },
        { rangeName: servicesRangeName, ipCidrRange: args.servicesCidr ?? defaultServicesCidr },
      ],
    },
    child,
  );
  const ready: pulumi.Resource[] = [];
  if (args.privateNodes !== false) {
    const router = new sdk.compute.Router(`${name}-router`, { project, region, network: network.id }, child);
    ready.push(
      new sdk.compute.RouterNat(
        `${name}-nat`,
        {
          project,
          region,
          router: router.name,
          natIpAllocateOption: "AUTO_ONLY",
          sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
          subnetworks: [{ name: subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
          logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        child,
      ),
    );
  }
  return {
    network: network.id,
    subnetwork: subnetwork.id,
    ipAllocationPolicy: {
      clusterSecondaryRangeName: podsRangeName,
      servicesSecondaryRangeName: servicesRangeName,
    },
    ready,
  };
}
