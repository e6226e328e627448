/** Collecting every problem with a component's arguments at once, each at its path. */
import { closestName } from "../spec/suggest";
import type { ArgumentIssue } from "./error";

/** Records one problem at `path` (such as `ec2.min` or `nodePools[0].name`). */
export type AddIssue = (path: string, message: string) => void;

/** An empty list of issues and the function that adds to it. */
export function issueCollector(): { issues: ArgumentIssue[]; add: AddIssue } {
  const issues: ArgumentIssue[] = [];
  return { issues, add: (path, message) => issues.push({ path, message }) };
}

/** A value as messages quote it: JSON, so that `"2"` and `2` read differently. */
export const show = (value: unknown): string => JSON.stringify(value);

/** Whether `value` is a whole number from `min` to `max`. Default `max`: no limit. */
export const isWhole = (value: unknown, min: number, max = Infinity): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

/** Whether `value` is a plain object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Adds an issue for every field of `given` that is not in `known`, at `<prefix><field>`, with the
 * closest known name when it looks like a typo: `unknown field; did you mean "min"?`.
 */
export function unknownFields(
  given: object | undefined,
  known: readonly string[],
  prefix: string,
  add: AddIssue,
): void {
  for (const field of Object.keys(given ?? {})) {
    if (known.includes(field)) continue;
    const hint = closestName(field, known);
    add(`${prefix}${field}`, `unknown field${hint ? `; did you mean "${hint}"?` : ""}`);
  }
}
