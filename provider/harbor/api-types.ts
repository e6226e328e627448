/**
 * The shapes of Harbor v2.0 API objects that Berth uses, as the published API description
 * (harbor-v2.0-swagger.yaml, `definitions`) spells them. Only the fields Berth reads or writes.
 */

/** `definitions.ProjectMetadata`: every value is a string ("true", "false", "high", ...). */
export interface ProjectMetadata {
  public?: string;
  enable_content_trust?: string | null;
  enable_content_trust_cosign?: string | null;
  prevent_vul?: string | null;
  severity?: string | null;
  auto_scan?: string | null;
  auto_sbom_generation?: string | null;
  reuse_sys_cve_allowlist?: string | null;
  retention_id?: string | null;
}

/** `definitions.CVEAllowlistItem` */
export interface CveAllowlistItem {
  cve_id?: string;
}

/** `definitions.CVEAllowlist` */
export interface CveAllowlist {
  id?: number;
  project_id?: number;
  expires_at?: number | null;
  items?: CveAllowlistItem[];
}

/** `definitions.ProjectReq` */
export interface ProjectReq {
  project_name?: string;
  metadata?: ProjectMetadata;
  cve_allowlist?: CveAllowlist;
  storage_limit?: number | null;
}

/** `definitions.Project` */
export interface Project {
  project_id?: number;
  name?: string;
  repo_count?: number;
  metadata?: ProjectMetadata;
  cve_allowlist?: CveAllowlist;
}

/** `definitions.ResourceList`: a size per resource (`storage`, in bytes; -1 is unlimited). */
export type ResourceList = Record<string, number>;

/** `definitions.Quota` */
export interface Quota {
  id?: number;
  ref?: Record<string, unknown>;
  hard?: ResourceList;
  used?: ResourceList;
}

/** `definitions.QuotaUpdateReq` */
export interface QuotaUpdateReq {
  hard?: ResourceList;
}

/** `definitions.Access` */
export interface Access {
  resource?: string;
  action?: string;
  effect?: string;
}

/** `definitions.RobotPermission` */
export interface RobotPermission {
  kind?: string;
  namespace?: string;
  access?: Access[];
}

/** `definitions.RobotCreate` */
export interface RobotCreate {
  name?: string;
  description?: string;
  secret?: string;
  level?: string;
  disable?: boolean;
  duration?: number;
  permissions?: RobotPermission[];
}

/** `definitions.RobotCreated`: the only answer besides a refresh that carries the secret. */
export interface RobotCreated {
  id?: number;
  name?: string;
  secret?: string;
  creation_time?: string;
  expires_at?: number;
}

/** `definitions.Robot` */
export interface Robot {
  id?: number;
  name?: string;
  description?: string;
  secret?: string;
  level?: string;
  duration?: number | null;
  editable?: boolean;
  disable?: boolean;
  expires_at?: number;
  permissions?: RobotPermission[];
  creator_type?: string;
  creator_ref?: number;
  creation_time?: string;
  update_time?: string;
}

/** `definitions.RobotSec` */
export interface RobotSec {
  secret?: string;
}

/** `definitions.Errors` */
export interface Errors {
  errors?: { code?: string; message?: string }[];
}

/** `definitions.RetentionSelector` and `definitions.ImmutableSelector` (the same shape). */
export interface RuleSelector {
  kind?: string;
  decoration?: string;
  pattern?: string;
  extras?: string;
}

/** `definitions.RetentionRule` and `definitions.ImmutableRule` (the same shape). */
export interface TagRule {
  id?: number;
  priority?: number;
  disabled?: boolean;
  action?: string;
  template?: string;
  params?: Record<string, unknown>;
  tag_selectors?: RuleSelector[];
  scope_selectors?: Record<string, RuleSelector[]>;
}

/** `definitions.RetentionPolicy` */
export interface RetentionPolicy {
  id?: number;
  algorithm?: string;
  rules?: TagRule[];
  trigger?: { kind?: string; settings?: Record<string, unknown>; references?: Record<string, unknown> };
  scope?: { level?: string; ref?: number };
}
