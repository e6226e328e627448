import type * as pulumi from "@pulumi/pulumi";
import type { NormalizedService } from "./spec";
import type { StackDeployment, StackRequest, StackSupport } from "./stack-contract";
import type {
  LoggingDeployment,
  LoggingRequest,
  MonitoringDeployment,
  MonitoringRequest,
} from "./observability-contract";
import type { TenantPlacement, TenantRequest } from "./tenant-contract";

export type {
  BuiltImage,
  ExistingClaimVolumes,
  NodeVolumes,
  StackDeployment,
  StackRequest,
  StackSupport,
} from "./stack-contract";

/** Credentials for pulling a private image. */
export interface RegistryCredentials {
  /** The registry host, as in the image reference: `registry.example.com`, `127.0.0.1:5000`. */
  server: string;
  /** The user name to log in with. */
  username: string;
  /** A password or token. Secret. */
  password: string;
}

/**
 * Which ports of a service the cluster's other services may reach: only those it declares (Berth's
 * default on Kubernetes and ECS, which isolate services), or any port, as on a Compose or Swarm network.
 * Swarm's overlay networks always admit any port.
 */
export type PeerAccess = "declared-ports" | "any-port";

/** The content of a secret or config file that a service brings along, by its logical name. */
export interface WorkloadFile {
  /** The file's name, as the service's `secrets[]` or `configs[]` entry gives it. */
  source: string;
  /** The file's content. */
  data: pulumi.Input<string>;
}

/** What a cluster needs to run one portable service. */
export interface WorkloadRequest {
  /**
   * The service, validated now with stand-ins for values not yet known (image, env and networks from
   * other resources). Clusters check it against their target at once, so refusals fail the preview.
   */
  preview: NormalizedService;
  /** The service with every value resolved. `secretEnv` holds names only: the values are in `secretEnv`. */
  service: pulumi.Output<NormalizedService>;
  /** Secret variables' values. */
  secretEnv: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Secrets and configs created with the service (the others are named in the spec and must exist). */
  files: { secrets: WorkloadFile[]; configs: WorkloadFile[] };
  /** Credentials to pull a private image with. */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /** How long creating or updating the service may take to converge. */
  timeoutSeconds: number;
  /**
   * Which ports the cluster's other services may reach.
   * @default {@link PeerAccess} `"declared-ports"`
   */
  peerAccess?: PeerAccess;
}

/** How a service can be reached. */
export interface ServiceEndpoint {
  /** The name other services on the cluster use. */
  host: string;
  /** The port the container listens on. */
  port: number;
  /** The port's transport protocol. */
  protocol: "tcp" | "udp";
  /** `host:port` from outside the cluster, for public ports. */
  publicAddress?: string;
}

/** What a cluster made of a {@link WorkloadRequest}. */
export interface Workload {
  /** The target's id for the service (Swarm service id, ...). */
  serviceId: pulumi.Output<string>;
  /** The name the target knows the service by. */
  serviceName: pulumi.Output<string>;
  /** One entry per port of the service. */
  endpoints: pulumi.Output<ServiceEndpoint[]>;
}

/**
 * A cluster that runs portable services: the whole contract a target provides. Each target's cluster
 * components implement it, so `ContainerService` and `ComposeStack` deploy anywhere without importing
 * any target's code; a new target is one folder implementing it.
 */
export interface ServiceCluster {
  /** The target, as the renderers name it. */
  readonly target: "swarm" | "kubernetes" | "ecs";
  /**
   * Creates the service's resources as children of `parent`.
   * @throws {@link SpecError} when the service asks for what the target cannot honour.
   */
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload;
  /**
   * The name other services of the cluster reach a service by, given the name the cluster knows it by:
   * the name itself on a swarm's networks, `<name>.<namespace>.svc.cluster.local` on Kubernetes,
   * `<name>.<Cloud Map namespace>` on ECS.
   */
  serviceHost(serviceName: string): pulumi.Output<string>;
  /**
   * What a Compose stack may hold when it runs as one workload per service. Needed unless the cluster
   * deploys whole stacks itself ({@link deployStack}).
   */
  readonly stackSupport?: StackSupport;
  /**
   * Deploys a whole Compose stack, its networks, volumes, secrets and configs included, as children of
   * `parent` (a swarm, as `docker stack deploy` would). Default: `ComposeStack` plans the stack from
   * {@link stackSupport} and deploys one workload per service through {@link deployWorkload}.
   * @throws Error naming the Compose paths the cluster cannot deploy.
   */
  deployStack?(name: string, request: StackRequest, parent: pulumi.ComponentResource): StackDeployment;
  /**
   * Deploys monitoring (metrics, alert rules, dashboards) of the cluster and its services as children of
   * `parent`: what the `Monitoring` component asks for. The target's code loads only when it is called.
   * @throws Error naming the arguments the target cannot honour, before anything is created.
   */
  deployMonitoring?(
    name: string,
    request: MonitoringRequest,
    parent: pulumi.ComponentResource,
  ): MonitoringDeployment;
  /**
   * Deploys a log agent that ships every container's logs to a sink, as children of `parent`: what the
   * `Logging` component asks for.
   * @throws Error naming the arguments the target cannot honour, before anything is created.
   */
  deployLogging?(name: string, request: LoggingRequest, parent: pulumi.ComponentResource): LoggingDeployment;
  /**
   * Makes room for a tenant (a namespace with its quota and policies, or a network of its own) as
   * children of `parent`, and returns the view of the cluster that deploys into it: what the `Tenant`
   * component asks for.
   * @throws Error naming the arguments the target cannot honour, before anything is created.
   */
  deployTenant?(name: string, request: TenantRequest, parent: pulumi.ComponentResource): TenantPlacement;
}
