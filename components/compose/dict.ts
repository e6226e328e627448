/** A YAML mapping as parsed: keys to anything. */
export type Dict = Record<string, unknown>;

/**
 * The value a mapping holds for `key` itself: never one it inherits (`constructor`, `toString`), so a
 * variable or key with such a name is simply not set.
 */
export function own<T>(dict: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}

/** Whether a parsed value is a mapping (not a list, not null). */
export const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);
