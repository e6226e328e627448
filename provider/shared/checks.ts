import { isUnknown } from "./unknowns";
import { sameValue } from "./same-value";

// Input checks and comparisons the providers of every API family (Harbor, GitLab) make alike.

export { sameValue } from "./same-value";

/** A check failure, as the dynamic-provider host reports it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A problem when a known `value` is not a boolean. */
export function booleanProblem(property: string, value: unknown): CheckFailure[] {
  return isUnknown(value) || typeof value === "boolean"
    ? []
    : [{ property, reason: "must be true or false" }];
}

/** The keys whose values differ between `olds` and `news`. */
export function changedKeys<T extends object>(
  olds: Partial<T>,
  news: Partial<T>,
  keys: readonly (keyof T)[],
) {
  return keys.filter((k) => !sameValue(olds[k], news[k]));
}
