import { isUnknown } from "../shared/unknowns";
import { type GitLabClient, type GitLabConnection, gitlabClient, hasGitLabStatus } from "./client";

// What every GitLab provider shares: the connection, object IDs, input checks and errors. The
// comparisons and the failed-create error are every family's (../shared).
export { booleanProblem, changedKeys, type CheckFailure, sameValue } from "../shared/checks";
export { createFailure } from "../shared/create-failure";
import { booleanProblem, type CheckFailure } from "../shared/checks";
import { connectionUrlProblems } from "../shared/endpoint";

/**
 * The connection a provider method uses: the one in state, or for `pulumi import` (no state yet) the
 * environment's `GITLAB_URL` and `GITLAB_TOKEN` (and `GITLAB_REGISTRY_HOST`, if the registry has a
 * host of its own; `GITLAB_ALLOW_INSECURE_HTTP=true` to allow a plain `http://` URL). A connection an
 * import stored holds no token: it is read from `GITLAB_TOKEN` again.
 *
 * @param what - The object, as messages name it (e.g. `gitlab deploy token ci`).
 */
export function connectionOrEnvironment(
  connection: GitLabConnection | undefined,
  what: string,
): GitLabConnection {
  const { GITLAB_URL: url, GITLAB_TOKEN: token, GITLAB_REGISTRY_HOST: registryHost } = process.env;
  if (connection?.url) {
    if (connection.token) return connection;
    if (!token)
      throw new Error(`${what}: the connection in state has no token (it was imported); set GITLAB_TOKEN`);
    return { ...connection, token };
  }
  if (!url || !token) {
    throw new Error(`${what}: no connection in state; to import it, set GITLAB_URL and GITLAB_TOKEN`);
  }
  return {
    url,
    token,
    ...(registryHost ? { registryHost } : {}),
    ...(process.env.GITLAB_ALLOW_INSECURE_HTTP === "true" ? { allowInsecureHttp: true } : {}),
  };
}

/**
 * The connection a `read` puts in state: the one already there (kept secret by the resource's
 * `additionalSecretOutputs`), or, after an import, the one it used without the token. The
 * dynamic-provider host cannot mark what `read` returns as secret, and an import has no earlier
 * state whose secrecy the engine could carry over, so a token read from the environment would land
 * in plain state.
 */
export function storedConnection(
  stored: GitLabConnection | undefined,
  used: GitLabConnection,
): GitLabConnection {
  if (stored?.url) return stored;
  const { token: _token, ...withoutToken } = used;
  return withoutToken as GitLabConnection;
}

/** Problems with the known parts of a connection (at preview, parts may not be known yet). */
export function connectionProblems(c: unknown): CheckFailure[] {
  if (isUnknown(c)) return [];
  if (!c || typeof c !== "object" || Array.isArray(c))
    return [{ property: "connection", reason: "must be { url, token, registryHost?, allowInsecureHttp? }" }];
  const { url, token, registryHost, allowInsecureHttp } = c as Record<string, unknown>;
  const problems: CheckFailure[] = [];
  problems.push(...connectionUrlProblems(url, allowInsecureHttp));
  if (!isUnknown(token) && !(typeof token === "string" && token.length > 0))
    problems.push({ property: "connection.token", reason: "must be a non-empty string" });
  if (
    registryHost !== undefined &&
    !isUnknown(registryHost) &&
    !(typeof registryHost === "string" && /^[A-Za-z0-9.-]+(:\d+)?$/.test(registryHost))
  )
    problems.push({
      property: "connection.registryHost",
      reason: "must be a host name, with a port if any (e.g. registry.gitlab.example.com)",
    });
  if (allowInsecureHttp !== undefined)
    problems.push(...booleanProblem("connection.allowInsecureHttp", allowInsecureHttp));
  return problems;
}

/** A problem when a known `project` is neither a project ID nor a full path like `group/app`. */
export function projectProblem(project: unknown): CheckFailure[] {
  if (isUnknown(project)) return [];
  if (typeof project === "number" && Number.isInteger(project) && project > 0) return [];
  if (typeof project === "string" && /^(\d+|[\w.-]+(\/[\w.-]+)+)$/.test(project)) return [];
  return [
    {
      property: "project",
      reason: `${JSON.stringify(project)} must be a project ID or a full path such as "group/app"`,
    },
  ];
}

/** The ID of an object inside a project: `<project ID>/<object ID>`. */
export function objectId(projectId: number, id: number): string {
  return `${projectId}/${id}`;
}

/**
 * The project and object of an ID: `<project ID or full path>/<object ID>` (a path for `pulumi
 * import`, e.g. `group/app/42`).
 */
export function parseObjectId(id: string, what: string): { project: string; objectId: number } {
  const slash = id.lastIndexOf("/");
  const objectId = Number(id.slice(slash + 1));
  if (slash <= 0 || !Number.isInteger(objectId) || objectId <= 0) {
    throw new Error(`${what}: ID ${JSON.stringify(id)} must be <project ID or path>/<numeric ID>`);
  }
  return { project: id.slice(0, slash), objectId };
}

/** `err` with the object named first, so a failure says which resource it is about. */
export function aboutObject(what: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = new Error(`${what}: ${message}`, { cause: err });
  if (hasGitLabStatus(err, 401))
    wrapped.message = `${what}: GitLab refused the connection's token (401): check connection.token`;
  if (hasGitLabStatus(err, 403))
    wrapped.message = `${what}: the connection's token may not do this (403); it needs the api scope and the Maintainer role or higher (${message})`;
  return wrapped;
}

/** Whether `err` is GitLab's "not found". */
export const isGitLabNotFound = (err: unknown) => hasGitLabStatus(err, 404);

/** A problem when a known `value` is not a `YYYY-MM-DD` date (or "" when `optional`). */
export function dateProblem(property: string, value: unknown, optional: boolean): CheckFailure[] {
  if (isUnknown(value) || (optional && value === "")) return [];
  if (typeof value === "string" && /^\d{4}-\d\d-\d\d$/.test(value) && !isNaN(Date.parse(value))) return [];
  return [
    {
      property,
      reason: `${JSON.stringify(value)} must be a date such as 2027-01-31${optional ? ', or "" for none' : ""}`,
    },
  ];
}

/** The date part (`YYYY-MM-DD`) of a GitLab time or date; "" for none. */
export function datePart(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : "";
}

/** The numeric ID of a project named by ID or path (an import's ID may hold either). */
export async function projectIdOf(
  client: { getProject(ref: string | number): Promise<{ id: number }> },
  ref: string | number,
): Promise<number> {
  return /^\d+$/.test(String(ref)) ? Number(ref) : (await client.getProject(ref)).id;
}

/** What a provider keeps in state about an object inside a project, as far as read and delete need it. */
interface StoredInProject {
  connection?: GitLabConnection;
  projectId?: number;
}

/**
 * Finds an object of a project for `read`: the connection in state (or the environment's, for an
 * import), the project from state or the ID, and the object by `storedId` or the ID's object part.
 * The connection it answers is the one to store (see {@link storedConnection}).
 *
 * @returns undefined when GitLab no longer has the project or the object (`find` answers 404 or nothing).
 */
export async function findInProject<T>(
  id: string,
  props: StoredInProject,
  storedId: number | undefined,
  what: string,
  find: (client: GitLabClient, projectId: number, objectId: number) => Promise<T | undefined>,
): Promise<{ connection: GitLabConnection; project: string; projectId: number; found: T } | undefined> {
  const connection = connectionOrEnvironment(props.connection, what);
  const parsed = parseObjectId(id, what);
  const client = gitlabClient(connection);
  try {
    const projectId = props.projectId ?? (await projectIdOf(client, parsed.project));
    const found = await find(client, projectId, storedId ?? parsed.objectId);
    return found === undefined
      ? undefined
      : {
          connection: storedConnection(props.connection, connection),
          project: parsed.project,
          projectId,
          found,
        };
  } catch (err) {
    if (isGitLabNotFound(err)) return undefined;
    throw aboutObject(what, err);
  }
}

/**
 * Removes an object of a project for `delete`, by the project and object in state or in the ID; an
 * object GitLab no longer has is gone already.
 */
export async function removeFromProject(
  id: string,
  props: StoredInProject,
  storedId: number | undefined,
  what: string,
  remove: (client: GitLabClient, project: string | number, objectId: number) => Promise<unknown>,
): Promise<void> {
  const parsed = parseObjectId(id, what);
  try {
    await remove(
      gitlabClient(connectionOrEnvironment(props.connection, what)),
      props.projectId ?? parsed.project,
      storedId ?? parsed.objectId,
    );
  } catch (err) {
    if (isGitLabNotFound(err)) return;
    throw aboutObject(what, err);
  }
}
