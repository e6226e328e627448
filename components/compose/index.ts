/** `berth/compose`: Compose files loaded as Docker Compose reads them. */
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
export { composeServiceKeys } from "./schema";
