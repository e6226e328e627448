import { isUnknown } from "../unknowns";
import type { CheckFailure } from "./common";

/** How often GitLab runs a cleanup policy: the values GitLab accepts for `cadence`. */
export const cleanupCadences = ["1d", "7d", "14d", "1month", "3month"] as const;
/** How many tags per image a cleanup keeps: the values GitLab accepts for `keep_n`. */
export const cleanupKeepCounts = [1, 5, 10, 25, 50, 100] as const;
/** How old a tag must be before a cleanup removes it: the values GitLab accepts for `older_than`. */
export const cleanupAges = ["7d", "14d", "30d", "90d"] as const;

/** How often GitLab runs a cleanup policy. */
export type CleanupCadence = (typeof cleanupCadences)[number];
/** How many tags per image a cleanup policy keeps. */
export type CleanupKeepCount = (typeof cleanupKeepCounts)[number];
/** The age from which a cleanup policy removes tags. */
export type CleanupAge = (typeof cleanupAges)[number];

/** A project's container registry cleanup policy, as Berth's inputs spell it. */
export interface CleanupPolicy {
  enabled: boolean;
  cadence: CleanupCadence;
  keepN: CleanupKeepCount;
  olderThan: CleanupAge;
  /** Tags whose names match are removed (RE2 syntax). */
  nameRegex: string;
  /** Tags whose names match are kept, whatever `nameRegex` says (RE2 syntax); "" none. */
  nameRegexKeep: string;
}

/** GitLab's own defaults for a project's policy; an absent policy is these, disabled. */
export const cleanupPolicyDefaults: CleanupPolicy = {
  enabled: false,
  cadence: "1d",
  keepN: 10,
  olderThan: "90d",
  nameRegex: ".*",
  nameRegexKeep: "",
};

// RE2, which GitLab runs the regexes with, has no lookaround and no backreferences.
const notInRe2 = /\(\?<?[=!]|\\[1-9]/;

function regexProblem(property: string, value: unknown): CheckFailure[] {
  if (isUnknown(value)) return [];
  if (typeof value !== "string") return [{ property, reason: "must be a regular expression (a string)" }];
  if (notInRe2.test(value))
    return [
      {
        property,
        reason: `${JSON.stringify(value)} uses lookaround or a backreference, which GitLab's RE2 does not support`,
      },
    ];
  try {
    new RegExp(value);
    return [];
  } catch (err) {
    return [
      {
        property,
        reason: `${JSON.stringify(value)} is not a valid regular expression: ${(err as Error).message}`,
      },
    ];
  }
}

function oneOf(property: string, value: unknown, allowed: readonly unknown[]): CheckFailure[] {
  if (isUnknown(value) || allowed.includes(value)) return [];
  return [
    {
      property,
      reason: `${JSON.stringify(value)} is not one of GitLab's values: ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
    },
  ];
}

/**
 * The policy with defaults filled in, and every way its known fields break GitLab's rules, each
 * naming its field (`cleanupPolicy.keepN`).
 */
export function checkCleanupPolicy(policy: unknown): { policy: unknown; failures: CheckFailure[] } {
  if (isUnknown(policy)) return { policy, failures: [] };
  if (policy === undefined || policy === null) return { policy: { ...cleanupPolicyDefaults }, failures: [] };
  if (typeof policy !== "object" || Array.isArray(policy))
    return { policy, failures: [{ property: "cleanupPolicy", reason: "must be an object" }] };
  const known = Object.keys(cleanupPolicyDefaults);
  const unknownKeys = Object.keys(policy).filter((k) => !known.includes(k));
  const filled = { ...cleanupPolicyDefaults, enabled: true, ...policy } as Record<string, unknown>;
  // An absent field is GitLab's default, but a policy that is given is on unless it says otherwise.
  for (const key of known)
    if (filled[key] === undefined)
      filled[key] = key === "enabled" ? true : (cleanupPolicyDefaults as never)[key];
  const failures: CheckFailure[] = [
    ...unknownKeys.map((k) => ({
      property: `cleanupPolicy.${k}`,
      reason: `is not a cleanup policy field (${known.join(", ")})`,
    })),
    ...oneOf("cleanupPolicy.cadence", filled.cadence, cleanupCadences),
    ...oneOf("cleanupPolicy.keepN", filled.keepN, cleanupKeepCounts),
    ...oneOf("cleanupPolicy.olderThan", filled.olderThan, cleanupAges),
    ...oneOf("cleanupPolicy.enabled", filled.enabled, [true, false]),
    ...regexProblem("cleanupPolicy.nameRegex", filled.nameRegex),
    ...regexProblem("cleanupPolicy.nameRegexKeep", filled.nameRegexKeep),
  ];
  return { policy: filled, failures };
}
