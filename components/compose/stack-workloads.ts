import * as pulumi from "@pulumi/pulumi";
import type {
  BuiltImage,
  RegistryCredentials,
  ServiceCluster,
  StackDeployment,
  StackSupport,
} from "../cluster";
import { ContainerService } from "../service";
import { dependencyOrder, usedResources } from "./stack-objects";
import { stackFileObjectIssues } from "./stack-file-objects";
import { planWorkloads, type WorkloadPlan } from "./stack-workload-plan";
import type { ComposeMapping } from "./to-service-specs";
import { ComposeError, type ComposeProject } from "./types";

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

export interface WorkloadStackArgs {
  strict: boolean;
  values?: Record<string, pulumi.Input<string>>;
  env: Record<string, string | undefined>;
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /** Builds the images of services with `build`; called once the plan holds. */
  images: () => Record<string, BuiltImage>;
  timeoutSeconds: (service: string) => number;
}

/**
 * A stack as one workload per service, on a cluster that says what a stack may hold there: planned from
 * `support`, every refusal before anything is created, then deployed in dependency order.
 *
 * @throws ComposeError naming every path the cluster cannot deploy.
 */
export function deployAsWorkloads(
  parent: pulumi.Resource,
  name: string,
  cluster: ServiceCluster,
  support: StackSupport,
  project: ComposeProject,
  mapping: ComposeMapping,
  args: WorkloadStackArgs,
): StackDeployment {
  const plan = planWorkloads(project, mapping, {
    target: cluster.target,
    support,
    values: args.values,
    env: args.env,
  });
  const issues = [...stackFileObjectIssues(project, usedResources(project)), ...plan.issues];
  if (args.strict) {
    for (const { service, key, reason } of plan.ignored) {
      issues.push({
        path: `services.${service}.${key}`,
        message: `would be ignored (${reason}), and strict is set`,
      });
    }
  }
  if (issues.length > 0) throw new ComposeError(issues);
  for (const i of plan.ignored) {
    pulumi.log.warn(`service ${i.service}: ${i.key} is ignored: ${i.reason}`, parent);
  }
  const order = dependencyOrder(
    Object.fromEntries(Object.entries(plan.workloads).map(([s, w]) => [s, w.dependsOn])),
  );
  const deployed = deployWorkloads(parent, name, cluster, plan, {
    order,
    registryAuth: args.registryAuth,
    images: args.images(),
    timeoutSeconds: args.timeoutSeconds,
  });
  return { workloads: deployed, resources: deployed };
}
