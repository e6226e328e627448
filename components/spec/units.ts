/**
 * Parsers for the units a service description uses. Each returns `undefined` for input it cannot read,
 * so the caller can report the path.
 */

/**
 * The largest count a service may ask for (replicas, parallelism, retries, ...): Kubernetes' int32,
 * the narrowest of the targets.
 */
export const maxCount = 2 ** 31 - 1;
/**
 * The largest duration in milliseconds: 2^31-1 seconds (about 68 years), which fits Kubernetes' int32
 * seconds and the Docker engine's int64 nanoseconds.
 */
export const maxDurationMs = maxCount * 1000;
/**
 * The largest byte size or int64 value (pids, ulimits, generic resources): 2^53-1, the largest integer
 * a JavaScript number holds exactly (8 PiB).
 */
export const maxExactInteger = Number.MAX_SAFE_INTEGER;
/** The largest CPU amount in millicores: a million cores (Swarm's nanoCPUs and ECS's CPU units stay exact). */
export const maxMillicores = 1e9;

const durationUnitsMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** `"1m30s"`, `"250ms"`, `"2h"`, `"0"` or a number of seconds -> milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "0") return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let consumed = 0;
  while (consumed < text.length) {
    part.lastIndex = consumed;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * durationUnitsMs[match[2]];
    consumed = part.lastIndex;
  }
  return consumed > 0 ? total : undefined;
}

/** Milliseconds -> the shortest Go-style string (`90000` -> `"1m30s"`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join("");
}

/** Cores (`0.5`), millicores (`"500m"`) or cores as text (`"2"`) -> millicores. */
export function parseCpu(value: unknown): number | undefined {
  let cores: number | undefined;
  if (typeof value === "number") cores = value;
  else if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
    if (match) cores = match[2] === "m" ? Number(match[1]) / 1000 : Number(match[1]);
  }
  if (cores === undefined || !Number.isFinite(cores) || cores <= 0) return undefined;
  const millicores = Math.round(cores * 1000);
  return millicores > 0 ? millicores : undefined;
}

const memoryUnits: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Bytes, or a Kubernetes quantity (`"512Mi"`, `"1Gi"`, `"500M"`) -> bytes. */
export function parseMemory(value: unknown): number | undefined {
  let bytes: number | undefined;
  if (typeof value === "number") bytes = value;
  else if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)(k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(value.trim());
    if (match) bytes = Number(match[1]) * memoryUnits[match[2] ?? ""];
  }
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0) return undefined;
  return Math.ceil(bytes);
}

/** Bytes -> the shortest exact Kubernetes quantity (`536870912` -> `"512Mi"`). */
export function formatMemory(bytes: number): string {
  for (const unit of ["Pi", "Ti", "Gi", "Mi", "Ki"]) {
    if (bytes % memoryUnits[unit] === 0) return `${bytes / memoryUnits[unit]}${unit}`;
  }
  return String(bytes);
}

/** Millicores -> a Kubernetes CPU quantity (`500` -> `"500m"`, `2000` -> `"2"`). */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}
