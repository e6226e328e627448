import { type MergeMark, pathKey } from "./yaml-source";
import type { ComposePath } from "./types";
import { type Dict, isDict } from "./dict";

/** Lists whose entries are unique by a key: a later entry with the same key replaces the earlier one. */
const uniqueBy: Record<string, (entry: Dict) => string> = {
  ports: (p) => JSON.stringify([p.host_ip ?? "", p.target, p.published ?? "", p.protocol ?? "tcp"]),
  volumes: (v) => String(v.target),
  secrets: (s) => String(s.target ?? `/run/secrets/${String(s.source)}`),
  configs: (c) => String(c.target ?? `/${String(c.source)}`),
};

/** Service keys that a later file replaces instead of merging. */
const replaced = ["command", "entrypoint"];

function mergeUnique(base: unknown[], over: unknown[], keyOf: (entry: Dict) => string): unknown[] {
  const result = new Map<string, unknown>();
  for (const entry of [...base, ...over]) {
    const key = isDict(entry) ? keyOf(entry) : JSON.stringify(entry);
    result.delete(key);
    result.set(key, entry);
  }
  return [...result.values()];
}

/**
 * Merges `over` onto `base` with Compose's rules: mappings merge key by key, sequences append,
 * `command`, `entrypoint` and `healthcheck.test` are replaced, ports, volumes, secrets and configs are
 * unique by their key, and anything tagged `!override` replaces. `path` is where `over` sits in its
 * file, so that its marks apply; keys tagged `!reset` are already gone from `over`.
 */
export function mergeCompose(
  base: unknown,
  over: unknown,
  path: ComposePath = [],
  marks: Map<string, MergeMark> = new Map(),
): unknown {
  if (marks.get(pathKey(path)) === "override") return over;
  if (isDict(base) && isDict(over)) {
    const out: Dict = { ...base };
    for (const [key, value] of Object.entries(over)) {
      out[key] = key in base ? mergeCompose(base[key], value, [...path, key], marks) : value;
    }
    for (const key of Object.keys(base)) if (marks.get(pathKey([...path, key])) === "reset") delete out[key];
    return out;
  }
  const inService = path.length === 3 && path[0] === "services";
  const key = String(path[path.length - 1]);
  if (Array.isArray(base) && Array.isArray(over)) {
    if (inService && replaced.includes(key)) return over;
    if (path.length === 4 && path[0] === "services" && path[2] === "healthcheck" && key === "test")
      return over;
    if (inService && uniqueBy[key]) return mergeUnique(base, over, uniqueBy[key]);
    return [...base, ...over];
  }
  return over;
}
