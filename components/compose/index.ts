/**
 * `pulumi-berth/compose`: Compose files loaded as Docker Compose reads them, and deployed as stacks.
 *
 * @module pulumi-berth/compose
 */
export { loadCompose } from "./load";
export {
  ComposeError,
  type ComposeIssue,
  type ComposePath,
  type ComposeProject,
  type ComposeService,
  type ComposeNetwork,
  type ComposeVolume,
  type ComposeFileObject,
  type ComposePort,
  type ComposeVolumeMount,
  type ComposeFileReference,
  type ComposeDependency,
  type LoadComposeOptions,
} from "./types";
export {
  toServiceSpecs,
  type ComposeMapping,
  type ToServiceSpecsOptions,
  type IgnoredComposeKey,
} from "./to-service-specs";
export { ComposeStack, type ComposeStackArgs } from "./stack";
export type { ComposeStackRegistry } from "./stack-images";
export type { StackBuildMode } from "./stack-builds";
export { composeServiceKeys } from "./schema";
