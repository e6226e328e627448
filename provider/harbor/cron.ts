import type { CheckFailure } from "./common";
import { isUnknown } from "../shared/unknowns";

/** A problem when a known `value` is not a six-field cron (seconds first), as Harbor's schedules take. */
export function cronProblem(property: string, value: unknown): CheckFailure[] {
  if (isUnknown(value)) return [];
  if (typeof value === "string" && value.trim().split(/\s+/).length === 6) return [];
  return [
    {
      property,
      reason: `${JSON.stringify(value)} must be a six-field cron with seconds first, e.g. "0 0 2 * * *"`,
    },
  ];
}
