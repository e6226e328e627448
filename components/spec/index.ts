/**
 * `pulumi-berth/spec`: the portable service model. Pure functions on plain data: normalize and validate a
 * service description, then render it for Swarm, Kubernetes or ECS.
 *
 * @module pulumi-berth/spec
 */
export * from "./types";
export { SpecError, type SpecIssue } from "./errors";
export { defaults } from "./defaults";
export { normalizeService, specFields } from "./normalize";
export { parseImageReference, type ImageReference } from "./image";
export { parseDuration, formatDuration, parseCpu, parseMemory, formatCpu, formatMemory } from "./units";
export { serviceInputSchema } from "./schema";
export { platforms, architectures, type Platform, type Architecture } from "./platform";
export { type RenderOptions, type Target } from "./render/refusals";
export { renderSwarm, swarmDefaultLogging, type SwarmLogging, type SwarmRenderOptions } from "./render/swarm";
export type * from "./render/swarm-types";
export {
  renderKubernetes,
  failureActionAnnotation,
  type KubernetesObject,
  type KubernetesMonitoring,
  type PodMonitor,
  type PodMonitoring,
} from "./render/kubernetes";
export { renderEcs, type EcsRenderOptions } from "./render/ecs";
export type * from "./render/ecs-types";
export { fargateTaskSize } from "./render/ecs-sizing";
