import type * as gitbeaker from "@gitbeaker/rest";
import type * as requesterUtils from "@gitbeaker/requester-utils";
import { noRedirectRequesterFn } from "./requester";
import type {
  AccessToken,
  DeployToken,
  NewAccessToken,
  NewDeployToken,
  Project,
  ProjectEdit,
  ProtectionRule,
  ProtectionRuleBody,
} from "./api-types";

/** How to reach a GitLab: its base URL, a token allowed to manage the project, the registry's host. */
export interface GitLabConnection {
  /**
   * GitLab's base URL, e.g. `https://gitlab.example.com` (the API lives under `/api/v4`). Plain
   * `http://` is refused unless {@link allowInsecureHttp}; a URL with `user:password@` is refused.
   */
  url: string;
  /**
   * A personal, group or project access token with the `api` scope (sent as `PRIVATE-TOKEN`). Absent
   * only in the state an import leaves: then it is read from `GITLAB_TOKEN` when needed.
   */
  token: string;
  /** Sends the token over plain `http://` (unencrypted). Default: false, only https:// is used. */
  allowInsecureHttp?: boolean;
  /**
   * The container registry's host as image references name it, e.g. `registry.gitlab.example.com`.
   * Absent: the host of `url`.
   */
  registryHost?: string;
}

/** A failed GitLab API call: the HTTP status and GitLab's `message` or `error`. */
export type GitLabApiError = Error & { status: number; operation: string };

/** Whether `err` is GitLab's answer `status`. */
export function hasGitLabStatus(err: unknown, status: number): err is GitLabApiError {
  return err instanceof Error && (err as Partial<GitLabApiError>).status === status;
}

/** The registry host of a connection: `registryHost`, or the host of `url`. */
export function registryHostOf(connection: GitLabConnection): string {
  return connection.registryHost || new URL(connection.url).host;
}

/** GitLab's error as a plain Error (providers are serialized, and plain values travel best). */
function apiError(err: unknown, operation: string): Error {
  const response = (err as { cause?: { response?: { status?: number } } })?.cause?.response;
  if (!(err instanceof Error) || typeof response?.status !== "number") return err as Error;
  const failure = new Error(
    `GitLab ${operation} failed with ${response.status}: ${err.message || "no message"}`,
  ) as GitLabApiError;
  failure.status = response.status;
  failure.operation = operation;
  return failure;
}

async function call<T>(operation: string, request: () => Promise<unknown>): Promise<T> {
  try {
    return (await request()) as T;
  } catch (err) {
    throw apiError(err, operation);
  }
}

/**
 * The GitLab REST API calls Berth's providers make, through `@gitbeaker/rest` (an optional peer
 * dependency, loaded here so that programs without GitLab resources never need it). Protection rules
 * have no gitbeaker resource yet and go through its requester. Requests go through
 * {@link noRedirectRequesterFn}: no redirect is followed, and no token is sent over plain HTTP unless
 * the connection allows it.
 */
export function gitlabClient(connection: GitLabConnection) {
  const sdk = require("@gitbeaker/rest") as typeof gitbeaker;
  // gitbeaker's own requester utilities, found from @gitbeaker/rest as it finds them.
  const utils = require(
    require.resolve("@gitbeaker/requester-utils", { paths: [require.resolve("@gitbeaker/rest")] }),
  ) as typeof requesterUtils;
  const options = {
    host: connection.url.replace(/\/+$/, ""),
    token: connection.token,
    requesterFn: noRedirectRequesterFn(utils, connection.allowInsecureHttp === true),
  };
  const projects = new sdk.Projects(options);
  const deployTokens = new sdk.DeployTokens(options);
  const accessTokens = new sdk.ProjectAccessTokens(options);
  const project = (ref: string | number) => encodeURIComponent(String(ref));
  const rules = (ref: string | number) => `projects/${project(ref)}/registry/protection/repository/rules`;

  return {
    /** `GET /projects/:id`, by ID or full path. */
    getProject: (ref: string | number) => call<Project>("GET /projects/:id", () => projects.show(ref)),

    /** `PUT /projects/:id` with the registry settings. */
    editProject: (ref: string | number, edit: ProjectEdit) =>
      call<Project>("PUT /projects/:id", () => projects.edit(ref, edit as never)),

    /** `POST /projects/:id/deploy_tokens`: the only answer carrying the token. */
    createDeployToken: (
      ref: string | number,
      body: { name: string; scopes: string[]; expires_at?: string; username?: string },
    ) =>
      call<NewDeployToken>("POST /projects/:id/deploy_tokens", () =>
        deployTokens.create(body.name, body.scopes as never, {
          projectId: ref,
          ...(body.expires_at ? { expires_at: body.expires_at } : {}),
          ...(body.username ? { username: body.username } : {}),
        }),
      ),

    getDeployToken: (ref: string | number, tokenId: number) =>
      call<DeployToken>("GET /projects/:id/deploy_tokens/:token_id", () =>
        deployTokens.show(tokenId, { projectId: ref }),
      ),

    deleteDeployToken: (ref: string | number, tokenId: number) =>
      call<void>("DELETE /projects/:id/deploy_tokens/:token_id", () =>
        deployTokens.remove(tokenId, { projectId: ref }),
      ),

    /** `POST /projects/:id/access_tokens`: the answer carries the token. */
    createAccessToken: (
      ref: string | number,
      body: { name: string; scopes: string[]; expires_at: string; access_level: number; description: string },
    ) =>
      call<NewAccessToken>("POST /projects/:id/access_tokens", () =>
        accessTokens.create(ref, body.name, body.scopes as never, body.expires_at, {
          accessLevel: body.access_level,
          ...(body.description ? { description: body.description } : {}),
        } as never),
      ),

    getAccessToken: (ref: string | number, tokenId: number) =>
      call<AccessToken>("GET /projects/:id/access_tokens/:token_id", () => accessTokens.show(ref, tokenId)),

    /** `POST .../rotate`: GitLab revokes the token and answers with a new one (a new ID). */
    rotateAccessToken: (ref: string | number, tokenId: number, expiresAt: string) =>
      call<NewAccessToken>("POST /projects/:id/access_tokens/:token_id/rotate", () =>
        accessTokens.rotate(ref, tokenId, { expiresAt }),
      ),

    revokeAccessToken: (ref: string | number, tokenId: number) =>
      call<void>("DELETE /projects/:id/access_tokens/:token_id", () => accessTokens.revoke(ref, tokenId)),

    listProtectionRules: (ref: string | number) =>
      call<ProtectionRule[]>("GET /projects/:id/registry/protection/repository/rules", async () => {
        const page = await projects.requester.get(rules(ref), { searchParams: { per_page: 100 } } as never);
        return page.body;
      }),

    createProtectionRule: (ref: string | number, body: ProtectionRuleBody) =>
      call<ProtectionRule>(
        "POST /projects/:id/registry/protection/repository/rules",
        async () => (await projects.requester.post(rules(ref), { body } as never)).body,
      ),

    updateProtectionRule: (ref: string | number, ruleId: number, body: ProtectionRuleBody) =>
      call<ProtectionRule>(
        "PATCH /projects/:id/registry/protection/repository/rules/:id",
        async () => (await projects.requester.patch(`${rules(ref)}/${ruleId}`, { body } as never)).body,
      ),

    deleteProtectionRule: (ref: string | number, ruleId: number) =>
      call<void>("DELETE /projects/:id/registry/protection/repository/rules/:id", () =>
        projects.requester.delete(`${rules(ref)}/${ruleId}`),
      ),
  };
}

/** A client of one GitLab. */
export type GitLabClient = ReturnType<typeof gitlabClient>;
