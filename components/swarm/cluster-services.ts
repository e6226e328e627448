import type * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, StackDeployment, StackRequest, Workload, WorkloadRequest } from "../cluster";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import type { TenantPlacement, TenantRequest } from "../tenant-contract";
import { SwarmNetwork, type SwarmNetworkArgs } from "../../provider/swarm";
import type { SwarmEngineAccess } from "./engine-access";
import { SwarmWorkload } from "./workload";

/** The overlay network every service of the cluster joins, so they reach each other by name. */
export interface DefaultNetworkOptions {
  /**
   * Create no default network; services join only the networks they name.
   * @default false
   */
  skip?: boolean;
  /** @default name `<cluster>-default`, not attachable, not internal, not encrypted */
  args?: Pick<SwarmNetworkArgs, "name" | "attachable" | "internal" | "encrypted" | "labels">;
}

/** A swarm cluster's default network (`<cluster>-default`), or none when `options.skip`. */
export function createDefaultNetwork(
  cluster: string,
  options: DefaultNetworkOptions | undefined,
  engine: SwarmEngineAccess,
  parent: pulumi.Resource,
): SwarmNetwork | undefined {
  if (options?.skip) return undefined;
  return new SwarmNetwork(
    `${cluster}-default`,
    { name: `${cluster}-default`, ...options?.args, connection: engine.connection, component: cluster },
    { parent, dependsOn: engine.ready },
  );
}

/** A portable service on a swarm cluster, joined to its default network: what `deployWorkload` does. */
export function deploySwarmWorkload(
  name: string,
  request: WorkloadRequest,
  parent: pulumi.Resource,
  engine: SwarmEngineAccess,
  defaultNetwork: SwarmNetwork | undefined,
): Workload {
  return new SwarmWorkload(
    name,
    {
      request,
      connection: engine.connection,
      clusterNetworks: defaultNetwork ? [defaultNetwork.name] : [],
      publicHost: engine.publicHost,
      logging: engine.logging,
    },
    { parent, dependsOn: engine.ready },
  );
}

/** A Compose stack on a swarm: what `deployStack` does. */
export function deployStackOnSwarm(
  name: string,
  request: StackRequest,
  parent: pulumi.ComponentResource,
  engine: SwarmEngineAccess,
): StackDeployment {
  // Loaded on use: programs without a Compose stack never load the stack's modules.
  const { deploySwarmStack } = require("./stack") as typeof import("./stack");
  return deploySwarmStack(name, request, parent, engine);
}

/** Monitoring on a swarm: what `deployMonitoring` does. */
export function deployMonitoringOnSwarm(
  name: string,
  request: MonitoringRequest,
  parent: pulumi.ComponentResource,
  cluster: ServiceCluster,
  defaultNetwork: SwarmNetwork | undefined,
): MonitoringDeployment {
  // Loaded on use: programs without monitoring never load its modules.
  const { deploySwarmMonitoring } = require("./monitoring") as typeof import("./monitoring");
  return deploySwarmMonitoring(name, request, parent, { cluster, defaultNetwork: defaultNetwork?.name });
}

/** A tenant's room on a swarm: what `deployTenant` does. */
export function deployTenantOnSwarm(
  name: string,
  request: TenantRequest,
  parent: pulumi.ComponentResource,
  cluster: ServiceCluster,
  engine: SwarmEngineAccess,
): TenantPlacement {
  const { deploySwarmTenant } = require("./tenant") as typeof import("./tenant");
  return deploySwarmTenant(name, request, parent, cluster, engine);
}
