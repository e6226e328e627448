import * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, StackSupport, Workload, WorkloadRequest } from "../cluster";
import type { NormalizedService, SpecIssue } from "../spec";
import { SpecError } from "../spec/errors";
import {
  type TenantPlacement,
  type TenantRequest,
  tenantPoolLabel,
  tenantReservation,
} from "../tenant-contract";
import { SwarmNetwork } from "../../provider/swarm";
import { TenantArgumentsError } from "../tenant/tenant-args";
import { deploySwarmWorkload } from "./cluster-services";
import type { SwarmEngineAccess } from "./engine-access";

/** A stack on a tenant of a swarm: one service at a time, on the tenant's network. */
export const swarmTenantStackSupport: StackSupport = {
  oneNetwork: "a tenant's services share the tenant's own network",
  namedVolumes: { kind: "node-volumes" },
  namesPortlessServices: true,
};

/** The tenants of each swarm in this program, by the name of their network. */
const tenantNetworks = new WeakMap<object, Map<string, string>>();

/** The overlay network of a tenant: `tenant-<name>`. */
export const tenantNetworkName = (tenant: string): string => `tenant-${tenant}`;

/** A tenant's service as it runs: prefixed, on the tenant's network under its own name too, placed, reserved. */
function tenantService(
  service: NormalizedService,
  request: TenantRequest,
  network: string,
): NormalizedService {
  const prefix = `${request.name}-`;
  const name = service.name.startsWith(prefix) ? service.name : `${prefix}${service.name}`;
  const { resources } = service;
  const reservations = {
    ...resources.reservations,
    ...tenantReservation(resources.reservations, request.limits, {
      cpu: resources.cpu ?? Infinity,
      memory: resources.memory ?? Infinity,
    }),
  };
  const pool = request.nodePool;
  return {
    ...service,
    name,
    resources: { ...resources, reservations },
    // The tenant's services reach each other by their own names on the tenant's network.
    networkAliases: {
      ...service.networkAliases,
      [network]: [...new Set([...(service.networkAliases[network] ?? []), service.name])],
    },
    placement: pool
      ? {
          ...service.placement,
          constraints: [
            ...service.placement.constraints,
            { attribute: `node.labels.${tenantPoolLabel}`, operator: "==", value: pool },
          ],
        }
      : service.placement,
  };
}

/** What a tenant's service may not do on a swarm: run unlimited, or join another tenant's network. */
function swarmTenantIssues(
  service: NormalizedService,
  tenant: string,
  networks: Map<string, string>,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (service.resources.cpu === undefined)
    issues.push({
      path: "resources.cpu",
      message: `tenant ${tenant}: a service on a swarm needs a CPU limit (Swarm has no default to give it)`,
    });
  if (service.resources.memory === undefined)
    issues.push({
      path: "resources.memory",
      message: `tenant ${tenant}: a service on a swarm needs a memory limit (Swarm has no default to give it)`,
    });
  service.networks.forEach((network, i) => {
    const owner = networks.get(network);
    if (owner !== undefined && owner !== tenant)
      issues.push({
        path: `networks[${i}]`,
        message: `tenant ${tenant}: ${network} is tenant ${owner}'s network`,
      });
  });
  return issues;
}

/**
 * Makes room on a swarm for a tenant: an encrypted overlay network that only its services join (they
 * join it instead of the cluster's default network), service names prefixed with the tenant, placement
 * on its node pool, limits required and reservations defaulted, so that Swarm reserves what the
 * tenant's quota counts.
 */
export function deploySwarmTenant(
  name: string,
  request: TenantRequest,
  parent: pulumi.ComponentResource,
  cluster: ServiceCluster,
  engine: SwarmEngineAccess,
): TenantPlacement {
  if (request.gitops)
    throw new TenantArgumentsError(name, [
      {
        path: "gitops",
        message: "is for Kubernetes clusters: Argo CD deploys to Kubernetes, not to a swarm",
      },
    ]);
  const networkName = tenantNetworkName(request.name);
  const known = tenantNetworks.get(cluster) ?? new Map<string, string>();
  tenantNetworks.set(cluster, known);
  if (known.has(networkName))
    throw new pulumi.ResourceError(
      `Tenant ${name}: the cluster already has a tenant named ${request.name}`,
      parent,
    );
  known.set(networkName, request.name);
  const network = new SwarmNetwork(
    networkName,
    {
      name: networkName,
      encrypted: true,
      attachable: false,
      labels: { "berth.tenant": request.name },
      connection: engine.connection,
      component: name,
    },
    { parent, dependsOn: engine.ready },
  );
  return {
    stackSupport: swarmTenantStackSupport,
    serviceHost: (serviceName) => pulumi.output(serviceName),
    deployWorkload(service: string, workload: WorkloadRequest, owner: pulumi.Resource): Workload {
      const issues = swarmTenantIssues(workload.preview, request.name, known);
      if (issues.length > 0) throw new SpecError(workload.preview.name, issues);
      const placed = (s: NormalizedService) => tenantService(s, request, networkName);
      return deploySwarmWorkload(
        service,
        { ...workload, preview: placed(workload.preview), service: workload.service.apply(placed) },
        owner,
        engine,
        network,
      );
    },
  };
}
