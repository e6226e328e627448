/** The state of the GitLab fake, and GitLab's answers as the documentation spells them. */

export interface FakeExpirationPolicy {
  cadence: string;
  enabled: boolean;
  keep_n: number | null;
  older_than: string | null;
  name_regex: string | null;
  name_regex_keep: string | null;
  next_run_at: string | null;
}

export interface FakeProject {
  id: number;
  path_with_namespace: string;
  container_registry_access_level: "enabled" | "private" | "disabled";
  container_expiration_policy: FakeExpirationPolicy;
}

export interface FakeDeployToken {
  id: number;
  project_id: number;
  name: string;
  username: string;
  expires_at: string | null;
  revoked: boolean;
  scopes: string[];
  token: string;
}

export interface FakeAccessToken {
  id: number;
  project_id: number;
  name: string;
  description: string | null;
  revoked: boolean;
  active: boolean;
  created_at: string;
  expires_at: string;
  scopes: string[];
  user_id: number;
  access_level: number;
  last_used_at: string | null;
  token: string;
}

export interface FakeProtectionRule {
  id: number;
  project_id: number;
  repository_path_pattern: string;
  minimum_access_level_for_push: string | null;
  minimum_access_level_for_delete: string | null;
}

export interface GitLabFakeState {
  projects: Map<number, FakeProject>;
  deployTokens: Map<number, FakeDeployToken>;
  accessTokens: Map<number, FakeAccessToken>;
  protectionRules: Map<number, FakeProtectionRule>;
  nextId: number;
}

export function newState(): GitLabFakeState {
  return {
    projects: new Map(),
    deployTokens: new Map(),
    accessTokens: new Map(),
    protectionRules: new Map(),
    nextId: 1,
  };
}

/** A project as `GET /projects/:id` shows it (the fields Berth reads, and a few around them). */
export function projectView(p: FakeProject, registryHost: string) {
  const name = p.path_with_namespace.split("/").pop()!;
  return {
    id: p.id,
    name,
    path: name,
    path_with_namespace: p.path_with_namespace,
    container_registry_enabled: p.container_registry_access_level !== "disabled",
    container_registry_access_level: p.container_registry_access_level,
    container_registry_image_prefix: `${registryHost}/${p.path_with_namespace}`.toLowerCase(),
    container_expiration_policy: { ...p.container_expiration_policy },
  };
}

/** A deploy token as GitLab shows it; `token` only in the create answer. */
export function deployTokenView(t: FakeDeployToken, withToken: boolean) {
  const expired = t.expires_at !== null && Date.parse(t.expires_at) <= Date.now();
  return {
    id: t.id,
    name: t.name,
    username: t.username,
    expires_at: t.expires_at,
    revoked: t.revoked,
    expired,
    scopes: [...t.scopes],
    ...(withToken ? { token: t.token } : {}),
  };
}

/** An access token as GitLab shows it; `token` only in the create and rotate answers. */
export function accessTokenView(t: FakeAccessToken, withToken: boolean) {
  const { token, project_id: _project, ...shown } = t;
  return { ...shown, scopes: [...t.scopes], ...(withToken ? { token } : {}) };
}

/** Keys of each answer as GitLab documents them: the fake checks its own answers against these. */
export const documentedKeys = {
  deployToken: ["id", "name", "username", "expires_at", "revoked", "expired", "scopes"],
  accessToken: [
    "id",
    "name",
    "description",
    "revoked",
    "active",
    "created_at",
    "expires_at",
    "scopes",
    "user_id",
    "access_level",
    "last_used_at",
  ],
  protectionRule: [
    "id",
    "project_id",
    "repository_path_pattern",
    "minimum_access_level_for_push",
    "minimum_access_level_for_delete",
  ],
  expirationPolicy: [
    "cadence",
    "enabled",
    "keep_n",
    "older_than",
    "name_regex",
    "name_regex_keep",
    "next_run_at",
  ],
} as const;
