import type * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials, ServiceCluster } from "./cluster";
import type { GitOpsRepository } from "./kubernetes/gitops-repository";

/**
 * The Argo CD a tenant's project belongs to: an `ArgoCd` of `pulumi-berth/kubernetes`, or its connection
 * (named here without the Kubernetes SDK's types, which programs without Kubernetes do not install).
 */
export interface TenantArgoCd {
  /** The namespace Argo CD runs in. */
  readonly namespace: pulumi.Output<string>;
  /** The provider of the cluster Argo CD runs on (a `@pulumi/kubernetes` provider). */
  readonly provider: pulumi.ProviderResource;
  /** Namespaces besides Argo CD's own where Applications may be kept. */
  readonly applicationNamespaces: readonly string[];
  /** What must exist before Argo CD's custom resources can be created. */
  readonly ready: pulumi.Input<pulumi.Resource>[];
}

/** A tenant's GitOps project on an Argo CD installed by Berth (Kubernetes). */
export interface TenantGitOps {
  /** The Argo CD: an `ArgoCd`, or its connection. */
  argoCd: TenantArgoCd;
  /** The only repositories the tenant's Applications may deploy from, with their credentials. */
  repositories: GitOpsRepository[];
}

/** Someone who runs a tenant's services: a group or user of the cluster's identity provider. */
export interface TenantOwner {
  /** A group or a single user. */
  kind: "group" | "user";
  /** The group's or user's name, as the cluster's authentication reports it. */
  name: string;
  /**
   * What they may do in the tenant's namespaces (Kubernetes' `admin`, `edit` or `view` roles).
   * @default `"admin"`
   */
  role?: "admin" | "edit" | "view";
}

/** The most a tenant's services may ask for, all together. Omitted fields are not limited. */
export interface TenantQuota {
  /** CPU, in cores (`2`, `"500m"`): the sum of every task's reservation (Swarm) or request (Kubernetes). */
  cpu?: number | string;
  /** Memory (`"4Gi"`, bytes): the sum of every task's reservation or request. */
  memory?: number | string;
  /** Pods (Kubernetes) or tasks (Swarm). */
  pods?: number;
  /** Services. */
  services?: number;
  /** Services of type LoadBalancer (Kubernetes). */
  loadBalancers?: number;
  /** Storage that persistent volume claims may ask for, all together (Kubernetes). */
  storage?: number | string;
  /** Persistent volume claims (Kubernetes). */
  persistentVolumeClaims?: number;
}

/** Per container: what is assumed when a service says nothing, and the most one may ask for. */
export interface TenantLimits {
  /** CPU limit given to a container that names none. @default `"500m"` */
  defaultCpu?: number | string;
  /** Memory limit given to a container that names none. @default `"512Mi"` */
  defaultMemory?: number | string;
  /** CPU request (reservation) given to a container that names none. @default `"100m"` */
  defaultCpuRequest?: number | string;
  /** Memory request given to a container that names none. @default `"128Mi"` */
  defaultMemoryRequest?: number | string;
  /** The most CPU one container may be limited to. @default no maximum */
  maxCpu?: number | string;
  /** The most memory one container may be limited to. @default no maximum */
  maxMemory?: number | string;
}

/** A tenant's quota in the units Berth counts in; undefined fields are not limited. */
export interface NormalizedTenantQuota {
  /** Millicores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
  /** Pods or tasks. */
  pods?: number;
  /** Services. */
  services?: number;
  /** LoadBalancer Services. */
  loadBalancers?: number;
  /** Bytes. */
  storage?: number;
  /** Persistent volume claims. */
  persistentVolumeClaims?: number;
}

/** A tenant's per-container limits in millicores and bytes. */
export interface NormalizedTenantLimits {
  /** CPU limit of a container that names none, in millicores. */
  defaultCpu: number;
  /** Memory limit of a container that names none, in bytes. */
  defaultMemory: number;
  /** CPU request of a container that names none, in millicores. */
  defaultCpuRequest: number;
  /** Memory request of a container that names none, in bytes. */
  defaultMemoryRequest: number;
  /** The most CPU one container may be limited to, in millicores. */
  maxCpu?: number;
  /** The most memory one container may be limited to, in bytes. */
  maxMemory?: number;
}

/** What a cluster needs to make room for a tenant: the `Tenant` component's arguments, checked. */
export interface TenantRequest {
  /** The tenant's name: a DNS label, the prefix of its services' names on a swarm. */
  name: string;
  /** Its namespaces on Kubernetes (the first is where its services go). */
  namespaces: string[];
  /** Who runs its services, each with a role. */
  owners: Required<TenantOwner>[];
  /** The most its services may ask for, all together. */
  quota: NormalizedTenantQuota;
  /** Per-container defaults and maximums. */
  limits: NormalizedTenantLimits;
  /** The value of the node label `berth.tenant-pool` that the tenant's tasks are placed on, if any. */
  nodePool?: string;
  /** The tenant's pull credentials (its registry robot), used for every service of the tenant. Secret. */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /** Kubernetes: an Argo CD project limited to the tenant's namespaces and repositories. */
  gitops?: TenantGitOps;
}

/** The node label a tenant's node pool is chosen by: `berth.tenant-pool=<pool>`. */
export const tenantPoolLabel = "berth.tenant-pool";

/**
 * What a cluster made for a tenant: a view of the cluster that deploys into the tenant's room (its
 * namespace or network, placement, pull credentials) and enforces its rules there.
 */
export type TenantPlacement = Pick<ServiceCluster, "deployWorkload" | "serviceHost"> & {
  /** What a Compose stack may hold in the tenant's room: stacks on a tenant deploy one service at a time. */
  readonly stackSupport: NonNullable<ServiceCluster["stackSupport"]>;
};

/**
 * What a tenant's container reserves: what it names, otherwise the tenant's default request, never
 * above the container's limit (`Infinity` when it has none). Every target counts, and asks for, this.
 */
export function tenantReservation(
  reservations: { cpu?: number; memory?: number },
  limits: NormalizedTenantLimits,
  limit: { cpu: number; memory: number },
): { cpu: number; memory: number } {
  return {
    cpu: reservations.cpu ?? Math.min(limits.defaultCpuRequest, limit.cpu),
    memory: reservations.memory ?? Math.min(limits.defaultMemoryRequest, limit.memory),
  };
}
