import type { IssueCollector } from "../errors";
import type { NetworkAttachmentInput } from "../types";
import { canonicalCapability, linuxCapabilities } from "../capabilities";
import { closestName } from "../suggest";

const envNamePattern = /^[^=\0]+$/;
const userPattern = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*(:[a-zA-Z0-9_.][a-zA-Z0-9_.-]*)?$/;
const networkNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const logDriverPattern = /^[a-zA-Z0-9][a-zA-Z0-9_.:/-]*$/;
const reservedLabelPrefix = "berth.";

export function checkEnvNames(
  kind: "env" | "secretEnv",
  env: Record<string, string>,
  issues: IssueCollector,
): void {
  for (const name of Object.keys(env)) {
    if (!envNamePattern.test(name)) {
      issues.add(`${kind}.${name}`, "variable names must be non-empty and contain no '=' or NUL");
    }
  }
}

export function checkEnvOverlap(
  env: Record<string, string>,
  secretEnv: Record<string, string>,
  issues: IssueCollector,
): void {
  for (const name of Object.keys(secretEnv)) {
    if (Object.hasOwn(env, name))
      issues.add(`secretEnv.${name}`, "is also set in env; a variable is either plain or secret");
  }
}

export function normalizeCapabilities(
  kind: "capAdd" | "capDrop",
  names: string[],
  issues: IssueCollector,
): string[] {
  return names.map((name, i) => {
    const canonical = canonicalCapability(name);
    if (canonical !== "ALL" && !linuxCapabilities.includes(canonical)) {
      const hint = closestName(canonical, linuxCapabilities);
      issues.add(
        `${kind}[${i}]`,
        `"${name}" is not a Linux capability${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    }
    return canonical;
  });
}

export function checkCapabilityConflicts(add: string[], drop: string[], issues: IssueCollector): void {
  drop.forEach((cap, i) => {
    if (cap !== "ALL" && add.includes(cap)) issues.add(`capDrop[${i}]`, `${cap} is also in capAdd`);
  });
}

export function checkUser(user: string, issues: IssueCollector): void {
  if (!userPattern.test(user))
    issues.add("user", `${JSON.stringify(user)} is not user, uid, user:group or uid:gid`);
}

export function checkWorkingDir(dir: string, issues: IssueCollector): void {
  if (!dir.startsWith("/")) issues.add("workingDir", `must be an absolute path, not ${JSON.stringify(dir)}`);
}

const aliasPattern = /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/;

/** Network names in order, and the aliases of those attached with `{ name, aliases }`. */
export function normalizeNetworks(
  networks: (string | NetworkAttachmentInput)[],
  issues: IssueCollector,
): { networks: string[]; aliases: Record<string, string[]> } {
  const seen = new Set<string>();
  const names: string[] = [];
  const aliases: Record<string, string[]> = {};
  networks.forEach((entry, i) => {
    const at = `networks[${i}]`;
    const attachment = typeof entry === "string" ? { name: entry } : entry;
    const extra = Object.keys(attachment).filter((k) => k !== "name" && k !== "aliases");
    if (typeof attachment.name !== "string" || extra.length > 0) {
      issues.add(at, "must be a network name or { name, aliases }");
      return;
    }
    const network = attachment.name;
    if (!networkNamePattern.test(network)) {
      issues.add(at, `"${network}" is not a network name: letters, digits, "_", "." or "-"`);
    } else if (seen.has(network)) issues.add(at, `"${network}" is listed twice`);
    seen.add(network);
    names.push(network);
    const given = attachment.aliases ?? [];
    if (!Array.isArray(given) || given.some((a) => typeof a !== "string")) {
      issues.add(`${at}.aliases`, "must be a list of names");
      return;
    }
    given.forEach((alias, j) => {
      if (!aliasPattern.test(alias))
        issues.add(`${at}.aliases[${j}]`, `"${alias}" is not a DNS name: letters, digits, "_", "." or "-"`);
    });
    if (given.length > 0) aliases[network] = [...new Set(given)];
  });
  return { networks: names, aliases };
}

export function checkLabels(labels: Record<string, string>, issues: IssueCollector): void {
  for (const key of Object.keys(labels)) {
    if (key.trim() === "") issues.add("labels", "label keys must not be empty");
    else if (key.startsWith(reservedLabelPrefix)) {
      issues.add(`labels.${key}`, `keys starting with "${reservedLabelPrefix}" are reserved for Berth`);
    }
  }
}

export function checkLogDriver(driver: string, issues: Pick<IssueCollector, "add">): void {
  if (!logDriverPattern.test(driver))
    issues.add("logging.driver", `${JSON.stringify(driver)} is not a log driver name`);
}
