import type * as pulumi from "@pulumi/pulumi";
import type { ComposeMapping } from "./compose/to-service-specs";
import type { ComposeProject } from "./compose/types";
import type { RegistryCredentials, Workload } from "./cluster";

/**
 * What a Compose stack may hold on a cluster that runs it as one workload per service (the default
 * way, which `ComposeStack` plans itself). Data, not code: the planner reads it, and its refusals say
 * the same as the target's renderer, which refuses whatever the stack hands it and it cannot run.
 */
export interface StackSupport {
  /**
   * Why the stack's networks are the cluster's one network here, as messages say it: "Kubernetes has one
   * pod network". Every service reaches every other by name; external networks, aliases and `internal`
   * are refused.
   */
  oneNetwork: string;
  /**
   * What a named volume of the file becomes:
   * - `"existing-claims"`: an external volume names an existing claim of the target (its `name`, else its
   *   key); any other named volume is refused with `refusal`;
   * - `"node-volumes"`: a volume of the machine the task runs on, as a Swarm node's local volumes are,
   *   handed to the renderer, which refuses it where the service's capacity has none.
   */
  namedVolumes: ExistingClaimVolumes | NodeVolumes;
  /** Set when a container's own `labels` cannot be kept: why they are ignored. */
  containerLabelsIgnored?: string;
  /** Set when `deploy.endpoint_mode: vip` means nothing here: why it is ignored. */
  virtualIpIgnored?: string;
  /** A service without ports still gets a name on the cluster's DNS (as `endpointMode: "dnsrr"`). */
  namesPortlessServices: boolean;
}

/** Named volumes name existing claims of the target; others are refused. */
export interface ExistingClaimVolumes {
  /** Which rule this is. */
  kind: "existing-claims";
  /** Why a volume that is not external cannot be deployed, and what to do. */
  refusal: (volume: string) => string;
}

/** Named volumes are volumes of the machine a task runs on, as a Swarm node's local volumes are. */
export interface NodeVolumes {
  /** Which rule this is. */
  kind: "node-volumes";
}

/** A built service's image, as the service runs it. */
export interface BuiltImage {
  /** `repository@sha256:...`, as pushed. */
  image: pulumi.Output<string>;
  /** The credentials the cluster pulls it with. Secret. */
  registryAuth: pulumi.Input<RegistryCredentials>;
}

/** A Compose project, loaded, mapped and checked, for a cluster that deploys whole stacks itself. */
export interface StackRequest {
  /** The project as it deploys: services with `build` name the image they were pushed as. */
  project: ComposeProject;
  /** Its services as portable service inputs, with their container labels and dependencies. */
  mapping: ComposeMapping;
  /** Images built for services with `build`, by service name. */
  images: Record<string, BuiltImage>;
  /** Content for secrets and configs by their key in the file. */
  values?: Record<string, pulumi.Input<string>>;
  /** The environment that secrets and configs taken from `environment` read. */
  env: Record<string, string | undefined>;
  /** Credentials for private images that were not built by the stack. Secret. */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /** How long each service may take to converge, by service name. */
  timeoutSeconds: (service: string) => number;
  /** Every ignored key is an error. */
  strict: boolean;
}

/** What a cluster made of a stack. */
export interface StackDeployment {
  /** Each service's workload, by Compose service name. */
  workloads: Record<string, Workload>;
  /** The resource of each service the cluster made, by Compose service name. */
  resources: Record<string, pulumi.Resource>;
}
