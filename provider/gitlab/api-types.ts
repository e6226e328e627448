// The shapes of GitLab's REST API (v4) that Berth's GitLab providers send and read, as GitLab's
// documentation spells them (snake_case, as on the wire).

/** `container_registry_access_level` of a project. */
export type RegistryAccessLevel = "enabled" | "private" | "disabled";

/** A project's container registry cleanup policy (`container_expiration_policy`). */
export interface ExpirationPolicy {
  cadence: string;
  enabled: boolean;
  /** `null`: no number of tags is kept regardless of age. */
  keep_n: number | null;
  /** `null`: tags of any age are candidates. */
  older_than: string | null;
  name_regex: string | null;
  name_regex_keep: string | null;
  next_run_at?: string | null;
}

/** The parts of a project (`GET /projects/:id`) Berth reads. */
export interface Project {
  id: number;
  path_with_namespace: string;
  container_registry_access_level: RegistryAccessLevel;
  container_expiration_policy: ExpirationPolicy | null;
  container_registry_image_prefix?: string;
}

/** The body of `PUT /projects/:id` Berth sends. */
export interface ProjectEdit {
  container_registry_access_level: RegistryAccessLevel;
  container_expiration_policy_attributes: Omit<ExpirationPolicy, "next_run_at">;
}

/** A project deploy token (`GET /projects/:id/deploy_tokens/:token_id`). */
export interface DeployToken {
  id: number;
  name: string;
  username: string;
  expires_at: string | null;
  revoked: boolean;
  expired: boolean;
  scopes: string[];
}

/** The answer to creating a deploy token: the only one that carries `token`. */
export interface NewDeployToken extends DeployToken {
  token: string;
}

/** A project access token (`GET /projects/:id/access_tokens/:token_id`). */
export interface AccessToken {
  id: number;
  name: string;
  description?: string | null;
  revoked: boolean;
  active: boolean;
  created_at: string;
  expires_at: string | null;
  scopes: string[];
  user_id: number;
  access_level: number;
  last_used_at?: string | null;
}

/** The answer to creating or rotating an access token: the only ones that carry `token`. */
export interface NewAccessToken extends AccessToken {
  token: string;
}

/** The roles a container repository protection rule names. */
export type ProtectionAccessLevel = "maintainer" | "owner" | "admin";

/** A container repository protection rule (`/projects/:id/registry/protection/repository/rules`). */
export interface ProtectionRule {
  id: number;
  project_id: number;
  repository_path_pattern: string;
  minimum_access_level_for_push: ProtectionAccessLevel | null;
  minimum_access_level_for_delete: ProtectionAccessLevel | null;
}

/** The body of creating or updating a protection rule. */
export type ProtectionRuleBody = Omit<ProtectionRule, "id" | "project_id">;
