/**
 * A FAKE GitLab REST API (v4) on 127.0.0.1, for tests: exactly the endpoints Berth's GitLab providers
 * use (project registry settings, project deploy tokens, project access tokens with rotation,
 * container repository protection rules), with GitLab's documented request and answer shapes. It
 * answers 401 without the right `PRIVATE-TOKEN`, 404 with GitLab's `{ message }` for what does not
 * exist, 400 with Grape's `{ error }` for a body field the documentation does not list or a value it
 * does not allow, 422 where GitLab's services refuse (a duplicate protection pattern). Tokens appear
 * only in the create and rotate answers. Every request that breaks the contract, and any answer of
 * its own that leaves the documented shape, is recorded in `violations`, which tests assert empty.
 * Its state is plain maps that tests read and edit (to make drift).
 */
import type http from "http";
import { randomBytes } from "crypto";
import { closeFakeHttpServer, fakeServerUrl, startFakeHttpServer } from "./fake-http-server";
import { type FakeReply, message, route } from "./gitlab-fake-handlers";
import { documentedKeys, type FakeProject, type GitLabFakeState, newState } from "./gitlab-fake-state";

export type {
  FakeAccessToken,
  FakeDeployToken,
  FakeProject,
  FakeProtectionRule,
  GitLabFakeState,
} from "./gitlab-fake-state";

export interface RecordedRequest {
  method: string;
  /** The path and query as sent. */
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body?: unknown;
  /** The body the fake answered with. */
  response?: unknown;
}

const apiBase = "/api/v4";

/** A running fake GitLab. `start()` it, add projects, point a connection at `url`, `close()` it after. */
export class GitLabFake {
  readonly token = `glpat-${randomBytes(10).toString("hex")}`;
  readonly registryHost = "registry.gitlab.test";
  readonly state: GitLabFakeState = newState();
  /** Every way a request or an answer broke GitLab's documented contract, in order. */
  readonly violations: string[] = [];
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;

  /** The fake's base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return fakeServerUrl(this.server, "GitLab");
  }

  /** The connection a Berth GitLab resource takes to reach this fake (plain HTTP, allowed by name). */
  get connection(): { url: string; token: string; registryHost: string; allowInsecureHttp: true } {
    return { url: this.url, token: this.token, registryHost: this.registryHost, allowInsecureHttp: true };
  }

  /**
   * Runs `work` with GITLAB_URL and GITLAB_TOKEN naming this fake (and GITLAB_ALLOW_INSECURE_HTTP:
   * it serves plain HTTP), as `pulumi import` finds a connection with no state, and removes them
   * afterwards.
   */
  async inEnvironment<T>(work: () => Promise<T> | T): Promise<T> {
    const variables = { GITLAB_URL: this.url, GITLAB_TOKEN: this.token, GITLAB_ALLOW_INSECURE_HTTP: "true" };
    Object.assign(process.env, variables);
    try {
      return await work();
    } finally {
      for (const key of Object.keys(variables)) delete process.env[key];
    }
  }

  /** Adds a project, as a user would in GitLab, with GitLab's defaults for a new one. */
  addProject(pathWithNamespace: string): FakeProject {
    const id = this.state.nextId++;
    const project: FakeProject = {
      id,
      path_with_namespace: pathWithNamespace,
      container_registry_access_level: "enabled",
      container_expiration_policy: {
        cadence: "1d",
        enabled: false,
        keep_n: 10,
        older_than: "90d",
        name_regex: ".*",
        name_regex_keep: null,
        next_run_at: null,
      },
    };
    this.state.projects.set(id, project);
    return project;
  }

  async start(): Promise<this> {
    this.server = await startFakeHttpServer((req, res, body) => this.serve(req, res, body), this.violations);
    return this;
  }

  async close(): Promise<void> {
    await closeFakeHttpServer(this.server);
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const record: RecordedRequest = { method, url: req.url ?? "/", status: 0, headers: req.headers };
    this.requests.push(record);
    const reply = (answer: FakeReply) => {
      if (answer.violation) this.violations.push(`request: ${answer.violation}`);
      record.status = answer.status;
      record.response = answer.body;
      const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
      res.writeHead(answer.status, text ? { "content-type": "application/json" } : {}).end(text);
    };
    // The raw path: a project's full path travels percent-encoded (`group%2Fapp`) in one segment.
    const rawPath = (req.url ?? "/").split("?")[0];
    const found = rawPath.startsWith(`${apiBase}/`)
      ? route(method, rawPath.slice(apiBase.length))
      : undefined;
    if (!found) {
      return reply({
        ...message(404, "404 Not Found"),
        violation: `${method} ${url.pathname} is no endpoint the fake serves (a project path must be URL-encoded)`,
      });
    }
    if (req.headers["private-token"] !== this.token) return reply(message(401, "401 Unauthorized"));
    const operation = `${method} ${found.route.path}`;
    for (const key of url.searchParams.keys())
      if (!(found.route.query ?? []).includes(key))
        return reply({
          status: 400,
          body: { error: `${key} is not a parameter of this endpoint` },
          violation: `${operation}: query ${key}`,
        });
    let body: unknown;
    if (raw.length > 0) {
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
        return reply({
          status: 415,
          body: { error: "The provided content-type is not supported" },
          violation: `${operation}: a body that is not JSON`,
        });
      try {
        body = JSON.parse(raw);
      } catch {
        return reply({
          status: 400,
          body: { error: "The request body is not valid JSON" },
          violation: `${operation}: malformed JSON`,
        });
      }
    }
    record.body = body;
    const bodiless = method === "GET" || method === "DELETE";
    // gitbeaker sends `{}` with its deletes; GitLab ignores it. Anything more is a mistake.
    if (bodiless && body !== undefined && JSON.stringify(body) !== "{}")
      return reply({
        status: 400,
        body: { error: "this endpoint takes no body" },
        violation: `${operation}: sent a body`,
      });
    const answer = found.route.handler(this.state, {
      params: found.params,
      query: url.searchParams,
      body: bodiless ? undefined : body,
      registryHost: this.registryHost,
    });
    for (const problem of answerProblems(operation, answer)) this.violations.push(`response: ${problem}`);
    reply(answer);
  }
}

/** Ways the fake's own answer leaves GitLab's documented shape. */
function answerProblems(operation: string, answer: FakeReply): string[] {
  if (answer.status >= 400 || answer.body === undefined) return [];
  const check = (what: string, value: unknown, keys: readonly string[], extra: readonly string[] = []) => {
    const got = Object.keys(value as object)
      .filter((k) => !extra.includes(k))
      .sort();
    const want = [...keys].sort();
    return got.join() === want.join()
      ? []
      : [`${operation}: ${what} has keys ${got.join(", ")}, documented ${want.join(", ")}`];
  };
  if (operation.includes("deploy_tokens"))
    return check(
      "the deploy token",
      answer.body,
      documentedKeys.deployToken,
      operation.startsWith("POST") ? ["token"] : [],
    );
  if (operation.includes("access_tokens"))
    return check(
      "the access token",
      answer.body,
      documentedKeys.accessToken,
      operation.startsWith("POST") ? ["token"] : [],
    );
  if (operation.includes("protection")) {
    const rules = Array.isArray(answer.body) ? answer.body : [answer.body];
    return rules.flatMap((r) => check("the protection rule", r, documentedKeys.protectionRule));
  }
  const policy = (answer.body as { container_expiration_policy?: unknown }).container_expiration_policy;
  return policy ? check("container_expiration_policy", policy, documentedKeys.expirationPolicy) : [];
}

/** Starts a fake GitLab. */
export async function startGitLabFake(): Promise<GitLabFake> {
  return new GitLabFake().start();
}
