import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials, ServiceCluster } from "../cluster";
import { ContainerService } from "../service";
import type { BuiltImage } from "./stack-images";
import type { WorkloadPlan } from "./stack-workload-plan";

export interface WorkloadStackOptions {
  /** Services in the order to create them: each after the ones it depends on. */
  order: string[];
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /**
   * The images built for services with `build`, by service: each runs its pushed digest.
   * @default none
   */
  images?: Record<string, BuiltImage>;
  /** By service; the stack's default where a service sets none. */
  timeoutSeconds: (service: string) => number;
}

/**
 * Makes every resource created under a component wait for `dependencies` too: a component's own
 * `dependsOn` does not reach the resources its children create.
 */
function waitingFor(dependencies: pulumi.Resource[]): pulumi.ResourceTransformation {
  return ({ props, opts }) => {
    // The SDK flattens nested lists, promises and outputs of resources in `dependsOn`.
    const given = (opts.dependsOn === undefined ? [] : [opts.dependsOn]) as pulumi.Input<pulumi.Resource>[];
    return { props, opts: { ...opts, dependsOn: [...given, ...dependencies] } };
  };
}

/**
 * Each planned service as a {@link ContainerService} (named `<stack>-<service>`, known to the cluster by
 * its Compose name) child of `parent`, whose every resource waits for the workloads of the services it
 * depends on: their rollout (Kubernetes), steady state (ECS) or completion (Kubernetes Jobs).
 *
 * @throws ServiceSpecError when a service asks for what the cluster cannot honour.
 */
export function deployWorkloads(
  parent: pulumi.Resource,
  name: string,
  cluster: ServiceCluster,
  plan: WorkloadPlan,
  options: WorkloadStackOptions,
): Record<string, ContainerService> {
  const deployed: Record<string, ContainerService> = {};
  for (const key of options.order) {
    const { input, dependsOn } = plan.workloads[key];
    const dependencies = dependsOn.map((d) => deployed[d]);
    const built = options.images?.[key];
    const registryAuth = built?.registryAuth ?? options.registryAuth;
    deployed[key] = new ContainerService(
      `${name}-${key}`,
      {
        ...input,
        cluster,
        serviceName: key,
        // Compose services reach each other on any port, declared or not.
        peerAccess: "any-port",
        ...(built !== undefined && { image: built.image }),
        ...(registryAuth !== undefined && { registryAuth }),
        timeoutSeconds: options.timeoutSeconds(key),
      },
      {
        parent,
        dependsOn: dependencies,
        ...(dependencies.length > 0 && { transformations: [waitingFor(dependencies)] }),
      },
    );
  }
  return deployed;
}

/**
 * The name other services of the cluster reach `service` by: `<service>.<namespace>.svc.cluster.local`
 * on Kubernetes, `<service>.<Cloud Map namespace>` on ECS.
 */
export function clusterHost(cluster: ServiceCluster, service: string): pulumi.Output<string> {
  const c = cluster as { namespace?: unknown; namespaceName?: unknown };
  if (cluster.target === "kubernetes" && pulumi.Output.isInstance(c.namespace)) {
    return (c.namespace as pulumi.Output<string>).apply((ns) => `${service}.${ns}.svc.cluster.local`);
  }
  if (cluster.target === "ecs" && c.namespaceName !== undefined) {
    return pulumi.output(c.namespaceName as pulumi.Input<string>).apply((ns) => `${service}.${ns}`);
  }
  return pulumi.output(service);
}
