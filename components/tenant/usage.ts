import type { NormalizedService, SpecIssue } from "../spec";
import { formatCpu, formatMemory } from "../spec/units";
import {
  type NormalizedTenantLimits,
  type NormalizedTenantQuota,
  tenantReservation,
} from "../tenant-contract";

/** What one service of a tenant asks for, all its tasks together, as the quota counts it. */
export interface ServiceUsage {
  /** Tasks counted: replicas, the autoscaler's maximum, or one for a global service or a job. */
  tasks: number;
  /** Millicores reserved (requested) by all tasks. */
  cpu: number;
  /** Bytes reserved (requested) by all tasks. */
  memory: number;
}

/** The tasks a service counts for: most it may run (autoscale's max), one per global service. */
export function countedTasks(service: NormalizedService): number {
  if (service.mode !== "replicated") return 1;
  return Math.max(service.replicas, service.autoscale?.max ?? 0);
}

/**
 * What a service asks of its tenant, and every way it breaks the tenant's per-container maximums. A
 * task's reservation is its own, else the tenant's default request.
 */
export function serviceUsage(
  service: NormalizedService,
  limits: NormalizedTenantLimits,
): { usage: ServiceUsage; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const { resources } = service;
  const cpuLimit = resources.cpu ?? limits.defaultCpu;
  const memoryLimit = resources.memory ?? limits.defaultMemory;
  if (limits.maxCpu !== undefined && cpuLimit > limits.maxCpu)
    issues.push({
      path: "resources.cpu",
      message: `${formatCpu(cpuLimit)} CPU is more than the tenant's limit of ${formatCpu(limits.maxCpu)} per container`,
    });
  if (limits.maxMemory !== undefined && memoryLimit > limits.maxMemory)
    issues.push({
      path: "resources.memory",
      message: `${formatMemory(memoryLimit)} of memory is more than the tenant's limit of ${formatMemory(limits.maxMemory)} per container`,
    });
  const tasks = countedTasks(service);
  const { cpu, memory } = tenantReservation(resources.reservations, limits, {
    cpu: cpuLimit,
    memory: memoryLimit,
  });
  return { usage: { tasks, cpu: cpu * tasks, memory: memory * tasks }, issues };
}

/** The tenant's services so far, summed. */
export interface TenantUsage {
  /** Services deployed. */
  services: number;
  /** Tasks counted. */
  tasks: number;
  /** Millicores reserved. */
  cpu: number;
  /** Bytes reserved. */
  memory: number;
}

/**
 * Every way adding `usage` to what the tenant already runs goes over its quota, with the numbers: what
 * the service asks, what the others take, and the quota.
 */
export function quotaIssues(
  usage: ServiceUsage,
  before: TenantUsage,
  quota: NormalizedTenantQuota,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const over = (path: string, what: string, asked: string, others: string, total: string, limit: string) =>
    issues.push({
      path,
      message: `asks for ${asked} ${what}; with the tenant's other services (${others}) that is ${total}, over its quota of ${limit}`,
    });
  if (quota.cpu !== undefined && before.cpu + usage.cpu > quota.cpu)
    over(
      "resources.reservations.cpu",
      "CPU",
      formatCpu(usage.cpu),
      formatCpu(before.cpu),
      formatCpu(before.cpu + usage.cpu),
      formatCpu(quota.cpu),
    );
  if (quota.memory !== undefined && before.memory + usage.memory > quota.memory)
    over(
      "resources.reservations.memory",
      "of memory",
      formatMemory(usage.memory),
      formatMemory(before.memory),
      formatMemory(before.memory + usage.memory),
      formatMemory(quota.memory),
    );
  if (quota.pods !== undefined && before.tasks + usage.tasks > quota.pods)
    over(
      "replicas",
      "tasks",
      String(usage.tasks),
      String(before.tasks),
      String(before.tasks + usage.tasks),
      String(quota.pods),
    );
  if (quota.services !== undefined && before.services + 1 > quota.services)
    issues.push({
      path: "name",
      message: `would be the tenant's service number ${before.services + 1}, over its quota of ${quota.services}`,
    });
  return issues;
}
