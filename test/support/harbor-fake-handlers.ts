/**
 * What the Harbor fake does for each operation it serves, by the contract's operationId, on plain
 * in-memory state. Requests reach these only after the contract check passed; what is checked here is
 * Harbor's own behaviour (names, conflicts, value rules), with Harbor's status codes and messages.
 */
import { randomBytes } from "crypto";
import { memberHandlers } from "./harbor-fake-members";
import {
  errorReply,
  type FakeReply,
  type FakeRequest,
  type Handler,
  notFound,
  now,
} from "./harbor-fake-reply";
import { gcHandlers, registryHandlers, replicationHandlers } from "./harbor-fake-replication";

export interface FakeProject {
  project_id: number;
  name: string;
  creation_time: string;
  update_time: string;
  /** Harbor keeps metadata values as strings ("true", "false", "high", ...). */
  metadata: Record<string, string>;
  cve_allowlist: { id: number; project_id: number; items: { cve_id: string }[] };
  /** Repository names: a project holding any cannot be deleted (412). */
  repositories: string[];
}

export interface FakeQuota {
  id: number;
  ref: { id: number; name: string; owner_name: string };
  hard: Record<string, number>;
  used: Record<string, number>;
  creation_time: string;
  update_time: string;
}

export interface FakeRobot {
  id: number;
  /** The full name Harbor gives it: `robot$<project>+<name>` for a project robot. */
  name: string;
  description: string;
  level: "project" | "system";
  duration: number;
  disable: boolean;
  expires_at: number;
  permissions: {
    kind: string;
    namespace: string;
    access: { resource: string; action: string; effect?: string }[];
  }[];
  creation_time: string;
  update_time: string;
  /** Held by Harbor, never sent back outside the create and refresh-secret responses. */
  secret: string;
}

/** A tag or repository selector of a retention or immutability rule. */
export interface FakeSelector {
  kind: string;
  decoration: string;
  pattern: string;
  extras?: string;
}

export interface FakeRule {
  id: number;
  priority: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, unknown>;
  tag_selectors: FakeSelector[];
  scope_selectors: Record<string, FakeSelector[]>;
}

export interface FakeRetention {
  id: number;
  algorithm: string;
  rules: FakeRule[];
  trigger: { kind: string; settings: Record<string, unknown>; references?: Record<string, unknown> };
  scope: { level: string; ref: number };
}

export interface FakeImmutableRule extends FakeRule {
  projectId: number;
}

export interface FakeUser {
  user_id: number;
  username: string;
}

export interface FakeGroup {
  id: number;
  group_name: string;
  /** 1 LDAP, 2 HTTP, 3 OIDC. */
  group_type: number;
  ldap_group_dn: string;
}

export interface FakeMember {
  id: number;
  project_id: number;
  /** "u" for a user, "g" for a group. */
  entity_type: "u" | "g";
  entity_id: number;
  entity_name: string;
  role_id: number;
}

export interface FakeRegistry {
  id: number;
  name: string;
  type: string;
  url: string;
  insecure: boolean;
  description: string;
  /** Held by Harbor; its answers show `access_secret` masked. */
  credential?: { type: string; access_key: string; access_secret: string };
  creation_time: string;
  update_time: string;
}

export interface FakeReplicationPolicy {
  id: number;
  name: string;
  description: string;
  /** 0 is this Harbor. */
  src_registry_id: number;
  dest_registry_id: number;
  dest_namespace: string;
  dest_namespace_replace_count: number;
  trigger: { type: string; trigger_settings?: { cron?: string } };
  filters: { type: string; value: unknown; decoration?: string }[];
  replicate_deletion: boolean;
  override: boolean;
  enabled: boolean;
  creation_time: string;
  update_time: string;
}

export interface FakeGcSchedule {
  id: number;
  type: string;
  cron: string;
  parameters: Record<string, unknown>;
  creation_time: string;
  update_time: string;
}

export interface HarborFakeState {
  projects: Map<number, FakeProject>;
  quotas: Map<number, FakeQuota>;
  robots: Map<number, FakeRobot>;
  retentions: Map<number, FakeRetention>;
  immutableRules: Map<number, FakeImmutableRule>;
  /** Harbor's users, by ID; `admin` (ID 1) is there from the start. */
  users: Map<number, FakeUser>;
  groups: Map<number, FakeGroup>;
  members: Map<number, FakeMember>;
  registries: Map<number, FakeRegistry>;
  replicationPolicies: Map<number, FakeReplicationPolicy>;
  /** Harbor's one garbage collection schedule, if it has one. */
  gcSchedule?: FakeGcSchedule;
  /** What `/health` reports; tests make components unhealthy here. */
  health: FakeHealth;
  nextId: number;
}

/** Harbor's `OverallHealthStatus`: "healthy" only when every component is. */
export interface FakeHealth {
  status: "healthy" | "unhealthy";
  components: { name: string; status: "healthy" | "unhealthy"; error?: string }[];
}

export { errorReply, type FakeReply, type FakeRequest } from "./harbor-fake-reply";

export function newState(): HarborFakeState {
  return {
    projects: new Map(),
    quotas: new Map(),
    robots: new Map(),
    retentions: new Map(),
    immutableRules: new Map(),
    users: new Map([[1, { user_id: 1, username: "admin" }]]),
    groups: new Map(),
    members: new Map(),
    registries: new Map(),
    replicationPolicies: new Map(),
    health: {
      status: "healthy",
      components: ["core", "database", "jobservice", "portal", "redis", "registry", "registryctl"].map(
        (name) => ({ name, status: "healthy" as const }),
      ),
    },
    nextId: 1,
  };
}

const projectNamePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const booleanMetadata = [
  "public",
  "enable_content_trust",
  "enable_content_trust_cosign",
  "prevent_vul",
  "auto_scan",
  "auto_sbom_generation",
  "reuse_sys_cve_allowlist",
];
const severities = ["none", "low", "medium", "high", "critical"];

/** Harbor's checks on project metadata values, as its API applies them. */
function metadataProblem(metadata: Record<string, string | null> | undefined): string | undefined {
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (value === null) continue;
    if (booleanMetadata.includes(key) && value !== "true" && value !== "false")
      return `invalid value "${value}" for metadata ${key}: must be "true" or "false"`;
    if (key === "severity" && !severities.includes(value))
      return `invalid severity "${value}": must be one of ${severities.join(", ")}`;
  }
  return undefined;
}

function findProject(state: HarborFakeState, ref: string, byName: boolean): FakeProject | undefined {
  if (!byName && /^\d+$/.test(ref)) return state.projects.get(Number(ref));
  return [...state.projects.values()].find((p) => p.name === ref);
}

function projectQuota(state: HarborFakeState, projectId: number): FakeQuota | undefined {
  return [...state.quotas.values()].find((q) => q.ref.id === projectId);
}

function projectView(p: FakeProject) {
  return {
    project_id: p.project_id,
    owner_id: 1,
    owner_name: "admin",
    name: p.name,
    registry_id: 0,
    creation_time: p.creation_time,
    update_time: p.update_time,
    deleted: false,
    togglable: true,
    current_user_role_id: 1,
    current_user_role_ids: [1],
    repo_count: p.repositories.length,
    metadata: { ...p.metadata },
    cve_allowlist: { ...p.cve_allowlist, items: [...p.cve_allowlist.items] },
  };
}

/** A robot as Harbor's GET shows it: everything but the secret. */
function robotView(r: FakeRobot) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    level: r.level,
    duration: r.duration,
    editable: true,
    disable: r.disable,
    expires_at: r.expires_at,
    permissions: r.permissions.map((p) => ({ ...p, access: p.access.map((a) => ({ ...a })) })),
    creator_type: "local",
    creator_ref: 1,
    creation_time: r.creation_time,
    update_time: r.update_time,
  };
}

function withProject(
  state: HarborFakeState,
  req: FakeRequest,
  then: (project: FakeProject) => FakeReply,
): FakeReply {
  const ref = req.params.project_name_or_id;
  const project = findProject(state, ref, req.byName);
  return project ? then(project) : notFound(`project ${ref}`);
}

/** Harbor's rule for a robot secret given by the caller. */
function weakSecret(secret: string): boolean {
  return !(
    secret.length >= 8 &&
    secret.length <= 128 &&
    /[A-Z]/.test(secret) &&
    /[a-z]/.test(secret) &&
    /\d/.test(secret)
  );
}

function newSecret(): string {
  return `${randomBytes(12).toString("base64url")}Aa1`;
}

function expiry(created: string, duration: number): number {
  return duration === -1 ? -1 : Math.floor(Date.parse(created) / 1000) + duration * 86400;
}

type RobotPermissions = FakeRobot["permissions"];

/** Why Harbor refuses these permissions for a robot of `level`, or undefined. */
function permissionProblem(state: HarborFakeState, level: string, permissions: RobotPermissions | undefined) {
  if (level !== "project") return `the fake serves project robots only, not level "${level}"`;
  if (!permissions || permissions.length !== 1 || permissions[0].kind !== "project")
    return "a project robot takes exactly one permission of kind project";
  if (!findProject(state, permissions[0].namespace, true))
    return `project ${permissions[0].namespace} not found`;
  if (permissions[0].access.length === 0) return "a robot needs at least one access";
  return undefined;
}

const retentionTemplates = [
  "latestPushedK",
  "latestPulledN",
  "nDaysSinceLastPush",
  "nDaysSinceLastPull",
  "always",
];

/** Harbor's checks on a retention policy's rules, or undefined when they pass. */
function retentionProblem(policy: Partial<FakeRetention>): string | undefined {
  const rules = policy.rules ?? [];
  if (rules.length > 15) return "a retention policy holds at most 15 rules";
  for (const rule of rules) {
    if (!retentionTemplates.includes(rule.template)) return `unknown retention template "${rule.template}"`;
    if (rule.action !== "retain") return `unknown retention action "${rule.action}"`;
    const param = rule.params?.[rule.template];
    if (rule.template !== "always" && !(typeof param === "number" && Number.isInteger(param) && param >= 0))
      return `rule ${rule.template} needs params.${rule.template}, a whole number`;
    if (!rule.tag_selectors?.length || !rule.scope_selectors?.repository?.length)
      return "a rule needs a tag selector and a repository selector";
  }
  if (policy.trigger?.kind !== "Schedule") return `unknown trigger kind "${policy.trigger?.kind}"`;
  return undefined;
}

function retentionView(r: FakeRetention) {
  return JSON.parse(JSON.stringify(r)) as FakeRetention;
}

function immutableView(rule: FakeImmutableRule) {
  const { projectId: _projectId, ...view } = rule;
  return JSON.parse(JSON.stringify(view)) as FakeRule;
}

/** Harbor's checks on an immutability rule. */
function immutableProblem(rule: Partial<FakeRule>): string | undefined {
  if (!rule.tag_selectors?.length || !rule.scope_selectors?.repository?.length)
    return "an immutability rule needs a tag selector and a repository selector";
  return undefined;
}

export const handlers: Record<string, Handler> = {
  ...memberHandlers,
  ...registryHandlers,
  ...replicationHandlers,
  ...gcHandlers,
  getHealth: (state) => ({ status: 200, body: state.health }),

  listProjects(state, req) {
    const name = req.query.get("name");
    const found = [...state.projects.values()].filter((p) => name === null || p.name.includes(name));
    return { status: 200, headers: { "X-Total-Count": String(found.length) }, body: found.map(projectView) };
  },

  headProject(state, req) {
    const name = req.query.get("project_name") ?? "";
    return findProject(state, name, true) ? { status: 200 } : { status: 404 };
  },

  createProject(state, req) {
    const body = req.body as {
      project_name?: string;
      metadata?: Record<string, string>;
      storage_limit?: number | null;
      cve_allowlist?: { items?: { cve_id: string }[] };
    };
    const name = body.project_name ?? "";
    if (!projectNamePattern.test(name) || name.length > 255)
      return errorReply(400, "BAD_REQUEST", `invalid project name "${name}"`);
    if (findProject(state, name, true))
      return errorReply(409, "CONFLICT", `The project named ${name} already exists`);
    const problem = metadataProblem(body.metadata);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    const limit = body.storage_limit ?? -1;
    if (limit !== -1 && limit <= 0)
      return errorReply(
        400,
        "BAD_REQUEST",
        `invalid storage_limit ${limit}: -1 (unlimited) or a positive size`,
      );
    const id = state.nextId++;
    const created = now();
    state.projects.set(id, {
      project_id: id,
      name,
      creation_time: created,
      update_time: created,
      metadata: { public: "false", ...body.metadata },
      cve_allowlist: { id, project_id: id, items: body.cve_allowlist?.items ?? [] },
      repositories: [],
    });
    // Harbor makes the creator the project's first member, as project admin.
    const memberId = state.nextId++;
    state.members.set(memberId, {
      id: memberId,
      project_id: id,
      entity_type: "u",
      entity_id: 1,
      entity_name: "admin",
      role_id: 1,
    });
    const quotaId = state.nextId++;
    state.quotas.set(quotaId, {
      id: quotaId,
      ref: { id, name, owner_name: "admin" },
      hard: { storage: limit },
      used: { storage: 0 },
      creation_time: created,
      update_time: created,
    });
    const location = `${req.basePath}/projects/${req.nameInLocation ? name : id}`;
    return { status: 201, headers: { Location: location } };
  },

  getProject: (state, req) => withProject(state, req, (p) => ({ status: 200, body: projectView(p) })),

  updateProject: (state, req) =>
    withProject(state, req, (project) => {
      const body = req.body as {
        metadata?: Record<string, string | null>;
        cve_allowlist?: { items?: { cve_id: string }[] };
      };
      const problem = metadataProblem(body.metadata);
      if (problem) return errorReply(400, "BAD_REQUEST", problem);
      for (const [key, value] of Object.entries(body.metadata ?? {})) {
        if (value !== null) project.metadata[key] = value;
      }
      if (body.cve_allowlist?.items) project.cve_allowlist.items = body.cve_allowlist.items;
      // Harbor ignores storage_limit here: quotas change only through /quotas.
      project.update_time = now();
      return { status: 200 };
    }),

  deleteProject: (state, req) =>
    withProject(state, req, (project) => {
      if (project.repositories.length > 0) {
        return errorReply(412, "PRECONDITION", `the project contains repositories, can not be deleted`);
      }
      state.projects.delete(project.project_id);
      const quota = projectQuota(state, project.project_id);
      if (quota) state.quotas.delete(quota.id);
      for (const rule of state.immutableRules.values()) {
        if (rule.projectId === project.project_id) state.immutableRules.delete(rule.id);
      }
      for (const member of state.members.values()) {
        if (member.project_id === project.project_id) state.members.delete(member.id);
      }
      const retention = Number(project.metadata.retention_id);
      if (retention) state.retentions.delete(retention);
      for (const robot of state.robots.values()) {
        if (robot.permissions.some((p) => p.namespace === project.name)) state.robots.delete(robot.id);
      }
      return { status: 200 };
    }),

  listProjectMetadatas: (state, req) =>
    withProject(state, req, (p) => ({ status: 200, body: { ...p.metadata } })),

  listQuotas(state, req) {
    const reference = req.query.get("reference");
    const referenceId = req.query.get("reference_id");
    const found = [...state.quotas.values()].filter(
      (q) =>
        (reference === null || reference === "project") &&
        (referenceId === null || String(q.ref.id) === referenceId),
    );
    return {
      status: 200,
      headers: { "X-Total-Count": String(found.length) },
      body: found.map((q) => ({ ...q })),
    };
  },

  getQuota(state, req) {
    const quota = state.quotas.get(Number(req.params.id));
    return quota ? { status: 200, body: { ...quota } } : notFound(`quota ${req.params.id}`);
  },

  updateQuota(state, req) {
    const quota = state.quotas.get(Number(req.params.id));
    if (!quota) return notFound(`quota ${req.params.id}`);
    const hard = (req.body as { hard?: Record<string, number> }).hard ?? {};
    for (const [resource, value] of Object.entries(hard)) {
      if (resource !== "storage") return errorReply(400, "BAD_REQUEST", `unknown quota resource ${resource}`);
      if (value !== -1 && value <= 0) return errorReply(400, "BAD_REQUEST", `invalid storage quota ${value}`);
    }
    quota.hard = { ...quota.hard, ...hard };
    quota.update_time = now();
    return { status: 200 };
  },

  CreateRobot(state, req) {
    const body = req.body as {
      name?: string;
      description?: string;
      secret?: string;
      level?: string;
      disable?: boolean;
      duration?: number;
      permissions?: RobotPermissions;
    };
    if (!body.name || !/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(body.name))
      return errorReply(400, "BAD_REQUEST", `invalid robot name "${body.name ?? ""}"`);
    const problem = permissionProblem(state, body.level ?? "", body.permissions);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    const duration = body.duration ?? -1;
    if (duration !== -1 && duration <= 0)
      return errorReply(400, "BAD_REQUEST", `invalid duration ${duration}`);
    if (body.secret !== undefined && weakSecret(body.secret))
      return errorReply(
        400,
        "BAD_REQUEST",
        "the secret must be 8-128 characters with upper and lower case letters and a digit",
      );
    const fullName = `robot$${body.permissions![0].namespace}+${body.name}`;
    if ([...state.robots.values()].some((r) => r.name === fullName))
      return errorReply(409, "CONFLICT", `robot account ${fullName} already exists`);
    const id = state.nextId++;
    const created = now();
    const robot: FakeRobot = {
      id,
      name: fullName,
      description: body.description ?? "",
      level: "project",
      duration,
      disable: body.disable ?? false,
      expires_at: expiry(created, duration),
      permissions: body.permissions!,
      creation_time: created,
      update_time: created,
      secret: body.secret ?? newSecret(),
    };
    state.robots.set(id, robot);
    return {
      status: 201,
      headers: { Location: `${req.basePath}/robots/${id}` },
      body: {
        id,
        name: fullName,
        secret: robot.secret,
        creation_time: created,
        expires_at: robot.expires_at,
      },
    };
  },

  ListRobot(state, req) {
    const projectId = /ProjectID=(\d+)/.exec(req.query.get("q") ?? "")?.[1];
    const project = projectId === undefined ? undefined : state.projects.get(Number(projectId));
    const found = [...state.robots.values()].filter(
      (r) => projectId === undefined || r.permissions.some((p) => p.namespace === project?.name),
    );
    return { status: 200, headers: { "X-Total-Count": String(found.length) }, body: found.map(robotView) };
  },

  GetRobotByID(state, req) {
    const robot = state.robots.get(Number(req.params.robot_id));
    return robot ? { status: 200, body: robotView(robot) } : notFound(`robot ${req.params.robot_id}`);
  },

  UpdateRobot(state, req) {
    const robot = state.robots.get(Number(req.params.robot_id));
    if (!robot) return notFound(`robot ${req.params.robot_id}`);
    const body = req.body as Partial<FakeRobot>;
    if (body.level !== robot.level || body.name !== robot.name)
      return errorReply(400, "BAD_REQUEST", "cannot update the level or name of robot");
    const problem = permissionProblem(state, body.level ?? "", body.permissions);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    if (body.permissions![0].namespace !== robot.permissions[0].namespace)
      return errorReply(400, "BAD_REQUEST", "cannot move a robot to another project");
    const duration = body.duration ?? robot.duration;
    if (duration !== -1 && duration <= 0)
      return errorReply(400, "BAD_REQUEST", `invalid duration ${duration}`);
    robot.description = body.description ?? "";
    robot.disable = body.disable ?? false;
    robot.duration = duration;
    robot.expires_at = expiry(robot.creation_time, duration);
    robot.permissions = body.permissions!;
    robot.update_time = now();
    return { status: 200 };
  },

  RefreshSec(state, req) {
    const robot = state.robots.get(Number(req.params.robot_id));
    if (!robot) return notFound(`robot ${req.params.robot_id}`);
    const given = (req.body as { secret?: string }).secret;
    if (given && weakSecret(given))
      return errorReply(
        400,
        "BAD_REQUEST",
        "the secret must be 8-128 characters with upper and lower case letters and a digit",
      );
    robot.secret = given || newSecret();
    robot.update_time = now();
    return { status: 200, body: { secret: robot.secret } };
  },

  createRetention(state, req) {
    const body = req.body as Partial<FakeRetention>;
    if (body.scope?.level !== "project")
      return errorReply(400, "BAD_REQUEST", "the scope level must be project");
    const project = state.projects.get(Number(body.scope.ref));
    if (!project) return errorReply(400, "BAD_REQUEST", `project ${body.scope.ref} not found`);
    if (project.metadata.retention_id)
      return errorReply(
        400,
        "BAD_REQUEST",
        `project: ${project.project_id} already has retention policy ${project.metadata.retention_id}`,
      );
    const problem = retentionProblem(body);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    const id = state.nextId++;
    state.retentions.set(id, {
      id,
      algorithm: body.algorithm ?? "or",
      rules: (body.rules ?? []).map((r) => ({ ...r, id: state.nextId++ })),
      trigger: body.trigger!,
      scope: { level: "project", ref: project.project_id },
    });
    project.metadata.retention_id = String(id);
    return { status: 201, headers: { Location: `${req.basePath}/retentions/${id}` } };
  },

  getRetention(state, req) {
    const policy = state.retentions.get(Number(req.params.id));
    // Harbor documents no 404 here: a missing policy is an internal error.
    if (!policy) return errorReply(500, "UNKNOWN", `retention policy ${req.params.id} not found`);
    return { status: 200, body: retentionView(policy) };
  },

  updateRetention(state, req) {
    const policy = state.retentions.get(Number(req.params.id));
    if (!policy) return errorReply(500, "UNKNOWN", `retention policy ${req.params.id} not found`);
    const body = req.body as Partial<FakeRetention>;
    if (body.scope && (body.scope.level !== "project" || body.scope.ref !== policy.scope.ref))
      return errorReply(400, "BAD_REQUEST", "the scope of a retention policy cannot change");
    const problem = retentionProblem(body);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    policy.algorithm = body.algorithm ?? policy.algorithm;
    policy.rules = (body.rules ?? []).map((r) => ({ ...r, id: state.nextId++ }));
    policy.trigger = body.trigger!;
    return { status: 200 };
  },

  ListImmuRules: (state, req) =>
    withProject(state, req, (project) => {
      const rules = [...state.immutableRules.values()].filter((r) => r.projectId === project.project_id);
      return {
        status: 200,
        headers: { "X-Total-Count": String(rules.length) },
        body: rules.map(immutableView),
      };
    }),

  CreateImmuRule: (state, req) =>
    withProject(state, req, (project) => {
      const body = req.body as Partial<FakeRule>;
      const problem = immutableProblem(body);
      if (problem) return errorReply(400, "BAD_REQUEST", problem);
      const id = state.nextId++;
      state.immutableRules.set(id, {
        id,
        projectId: project.project_id,
        priority: body.priority ?? 0,
        disabled: body.disabled ?? false,
        action: "immutable",
        template: "immutable_template",
        params: body.params ?? {},
        tag_selectors: body.tag_selectors!,
        scope_selectors: body.scope_selectors!,
      });
      const ref = req.byName ? project.name : project.project_id;
      return {
        status: 201,
        headers: { Location: `${req.basePath}/projects/${ref}/immutabletagrules/${id}` },
      };
    }),

  UpdateImmuRule: (state, req) =>
    withProject(state, req, (project) => {
      const rule = state.immutableRules.get(Number(req.params.immutable_rule_id));
      if (!rule || rule.projectId !== project.project_id)
        return notFound(`immutable rule ${req.params.immutable_rule_id}`);
      const body = req.body as Partial<FakeRule>;
      const problem = immutableProblem(body);
      if (problem) return errorReply(400, "BAD_REQUEST", problem);
      Object.assign(rule, {
        disabled: body.disabled ?? false,
        tag_selectors: body.tag_selectors,
        scope_selectors: body.scope_selectors,
      });
      return { status: 200 };
    }),

  DeleteImmuRule: (state, req) =>
    withProject(state, req, (project) => {
      const rule = state.immutableRules.get(Number(req.params.immutable_rule_id));
      if (!rule || rule.projectId !== project.project_id)
        return notFound(`immutable rule ${req.params.immutable_rule_id}`);
      state.immutableRules.delete(rule.id);
      return { status: 200 };
    }),

  DeleteRobot(state, req) {
    const id = Number(req.params.robot_id);
    if (!state.robots.has(id)) return notFound(`robot ${id}`);
    state.robots.delete(id);
    return { status: 200 };
  },
};
