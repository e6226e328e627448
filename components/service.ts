import * as pulumi from "@pulumi/pulumi";
import type {
  PeerAccess,
  RegistryCredentials,
  ServiceCluster,
  ServiceEndpoint,
  WorkloadFile,
} from "./cluster";
import {
  type FileMountInput,
  type NormalizedService,
  normalizeService,
  SpecError,
  type ServiceInput,
} from "./spec";
import type { SpecIssue } from "./spec";
import { type ServiceBuildArgs, serviceImage, type ServiceRegistryArgs } from "./service-image";

export type { ServiceBuildArgs, ServiceRegistryArgs } from "./service-image";

/** A secret or config file of a service: an existing object by name, or one created from `data`. */
export interface ContainerFileInput extends FileMountInput {
  /**
   * The file's content. When given, the service creates the object (content-addressed, so new content rotates
   * it without downtime); otherwise `source` names one that already exists on the cluster.
   * @default none
   */
  data?: pulumi.Input<string>;
}

/** Arguments of {@link ContainerService}: the portable service fields, plus where and how to run it. */
export interface ContainerServiceArgs extends Omit<
  ServiceInput,
  "image" | "env" | "secretEnv" | "networks" | "secrets" | "configs"
> {
  /** The cluster that runs the service: `LocalSwarm` (`pulumi-berth/swarm`), ... Required. */
  cluster: ServiceCluster;
  /**
   * The name of the service on the cluster.
   * @default the resource name
   */
  serviceName?: string;
  /** Docker image reference. Required unless `build` is given. */
  image?: pulumi.Input<string>;
  /**
   * Build the image instead of naming one: it is pushed to `registry` and the service runs the pushed digest.
   * Not together with `image`.
   * @default none
   */
  build?: ServiceBuildArgs;
  /** Where a `build` is pushed, and the credentials to push and pull with. Required with `build`. */
  registry?: ServiceRegistryArgs;
  /**
   * Plain environment variables.
   * @default none
   */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Environment variables whose values are secrets; they are kept as Pulumi secrets.
   * @default none
   */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /**
   * Networks (by name) the service joins besides the cluster's default network.
   * @default none
   */
  networks?: pulumi.Input<string>[];
  /**
   * Secret files.
   * @default none
   */
  secrets?: ContainerFileInput[];
  /**
   * Config files.
   * @default none
   */
  configs?: ContainerFileInput[];
  /**
   * Credentials for a private image; kept as a Pulumi secret.
   * @default none
   */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /**
   * Which of its ports the cluster's other services may reach: `"declared-ports"` (only `ports`) or
   * `"any-port"`, as on a Compose network. Kubernetes and ECS enforce it; Swarm networks admit any port.
   * @default `"declared-ports"`
   */
  peerAccess?: PeerAccess;
  /**
   * How long creating or updating the service may take to converge.
   * @default 300
   */
  timeoutSeconds?: number;
}

/** Thrown for a service description that cannot run on its cluster, listing every problem. */
export class ServiceSpecError extends pulumi.ResourceError {
  constructor(
    /** Every problem found in the description, each with its path. */
    readonly issues: SpecIssue[],
    message: string,
    resource: pulumi.Resource,
  ) {
    super(message, resource, true);
  }
}

/** Stands in for an image that another resource produces, so the rest can be checked at preview. */
const unknownImage = "unknown.invalid/pending:preview";

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function mounts(files: ContainerFileInput[] | undefined): FileMountInput[] | undefined {
  return files?.map(({ data: _data, ...mount }) => mount);
}

function created(files: ContainerFileInput[] | undefined): WorkloadFile[] {
  return (files ?? []).flatMap((f) => (f.data === undefined ? [] : [{ source: f.source, data: f.data }]));
}

/** Names only: secret values never enter the normalized service. */
function names(values: Record<string, unknown> | undefined): Record<string, string> | undefined {
  return values && Object.fromEntries(Object.keys(values).map((k) => [k, ""]));
}

/**
 * One portable service on any cluster. The description is validated when the program runs (a bad one
 * fails the preview with every problem listed) and handed to the cluster, which creates the target's
 * resources (Swarm: secrets, configs and the service) as children and waits for them to converge.
 *
 * ```ts
 * const cluster = new LocalSwarm("local");
 * const api = new ContainerService("api", {
 *   cluster,
 *   image: "traefik/whoami:v1.10",
 *   ports: [{ target: 80, published: 8080 }],
 *   secretEnv: { TOKEN: config.requireSecret("token") },
 * });
 * export const endpoints = api.endpoints;
 * ```
 */
export class ContainerService extends pulumi.ComponentResource {
  /** The cluster's id for the service. */
  declare readonly serviceId: pulumi.Output<string>;
  /** The name the cluster knows the service by; other services reach it by this name. */
  declare readonly serviceName: pulumi.Output<string>;
  /** Tasks asked for: replicas, or a job's completions; 0 for a global service (one per node). */
  declare readonly replicas: pulumi.Output<number>;
  /** Every port the service listens on, with its public address where it is published. */
  declare readonly endpoints: pulumi.Output<ServiceEndpoint[]>;

  constructor(name: string, args: ContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:index:ContainerService", name, {}, opts);
    const {
      cluster,
      serviceName = name,
      image: givenImage,
      build,
      registry,
      env,
      secretEnv,
      networks,
      secrets,
      configs,
      registryAuth: givenRegistryAuth,
      timeoutSeconds = 300,
      peerAccess,
      ...portable
    } = args;
    let image: pulumi.Input<string>;
    let registryAuth: pulumi.Input<RegistryCredentials> | undefined;
    try {
      ({ image, registryAuth } = serviceImage(
        name,
        serviceName,
        { image: givenImage, build, registry, registryAuth: givenRegistryAuth },
        this,
      ));
    } catch (err) {
      throw this.specError(err);
    }
    const input = (resolved: { image: string; env?: Record<string, string>; networks?: string[] }) =>
      definedOnly({
        ...portable,
        // A built image's platform is the service's, unless the service names its own.
        platform: portable.platform ?? build?.platform,
        ...resolved,
        secretEnv: names(secretEnv),
        secrets: mounts(secrets),
        configs: mounts(configs),
      }) as ServiceInput;

    const known = (value: unknown) => typeof value === "string";
    let preview: NormalizedService;
    try {
      preview = normalizeService(
        serviceName,
        input({
          image: known(image) ? (image as string) : unknownImage,
          env:
            env &&
            Object.fromEntries(Object.keys(env).map((k) => [k, known(env[k]) ? (env[k] as string) : ""])),
          networks: networks?.map((n) => (known(n) ? (n as string) : "pending")),
        }),
      );
    } catch (err) {
      throw this.specError(err);
    }
    const service = pulumi
      .all([image, env ?? {}, networks ?? []])
      .apply(([image, env, networks]) =>
        normalizeService(
          serviceName,
          input({ image, env, networks: networks.length > 0 ? networks : undefined }),
        ),
      );

    let workload;
    try {
      workload = cluster.deployWorkload(
        name,
        {
          preview,
          service,
          secretEnv: pulumi.secret(secretEnv ?? {}),
          files: { secrets: created(secrets), configs: created(configs) },
          registryAuth: registryAuth === undefined ? undefined : pulumi.secret(registryAuth),
          timeoutSeconds,
          ...(peerAccess !== undefined && { peerAccess }),
        },
        this,
      );
    } catch (err) {
      throw this.specError(err);
    }
    this.serviceId = workload.serviceId;
    this.serviceName = workload.serviceName;
    this.replicas = service.apply((s) => s.replicas);
    this.endpoints = workload.endpoints;
    this.registerOutputs({
      serviceId: this.serviceId,
      serviceName: this.serviceName,
      replicas: this.replicas,
      endpoints: this.endpoints,
    });
  }

  private specError(err: unknown): unknown {
    if (!(err instanceof SpecError)) return err;
    return new ServiceSpecError(err.issues, err.message, this);
  }
}
