import type { IssueCollector } from "../errors";
import type { DurationInput } from "../types";
import { maxDurationMs, parseDuration } from "../units";

/**
 * Reads an optional duration in milliseconds, reporting a bad one at `path`: one that cannot be read,
 * is below `bounds.min`, or is longer than {@link maxDurationMs} (2^31-1 seconds).
 */
export function readDuration(
  value: DurationInput | undefined,
  path: string,
  fallback: number,
  issues: IssueCollector,
  bounds: { min?: number } = {},
): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) {
    issues.add(
      path,
      `${JSON.stringify(value)} is not a duration; use a number of seconds or a string like "10s", "1m30s", "500ms"`,
    );
    return fallback;
  }
  if (bounds.min !== undefined && ms < bounds.min) {
    issues.add(path, `must be at least ${bounds.min}ms`);
  }
  if (!(ms <= maxDurationMs)) {
    issues.add(path, `must be at most ${maxDurationMs / 1000} seconds (about 68 years)`);
    return fallback;
  }
  return ms;
}
