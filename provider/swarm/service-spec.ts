/**
 * The parts of an Engine API `ServiceSpec` the Swarm service provider reads or fills. The provider sends
 * the rest as it is given (any further fields pass through); the spec renderer is what shapes it.
 */
export interface ProviderServiceSpec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Env?: string[];
      Secrets?: { SecretName: string; SecretID: string; File?: object }[];
      Configs?: { ConfigName: string; ConfigID: string; File?: object }[];
    };
    Networks?: { Target: string; Aliases?: string[] }[];
  };
  Mode:
    | { Replicated: { Replicas: number } }
    | { Global: Record<string, never> }
    | { ReplicatedJob: { MaxConcurrent: number; TotalCompletions: number } };
}

/**
 * Fields the engine fills in with its own defaults when a spec leaves them out; reading these values
 * back is not drift.
 */
const engineDefaults: Record<string, unknown> = { Isolation: "default", Runtime: "container" };

function isZero(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.values(value).every(isZero);
  return value === false || value === 0 || value === "";
}

/** Whether the engine holds `value` under `key` only because the spec left it out. */
function isEngineFilled(key: string, value: unknown): boolean {
  return isZero(value) || (key in engineDefaults && engineDefaults[key] === value);
}

/**
 * The engine's `theirs` in the shape of the spec Berth wrote (`ours`), so that reading back an
 * unchanged service gives exactly what was written, while every change made on the engine shows:
 * - the engine leaves zero values out (`false`, `0`, `""`, `[]`, objects of zeros): they read back
 *   as the zero that was written;
 * - a field the engine has and `ours` lacks is kept, unless it is a zero or an engine default
 *   (`Isolation: "default"`, `Runtime: "container"`): an added label, host entry or limit is drift;
 * - a field `ours` sets and the engine lacks is left out: a removed value is drift (and a field an
 *   earlier read found on the engine only is gone again once the engine drops it).
 * Never returns `undefined` inside objects (a dynamic provider's outputs cannot carry it).
 */
export function specAsWritten(ours: unknown, theirs: unknown): unknown {
  if (theirs === undefined || theirs === null) return isZero(ours) ? ours : undefined;
  if (Array.isArray(theirs)) {
    const shapes = Array.isArray(ours) ? ours : [];
    return theirs.map((t, i) => specAsWritten(shapes[Math.min(i, shapes.length - 1)], t));
  }
  if (typeof theirs === "object") {
    const mine =
      ours && typeof ours === "object" && !Array.isArray(ours) ? (ours as Record<string, unknown>) : {};
    const engine = theirs as Record<string, unknown>;
    const keys = [...Object.keys(mine), ...Object.keys(engine).filter((k) => !(k in mine))];
    const entries = keys
      .filter((k) => k in mine || !isEngineFilled(k, engine[k]))
      .map((k) => [k, specAsWritten(mine[k], engine[k])] as const)
      .filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries);
  }
  return theirs;
}
