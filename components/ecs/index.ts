/**
 * `pulumi-berth/ecs`: AWS ECS clusters and the services on them (needs `@pulumi/aws`, loaded only when an
 * `EcsCluster` is made), and the pure renderer.
 *
 * @module pulumi-berth/ecs
 */
export { renderEcs, type EcsRenderOptions } from "../spec/render/ecs";
export { fargateTaskSize } from "../spec/render/ecs-sizing";
export type * from "../spec/render/ecs-types";
export {
  EcsCluster,
  EcsClusterError,
  ecsOptimizedImage,
  ecsOptimizedArmImage,
  type EcsClusterArgs,
  type EcsNetworkArgs,
  type EcsEc2CapacityArgs,
  type EcsCapacityProviderStrategyItem,
  type EcsCapacityProviderName,
  type EcsClusterIssue,
  type ContainerInsightsLevel,
  type EcsFirelensArgs,
  type EcsLoggingArgs,
} from "./cluster";
export { awsForFluentBitImage } from "./firelens-args";
export type { EcsFirelens, SecretOption } from "./firelens";
export type { EcsClusterContext } from "./context";
export type { EcsWorkload, EcsWorkloadArgs } from "./workload";
