import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Workload, WorkloadRequest } from "../cluster";
import type { ArgumentIssue } from "../arguments";
import { SpecError } from "../spec/errors";
import type { ArgoCdConnection } from "./gitops-contract";
import {
  type TenantGitOps,
  type TenantPlacement,
  type TenantRequest,
  tenantPoolLabel,
} from "../tenant-contract";
import { TenantArgumentsError } from "../tenant/tenant-args";
import { asLabelValue } from "./cluster-args";
import type { KubernetesClusterContext } from "./context";
import { dockerConfigJson } from "./files";
import {
  tenantLabel,
  tenantLimitRange,
  tenantNamespace,
  tenantNetworkPolicies,
  tenantObjectNames,
  type TenantOwnership,
  tenantResourceQuota,
  tenantRoleBindings,
} from "./tenant-objects";
import {
  explicitLimitIssues,
  type KubernetesServiceCount,
  renderedServices,
  serviceObjectIssues,
  withTenantResources,
} from "./tenant-resources";
import { kubernetesStackSupport } from "./stack-support";
import { deployKubernetesWorkload } from "./workload";

/** What a `KubernetesCluster` hands the tenants it makes room for. */
export interface KubernetesTenantHost {
  /** The cluster's context: its provider, salt, rollout connection and monitoring. */
  context: KubernetesClusterContext;
  /** The namespace of the cluster's own services, which no tenant may take. */
  clusterNamespace: string;
  /** The namespaces the cluster's tenants hold so far, with the tenant holding each. */
  claimed: Map<string, string>;
}

/** Namespaces Kubernetes itself uses. */
const systemNamespaces = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

function namespaceIssues(name: string, request: TenantRequest, host: KubernetesTenantHost): ArgumentIssue[] {
  return request.namespaces.flatMap((ns, i) => {
    const path = `namespaces[${i}]`;
    if (systemNamespaces.has(ns)) return [{ path, message: `"${ns}" is Kubernetes' own namespace` }];
    if (ns === host.clusterNamespace)
      return [{ path, message: `"${ns}" is the cluster's own namespace, where its other services run` }];
    const holder = host.claimed.get(ns);
    if (holder !== undefined && holder !== name)
      return [{ path, message: `"${ns}" is already a namespace of tenant ${holder}` }];
    return [];
  });
}

type Sdk = typeof k8s;

/** The objects of one of the tenant's namespaces; `ready` is its name once all of them exist. */
interface TenantRoom {
  ready: pulumi.Output<string>;
  pullSecret?: k8s.core.v1.Secret;
}

function tenantRoom(
  sdk: Sdk,
  name: string,
  namespace: string,
  request: TenantRequest,
  owner: TenantOwnership,
  opts: pulumi.CustomResourceOptions,
): TenantRoom {
  const prefix = `${name}-${namespace}`;
  const ns = new sdk.core.v1.Namespace(prefix, tenantNamespace(namespace, request, owner), opts);
  const inside = <T extends { metadata?: object }>(o: T) => ({
    ...o,
    metadata: { ...o.metadata, namespace: ns.metadata.name },
  });
  const objects: pulumi.CustomResource[] = [];
  const quota = tenantResourceQuota(request, owner);
  if (quota) objects.push(new sdk.core.v1.ResourceQuota(`${prefix}-quota`, inside(quota), opts));
  objects.push(
    new sdk.core.v1.LimitRange(`${prefix}-limits`, inside(tenantLimitRange(request, owner)), opts),
  );
  for (const policy of tenantNetworkPolicies(request, owner)) {
    const suffix = policy.metadata!.name!.slice("berth.tenant-".length);
    objects.push(
      new sdk.networking.v1.NetworkPolicy(
        `${prefix}-${suffix}`,
        inside(policy) as k8s.networking.v1.NetworkPolicyArgs,
        opts,
      ),
    );
  }
  for (const binding of tenantRoleBindings(request, owner))
    objects.push(
      new sdk.rbac.v1.RoleBinding(
        `${prefix}-${binding.roleRef.name}`,
        inside(binding) as k8s.rbac.v1.RoleBindingArgs,
        opts,
      ),
    );
  const pullSecret =
    request.registryAuth === undefined
      ? undefined
      : new sdk.core.v1.Secret(
          `${prefix}-pull`,
          {
            metadata: {
              name: tenantObjectNames.pullSecret,
              namespace: ns.metadata.name,
              labels: owner.labels,
            },
            type: "kubernetes.io/dockerconfigjson",
            stringData: pulumi.secret(
              pulumi
                .output(request.registryAuth)
                .apply((auth) => ({ ".dockerconfigjson": dockerConfigJson(auth) })),
            ),
          },
          opts,
        );
  if (pullSecret) objects.push(pullSecret);
  // Known in a preview (URNs are), and a dependency on every object: pods start inside the rules.
  const ready = pulumi.all([ns.metadata.name, ...objects.map((o) => o.urn)]).apply(([n]) => n);
  return { ready, ...(pullSecret && { pullSecret }) };
}

/**
 * Makes room for a tenant on a Kubernetes cluster, as children of `parent` through the cluster's
 * provider: in each of its namespaces the objects of `tenant-objects.ts` and its pull Secret. Returns
 * the view of the cluster that deploys into its first namespace: pods meet Pod Security `restricted`,
 * run on its node pool, pull with its Secret unless a service brings credentials of its own, admit the
 * tenant's namespaces to their declared ports, and write out the tenant's default limits and requests.
 *
 * @throws {@link TenantArgumentsError} for namespaces the tenant cannot have, before anything is created.
 */
export function deployKubernetesTenant(
  name: string,
  request: TenantRequest,
  parent: pulumi.ComponentResource,
  host: KubernetesTenantHost,
): TenantPlacement {
  const issues = namespaceIssues(name, request, host);
  if (issues.length > 0) throw new TenantArgumentsError(name, issues);
  for (const ns of request.namespaces) host.claimed.set(ns, name);
  const sdk = require("@pulumi/kubernetes") as Sdk;
  const { context } = host;
  const owner: TenantOwnership = {
    labels: {
      "app.kubernetes.io/managed-by": "berth",
      [tenantLabel]: name,
      "berth.dev/project": asLabelValue(pulumi.getProject()),
      "berth.dev/stack": asLabelValue(pulumi.getStack()),
    },
    partOf: context.partOf,
  };
  const opts = { parent, provider: context.provider };
  const [home] = request.namespaces.map((ns) => tenantRoom(sdk, name, ns, request, owner, opts));
  const tenantContext: KubernetesClusterContext = {
    ...context,
    namespace: home.ready,
    podSecurity: "restricted",
    peerNamespaces: request.namespaces,
    ...(request.nodePool !== undefined && { nodeSelector: { [tenantPoolLabel]: request.nodePool } }),
    ...(home.pullSecret && { imagePullSecret: home.pullSecret.metadata.name }),
  };
  const counted: KubernetesServiceCount = { services: 0, loadBalancers: 0 };
  const first = request.namespaces[0];
  if (request.gitops) tenantGitOpsProject(name, request, request.gitops, parent);

  return {
    stackSupport: kubernetesStackSupport,
    serviceHost: (serviceName) => pulumi.output(`${serviceName}.${first}.svc.cluster.local`),
    deployWorkload(
      serviceName: string,
      workload: WorkloadRequest,
      workloadParent: pulumi.Resource,
    ): Workload {
      const preview = withTenantResources(workload.preview, request.limits);
      const added = renderedServices(preview);
      const refused = [
        ...explicitLimitIssues(preview, request.limits),
        ...serviceObjectIssues(added, counted, request.quota),
      ];
      if (refused.length > 0)
        throw new SpecError(
          preview.name,
          refused.map((i) => ({ ...i, message: `tenant ${name}: ${i.message}` })),
        );
      counted.services += added.services;
      counted.loadBalancers += added.loadBalancers;
      // The tenant's own credentials are in its pull Secret already: no Secret per service for them.
      const ownAuth = workload.registryAuth === request.registryAuth ? undefined : workload.registryAuth;
      return deployKubernetesWorkload(
        serviceName,
        {
          ...workload,
          preview,
          service: workload.service.apply((s) => withTenantResources(s, request.limits)),
          registryAuth: ownAuth,
        },
        workloadParent,
        tenantContext,
      );
    },
  };
}

/**
 * The tenant's Argo CD project: Applications may deploy only from the tenant's repositories and only to
 * its namespaces, on the cluster Argo CD runs on.
 */
function tenantGitOpsProject(
  name: string,
  request: TenantRequest,
  gitops: TenantGitOps,
  parent: pulumi.ComponentResource,
): void {
  const { GitOpsProject } = require("./gitops-project") as typeof import("./gitops-project");
  new GitOpsProject(
    `${name}-gitops`,
    {
      // A `TenantArgoCd` is an `ArgoCdConnection` whose provider is a Kubernetes provider.
      argoCd: gitops.argoCd as ArgoCdConnection,
      projectName: request.name,
      description: `Tenant ${request.name}: its namespaces and repositories only`,
      repositories: gitops.repositories,
      destinations: request.namespaces.map((namespace) => ({ namespace })),
    },
    { parent },
  );
}
