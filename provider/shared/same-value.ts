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
