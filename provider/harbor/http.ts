import type { Errors } from "./api-types";
import { isRedirect, redirectRefused, requireSafeEndpoint } from "../shared/endpoint";

/** How to reach a Harbor: its base URL and an account allowed to manage what Berth creates. */
export interface HarborConnection {
  /**
   * Harbor's base URL, e.g. `https://harbor.example.com` (the API lives under `/api/v2.0`). Plain
   * `http://` is refused unless {@link allowInsecureHttp}; a URL with `user:password@` is refused.
   */
  url: string;
  username: string;
  /**
   * The account's password. Absent only in the state an import leaves: then it is read from
   * `HARBOR_PASSWORD` when needed.
   */
  password: string;
  /** Sends the password over plain `http://` (unencrypted). Default: false, only https:// is used. */
  allowInsecureHttp?: boolean;
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

/** One request to Harbor's v2.0 API. */
export interface HarborRequest {
  query?: Record<string, string>;
  body?: unknown;
  /** Sends `X-Is-Resource-Name: true`: a name in the path that looks like a number stays a name. */
  byName?: boolean;
}

/**
 * Basic-auth requests to Harbor's v2.0 API over `fetch`, for every Harbor client (projects and
 * robots, members, registries, replication, garbage collection). No cookie jar: a session cookie would
 * turn on Harbor's CSRF check, which rejects API writes. A failed call throws a `HarborApiError`.
 */
export function harborHttp(connection: HarborConnection) {
  const base = `${connection.url.replace(/\/+$/, "")}/api/v2.0`;
  const authorization = `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString("base64")}`;

  async function send(method: string, path: string, request: HarborRequest = {}): Promise<Response> {
    requireSafeEndpoint(
      "Harbor",
      "connection.url",
      connection.url,
      connection.allowInsecureHttp === true,
      "connection.allowInsecureHttp",
    );
    const headers: Record<string, string> = { authorization, accept: "application/json" };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    if (request.byName) headers["X-Is-Resource-Name"] = "true";
    const query = request.query ? `?${new URLSearchParams(request.query).toString()}` : "";
    const url = `${base}${path}${query}`;
    // A redirect is never followed: fetch would send the password to wherever it points.
    const res = await fetch(url, {
      method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: "manual",
    });
    if (isRedirect(res.status)) {
      await res.body?.cancel();
      throw redirectRefused(`Harbor (${method} ${path})`, url, res.status, res.headers.get("location"));
    }
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

  return {
    send,

    /** The answer's JSON body. */
    async json<T>(method: string, path: string, request: HarborRequest = {}): Promise<T> {
      return (await (await send(method, path, request)).json()) as T;
    },

    /** The answer's JSON body, or undefined when Harbor sent none (its answer for "nothing there"). */
    async optionalJson<T>(method: string, path: string, request: HarborRequest = {}): Promise<T | undefined> {
      const text = await (await send(method, path, request)).text();
      return text.trim() === "" ? undefined : ((JSON.parse(text) as T | null) ?? undefined);
    },

    /** The new object's ID, from the `Location` of Harbor's 201 answer. */
    async created(path: string, body: unknown, operation: string): Promise<number> {
      const location = (await send("POST", path, { body })).headers.get("location") ?? "";
      const id = Number(/\/(\d+)\/?$/.exec(location)?.[1]);
      if (!Number.isInteger(id)) {
        throw new Error(`Harbor ${operation} answered without the new object's ID in Location (${location})`);
      }
      return id;
    },
  };
}
