/** A YAML mapping as parsed: keys to anything. */
export type Dict = Record<string, unknown>;

/** Whether a parsed value is a mapping (not a list, not null). */
export const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);
