// Where a credential may be sent: the rules every HTTP client that carries one (Harbor's basic auth,
// GitLab's token) follows, so a password or token never leaves for another host or over plain HTTP.

import { isUnknown } from "./unknowns";

/** A problem with a known endpoint URL, as a provider's check reports it. */
export interface EndpointProblem {
  property: string;
  reason: string;
}

/**
 * Problems with `url` as an endpoint that receives a credential: not an http(s) URL, a user name or
 * password in it (`user:password@`, which would end up in errors, logs and state), or plain `http://`
 * without `allowInsecureHttp`. The URL itself is never repeated: it may hold a password.
 *
 * @param property - The field, as the failure names it (e.g. `connection.url`).
 * @param optInField - The field that allows plain HTTP (e.g. `connection.allowInsecureHttp`).
 */
export function endpointProblems(
  property: string,
  url: string,
  allowInsecureHttp: boolean,
  optInField: string,
): EndpointProblem[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ property, reason: "must be an https:// URL" }];
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return [{ property, reason: "must be an https:// URL" }];
  const problems: EndpointProblem[] = [];
  if (parsed.username || parsed.password)
    problems.push({
      property,
      reason: "must not carry a user name or password (user:password@); give the credential in its own field",
    });
  if (parsed.protocol === "http:" && !allowInsecureHttp)
    problems.push({
      property,
      reason:
        `is plain http://, which would send the credential unencrypted; use https://, or set ` +
        `${optInField}: true to allow it`,
    });
  return problems;
}

/**
 * Throws, naming `what` and each problem, unless `url` may receive a credential (see
 * {@link endpointProblems}): the clients' own guard, for connections that were never checked
 * (an import reads them from the environment).
 */
export function requireSafeEndpoint(
  what: string,
  field: string,
  url: string,
  allowInsecureHttp: boolean,
  optInField: string,
): void {
  const problems = endpointProblems(field, url, allowInsecureHttp, optInField);
  if (problems.length > 0)
    throw new Error(`${what}: ${field} ${problems.map((p) => p.reason).join(", and ")}`);
}

/** `url` without any user name, password, query or fragment: safe for IDs, logs and errors. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return "(not a URL)";
  }
}

/** Whether `status` is an HTTP redirect. */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

/**
 * The error of a request answered with a redirect, which is never followed (a client would carry the
 * credential to wherever it points): the request and the target, both without credentials.
 */
export function redirectRefused(
  service: string,
  requestUrl: string,
  status: number,
  location: string | null,
) {
  let target = "(no Location given)";
  if (location) {
    try {
      target = redactedUrl(new URL(location, requestUrl).href);
    } catch {
      target = "(a Location that is not a URL)";
    }
  }
  return new Error(
    `${service} answered ${redactedUrl(requestUrl)} with a redirect (${status}) to ${target}; Berth does ` +
      `not follow redirects with a credential. Set the connection's url to where the service really answers`,
  );
}

/**
 * Problems with a connection's `url` as a provider's check sees it: nothing while the URL is unknown
 * (at preview), else {@link endpointProblems} with `connection.allowInsecureHttp` as the opt-in (an
 * unknown opt-in counts as given until it is known).
 */
export function connectionUrlProblems(url: unknown, allowInsecureHttp: unknown): EndpointProblem[] {
  if (isUnknown(url)) return [];
  if (typeof url !== "string") return [{ property: "connection.url", reason: "must be an https:// URL" }];
  const optedIn = allowInsecureHttp === true || isUnknown(allowInsecureHttp);
  return endpointProblems("connection.url", url, optedIn, "connection.allowInsecureHttp");
}
