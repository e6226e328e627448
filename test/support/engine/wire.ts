/**
 * Property values as they travel between the Pulumi SDK, the engine and providers: unknowns as a
 * sentinel string, secrets as a signature-tagged object. These helpers do what the engine does with them.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const specialSig = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, unknown>;

function isSecretWire(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[specialSig] === secretSig
  );
}

/**
 * Removes secret markers, as the engine does for a provider that does not accept secrets, and lists
 * the paths that were secret (`a.b[0]`).
 */
export function stripSecrets(value: unknown, at = "", secrets: string[] = []): unknown {
  if (isSecretWire(value)) {
    secrets.push(at);
    return stripSecrets(value.value, at, secrets);
  }
  if (Array.isArray(value)) return value.map((v, i) => stripSecrets(v, `${at}[${i}]`, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, stripSecrets(v, at ? `${at}.${k}` : k, secrets)]),
    );
  }
  return value;
}

/** `props` with the top-level keys in `secretKeys` wrapped as secrets, for the SDK. */
export function markSecrets(props: Props, secretKeys: Iterable<string>): Props {
  const out = { ...props };
  for (const key of secretKeys) {
    if (key in out) out[key] = { [specialSig]: secretSig, value: out[key] };
  }
  return out;
}

/** The top-level property names among secret paths. */
export function topLevel(paths: string[]): string[] {
  return [...new Set(paths.map((p) => p.split(/[.[]/)[0]).filter((p) => p !== ""))];
}

export function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Deep equality of plain JSON-like values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]))
    );
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).filter((k) => (a as Props)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Props)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameValue((a as Props)[k], (b as Props)[k]));
  }
  return false;
}
