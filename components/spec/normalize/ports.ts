import type { IssueCollector } from "../errors";
import type { NormalizedPort, PortInput } from "../types";
import { cidrIssue } from "../cidr";
import { defaults } from "../defaults";

const hostnamePattern = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function normalizePorts(ports: PortInput[], issues: IssueCollector): NormalizedPort[] {
  const byTarget = new Map<string, number>();
  const byPublished = new Map<string, number>();
  return ports.map((port, i) => {
    const at = `ports[${i}]`;
    const protocol = port.protocol ?? defaults.protocol;
    if (port.published !== undefined && port.public === false) {
      issues.add(`${at}.published`, "a published port is public; remove published or set public: true");
    }
    const isPublic = port.public ?? port.published !== undefined;
    const published = isPublic ? (port.published ?? port.target) : undefined;
    if (port.publishMode !== undefined && !isPublic) {
      issues.add(`${at}.publishMode`, "only public ports are published; set public: true or published");
    }

    const targetKey = `${port.target}/${protocol}`;
    const firstTarget = byTarget.get(targetKey);
    if (firstTarget !== undefined) {
      issues.add(`${at}.target`, `port ${targetKey} is listed twice (also ports[${firstTarget}])`);
    } else byTarget.set(targetKey, i);
    if (published !== undefined) {
      const publishedKey = `${published}/${protocol}`;
      const firstPublished = byPublished.get(publishedKey);
      if (firstPublished !== undefined) {
        issues.add(
          `${at}.published`,
          `published port ${publishedKey} is already used by ports[${firstPublished}]`,
        );
      } else byPublished.set(publishedKey, i);
    }

    let http: NormalizedPort["http"];
    if (port.http) {
      if (protocol !== "tcp") issues.add(`${at}.http`, "HTTP routing needs a tcp port");
      if (!isPublic) issues.add(`${at}.http`, "HTTP routing is for public ports; set public: true");
      const path = port.http.path ?? "/";
      if (!path.startsWith("/")) issues.add(`${at}.http.path`, 'must start with "/"');
      if (port.http.host !== undefined && !hostnamePattern.test(port.http.host)) {
        issues.add(
          `${at}.http.host`,
          `"${port.http.host}" is not a lowercase DNS name (a leading "*." is allowed)`,
        );
      }
      if (port.http.tls && port.http.host === undefined) {
        issues.add(`${at}.http.tls`, "TLS needs http.host: a certificate is issued for a host name");
      }
      http = {
        path,
        tls: port.http.tls ?? false,
        ...(port.http.host !== undefined && { host: port.http.host }),
      };
    }
    const sourceRanges = normalizeSourceRanges(port.sourceRanges, isPublic, at, issues);
    return {
      target: port.target,
      ...(published !== undefined && { published }),
      protocol,
      public: isPublic,
      publishMode: port.publishMode ?? defaults.publishMode,
      ...(http && { http }),
      ...(sourceRanges && { sourceRanges }),
    };
  });
}

/** A public port's client blocks: each a CIDR block, listed once, at least one when given. */
function normalizeSourceRanges(
  ranges: string[] | undefined,
  isPublic: boolean,
  at: string,
  issues: IssueCollector,
): string[] | undefined {
  if (ranges === undefined) return undefined;
  const path = `${at}.sourceRanges`;
  if (!isPublic) {
    issues.add(path, "restricts the clients of a public port; set public: true or published, or remove it");
    return undefined;
  }
  if (ranges.length === 0) {
    issues.add(path, "lists no block: name at least one, or remove sourceRanges to accept any address");
    return undefined;
  }
  ranges.forEach((range, j) => {
    const problem = cidrIssue(range);
    if (problem !== undefined) issues.add(`${path}[${j}]`, problem);
    else if (ranges.indexOf(range) !== j) issues.add(`${path}[${j}]`, `"${range}" is listed twice`);
  });
  return [...ranges];
}
