/**
 * `pulumi-berth/registry`: images built and pushed from a program, registries and their credentials.
 *
 * @module pulumi-berth/registry
 */
export { Image, ImageError, type ImageArgs, type BuildSecretSource } from "./image";
export * from "./harbor";
export * from "./gitlab";
export {
  credentialsFor,
  registryHost,
  type CredentialsSource,
  type RobotCredentialsSource,
  type GivenCredentialsSource,
  type GitLabTokenSource,
} from "./credentials";
