import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials, ServiceCluster } from "../cluster";
import type { ContainerService } from "../service";
import { normalizeService, renderSwarm, SpecError, type SwarmServiceSpec } from "../spec";
import { isSwarmTarget, type SwarmTarget } from "../swarm/engine-access";
import { engineRegistryAuth, engineSpec } from "../swarm/engine-spec";
import {
  type ProviderServiceSpec,
  SwarmConfig,
  SwarmNetwork,
  SwarmSecret,
  SwarmService,
} from "../../provider/swarm";
import { loadCompose } from "./load";
import { dependencyOrder, fileObjectData, stackNamespaceLabel, usedResources } from "./stack-objects";
import { planBuilds, type StackBuildPlan } from "./stack-builds";
import { stackExtensions } from "./stack-extensions";
import { type BuiltImage, buildImages, type ComposeStackRegistry } from "./stack-images";
import { stackNetworkSettings, stackResourceIssues, stackVolumeOptions } from "./stack-resources";
import { planWorkloads } from "./stack-workload-plan";
import { clusterHost, deployWorkloads } from "./stack-workloads";
import { toServiceSpecs } from "./to-service-specs";
import { ComposeError, type ComposeProject, type LoadComposeOptions } from "./types";

/** Arguments of {@link ComposeStack}: a Compose project and the cluster it deploys to. */
export interface ComposeStackArgs {
  /**
   * The cluster to deploy to: a swarm (`LocalSwarm`, `SwarmCluster`), deployed as `docker stack deploy`
   * would; or a `KubernetesCluster` / `GkeCluster` / `EcsCluster`, where each service is a workload of
   * the cluster (see {@link ComposeStack}).
   */
  cluster: SwarmTarget | ServiceCluster;
  /** A project from `loadCompose`, or the options to load one with. */
  project: ComposeProject | LoadComposeOptions;
  /**
   * Make every ignored Compose key an error.
   * @default false (ignored keys are logged)
   */
  strict?: boolean;
  /**
   * Content for the project's secrets and configs by their key in the file, instead of the `file`,
   * `environment` or `content` it names: feed Pulumi secrets into Compose secrets.
   * @default none
   */
  values?: Record<string, pulumi.Input<string>>;
  /**
   * The environment for secrets and configs taken from `environment`.
   * @default `process.env`
   */
  env?: Record<string, string | undefined>;
  /**
   * Credentials for private images.
   * @default none
   */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /**
   * Where the images of services with `build` are pushed: each is built (`context`, `dockerfile`, `args`,
   * `target`) and pushed to the service's `image` when it names one, else to `<repository>/<service>`; the
   * service runs the pushed digest and pulls it with `credentials`.
   * @default none, and a service with `build` is refused
   */
  registry?: ComposeStackRegistry;
  /**
   * How long each service may take to converge; `x-berth.timeoutSeconds` overrides it per service.
   * @default 300 s
   */
  timeoutSeconds?: number;
}

/**
 * A Compose project deployed to any cluster.
 *
 * On a swarm, as `docker stack deploy` would: services named `<project>_<service>` reachable by their
 * short name on the stack's networks, networks, secrets and configs named `<project>_<key>`, everything
 * labelled `com.docker.stack.namespace`. Beyond `docker stack`, it waits for every service to converge,
 * creates services after the ones they `depends_on` (healthy first, where a health check exists), and
 * removes the networks, secrets and configs that no service uses any more.
 *
 * On Kubernetes and ECS, each service is a `ContainerService` child (`<name>-<service>`) that the
 * cluster knows by the service's Compose name, and that every other service reaches by its
 * {@link hosts} name (Kubernetes: a headless Service for a service without ports; ECS: Cloud Map).
 * The project's networks are the cluster's one network (external networks, aliases and `internal`
 * are refused); secrets and configs are created with each service that uses them (Kubernetes Secrets
 * and ConfigMaps, ECS SSM parameters), external ones name the target's existing objects; named volumes
 * are refused, except external ones on Kubernetes, which name an existing PersistentVolumeClaim.
 * `depends_on` orders creation: a service's resources wait for its dependencies' workloads to roll
 * out (Kubernetes) or reach a steady state (ECS); `service_healthy` needs a `healthcheck` on the
 * dependency, `service_completed_successfully` a `replicated-job` (a Kubernetes Job, awaited to
 * completion).
 *
 * `x-berth` on a service says what Compose cannot:
 * - `public: boolean`: true makes every port in `ports` public (on its target port when none is
 *   published), false none. Default: the ports with `published` are public.
 * - `autoscale: { min, max, cpuPercent?, memoryPercent?, requestsPerTarget? }`: as the portable spec's
 *   `autoscale` (a HorizontalPodAutoscaler, ECS target tracking; refused on Swarm).
 * - `sourceRanges: string[]`: CIDR blocks, the only clients of the service's public ports (the portable
 *   spec's `ports[].sourceRanges`; refused on Swarm). Default: any address.
 * - `timeoutSeconds: number`: how long the service may take to converge. Default: the stack's.
 * - `ignoreUnsupported: string[]`: spec fields the target may drop with a warning instead of refusing.
 * - `secretEnv: string[]`: `environment` entries whose values are secrets.
 *
 * A service with `build` needs the stack's `registry`: its image is built and pushed by an `Image`
 * child (`<name>-<service>-image`) and the service runs the pushed digest, on every target.
 *
 * Every refusal fails the preview, naming the service and the Compose key.
 */
export class ComposeStack extends pulumi.ComponentResource {
  /** The project's name: the stack's namespace. */
  readonly projectName: string;
  /** The project as loaded. */
  readonly project: ComposeProject;
  /** Swarm services by Compose service name (empty on other clusters). */
  readonly services: Record<string, SwarmService>;
  /** On Kubernetes and ECS: each service's workload by Compose service name (empty on a swarm). */
  readonly workloads: Record<string, ContainerService>;
  /** The cluster's service ids by Compose service name. */
  declare readonly serviceIds: pulumi.Output<Record<string, string>>;
  /**
   * The DNS name other services reach each service by, by Compose service name: the service name on a
   * swarm's stack networks, `<service>.<namespace>.svc.cluster.local` on Kubernetes,
   * `<service>.<Cloud Map namespace>` on ECS.
   */
  declare readonly hosts: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ComposeStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:compose:ComposeStack", name, {}, opts);
    const fail = (message: string) => new pulumi.ResourceError(`ComposeStack ${name}: ${message}`, this);
    const cluster = args.cluster;
    if (cluster.target === "swarm" && !isSwarmTarget(cluster))
      throw fail("cluster: a swarm must come with its engine (LocalSwarm or SwarmCluster)");
    if (!isSwarmTarget(cluster) && cluster.target !== "kubernetes" && cluster.target !== "ecs")
      throw fail(`cluster: "${String(cluster.target)}" is not a target: swarm, kubernetes or ecs`);
    let project: ComposeProject;
    let mapping: ReturnType<typeof toServiceSpecs>;
    let timeouts: Record<string, number>;
    let built: ReturnType<typeof planBuilds>;
    try {
      project = "services" in args.project ? args.project : loadCompose(args.project);
      const extensions = stackExtensions(project);
      timeouts = extensions.timeoutSeconds;
      built = planBuilds(extensions.project, args.registry);
      const early = [...extensions.issues, ...built.issues];
      try {
        mapping = toServiceSpecs(built.project, { strict: args.strict });
      } catch (err) {
        if (err instanceof ComposeError) throw new ComposeError([...early, ...err.issues]);
        throw err;
      }
      if (early.length > 0) throw new ComposeError(early);
    } catch (err) {
      if (err instanceof ComposeError) throw fail(err.message);
      throw err;
    }
    this.project = project;
    this.projectName = project.name;
    for (const i of mapping.ignored) {
      const where = i.service === undefined ? "" : `service ${i.service}: `;
      pulumi.log.warn(`${where}${i.key} is ignored: ${i.reason}`, this);
    }
    const timeoutOf = (service: string) => timeouts[service] ?? args.timeoutSeconds ?? 300;
    this.services = {};
    this.workloads = {};
    const deployed = built.project;
    if (!isSwarmTarget(cluster)) {
      this.workloads = this.deployToCluster(
        name,
        cluster,
        deployed,
        mapping,
        built.builds,
        args,
        timeoutOf,
        fail,
      );
      this.serviceIds = pulumi.all(
        Object.fromEntries(Object.entries(this.workloads).map(([k, w]) => [k, w.serviceId])),
      );
      this.hosts = pulumi.all(
        Object.fromEntries(Object.keys(this.workloads).map((k) => [k, clusterHost(cluster, k)])),
      );
      this.registerOutputs({ serviceIds: this.serviceIds, hosts: this.hosts });
      return;
    }
    const { engine } = cluster;

    const namespace = { [stackNamespaceLabel]: project.name };
    const used = usedResources(deployed);
    const resourceIssues = stackResourceIssues(deployed, used);
    if (resourceIssues.length > 0) throw fail(new ComposeError(resourceIssues).message);
    const childOpts = (dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn: [...engine.ready, ...dependsOn],
    });
    const common = { connection: engine.connection, component: name };

    const networks: Record<string, SwarmNetwork> = {};
    const networkNames: Record<string, pulumi.Input<string>> = {};
    for (const key of used.networks) {
      const net = project.networks?.[key] ?? {};
      const engineName = net.name ?? `${project.name}_${key}`;
      if (net.external) {
        networkNames[key] = engineName;
        continue;
      }
      networks[key] = new SwarmNetwork(
        `${name}-network-${key}`,
        {
          ...common,
          name: engineName,
          ...stackNetworkSettings(net),
          labels: { ...net.labels, ...namespace },
        },
        childOpts(),
      );
      networkNames[key] = networks[key].name;
    }

    const files = (kind: "secret" | "config") => {
      const declared = (kind === "secret" ? project.secrets : project.configs) ?? {};
      const objects: pulumi.Resource[] = [];
      const names: Record<string, pulumi.Input<string>> = {};
      for (const key of kind === "secret" ? used.secrets : used.configs) {
        const object = declared[key] ?? {};
        const engineName = object.name ?? `${project.name}_${key}`;
        if (object.external) {
          names[key] = engineName;
          continue;
        }
        let data: pulumi.Input<string>;
        try {
          data = fileObjectData(kind, key, object, args.values?.[key], args.env ?? process.env);
        } catch (err) {
          throw fail((err as Error).message);
        }
        const fileArgs = { ...common, name: engineName, data, labels: { ...object.labels, ...namespace } };
        const resource =
          kind === "secret"
            ? new SwarmSecret(`${name}-secret-${key}`, fileArgs, childOpts())
            : new SwarmConfig(`${name}-config-${key}`, fileArgs, childOpts());
        objects.push(resource);
        names[key] = (resource as SwarmSecret).objectName;
      }
      return { objects, names };
    };
    const secrets = files("secret");
    const configs = files("config");

    let order: string[];
    try {
      order = dependencyOrder(
        Object.fromEntries(
          Object.keys(mapping.services).map((s) => [s, Object.keys(mapping.dependsOn[s] ?? {})]),
        ),
      );
    } catch (err) {
      throw fail((err as Error).message);
    }
    const registryAuth = engineRegistryAuth(args.registryAuth);
    const images: Record<string, BuiltImage> = buildImages(this, name, built.builds, args.registry);
    for (const key of order) {
      const builtImage = images[key];
      const input = mapping.services[key];
      let rendered: SwarmServiceSpec;
      try {
        rendered = renderSwarm(normalizeService(key, { ...input, secretEnv: undefined }), {
          onIgnored: (issue) => pulumi.log.warn(`service ${key}: ${issue.path} ${issue.message}`, this),
        });
      } catch (err) {
        if (err instanceof SpecError) throw fail(err.message);
        throw err;
      }
      const spec = pulumi
        .all([
          pulumi.all(networkNames),
          pulumi.all(secrets.names),
          pulumi.all(configs.names),
          builtImage?.image ?? rendered.TaskTemplate.ContainerSpec.Image,
        ])
        .apply(([nets, secretNames, configNames, image]) =>
          stackServiceSpec(withImage(rendered, image), {
            project,
            service: key,
            containerLabels: mapping.containerLabels[key] ?? {},
            networks: nets,
            secrets: secretNames,
            configs: configNames,
          }),
        );
      const dependencies = Object.keys(mapping.dependsOn[key] ?? {}).map((d) => this.services[d]);
      this.services[key] = new SwarmService(
        `${name}-${key}`,
        {
          ...common,
          spec,
          secretEnv: input.secretEnv,
          registryAuth: builtImage ? engineRegistryAuth(builtImage.registryAuth) : registryAuth,
          timeoutSeconds: timeouts[key] ?? args.timeoutSeconds,
        },
        childOpts([...Object.values(networks), ...secrets.objects, ...configs.objects, ...dependencies]),
      );
    }
    this.serviceIds = pulumi.all(
      Object.fromEntries(Object.entries(this.services).map(([k, s]) => [k, s.id])),
    );
    this.hosts = pulumi.output(Object.fromEntries(order.map((k) => [k, k])));
    this.registerOutputs({ serviceIds: this.serviceIds, hosts: this.hosts });
  }

  /** Each service as a workload of a Kubernetes or ECS cluster; every refusal before anything is created. */
  private deployToCluster(
    name: string,
    cluster: ServiceCluster,
    project: ComposeProject,
    mapping: ReturnType<typeof toServiceSpecs>,
    builds: StackBuildPlan["builds"],
    args: ComposeStackArgs,
    timeoutOf: (service: string) => number,
    fail: (message: string) => pulumi.ResourceError,
  ): Record<string, ContainerService> {
    const target = cluster.target as "kubernetes" | "ecs";
    const used = usedResources(project);
    const plan = planWorkloads(project, mapping, {
      target,
      values: args.values,
      env: args.env ?? process.env,
    });
    const issues = [...stackResourceIssues(project, { ...used, networks: new Set() }), ...plan.issues];
    if (args.strict) {
      for (const { service, key, reason } of plan.ignored) {
        issues.push({
          path: `services.${service}.${key}`,
          message: `would be ignored (${reason}), and strict is set`,
        });
      }
    }
    if (issues.length > 0) throw fail(new ComposeError(issues).message);
    for (const i of plan.ignored) {
      pulumi.log.warn(`service ${i.service}: ${i.key} is ignored: ${i.reason}`, this);
    }
    let order: string[];
    try {
      order = dependencyOrder(
        Object.fromEntries(Object.entries(plan.workloads).map(([s, w]) => [s, w.dependsOn])),
      );
    } catch (err) {
      throw fail((err as Error).message);
    }
    return deployWorkloads(this, name, cluster, plan, {
      order,
      registryAuth: args.registryAuth,
      images: buildImages(this, name, builds, args.registry),
      timeoutSeconds: timeoutOf,
    });
  }
}

/** `rendered` running `image` instead. */
function withImage(rendered: SwarmServiceSpec, image: string): SwarmServiceSpec {
  const template = rendered.TaskTemplate;
  return {
    ...rendered,
    TaskTemplate: { ...template, ContainerSpec: { ...template.ContainerSpec, Image: image } },
  };
}

interface StackNames {
  project: ComposeProject;
  service: string;
  /** Compose's service `labels`, which `docker stack` puts on containers (`deploy.labels` label the service). */
  containerLabels: Record<string, string>;
  networks: Record<string, string>;
  secrets: Record<string, string>;
  configs: Record<string, string>;
}

/** A rendered service as `docker stack deploy` names and labels it, pointing at the stack's objects. */
export function stackServiceSpec(rendered: SwarmServiceSpec, names: StackNames): ProviderServiceSpec {
  const { project, service } = names;
  const namespace = { [stackNamespaceLabel]: project.name };
  const container = rendered.TaskTemplate.ContainerSpec;
  const volumes = project.volumes ?? {};
  // Named volumes are created by the engine on first use; stacks label them like everything else.
  const mounts = container.Mounts?.map((m) => {
    if (m.Type !== "volume" || !m.Source) return m;
    const volumeOptions = stackVolumeOptions(volumes[m.Source], namespace);
    return {
      ...m,
      Source: volumes[m.Source]?.name ?? `${project.name}_${m.Source}`,
      ...(volumeOptions && { VolumeOptions: volumeOptions }),
    };
  });
  const named = engineSpec(rendered, names.secrets, names.configs);
  const containerSpec = {
    ...named.TaskTemplate.ContainerSpec,
    Labels: { ...names.containerLabels, ...namespace },
    Mounts: mounts,
  };
  return {
    ...named,
    Name: `${project.name}_${service}`,
    Labels: { ...rendered.Labels, ...namespace, "com.docker.stack.image": container.Image },
    TaskTemplate: {
      ...named.TaskTemplate,
      ContainerSpec: containerSpec,
      Networks: rendered.TaskTemplate.Networks?.map((n) => ({
        Target: names.networks[n.Target] ?? n.Target,
        // The file's aliases, then the service's own name, as docker stack deploy lists them.
        Aliases: [...(n.Aliases ?? []), service],
      })),
    },
  };
}
