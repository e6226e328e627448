/** What the GitLab fake does for each endpoint it serves, on its plain state. */
import { randomBytes } from "crypto";
import { bodies, bodyError, type BodySpec } from "./gitlab-fake-contract";
import {
  accessTokenView,
  deployTokenView,
  type FakeProject,
  type GitLabFakeState,
  projectView,
} from "./gitlab-fake-state";

export interface FakeRequest {
  /** The path's parameters, decoded: `project` (an ID or a full path), `token`, `rule`. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  registryHost: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  /** Set when the request broke GitLab's documented contract (the client's mistake). */
  violation?: string;
}

type Handler = (state: GitLabFakeState, req: FakeRequest) => FakeReply;

/** GitLab's error answers: `{ message }` from Rails, `{ error }` from Grape's parameter checks. */
export const message = (status: number, text: unknown): FakeReply => ({ status, body: { message: text } });
const notFound = (what = "Not found") => message(404, `404 ${what}`);

function invalid(body: unknown, spec: BodySpec, operation: string): FakeReply | undefined {
  const error = bodyError(body, spec);
  return error ? { status: 400, body: { error }, violation: `${operation}: ${error}` } : undefined;
}

const findProject = (state: GitLabFakeState, ref: string): FakeProject | undefined =>
  /^\d+$/.test(ref)
    ? state.projects.get(Number(ref))
    : [...state.projects.values()].find((p) => p.path_with_namespace.toLowerCase() === ref.toLowerCase());

/** Runs `then` with the project, or answers GitLab's 404. */
function inProject(
  then: (project: FakeProject, state: GitLabFakeState, req: FakeRequest) => FakeReply,
): Handler {
  return (state, req) => {
    const project = findProject(state, req.params.project);
    return project ? then(project, state, req) : notFound("Project Not Found");
  };
}

const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`;
const today = (days = 0) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const editProject = inProject((project, _state, req) => {
  const refused = invalid(req.body, bodies.editProject, "PUT /projects/:id");
  if (refused) return refused;
  const body = req.body as Record<string, unknown>;
  if (body.container_registry_access_level)
    project.container_registry_access_level =
      body.container_registry_access_level as FakeProject["container_registry_access_level"];
  const policy = body.container_expiration_policy_attributes as Record<string, unknown> | undefined;
  if (policy) {
    const { name_regex_delete, ...rest } = policy;
    for (const regex of [rest.name_regex, name_regex_delete, rest.name_regex_keep]) {
      if (typeof regex !== "string") continue;
      try {
        new RegExp(regex);
      } catch {
        return message(400, { "container_expiration_policy.name_regex": ["not valid RE2 syntax"] });
      }
    }
    Object.assign(
      project.container_expiration_policy,
      rest,
      name_regex_delete === undefined ? {} : { name_regex: name_regex_delete },
    );
    const p = project.container_expiration_policy;
    p.next_run_at = p.enabled ? new Date(Date.now() + 86_400_000).toISOString() : null;
  }
  return { status: 200, body: projectView(project, req.registryHost) };
});

const createDeployToken = inProject((project, state, req) => {
  const refused = invalid(req.body, bodies.createDeployToken, "POST /projects/:id/deploy_tokens");
  if (refused) return refused;
  const body = req.body as { name: string; scopes: string[]; expires_at?: string; username?: string };
  const id = state.nextId++;
  const token = {
    id,
    project_id: project.id,
    name: body.name,
    username: body.username || `gitlab+deploy-token-${id}`,
    expires_at: body.expires_at ? new Date(body.expires_at).toISOString() : null,
    revoked: false,
    scopes: body.scopes,
    token: secret("gldt"),
  };
  state.deployTokens.set(id, token);
  return { status: 201, body: deployTokenView(token, true) };
});

const deployTokenOf = (state: GitLabFakeState, project: FakeProject, id: string) => {
  const token = state.deployTokens.get(Number(id));
  return token?.project_id === project.id ? token : undefined;
};

const getDeployToken = inProject((project, state, req) => {
  const token = deployTokenOf(state, project, req.params.token);
  return token ? { status: 200, body: deployTokenView(token, false) } : notFound();
});

const deleteDeployToken = inProject((project, state, req) => {
  const token = deployTokenOf(state, project, req.params.token);
  if (!token) return notFound();
  state.deployTokens.delete(token.id);
  return { status: 204 };
});

function accessTokenProblem(expiresAt: string): FakeReply | undefined {
  if (expiresAt <= today()) return message(400, "400 Bad request - Expiration date must be in the future");
  if (expiresAt > today(365))
    return message(400, "400 Bad request - Expiration date must be before " + today(365));
  return undefined;
}

const createAccessToken = inProject((project, state, req) => {
  const refused = invalid(req.body, bodies.createAccessToken, "POST /projects/:id/access_tokens");
  if (refused) return refused;
  const body = req.body as {
    name: string;
    scopes: string[];
    expires_at: string;
    access_level?: number;
    description?: string;
  };
  const problem = accessTokenProblem(body.expires_at);
  if (problem) return problem;
  const id = state.nextId++;
  const token = {
    id,
    project_id: project.id,
    name: body.name,
    description: body.description ?? null,
    revoked: false,
    active: true,
    created_at: new Date().toISOString(),
    expires_at: body.expires_at,
    scopes: body.scopes,
    user_id: 1000 + id,
    access_level: body.access_level ?? 40,
    last_used_at: null,
    token: secret("glpat"),
  };
  state.accessTokens.set(id, token);
  return { status: 201, body: accessTokenView(token, true) };
});

const accessTokenOf = (state: GitLabFakeState, project: FakeProject, id: string) => {
  const token = state.accessTokens.get(Number(id));
  return token?.project_id === project.id ? token : undefined;
};
const tokenNotFound = (id: string) =>
  notFound(`Could not find project access token with token_id: ${id} Not Found`);

const getAccessToken = inProject((project, state, req) => {
  const token = accessTokenOf(state, project, req.params.token);
  return token ? { status: 200, body: accessTokenView(token, false) } : tokenNotFound(req.params.token);
});

/** Revoking deletes the token's bot user soon after: GitLab no longer finds a revoked token to revoke. */
const revokeAccessToken = inProject((project, state, req) => {
  const token = accessTokenOf(state, project, req.params.token);
  if (!token || token.revoked) return tokenNotFound(req.params.token);
  token.revoked = true;
  token.active = false;
  return { status: 204 };
});

const rotateAccessToken = inProject((project, state, req) => {
  const refused = invalid(
    req.body,
    bodies.rotateAccessToken,
    "POST /projects/:id/access_tokens/:token_id/rotate",
  );
  if (refused) return refused;
  const old = accessTokenOf(state, project, req.params.token);
  if (!old) return tokenNotFound(req.params.token);
  if (old.revoked || !old.active) return message(400, "400 Bad request - Token already revoked");
  // Without an expiry, GitLab gives the new token one week.
  const expiresAt = (req.body as { expires_at?: string } | undefined)?.expires_at ?? today(7);
  const problem = accessTokenProblem(expiresAt);
  if (problem) return problem;
  old.revoked = true;
  old.active = false;
  const id = state.nextId++;
  const token = {
    ...old,
    id,
    revoked: false,
    active: true,
    created_at: new Date().toISOString(),
    expires_at: expiresAt,
    token: secret("glpat"),
  };
  state.accessTokens.set(id, token);
  return { status: 200, body: accessTokenView(token, true) };
});

const rulesOf = (state: GitLabFakeState, project: FakeProject) =>
  [...state.protectionRules.values()].filter((r) => r.project_id === project.id);

function ruleProblem(
  state: GitLabFakeState,
  project: FakeProject,
  rule: {
    id?: number;
    repository_path_pattern: string;
    minimum_access_level_for_push: string | null;
    minimum_access_level_for_delete: string | null;
  },
): FakeReply | undefined {
  if (!rule.repository_path_pattern.startsWith(project.path_with_namespace.toLowerCase()))
    return message(422, "Repository path pattern should start with the project's full path");
  if (
    rulesOf(state, project).some(
      (r) => r.id !== rule.id && r.repository_path_pattern === rule.repository_path_pattern,
    )
  )
    return message(422, "Repository path pattern has already been taken");
  if (rule.minimum_access_level_for_push === null && rule.minimum_access_level_for_delete === null)
    return message(422, "A rule must have at least a minimum access role for push or delete.");
  return undefined;
}

const listRules = inProject((project, state) => ({ status: 200, body: rulesOf(state, project) }));

const createRule = inProject((project, state, req) => {
  const refused = invalid(
    req.body,
    bodies.createProtectionRule,
    "POST /projects/:id/registry/protection/repository/rules",
  );
  if (refused) return refused;
  const body = req.body as Record<string, string | null>;
  const rule = {
    id: state.nextId++,
    project_id: project.id,
    repository_path_pattern: body.repository_path_pattern as string,
    minimum_access_level_for_push: body.minimum_access_level_for_push ?? null,
    minimum_access_level_for_delete: body.minimum_access_level_for_delete ?? null,
  };
  const problem = ruleProblem(state, project, rule);
  if (problem) return problem;
  state.protectionRules.set(rule.id, rule);
  return { status: 201, body: rule };
});

const ruleOf = (state: GitLabFakeState, project: FakeProject, id: string) => {
  const rule = state.protectionRules.get(Number(id));
  return rule?.project_id === project.id ? rule : undefined;
};

const updateRule = inProject((project, state, req) => {
  const refused = invalid(
    req.body,
    bodies.updateProtectionRule,
    "PATCH /projects/:id/registry/protection/repository/rules/:id",
  );
  if (refused) return refused;
  const rule = ruleOf(state, project, req.params.rule);
  if (!rule) return notFound();
  const updated = { ...rule, ...(req.body as object) };
  const problem = ruleProblem(state, project, updated);
  if (problem) return problem;
  Object.assign(rule, updated);
  return { status: 200, body: rule };
});

const deleteRule = inProject((project, state, req) => {
  const rule = ruleOf(state, project, req.params.rule);
  if (!rule) return notFound();
  state.protectionRules.delete(rule.id);
  return { status: 204 };
});

/** The endpoints served: method, the path's pattern (`:name` a parameter), the handler. */
export const routes: { method: string; path: string; handler: Handler; query?: string[] }[] = [
  {
    method: "GET",
    path: "/projects/:project",
    handler: inProject((p, _s, req) => ({ status: 200, body: projectView(p, req.registryHost) })),
  },
  { method: "PUT", path: "/projects/:project", handler: editProject },
  { method: "POST", path: "/projects/:project/deploy_tokens", handler: createDeployToken },
  { method: "GET", path: "/projects/:project/deploy_tokens/:token", handler: getDeployToken },
  { method: "DELETE", path: "/projects/:project/deploy_tokens/:token", handler: deleteDeployToken },
  { method: "POST", path: "/projects/:project/access_tokens", handler: createAccessToken },
  { method: "GET", path: "/projects/:project/access_tokens/:token", handler: getAccessToken },
  { method: "DELETE", path: "/projects/:project/access_tokens/:token", handler: revokeAccessToken },
  { method: "POST", path: "/projects/:project/access_tokens/:token/rotate", handler: rotateAccessToken },
  {
    method: "GET",
    path: "/projects/:project/registry/protection/repository/rules",
    handler: listRules,
    query: ["page", "per_page"],
  },
  { method: "POST", path: "/projects/:project/registry/protection/repository/rules", handler: createRule },
  {
    method: "PATCH",
    path: "/projects/:project/registry/protection/repository/rules/:rule",
    handler: updateRule,
  },
  {
    method: "DELETE",
    path: "/projects/:project/registry/protection/repository/rules/:rule",
    handler: deleteRule,
  },
];

/** The route and decoded parameters of a raw (still percent-encoded) path under `/api/v4`. */
export function route(method: string, rawPath: string) {
  const segments = rawPath.split("/").filter(Boolean);
  for (const r of routes) {
    const parts = r.path.split("/").filter(Boolean);
    if (r.method !== method || parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      if (part.startsWith(":")) return (params[part.slice(1)] = decodeURIComponent(segments[i])) !== "";
      return part === segments[i];
    });
    if (matches) return { route: r, params };
  }
  return undefined;
}
