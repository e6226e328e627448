/** GitLab container registry resources, managed through GitLab's REST API with `@gitbeaker/rest`. */
export { type GitLabConnection } from "./connection";
export {
  GitLabRegistry,
  type GitLabRegistryArgs,
  type GitLabCleanupPolicyArgs,
  type RegistryAccessLevel,
  type CleanupAge,
  type CleanupCadence,
  type CleanupKeepCount,
} from "./registry";
export { GitLabDeployToken, type GitLabDeployTokenArgs, type DeployTokenScope } from "./deploy-token";
export {
  GitLabProjectAccessToken,
  type GitLabProjectAccessTokenArgs,
  type AccessTokenScope,
} from "./access-token";
export {
  GitLabProtectedRepositoryRule,
  type GitLabProtectedRepositoryRuleArgs,
  type ProtectionAccessLevel,
} from "./protection-rule";
export { gitlabCredentials, type GitLabRegistryToken } from "./credentials";
