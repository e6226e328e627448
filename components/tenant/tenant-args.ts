import type { RegistryCredentials, ServiceCluster } from "../cluster";
import type {
  NormalizedTenantLimits,
  NormalizedTenantQuota,
  TenantLimits,
  TenantOwner,
  TenantGitOps,
  TenantQuota,
  TenantRequest,
} from "../tenant-contract";
import type * as pulumi from "@pulumi/pulumi";
import { type AddIssue, isWhole, issueCollector, show, unknownFields } from "../arguments/issues";
import { type ArgumentIssue, ComponentArgumentsError } from "../arguments/error";
import { isDnsLabel } from "../arguments";
import { parseCpu, parseMemory } from "../spec/units";
import { type TenantRegistry, tenantRegistryIssues } from "./registry";

/** Arguments of {@link Tenant}. */
export interface TenantArgs {
  /** The cluster the tenant shares with others: a swarm or a Kubernetes cluster. */
  cluster: ServiceCluster;
  /** Who runs the tenant's services (Kubernetes role bindings in its namespaces). @default none */
  owners?: TenantOwner[];
  /** The most the tenant's services may ask for, all together. @default no quota */
  quota?: TenantQuota;
  /** Per-container defaults and maximums. @default 500m CPU and 512Mi limits, 100m and 128Mi requests */
  limits?: TenantLimits;
  /**
   * Kubernetes: the tenant's namespaces; its services go to the first.
   * @default `[<name>]`
   */
  namespaces?: string[];
  /**
   * Run the tenant's tasks only on nodes labelled `berth.tenant-pool=<nodePool>` (Swarm node label,
   * Kubernetes node label).
   * @default any node
   */
  nodePool?: string;
  /** The tenant's pull credentials (its registry robot), used by every service of the tenant. Secret. */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /**
   * The tenant's room in a registry: a Harbor project of its own (storage quota, pull and push robots,
   * its owners as members), or a read-only deploy token of a GitLab project. Its pull credentials are the
   * tenant's `registryAuth` unless that is given.
   * @default none
   */
  registry?: TenantRegistry;
  /**
   * Kubernetes: an Argo CD project (`GitOpsProject`) named after the tenant, whose Applications may deploy
   * only from `repositories` and only to the tenant's namespaces.
   * @default none
   */
  gitops?: TenantGitOps;
}

/** `Tenant`'s arguments are wrong: `issues` lists each, with its field. */
export class TenantArgumentsError extends ComponentArgumentsError {
  constructor(name: string, issues: ArgumentIssue[]) {
    super("Tenant", name, issues);
  }
}

const quotaFields = [
  "cpu",
  "memory",
  "pods",
  "services",
  "loadBalancers",
  "storage",
  "persistentVolumeClaims",
] as const;
const limitFields = [
  "defaultCpu",
  "defaultMemory",
  "defaultCpuRequest",
  "defaultMemoryRequest",
  "maxCpu",
  "maxMemory",
] as const;

function cpu(value: unknown, path: string, add: AddIssue): number | undefined {
  if (value === undefined) return undefined;
  const millicores = parseCpu(value);
  if (millicores === undefined || millicores <= 0)
    add(path, `${show(value)} is not an amount of CPU such as 2 or "500m"`);
  return millicores;
}

function memory(value: unknown, path: string, add: AddIssue): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseMemory(value);
  if (bytes === undefined || bytes <= 0)
    add(path, `${show(value)} is not an amount of memory such as "512Mi" or "4Gi"`);
  return bytes;
}

function count(value: unknown, path: string, add: AddIssue): number | undefined {
  if (value === undefined) return undefined;
  if (!isWhole(value, 0)) add(path, `${show(value)} is not a whole number`);
  return value as number;
}

function normalizeQuota(quota: TenantQuota | undefined, add: AddIssue): NormalizedTenantQuota {
  const q = quota ?? {};
  unknownFields(q, quotaFields, "quota.", add);
  return {
    cpu: cpu(q.cpu, "quota.cpu", add),
    memory: memory(q.memory, "quota.memory", add),
    pods: count(q.pods, "quota.pods", add),
    services: count(q.services, "quota.services", add),
    loadBalancers: count(q.loadBalancers, "quota.loadBalancers", add),
    storage: memory(q.storage, "quota.storage", add),
    persistentVolumeClaims: count(q.persistentVolumeClaims, "quota.persistentVolumeClaims", add),
  };
}

function normalizeLimits(limits: TenantLimits | undefined, add: AddIssue): NormalizedTenantLimits {
  const l = limits ?? {};
  unknownFields(l, limitFields, "limits.", add);
  const normalized: NormalizedTenantLimits = {
    defaultCpu: cpu(l.defaultCpu ?? "500m", "limits.defaultCpu", add) ?? 500,
    defaultMemory: memory(l.defaultMemory ?? "512Mi", "limits.defaultMemory", add) ?? 512 * 2 ** 20,
    defaultCpuRequest: cpu(l.defaultCpuRequest ?? "100m", "limits.defaultCpuRequest", add) ?? 100,
    defaultMemoryRequest:
      memory(l.defaultMemoryRequest ?? "128Mi", "limits.defaultMemoryRequest", add) ?? 128 * 2 ** 20,
    maxCpu: cpu(l.maxCpu, "limits.maxCpu", add),
    maxMemory: memory(l.maxMemory, "limits.maxMemory", add),
  };
  if (normalized.defaultCpuRequest > normalized.defaultCpu)
    add("limits.defaultCpuRequest", "is more than limits.defaultCpu: a request cannot exceed its limit");
  if (normalized.defaultMemoryRequest > normalized.defaultMemory)
    add(
      "limits.defaultMemoryRequest",
      "is more than limits.defaultMemory: a request cannot exceed its limit",
    );
  if (normalized.maxCpu !== undefined && normalized.defaultCpu > normalized.maxCpu)
    add("limits.defaultCpu", "is more than limits.maxCpu");
  if (normalized.maxMemory !== undefined && normalized.defaultMemory > normalized.maxMemory)
    add("limits.defaultMemory", "is more than limits.maxMemory");
  return normalized;
}

/**
 * Checks `Tenant`'s arguments and applies the defaults, before anything is created.
 * @throws {@link TenantArgumentsError} listing every problem, each with its field.
 */
export function tenantRequest(name: string, args: TenantArgs): TenantRequest {
  const { issues, add } = issueCollector();
  unknownFields(
    args,
    ["cluster", "owners", "quota", "limits", "namespaces", "nodePool", "registryAuth", "registry", "gitops"],
    "",
    add,
  );
  if (!isDnsLabel(name) || name.length > 40)
    add(
      "name",
      `${show(name)} is not a DNS label of at most 40 characters: it prefixes the tenant's services and namespaces`,
    );
  if (!args.cluster || typeof args.cluster.deployWorkload !== "function")
    add("cluster", "must be a cluster: LocalSwarm, SwarmCluster, KubernetesCluster or GkeCluster");
  const owners = (args.owners ?? []).map((owner, i) => {
    unknownFields(owner, ["kind", "name", "role"], `owners[${i}].`, add);
    if (owner.kind !== "group" && owner.kind !== "user")
      add(`owners[${i}].kind`, `${show(owner.kind)} is not "group" or "user"`);
    if (typeof owner.name !== "string" || owner.name.trim() === "")
      add(`owners[${i}].name`, "must name a group or user");
    const role = owner.role ?? "admin";
    if (!["admin", "edit", "view"].includes(role))
      add(`owners[${i}].role`, `${show(role)} is not "admin", "edit" or "view"`);
    return { kind: owner.kind, name: owner.name, role };
  });
  const namespaces = args.namespaces ?? [name];
  if (namespaces.length === 0) add("namespaces", "needs at least one namespace");
  namespaces.forEach((ns, i) => {
    if (!isDnsLabel(ns)) add(`namespaces[${i}]`, `${show(ns)} is not a DNS label`);
  });
  if (new Set(namespaces).size !== namespaces.length) add("namespaces", "names a namespace twice");
  if (args.nodePool !== undefined && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(args.nodePool))
    add("nodePool", `${show(args.nodePool)} is not a node label value`);
  tenantRegistryIssues(args.registry, owners, add);
  const request: TenantRequest = {
    name,
    namespaces,
    owners,
    quota: normalizeQuota(args.quota, add),
    limits: normalizeLimits(args.limits, add),
    nodePool: args.nodePool,
    registryAuth: args.registryAuth,
    ...(args.gitops !== undefined && { gitops: args.gitops }),
  };
  if (issues.length > 0) throw new TenantArgumentsError(name, issues);
  return request;
}
