import * as pulumi from "@pulumi/pulumi";
import type {
  RegistryCredentials,
  ServiceCluster,
  ServiceEndpoint,
  StackDeployment,
  Workload,
} from "../cluster";
import { loadCompose } from "./load";
import { planBuilds, type StackBuildMode } from "./stack-builds";
import { buildImages, type ComposeStackRegistry } from "./stack-images";
import { deployAsWorkloads } from "./stack-workloads";
import { toServiceSpecs } from "./to-service-specs";
import { ComposeError, type ComposeProject, type LoadComposeOptions } from "./types";

/** Arguments of {@link ComposeStack}: a Compose project and the cluster it deploys to. */
export interface ComposeStackArgs {
  /**
   * The cluster to deploy to: a swarm (`LocalSwarm`, `SwarmCluster`), deployed as `docker stack deploy`
   * would; or a `KubernetesCluster` / `GkeCluster` / `EcsCluster`, where each service is a workload of
   * the cluster (see {@link ComposeStack}).
   */
  cluster: ServiceCluster;
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
   * Where the images of services with `build` are pushed: each is built (`context`, `dockerfile`,
   * `args`, `target`) and pushed to the service's `image` when it names one, else to
   * `<repository>/<service>`; the service runs the pushed digest and pulls it with `credentials`.
   * Without it, a service with `build` and `image` runs `image` unbuilt (see {@link build}).
   * @default none
   */
  registry?: ComposeStackRegistry;
  /**
   * Whether services with `build` are built: `"auto"` builds and pushes when `registry` is given, and
   * otherwise runs each such service's `image` unbuilt, with a message (as `docker stack deploy` does;
   * a service without `image` is then refused); `"always"` builds, refusing without `registry`;
   * `"never"` runs every service's `image`, building nothing.
   * @default "auto"
   */
  build?: StackBuildMode;
  /**
   * How long each service may take to converge; `x-berth.timeoutSeconds` overrides it per service.
   * @default 300 s
   */
  timeoutSeconds?: number;
}

/**
 * A Compose project deployed to any cluster.
 *
 * The stack loads, maps and orders its services, builds their images, and hands them to the cluster.
 * A cluster that deploys whole stacks does so itself: a swarm, as `docker stack deploy` would (services
 * named `<project>_<service>` reachable by their short name on the stack's networks, networks, secrets
 * and configs named `<project>_<key>`, everything labelled `com.docker.stack.namespace`; beyond
 * `docker stack`, it waits for every service to converge, creates services after the ones they
 * `depends_on`, and removes the networks, secrets and configs that no service uses any more).
 *
 * On other clusters (Kubernetes, ECS), each service is a `ContainerService` child (`<name>-<service>`) that the
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
 * A service with `build` is built when the stack has a `registry`: its image is built and pushed by an
 * `Image` child (`<name>-<service>-image`) and the service runs the pushed digest, on every target.
 * Without a `registry`, a service that also names `image` runs that image unbuilt, as
 * `docker stack deploy` does (see {@link ComposeStackArgs.build}).
 *
 * Every refusal fails the preview, naming the service and the Compose key.
 */
export class ComposeStack extends pulumi.ComponentResource {
  /** The project's name: the stack's namespace. */
  readonly projectName: string;
  /** The project as loaded. */
  readonly project: ComposeProject;
  /** Each service's workload on the cluster, by Compose service name. */
  readonly workloads: Record<string, Workload>;
  /**
   * The resource the cluster made for each service, by Compose service name: a `SwarmService` on a
   * swarm, a `ContainerService` elsewhere.
   * @deprecated Use {@link workloads}; kept for one release for programs that read a swarm's services here.
   */
  readonly services: Record<string, pulumi.Resource>;
  /** The cluster's service ids by Compose service name. */
  declare readonly serviceIds: pulumi.Output<Record<string, string>>;
  /**
   * The DNS name other services reach each service by, by Compose service name: the service name on a
   * swarm's stack networks, `<service>.<namespace>.svc.cluster.local` on Kubernetes,
   * `<service>.<Cloud Map namespace>` on ECS.
   */
  declare readonly hosts: pulumi.Output<Record<string, string>>;
  /** Each service's endpoints (name, port, public address), by Compose service name. */
  declare readonly endpoints: pulumi.Output<Record<string, ServiceEndpoint[]>>;

  constructor(name: string, args: ComposeStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:compose:ComposeStack", name, {}, opts);
    const fail = (message: string) => new pulumi.ResourceError(`ComposeStack ${name}: ${message}`, this);
    const cluster = args.cluster;
    if (typeof cluster?.deployWorkload !== "function" || typeof cluster.serviceHost !== "function")
      throw fail(
        "cluster: not a cluster (LocalSwarm, SwarmCluster, KubernetesCluster, GkeCluster, EcsCluster)",
      );
    if (cluster.deployStack === undefined && cluster.stackSupport === undefined)
      throw fail(
        `cluster: the ${String(cluster.target)} cluster says neither how it deploys a stack nor what a stack may hold`,
      );
    if (args.project === undefined || args.project === null)
      throw fail("project: give a project from loadCompose, or the options to load one with");
    let project: ComposeProject;
    let mapping: ReturnType<typeof toServiceSpecs>;
    let built: ReturnType<typeof planBuilds>;
    try {
      project = "services" in args.project ? args.project : loadCompose(args.project);
      built = planBuilds(project, args.registry, args.build);
      const early = built.issues;
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
    for (const service of built.skipped) {
      pulumi.log.info(
        `service ${service}: build skipped, running its image ${built.project.services[service].image ?? ""} (give registry to build and push it)`,
        this,
      );
    }
    for (const i of mapping.ignored) {
      const where = i.service === undefined ? "" : `service ${i.service}: `;
      pulumi.log.warn(`${where}${i.key} is ignored: ${i.reason}`, this);
    }
    const timeoutSeconds = (service: string) => mapping.timeoutSeconds[service] ?? args.timeoutSeconds ?? 300;
    const images = () => buildImages(this, name, built.builds, args.registry);
    const env = args.env ?? process.env;
    let deployment: StackDeployment;
    try {
      deployment = cluster.deployStack
        ? cluster.deployStack(
            name,
            {
              project: built.project,
              mapping,
              images: images(),
              values: args.values,
              env,
              registryAuth: args.registryAuth,
              timeoutSeconds,
              strict: args.strict ?? false,
            },
            this,
          )
        : deployAsWorkloads(this, name, cluster, cluster.stackSupport!, built.project, mapping, {
            strict: args.strict ?? false,
            values: args.values,
            env,
            registryAuth: args.registryAuth,
            images,
            timeoutSeconds,
          });
    } catch (err) {
      if (err instanceof pulumi.ResourceError) throw err;
      if (err instanceof Error) throw fail(err.message);
      throw err;
    }
    this.workloads = deployment.workloads;
    this.services = deployment.resources;
    const keys = Object.keys(this.workloads);
    this.serviceIds = pulumi.all(Object.fromEntries(keys.map((k) => [k, this.workloads[k].serviceId])));
    this.hosts = pulumi.all(Object.fromEntries(keys.map((k) => [k, cluster.serviceHost(k)])));
    this.endpoints = pulumi.all(Object.fromEntries(keys.map((k) => [k, this.workloads[k].endpoints])));
    this.registerOutputs({ serviceIds: this.serviceIds, hosts: this.hosts, endpoints: this.endpoints });
  }
}
