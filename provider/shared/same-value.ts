/**
 * Whether two plain (JSON) values are equal, whatever the order of their keys: state read back from
 * an API may order keys differently, which is no change. `undefined` and `null` compare equal,
 * and so do an absent key and one holding `undefined`.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown) =>
    JSON.stringify(value ?? null, (_key, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : v,
    );
  return canonical(a) === canonical(b);
}

/**
 * `value` as JSON text that compares equal whatever the order of keys, with null and absent entries
 * dropped: what one side of a comparison may keep and the other drop (the engine, the Kubernetes
 * provider, Helm) makes no difference.
 */
export function canonicalJsonWithoutNulls(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, entry]) => entry !== undefined && entry !== null)
            .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}
