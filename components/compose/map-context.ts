import { closestName } from "../spec/suggest";
import { type Dict, isDict } from "./dict";

/** What a field mapper reports to; every path is relative to the service (`deploy.mode`). */
export interface MapContext {
  /** A key Berth cannot deploy: an error. */
  refuse(path: string, message: string): void;
  /** A key dropped because it means nothing on a cluster. */
  ignore(path: string, reason: string): void;
  /** Notes that the Berth field at `berthPath` was read from the Compose key at `composePath`. */
  from(berthPath: string, composePath: string): void;
}

/** `{a: 1}` or `["a=1"]` -> `{a: "1"}`. */
export function stringMap(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((item) => {
        const [key, ...rest] = String(item).split("=");
        return [key, rest.join("=")];
      }),
    );
  }
  if (!isDict(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

/** Refuses the keys of `object` at `path` that are not in `known` (extensions `x-*` excepted). */
export function refuseUnknown(object: Dict, known: readonly string[], path: string, ctx: MapContext): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key) || key.startsWith("x-")) continue;
    const hint = closestName(key, known);
    ctx.refuse(`${path}.${key}`, `is not a Compose key here${hint ? `; did you mean "${hint}"?` : ""}`);
  }
}

export const isTrue = (v: unknown): boolean => v === true || v === "true";

/** A value that asks for nothing: `false`, `0`, `""`, `null`, `[]` or `{}`. */
export function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isDict(value)) return Object.keys(value).length === 0;
  return value === false || value === 0 || value === "" || value === null || value === undefined;
}
