/**
 * `pulumi-berth`: the front door. The portable service model is re-exported here; the cluster-specific
 * components live behind their own subpaths (`pulumi-berth/swarm`, `pulumi-berth/kubernetes`, `pulumi-berth/ecs`) so a
 * program loads only the cloud SDKs it deploys to.
 *
 * @module pulumi-berth
 */
export * from "./spec";
export * from "./cluster";
export {
  ContainerService,
  type ContainerServiceArgs,
  type ContainerFileInput,
  type ServiceBuildArgs,
  type ServiceRegistryArgs,
  ServiceSpecError,
} from "./service";
