import type { IssueCollector } from "../errors";
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

export function checkNetworks(networks: string[], issues: IssueCollector): void {
  const seen = new Set<string>();
  networks.forEach((network, i) => {
    if (!networkNamePattern.test(network)) {
      issues.add(`networks[${i}]`, `"${network}" is not a network name: letters, digits, "_", "." or "-"`);
    } else if (seen.has(network)) issues.add(`networks[${i}]`, `"${network}" is listed twice`);
    seen.add(network);
  });
}

export function checkLabels(labels: Record<string, string>, issues: IssueCollector): void {
  for (const key of Object.keys(labels)) {
    if (key.trim() === "") issues.add("labels", "label keys must not be empty");
    else if (key.startsWith(reservedLabelPrefix)) {
      issues.add(`labels.${key}`, `keys starting with "${reservedLabelPrefix}" are reserved for Berth`);
    }
  }
}

export function checkLogDriver(driver: string, issues: IssueCollector): void {
  if (!logDriverPattern.test(driver))
    issues.add("logging.driver", `${JSON.stringify(driver)} is not a log driver name`);
}
