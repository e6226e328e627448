/**
 * A FAKE Harbor v2.0 API on 127.0.0.1, for tests. Every request (path, method, query, headers, body)
 * and every response it sends is checked against Harbor's published API description (see
 * harbor-contract.ts); each mismatch is recorded in `violations`, which tests assert empty. It keeps
 * Harbor's documented behaviours: basic auth on everything but /health and /ping (401 without), 409
 * on a duplicate name, 412 when deleting a project that still holds repositories, robot secrets only
 * in the create and refresh-secret responses, `Location` on 201, a session cookie on every answer
 * (Harbor's CSRF check rejects requests that send it back on writes). Its state is plain maps that
 * tests read and edit (to make drift).
 */
import type http from "http";
import { randomBytes } from "crypto";
import { closeFakeHttpServer, fakeServerUrl, startFakeHttpServer } from "./fake-http-server";
import { harborContract, type ContractOperation } from "./harbor-contract";
import { errorReply, type FakeReply, type HarborFakeState, handlers, newState } from "./harbor-fake-handlers";

export type {
  FakeGcSchedule,
  FakeGroup,
  FakeMember,
  FakeRegistry,
  FakeReplicationPolicy,
  FakeUser,
  FakeImmutableRule,
  FakeProject,
  FakeQuota,
  FakeRetention,
  FakeRobot,
  FakeHealth,
  HarborFakeState,
} from "./harbor-fake-handlers";

export interface RecordedRequest {
  method: string;
  /** The path and query as sent. */
  url: string;
  operationId?: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body?: unknown;
  /** The body the fake answered with. */
  response?: unknown;
}

const publicOperations = new Set(["getHealth", "getPing"]);

/**
 * Answers real Harbor gives that its API description does not list, by `<operationId> <status>`,
 * with where Harbor sends them. The fake sends these without recording a violation; any other
 * undocumented answer is one.
 */
export const undocumentedHarborAnswers: Record<string, string> = {
  "CreateRobot 409":
    "a duplicate robot name: Harbor's robot DAO turns the unique-name violation into a 409 conflict error",
  "createProjectMember 404":
    "a user Harbor does not know: its member controller onboards unknown users, which fails with not found",
  "getReplicationPolicy 404":
    "a policy that does not exist: the replication handler passes the controller's not-found error on",
};

/**
 * Answers real Harbor sends without the body its API description gives them, by
 * `<operationId> <status>`: the fake sends these bodiless without recording a violation.
 */
export const bodilessHarborAnswers: Record<string, string> = {
  "getGCSchedule 200":
    "no schedule: Harbor's handler answers OK without a payload, which go-swagger writes as an empty body",
};

/** A running fake Harbor. `start()` it, point a connection at `url`, `close()` it after. */
export class HarborFake {
  readonly username = "admin";
  readonly password = `Harbor-${randomBytes(6).toString("hex")}`;
  readonly state: HarborFakeState = newState();
  /** Every way a request or a response broke the contract, in order. */
  readonly violations: string[] = [];
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private readonly contract = harborContract();

  /** The fake's base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return fakeServerUrl(this.server, "Harbor");
  }

  /** The connection a Berth Harbor resource takes to reach this fake (plain HTTP, allowed by name). */
  get connection(): { url: string; username: string; password: string; allowInsecureHttp: true } {
    return { url: this.url, username: this.username, password: this.password, allowInsecureHttp: true };
  }

  /**
   * Runs `work` with HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD naming this fake (and
   * HARBOR_ALLOW_INSECURE_HTTP: it serves plain HTTP), as `pulumi import` finds a connection with no
   * state, and removes them afterwards.
   */
  async inEnvironment<T>(work: () => Promise<T> | T): Promise<T> {
    const variables = {
      HARBOR_URL: this.url,
      HARBOR_USERNAME: this.username,
      HARBOR_PASSWORD: this.password,
      HARBOR_ALLOW_INSECURE_HTTP: "true",
    };
    Object.assign(process.env, variables);
    try {
      return await work();
    } finally {
      for (const key of Object.keys(variables)) delete process.env[key];
    }
  }

  async start(): Promise<this> {
    this.server = await startFakeHttpServer((req, res, body) => this.serve(req, res, body), this.violations);
    return this;
  }

  async close(): Promise<void> {
    await closeFakeHttpServer(this.server);
  }

  /** Adds a repository to a project, as a push would (a project holding one cannot be deleted). */
  pushRepository(projectName: string, repository: string): void {
    const project = [...this.state.projects.values()].find((p) => p.name === projectName);
    if (!project) throw new Error(`the fake has no project ${projectName}`);
    project.repositories.push(repository);
  }

  /** Adds a user, as an administrator would (a user member must name one Harbor knows). */
  addUser(username: string): number {
    const existing = [...this.state.users.values()].find((u) => u.username === username);
    if (existing) return existing.user_id;
    // Users are numbered on their own, as Harbor's user table is.
    const id = Math.max(0, ...this.state.users.keys()) + 1;
    this.state.users.set(id, { user_id: id, username });
    return id;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const record: RecordedRequest = { method, url: req.url ?? "/", status: 0, headers: req.headers };
    this.requests.push(record);
    const reply = (operation: ContractOperation | undefined, answer: FakeReply) => {
      const headers: Record<string, string> = {
        "x-request-id": randomBytes(8).toString("hex"),
        // Harbor hands every client a session; a client that sends it back on a write fails CSRF.
        "set-cookie": `sid=${randomBytes(8).toString("hex")}; Path=/; HttpOnly`,
        ...Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      };
      const answered = `${operation?.operationId} ${answer.status}`;
      const known =
        operation &&
        (undocumentedHarborAnswers[answered] ||
          (answer.body === undefined && bodilessHarborAnswers[answered]));
      if (operation && !known) {
        for (const problem of this.contract.responseProblems(operation, answer.status, headers, answer.body))
          this.violations.push(`response: ${problem}`);
      }
      record.status = answer.status;
      record.response = answer.body;
      const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
      if (text) headers["content-type"] = "application/json";
      res.writeHead(answer.status, headers).end(text);
    };
    const apiPath = url.pathname.startsWith(this.contract.basePath)
      ? url.pathname.slice(this.contract.basePath.length)
      : undefined;
    const found = apiPath === undefined ? undefined : this.contract.find(method, apiPath);
    if (!found) {
      this.violations.push(`request: ${method} ${url.pathname} is no operation of the contract`);
      return reply(undefined, errorReply(404, "NOT_FOUND", `no route ${method} ${url.pathname}`));
    }
    const { operation, params } = found;
    record.operationId = operation.operationId;
    let body: unknown;
    const hasBody = raw.length > 0;
    if (hasBody) {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`request: ${operation.operationId}: the body is not JSON`);
        return reply(operation, errorReply(400, "BAD_REQUEST", "invalid JSON body"));
      }
    }
    record.body = body;
    const problems = this.contract.requestProblems(operation, {
      params,
      query: url.searchParams,
      headers: req.headers,
      body,
      hasBody,
    });
    if (req.headers.cookie)
      problems.push(`${operation.operationId}: sent a cookie (Harbor's CSRF check rejects it)`);
    for (const problem of problems) this.violations.push(`request: ${problem}`);
    if (problems.length > 0) return reply(operation, errorReply(400, "BAD_REQUEST", problems.join("; ")));
    if (!publicOperations.has(operation.operationId) && !this.authorized(req.headers.authorization)) {
      return reply(operation, errorReply(401, "UNAUTHORIZED", "unauthorized"));
    }
    const handler = handlers[operation.operationId];
    if (!handler) {
      this.violations.push(`request: ${operation.operationId} is not served by the fake`);
      return reply(operation, errorReply(405, "METHOD_NOT_ALLOWED", `${operation.operationId} not served`));
    }
    reply(
      operation,
      handler(this.state, {
        params,
        query: url.searchParams,
        body,
        byName: req.headers["x-is-resource-name"] === "true",
        nameInLocation: req.headers["x-resource-name-in-location"] === "true",
        basePath: this.contract.basePath,
      }),
    );
  }

  private authorized(header: string | undefined): boolean {
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString("base64")}`;
    return header === expected;
  }
}

/** Starts a fake Harbor. */
export async function startHarborFake(): Promise<HarborFake> {
  return new HarborFake().start();
}
