/**
 * What a tenant's service asks of its namespace's ResourceQuota, made explicit so that the cluster counts
 * what Berth counted at preview, and the Kubernetes objects it adds to the tenant's count.
 */
import type { NormalizedService, SpecIssue } from "../spec";
import { renderKubernetes } from "../spec/render/kubernetes";
import { formatCpu, formatMemory } from "../spec/units";
import {
  type NormalizedTenantLimits,
  type NormalizedTenantQuota,
  tenantReservation,
} from "../tenant-contract";

/**
 * The service with its limits and requests written out as the tenant counts them: a limit it does not
 * name is the tenant's default (raised to its own request, which a limit may not be below), a request it
 * does not name is the tenant's default request, never above the limit. Without this, Kubernetes would
 * take an unnamed request to equal the limit, and the quota would count more than Berth did.
 */
export function withTenantResources(n: NormalizedService, limits: NormalizedTenantLimits): NormalizedService {
  const { reservations } = n.resources;
  const cpu = n.resources.cpu ?? Math.max(limits.defaultCpu, reservations.cpu ?? 0);
  const memory = n.resources.memory ?? Math.max(limits.defaultMemory, reservations.memory ?? 0);
  return {
    ...n,
    resources: {
      ...n.resources,
      cpu,
      memory,
      reservations: {
        ...reservations,
        ...tenantReservation(reservations, limits, { cpu, memory }),
      },
    },
  };
}

/**
 * A limit made explicit above the tenant's per-container maximum: only a request above the maximum
 * does that (the tenant's accounting has already refused a limit above it).
 */
export function explicitLimitIssues(n: NormalizedService, limits: NormalizedTenantLimits): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { cpu, memory } = n.resources.reservations;
  if (limits.maxCpu !== undefined && cpu !== undefined && cpu > limits.maxCpu)
    issues.push({
      path: "resources.reservations.cpu",
      message: `${formatCpu(cpu)} CPU reserved is more than the tenant's limit of ${formatCpu(limits.maxCpu)} per container`,
    });
  if (limits.maxMemory !== undefined && memory !== undefined && memory > limits.maxMemory)
    issues.push({
      path: "resources.reservations.memory",
      message: `${formatMemory(memory)} of memory reserved is more than the tenant's limit of ${formatMemory(limits.maxMemory)} per container`,
    });
  return issues;
}

/** The Kubernetes Services a tenant's services have made so far, and how many are load balancers. */
export interface KubernetesServiceCount {
  services: number;
  loadBalancers: number;
}

/**
 * The Services (ClusterIP, headless and LoadBalancer) the service renders in a tenant's namespace, and
 * its load balancers.
 * @throws `SpecError` for every field the tenant's namespace cannot run, as the workload would.
 */
export function renderedServices(n: NormalizedService): KubernetesServiceCount {
  const services = renderKubernetes(n, { podSecurity: "restricted", onIgnored: () => undefined }).filter(
    (o) => o.kind === "Service",
  );
  return {
    services: services.length,
    loadBalancers: services.filter((s) => (s as { spec?: { type?: string } }).spec?.type === "LoadBalancer")
      .length,
  };
}

/**
 * Every way the service's Kubernetes Services take the tenant over its `services` and `loadBalancers`
 * quota (the cluster counts Service objects: a service with public ports has two), with the numbers.
 */
export function serviceObjectIssues(
  added: KubernetesServiceCount,
  before: KubernetesServiceCount,
  quota: NormalizedTenantQuota,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const check = (field: keyof KubernetesServiceCount, limit: number | undefined, what: string) => {
    if (limit === undefined || before[field] + added[field] <= limit) return;
    issues.push({
      path: "ports",
      message: `makes ${added[field]} Kubernetes ${what}; with the tenant's other services (${before[field]}) that is ${before[field] + added[field]}, over its quota of ${limit}`,
    });
  };
  check("services", quota.services, "Services");
  check("loadBalancers", quota.loadBalancers, "LoadBalancer Services");
  return issues;
}
