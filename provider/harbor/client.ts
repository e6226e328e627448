import type {
  Errors,
  Project,
  ProjectReq,
  Quota,
  ResourceList,
  Robot,
  RobotCreate,
  RobotCreated,
  RobotSec,
  RetentionPolicy,
  TagRule,
} from "./api-types";

/** How to reach a Harbor: its base URL and an account allowed to manage what Berth creates. */
export interface HarborConnection {
  /** Harbor's base URL, e.g. `https://harbor.example.com` (the API lives under `/api/v2.0`). */
  url: string;
  username: string;
  password: string;
}

/** A failed Harbor API call: the HTTP status and Harbor's `errors[].message`. */
export type HarborApiError = Error & { status: number; messages: string[]; operation: string };

/** The error of a failed call (a plain Error: providers are serialized, and plain values travel best). */
export function harborApiError(status: number, messages: string[], operation: string): HarborApiError {
  const err = new Error(
    `Harbor ${operation} failed with ${status}: ${messages.join("; ") || "no message"}`,
  ) as HarborApiError;
  err.status = status;
  err.messages = messages;
  err.operation = operation;
  return err;
}

/** Whether `err` is Harbor's answer `status`. */
export function hasStatus(err: unknown, status: number): err is HarborApiError {
  return err instanceof Error && (err as Partial<HarborApiError>).status === status;
}

/** Whether `err` is Harbor's answer that the object does not exist. */
export function isNotFound(err: unknown): boolean {
  return hasStatus(err, 404);
}

interface RequestOptions {
  query?: Record<string, string>;
  body?: unknown;
  /** Sends `X-Is-Resource-Name: true`: a name in the path that looks like a number stays a name. */
  byName?: boolean;
}

/**
 * A small client of the Harbor v2.0 REST API over `fetch`: basic auth on every request and no cookie
 * jar (a session cookie would turn on Harbor's CSRF check, which rejects API writes).
 */
export function harborClient(connection: HarborConnection) {
  const base = `${connection.url.replace(/\/+$/, "")}/api/v2.0`;
  const authorization = `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString("base64")}`;

  async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization, accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.byName) headers["X-Is-Resource-Name"] = "true";
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : "";
    const res = await fetch(`${base}${path}${query}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      redirect: "error",
    });
    if (!res.ok) {
      const text = await res.text();
      let messages: string[] = [];
      try {
        messages = ((JSON.parse(text) as Errors).errors ?? []).map((e) => e.message ?? e.code ?? "");
      } catch {
        if (text) messages = [text.slice(0, 200)];
      }
      throw harborApiError(res.status, messages, `${method} ${path}`);
    }
    return res;
  }

  async function json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await (await send(method, path, options)).json()) as T;
  }

  return {
    /** `getProject`, by ID or (with `X-Is-Resource-Name`) by name. */
    getProject(ref: number | string): Promise<Project> {
      return json("GET", `/projects/${encodeURIComponent(String(ref))}`, { byName: typeof ref === "string" });
    },

    /** `createProject`; the new project's ID, from the `Location` Harbor answers with. */
    async createProject(project: ProjectReq): Promise<number> {
      return idFromLocation(await send("POST", "/projects", { body: project }), "createProject");
    },

    /** `updateProject` by ID. */
    async updateProject(id: number, project: ProjectReq): Promise<void> {
      await send("PUT", `/projects/${id}`, { body: project });
    },

    /** `deleteProject` by ID. */
    async deleteProject(id: number): Promise<void> {
      await send("DELETE", `/projects/${id}`);
    },

    /** `listQuotas` for one project: its quota, if Harbor has one. */
    async projectQuota(projectId: number): Promise<Quota | undefined> {
      const quotas = await json<Quota[]>("GET", "/quotas", {
        query: { reference: "project", reference_id: String(projectId) },
      });
      return quotas.find((q) => String(q.ref?.id) === String(projectId));
    },

    /** `updateQuota`: new hard limits. */
    async updateQuota(quotaId: number, hard: ResourceList): Promise<void> {
      await send("PUT", `/quotas/${quotaId}`, { body: { hard } });
    },

    /** `CreateRobot`: the only answer (with a refresh) that carries the robot's secret. */
    createRobot(robot: RobotCreate): Promise<RobotCreated> {
      return json("POST", "/robots", { body: robot });
    },

    /** `GetRobotByID`: everything but the secret. */
    getRobot(id: number): Promise<Robot> {
      return json("GET", `/robots/${id}`);
    },

    /** `UpdateRobot`: the full robot, its name and level unchanged. */
    async updateRobot(id: number, robot: Robot): Promise<void> {
      await send("PUT", `/robots/${id}`, { body: robot });
    },

    /** `RefreshSec`: a new secret, generated by Harbor unless `secret` is given. */
    refreshRobotSecret(id: number, secret?: string): Promise<RobotSec> {
      return json("PATCH", `/robots/${id}`, { body: secret === undefined ? {} : { secret } });
    },

    /** `createRetention`; the new policy's ID, from `Location`. Harbor allows one per project. */
    async createRetention(policy: RetentionPolicy): Promise<number> {
      return idFromLocation(await send("POST", "/retentions", { body: policy }), "createRetention");
    },

    /** `getRetention` */
    getRetention(id: number): Promise<RetentionPolicy> {
      return json("GET", `/retentions/${id}`);
    },

    /** `updateRetention`: the whole policy. */
    async updateRetention(id: number, policy: RetentionPolicy): Promise<void> {
      await send("PUT", `/retentions/${id}`, { body: policy });
    },

    /** `ListImmuRules` of a project, by ID. */
    listImmutableRules(projectId: number): Promise<TagRule[]> {
      return json("GET", `/projects/${projectId}/immutabletagrules`, { query: { page_size: "100" } });
    },

    /** `CreateImmuRule`; the new rule's ID, from `Location`. */
    async createImmutableRule(projectId: number, rule: TagRule): Promise<number> {
      const res = await send("POST", `/projects/${projectId}/immutabletagrules`, { body: rule });
      return idFromLocation(res, "CreateImmuRule");
    },

    /** `UpdateImmuRule` */
    async updateImmutableRule(projectId: number, ruleId: number, rule: TagRule): Promise<void> {
      await send("PUT", `/projects/${projectId}/immutabletagrules/${ruleId}`, { body: rule });
    },

    /** `DeleteImmuRule` */
    async deleteImmutableRule(projectId: number, ruleId: number): Promise<void> {
      await send("DELETE", `/projects/${projectId}/immutabletagrules/${ruleId}`);
    },

    /** `DeleteRobot` */
    async deleteRobot(id: number): Promise<void> {
      await send("DELETE", `/robots/${id}`);
    },
  };
}

/** A client of one Harbor. */
export type HarborClient = ReturnType<typeof harborClient>;

function idFromLocation(res: Response, operation: string): number {
  const location = res.headers.get("location") ?? "";
  const id = Number(/\/(\d+)\/?$/.exec(location)?.[1]);
  if (!Number.isInteger(id)) {
    throw new Error(`Harbor ${operation} answered without the new object's ID in Location (${location})`);
  }
  return id;
}
