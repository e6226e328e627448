/**
 * The Kubernetes objects of a tenant's namespace, as plain objects: the namespace with its Pod Security
 * labels, its ResourceQuota, LimitRange, NetworkPolicies and owners' RoleBindings. Object names carry a
 * dot (`berth.tenant-quota`), which no service's name (a DNS label) can, so a tenant's objects never meet
 * the objects Berth names after its services.
 */
import type { LimitRange, Namespace, ResourceQuota } from "kubernetes-types/core/v1";
import type { NetworkPolicy, NetworkPolicyPeer } from "kubernetes-types/networking/v1";
import type { RoleBinding } from "kubernetes-types/rbac/v1";
import { namespaceNameLabel, partOfLabel } from "../spec/render/kubernetes";
import { podSecurityVersion } from "../spec/render/kubernetes-pod-security";
import { formatCpu, formatMemory } from "../spec/units";
import { type TenantRequest, tenantPoolLabel } from "../tenant-contract";

/** The label naming the tenant a namespace belongs to. */
export const tenantLabel = "berth.dev/tenant";

/** The names of a tenant's objects in each of its namespaces. */
export const tenantObjectNames = {
  quota: "berth.tenant-quota",
  limits: "berth.tenant-limits",
  defaultDeny: "berth.tenant-default-deny",
  egress: "berth.tenant-egress",
  ingress: "berth.tenant-ingress",
  pullSecret: "berth.tenant-pull",
  roleBinding: (role: string) => `berth.tenant-${role}`,
} as const;

/** Who the tenant's objects belong to. */
export interface TenantOwnership {
  /** The labels every object of the tenant carries. */
  labels: Record<string, string>;
  /** The `app.kubernetes.io/part-of` value of the stack's pods, whose own NetworkPolicies admit their peers. */
  partOf: string;
}

/**
 * A namespace of the tenant, labelled with it and with Pod Security `restricted` enforced at a pinned
 * version (audited and warned at the latest, so that a stricter future version shows before it binds).
 * With a node pool, the `PodNodeSelector` annotation keeps every pod of the namespace on it where that
 * admission plugin is enabled.
 */
export function tenantNamespace(
  namespace: string,
  request: TenantRequest,
  owner: TenantOwnership,
): Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        ...owner.labels,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": podSecurityVersion,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
      },
      ...(request.nodePool !== undefined && {
        annotations: {
          "scheduler.alpha.kubernetes.io/node-selector": `${tenantPoolLabel}=${request.nodePool}`,
        },
      }),
    },
  };
}

/**
 * The tenant's quota as a ResourceQuota: CPU and memory count requests (what the tenant's services
 * reserve), storage counts claims' requests; limits the tenant has not set are left out. Undefined when
 * the tenant has no quota at all.
 */
export function tenantResourceQuota(
  request: TenantRequest,
  owner: TenantOwnership,
): ResourceQuota | undefined {
  const q = request.quota;
  const hard: Record<string, string> = {
    ...(q.cpu !== undefined && { "requests.cpu": formatCpu(q.cpu) }),
    ...(q.memory !== undefined && { "requests.memory": formatMemory(q.memory) }),
    ...(q.pods !== undefined && { pods: String(q.pods) }),
    ...(q.services !== undefined && { services: String(q.services) }),
    ...(q.loadBalancers !== undefined && { "services.loadbalancers": String(q.loadBalancers) }),
    ...(q.storage !== undefined && { "requests.storage": formatMemory(q.storage) }),
    ...(q.persistentVolumeClaims !== undefined && {
      persistentvolumeclaims: String(q.persistentVolumeClaims),
    }),
  };
  if (Object.keys(hard).length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: tenantObjectNames.quota, labels: owner.labels },
    spec: { hard },
  };
}

/**
 * Per container: the tenant's default limits and requests, so that pods that name none are still
 * admitted under the quota, and its maximums when it has them.
 */
export function tenantLimitRange(request: TenantRequest, owner: TenantOwnership): LimitRange {
  const l = request.limits;
  const max = {
    ...(l.maxCpu !== undefined && { cpu: formatCpu(l.maxCpu) }),
    ...(l.maxMemory !== undefined && { memory: formatMemory(l.maxMemory) }),
  };
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: tenantObjectNames.limits, labels: owner.labels },
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: formatCpu(l.defaultCpu), memory: formatMemory(l.defaultMemory) },
          defaultRequest: {
            cpu: formatCpu(l.defaultCpuRequest),
            memory: formatMemory(l.defaultMemoryRequest),
          },
          ...(Object.keys(max).length > 0 && { max }),
        },
      ],
    },
  };
}

/** The pods of the tenant's namespaces, by the name the API server labels each namespace with. */
export function tenantPeers(request: TenantRequest): NetworkPolicyPeer {
  return {
    namespaceSelector: {
      matchExpressions: [{ key: namespaceNameLabel, operator: "In", values: [...request.namespaces] }],
    },
  };
}

/** The cluster's DNS: CoreDNS or kube-dns, both labelled `k8s-app: kube-dns` in `kube-system`. */
const clusterDns: NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { [namespaceNameLabel]: "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/**
 * The tenant's network rules in one namespace:
 * - every pod denied all ingress and egress unless another policy admits it;
 * - every pod may reach the cluster's DNS (53, UDP and TCP) and any pod of the tenant's namespaces;
 * - pods that are not the stack's Berth services admit any pod of the tenant's namespaces. Berth's
 *   services admit only their declared ports, through their own per-service policies (which admit the
 *   tenant's namespaces as peers): a policy admitting every port here would widen them, since policies
 *   add up.
 *
 * Pods of other tenants, or of no tenant, reach a tenant's pods only on the public ports of its services.
 */
export function tenantNetworkPolicies(request: TenantRequest, owner: TenantOwnership): NetworkPolicy[] {
  const peers = tenantPeers(request);
  const policy = (name: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, labels: owner.labels },
    spec,
  });
  return [
    policy(tenantObjectNames.defaultDeny, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy(tenantObjectNames.egress, {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [clusterDns],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
        { to: [peers] },
      ],
    }),
    policy(tenantObjectNames.ingress, {
      // Pods without the label match NotIn too: everything but the stack's Berth services.
      podSelector: { matchExpressions: [{ key: partOfLabel, operator: "NotIn", values: [owner.partOf] }] },
      policyTypes: ["Ingress"],
      ingress: [{ from: [peers] }],
    }),
  ];
}

/**
 * One RoleBinding per role the owners hold, binding their groups and users to the cluster's built-in
 * `admin`, `edit` or `view` ClusterRole inside the namespace only.
 */
export function tenantRoleBindings(request: TenantRequest, owner: TenantOwnership): RoleBinding[] {
  const roles = [...new Set(request.owners.map((o) => o.role))].sort();
  return roles.map((role) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: tenantObjectNames.roleBinding(role), labels: owner.labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: request.owners
      .filter((o) => o.role === role)
      .map((o) => ({
        kind: o.kind === "group" ? "Group" : "User",
        name: o.name,
        apiGroup: "rbac.authorization.k8s.io",
      })),
  }));
}
