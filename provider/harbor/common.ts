import { isUnknown } from "../shared/unknowns";
import { type HarborConnection, hasStatus } from "./client";
import { connectionUrlProblems } from "../shared/endpoint";

import { booleanProblem, type CheckFailure } from "../shared/checks";

export { booleanProblem, changedKeys, type CheckFailure, sameValue } from "../shared/checks";
export { createFailure } from "../shared/create-failure";

// What every Harbor provider shares: the connection, input checks, value comparison and errors; the
// checks and comparisons every API family's providers make are in ../shared.

/**
 * The connection a provider method uses: the one in state, or for `pulumi import` (no state yet) the
 * environment's `HARBOR_URL`, `HARBOR_USERNAME` and `HARBOR_PASSWORD` (and `HARBOR_ALLOW_INSECURE_HTTP=true`
 * to allow a plain `http://` URL). A connection an import stored holds no password: it is read from
 * `HARBOR_PASSWORD` again.
 *
 * @param what - The object, as messages name it (e.g. `harbor project apps`).
 */
export function connectionOrEnvironment(
  connection: HarborConnection | undefined,
  what: string,
): HarborConnection {
  const { HARBOR_URL: url, HARBOR_USERNAME: username, HARBOR_PASSWORD: password } = process.env;
  if (connection?.url) {
    if (typeof connection.password === "string") return connection;
    if (password === undefined)
      throw new Error(
        `${what}: the connection in state has no password (it was imported); set HARBOR_PASSWORD`,
      );
    return { ...connection, password };
  }
  if (!url || !username || password === undefined) {
    throw new Error(
      `${what}: no connection in state; to import it, set HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD`,
    );
  }
  return process.env.HARBOR_ALLOW_INSECURE_HTTP === "true"
    ? { url, username, password, allowInsecureHttp: true }
    : { url, username, password };
}

/**
 * The connection a `read` puts in state: the one already there (kept secret by the resource's
 * `additionalSecretOutputs`), or, after an import, the one it used without the password. The
 * dynamic-provider host cannot mark what `read` returns as secret, and an import has no earlier
 * state whose secrecy the engine could carry over, so a password read from the environment would
 * land in plain state.
 */
export function storedConnection(
  stored: HarborConnection | undefined,
  used: HarborConnection,
): HarborConnection {
  if (stored?.url) return stored;
  const { password: _password, ...withoutPassword } = used;
  return withoutPassword as HarborConnection;
}

/** Problems with the known parts of a connection (at preview, parts may not be known yet). */
export function connectionProblems(c: unknown): CheckFailure[] {
  if (isUnknown(c)) return [];
  if (!c || typeof c !== "object" || Array.isArray(c))
    return [{ property: "connection", reason: "must be { url, username, password, allowInsecureHttp? }" }];
  const { url, username, password, allowInsecureHttp } = c as Record<string, unknown>;
  const problems: CheckFailure[] = [];
  problems.push(...connectionUrlProblems(url, allowInsecureHttp));
  if (!isUnknown(username) && !(typeof username === "string" && username.length > 0))
    problems.push({ property: "connection.username", reason: "must be a non-empty string" });
  if (!isUnknown(password) && typeof password !== "string")
    problems.push({ property: "connection.password", reason: "must be a string" });
  if (allowInsecureHttp !== undefined)
    problems.push(...booleanProblem("connection.allowInsecureHttp", allowInsecureHttp));
  return problems;
}

/** Harbor's rule for project and robot names: lower case letters and digits, `.`, `_`, `-` between. */
export const harborNamePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** A problem when a known `value` is not a name Harbor accepts. */
export function nameProblem(property: string, value: unknown): CheckFailure[] {
  if (isUnknown(value)) return [];
  if (typeof value === "string" && value.length <= 255 && harborNamePattern.test(value)) return [];
  return [
    {
      property,
      reason: `${JSON.stringify(value)} must be lower-case letters and digits, with ".", "_" or "-" between them (at most 255)`,
    },
  ];
}

/** `err` with the object named first, so a failure says which resource it is about. */
export function aboutObject(what: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = new Error(`${what}: ${message}`, { cause: err }) as Error & { status?: number };
  if (hasStatus(err, 409)) {
    wrapped.message =
      `${what} already exists in Harbor and is not this resource's; Berth will not take it over ` +
      `(${message}). Choose another name, or import the existing one`;
  }
  return wrapped;
}

/**
 * Fails unless the object Harbor holds under a recorded ID is the one this resource made. Harbor
 * has no labels, so what identifies an object besides its ID is its name (or its project's name):
 * under the same ID, another Harbor (a second installation, one restored from a backup) may hold
 * someone else's object. A mismatch names both, and nothing is changed or deleted. A `recorded`
 * value that is undefined (state written before it was kept) is not checked.
 *
 * Call it where errors are wrapped by {@link aboutObject}, which names the resource first.
 *
 * @param kind - What the names are of, e.g. `robot` or `project`.
 */
export function requireSameObject(
  kind: string,
  id: string | number,
  connection: HarborConnection,
  recorded: string | undefined,
  found: string | undefined,
): void {
  if (recorded === undefined || found === recorded) return;
  throw new Error(
    `${kind} ${id} at ${connection.url} is ${JSON.stringify(found ?? "")}, not ` +
      `${JSON.stringify(recorded)}: it is another object than the one this resource made (the ` +
      `connection reaches another Harbor, or Harbor was restored or reinstalled), so Berth neither ` +
      `changes nor deletes it. Point the connection back at the Harbor the object was made in; if ` +
      `that object is gone, remove the resource from the stack (pulumi state delete) or replace it ` +
      `(pulumi up --replace)`,
  );
}
