/** A log sink's URL, split the way Fluent Bit's outputs take it. */

/** Where an output connects: host, port, path, and whether over TLS. */
export interface SinkEndpoint {
  /** `https:` URLs are reached over TLS, with the server's certificate verified. */
  tls: boolean;
  /** The host name or address, without brackets for IPv6. */
  host: string;
  /** The port: the URL's, else 443 for `https:` and 80 for `http:`. */
  port: number;
  /** The path, `""` when the URL has none (or only `/`). */
  path: string;
}

/**
 * `url` as an output's endpoint, or a reason it cannot be one: only `http:` and `https:` URLs with a
 * host, and without user info, a query or a fragment (Fluent Bit's outputs take none of them).
 */
export function sinkEndpoint(url: string): SinkEndpoint | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: "is not a URL such as https://logs.example.com" };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return { error: `must be an http:// or https:// URL, not ${parsed.protocol}` };
  if (parsed.hostname === "") return { error: "has no host" };
  if (parsed.username !== "" || parsed.password !== "")
    return { error: "must not carry credentials: give username and password instead, which are kept secret" };
  if (parsed.search !== "" || parsed.hash !== "") return { error: "must have no query or fragment" };
  const tls = parsed.protocol === "https:";
  return {
    tls,
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: parsed.port === "" ? (tls ? 443 : 80) : Number(parsed.port),
    path: parsed.pathname === "/" ? "" : parsed.pathname,
  };
}

/** {@link sinkEndpoint}, for a URL already checked: throws its reason otherwise. */
export function checkedSinkEndpoint(url: string): SinkEndpoint {
  const endpoint = sinkEndpoint(url);
  if ("error" in endpoint) throw new Error(`log sink url ${JSON.stringify(url)} ${endpoint.error}`);
  return endpoint;
}
