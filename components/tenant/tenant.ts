import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials, ServiceCluster, Workload, WorkloadRequest } from "../cluster";
import { SpecError } from "../spec/errors";
import type { TenantPlacement, TenantRequest } from "../tenant-contract";
import { deployTenantRegistry } from "./registry";
import { type TenantArgs, TenantArgumentsError, tenantRequest } from "./tenant-args";
import { quotaIssues, serviceUsage, type TenantUsage } from "./usage";

/**
 * A team's share of a cluster, and itself a cluster: services deployed on a tenant land in its room and
 * obey its rules, exactly as on the cluster (`new ContainerService("api", { cluster: tenant, ... })`).
 * - Kubernetes: the tenant's namespaces with Pod Security `restricted` enforced, a ResourceQuota, a
 *   LimitRange, a default-deny NetworkPolicy (DNS and the tenant's own traffic allowed), its owners'
 *   role bindings and its pull secret.
 * - Swarm: an encrypted overlay network of its own that its services join instead of the cluster's,
 *   service names prefixed with the tenant, placement on its node pool, resource limits on every service.
 * - ECS has no tenancy inside a cluster: give each tenant its own `EcsCluster`.
 *
 * Every service is checked against the tenant's quota and limits at preview, with the numbers.
 *
 * @throws {@link TenantArgumentsError} for wrong arguments, listing each, before anything is created.
 */
export class Tenant extends pulumi.ComponentResource implements ServiceCluster {
  /** The target of the cluster the tenant is on. */
  readonly target: ServiceCluster["target"];
  /** The tenant's name. */
  readonly tenantName: string;
  /**
   * What the tenant's Compose stacks may hold. A stack on a tenant is deployed one service at a time
   * through {@link deployWorkload}, so that each service is checked against the tenant's quota.
   */
  readonly stackSupport?: ServiceCluster["stackSupport"];
  /** The tenant's arguments, checked. */
  readonly request: TenantRequest;
  /** The tenant's Harbor project, with a Harbor `registry`. */
  readonly registryProject?: pulumi.Output<string>;
  /** The push robot's credentials, for the tenant's CI, with a Harbor `registry`. Secret. */
  readonly pushCredentials?: pulumi.Output<RegistryCredentials>;
  readonly #placement: TenantPlacement;
  readonly #usage: TenantUsage = { services: 0, tasks: 0, cpu: 0, memory: 0 };

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:tenant:Tenant", name, {}, opts);
    const checked = tenantRequest(name, args);
    // The registry's pull credentials, made once the cluster has accepted the tenant.
    const pullAuth =
      args.registry !== undefined && checked.registryAuth === undefined
        ? pulumi.deferredOutput<RegistryCredentials>()
        : undefined;
    this.request = pullAuth ? { ...checked, registryAuth: pullAuth[0] } : checked;
    const cluster = args.cluster;
    if (!cluster.deployTenant)
      throw new TenantArgumentsError(name, [
        {
          path: "cluster",
          message:
            cluster.target === "ecs"
              ? "an ECS cluster has no tenancy inside it (services of one cluster share its capacity, network and registry access): give each tenant its own EcsCluster, with its own task roles and security groups"
              : `a ${cluster.target} cluster of this kind cannot hold tenants`,
        },
      ]);
    this.target = cluster.target;
    this.tenantName = name;
    this.#placement = cluster.deployTenant(name, this.request, this);
    this.stackSupport = this.#placement.stackSupport;
    if (args.registry) {
      const room = deployTenantRegistry(this.request, args.registry, this);
      pullAuth?.[1](room.pullCredentials);
      this.registryProject = room.project;
      this.pushCredentials = room.pushCredentials;
    }
    this.registerOutputs({ registryProject: this.registryProject, pushCredentials: this.pushCredentials });
  }

  /**
   * Checks the service against the tenant's limits and quota, counts it, and deploys it in the tenant's room.
   * @throws SpecError with the numbers when the service asks for more than the tenant allows.
   */
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload {
    const { usage, issues } = serviceUsage(request.preview, this.request.limits);
    issues.push(...quotaIssues(usage, this.#usage, this.request.quota));
    if (issues.length > 0)
      throw new SpecError(
        request.preview.name,
        issues.map((i) => ({ ...i, message: `tenant ${this.tenantName}: ${i.message}` })),
      );
    this.#usage.services += 1;
    this.#usage.tasks += usage.tasks;
    this.#usage.cpu += usage.cpu;
    this.#usage.memory += usage.memory;
    return this.#placement.deployWorkload(
      name,
      { ...request, registryAuth: request.registryAuth ?? this.request.registryAuth },
      parent,
    );
  }

  /** The name the tenant's other services reach a service by. */
  serviceHost(serviceName: string): pulumi.Output<string> {
    return this.#placement.serviceHost(serviceName);
  }
}
