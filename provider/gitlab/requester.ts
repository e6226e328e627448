import type * as requesterUtils from "@gitbeaker/requester-utils";
import { isRedirect, redirectRefused, requireSafeEndpoint } from "../shared/endpoint";

/** What gitbeaker's options handler hands the request handler. */
interface RequestOptions {
  method: string;
  asStream?: boolean;
  prefixUrl?: string;
  searchParams?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  signal?: AbortSignal;
  rateLimiters?: Record<string, unknown>;
}

/** GitLab answers these while it is busy; gitbeaker's own requester retries them too. */
const retriedStatuses = [429, 502];
const attempts = 10;

async function bodyOf(response: Response, asStream: boolean): Promise<unknown> {
  if (asStream) return response.body;
  if (response.status === 204) return null;
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  if (type === "application/json") return (await response.json()) || {};
  if (type.startsWith("text/")) return (await response.text()) || "";
  return response.blob();
}

/** GitLab's `error` or `message` (or the answer's text) as gitbeaker reports a failed request. */
async function describe(response: Response): Promise<string> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return text;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown } | null;
    const said = parsed?.error || parsed?.message || "";
    return typeof said === "string" ? said : JSON.stringify(said);
  } catch {
    return text.slice(0, 200);
  }
}

/**
 * A gitbeaker `requesterFn` that never follows a redirect: Node's `fetch` keeps the `PRIVATE-TOKEN`
 * header when a redirect leads to another host, so a redirect fails naming where it pointed. It also
 * refuses, before anything is sent, a URL that is plain `http://` (unless `allowInsecureHttp`) or
 * carries `user:password@`. Everything else is gitbeaker's: its options handler (headers, the token,
 * snake_case bodies and queries) and its rate limiters.
 *
 * @param utils - `@gitbeaker/requester-utils`, as `@gitbeaker/rest` itself loads it.
 */
export function noRedirectRequesterFn(
  utils: typeof requesterUtils,
  allowInsecureHttp: boolean,
): (serviceOptions: requesterUtils.ResourceOptions) => requesterUtils.RequesterType {
  return utils.createRequesterFn(
    (_service, options) => Promise.resolve(options),
    async (endpoint: string, given?: Record<string, unknown>) => {
      const options = given as unknown as RequestOptions;
      const { rateLimiters, asStream = false, prefixUrl, searchParams, method, ...init } = options;
      const base = prefixUrl && !prefixUrl.endsWith("/") ? `${prefixUrl}/` : prefixUrl;
      requireSafeEndpoint(
        "GitLab",
        "connection.url",
        base ?? "",
        allowInsecureHttp,
        "connection.allowInsecureHttp",
      );
      const url = new URL(endpoint, base);
      url.search = searchParams ?? "";
      const rateLimit = utils.getMatchingRateLimiter(
        endpoint,
        rateLimiters as requesterUtils.RateLimiters | undefined,
        method,
      );
      for (let attempt = 1; ; attempt += 1) {
        await rateLimit();
        const response = await fetch(url, { ...init, method, redirect: "manual" });
        if (isRedirect(response.status)) {
          await response.body?.cancel();
          throw redirectRefused(
            `GitLab (${method} ${endpoint})`,
            url.href,
            response.status,
            response.headers.get("location"),
          );
        }
        if (response.ok) {
          const headers = Object.fromEntries(response.headers.entries());
          const body = await bodyOf(response, asStream);
          return { body, headers, status: response.status } as requesterUtils.FormattedResponse;
        }
        if (!retriedStatuses.includes(response.status) || attempt === attempts) {
          const description = await describe(response);
          // The request (with its token header) is left out of the error on purpose.
          throw new utils.GitbeakerRequestError(description, { cause: { description, response } as never });
        }
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 0.25));
      }
    },
  );
}
