/** GitLab container registry resources, managed through GitLab's REST API with `@gitbeaker/rest`. */
export { type GitLabConnection } from "../../../provider/gitlab/resource-connection";
export {
  GitLabRegistry,
  type GitLabRegistryArgs,
  type GitLabCleanupPolicyArgs,
  type RegistryAccessLevel,
  type CleanupAge,
  type CleanupCadence,
  type CleanupKeepCount,
} from "../../../provider/gitlab/registry-resource";
export {
  GitLabDeployToken,
  type GitLabDeployTokenArgs,
  type DeployTokenScope,
} from "../../../provider/gitlab/deploy-token-resource";
export {
  GitLabProjectAccessToken,
  type GitLabProjectAccessTokenArgs,
  type AccessTokenScope,
} from "../../../provider/gitlab/access-token-resource";
export {
  GitLabProtectedRepositoryRule,
  type GitLabProtectedRepositoryRuleArgs,
  type ProtectionAccessLevel,
} from "../../../provider/gitlab/protection-rule-resource";
export { gitlabCredentials, type GitLabRegistryToken } from "./credentials";
