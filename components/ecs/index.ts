/** `berth/ecs`: AWS ECS clusters and workloads. */
export { renderEcs, type EcsRenderOptions } from "../spec/render/ecs";
export { fargateTaskSize } from "../spec/render/ecs-sizing";
export type * from "../spec/render/ecs-types";
