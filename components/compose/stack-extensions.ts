import { isDict } from "./dict";
import type { ComposeIssue, ComposeProject } from "./types";

/** What a stack reads of each service's `x-berth` itself (the rest is the service mapping's). */
export interface StackExtensions {
  /** The project without the keys read here, for `toServiceSpecs`. */
  project: ComposeProject;
  /** `x-berth.timeoutSeconds` by service name, where set. */
  timeoutSeconds: Record<string, number>;
  issues: ComposeIssue[];
}

/**
 * Reads `x-berth.timeoutSeconds` (how long the service may take to converge: a whole number of seconds,
 * at least 1, overriding `ComposeStack`'s `timeoutSeconds` for that service) and returns the project
 * without it, so that the service mapping sees only its own `x-berth` keys.
 */
export function stackExtensions(project: ComposeProject): StackExtensions {
  const timeoutSeconds: Record<string, number> = {};
  const issues: ComposeIssue[] = [];
  const services = { ...project.services };
  for (const [name, service] of Object.entries(project.services)) {
    const x = service["x-berth"] as unknown;
    if (!isDict(x) || !("timeoutSeconds" in x)) continue;
    const { timeoutSeconds: value, ...rest } = x;
    if (typeof value === "number" && Number.isInteger(value) && value >= 1) timeoutSeconds[name] = value;
    else {
      issues.push({
        path: `services.${name}.x-berth.timeoutSeconds`,
        message: `must be a whole number of seconds, at least 1, not ${JSON.stringify(value)}`,
      });
    }
    const { "x-berth": _read, ...others } = service;
    services[name] = Object.keys(rest).length === 0 ? others : { ...others, "x-berth": rest };
  }
  return { project: { ...project, services }, timeoutSeconds, issues };
}
