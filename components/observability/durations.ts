/** Prometheus's duration units, in the order a duration must list them, in seconds. */
const units: [string, number][] = [
  ["y", 365 * 86_400],
  ["w", 7 * 86_400],
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
  ["ms", 0.001],
];

const pattern = new RegExp(`^${units.map(([unit]) => `(?:(\\d+)${unit})?`).join("")}$`);

/**
 * A Prometheus duration (`"90s"`, `"5m"`, `"1h30m"`, `"15d"`; units from `y` down to `ms`, largest first)
 * in seconds, or `undefined` when `value` is not one. Zero is not a duration here.
 */
export function parsePrometheusDuration(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const match = pattern.exec(value);
  if (!match) return undefined;
  const seconds = units.reduce((total, [, size], i) => total + Number(match[i + 1] ?? 0) * size, 0);
  return seconds > 0 ? seconds : undefined;
}

/** Seconds as a Prometheus duration that every Prometheus and Alertmanager reads: `"300s"`. */
export function prometheusDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}
