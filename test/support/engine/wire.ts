/**
 * Property values as they travel between the Pulumi SDK, the engine and providers: unknowns as a
 * sentinel string, secrets as a signature-tagged object. These helpers do what the engine does with them.
 */
export { unknownValue } from "../../../provider/shared/unknowns";
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

/** Deep equality of plain JSON-like values, key order ignored: the providers' own comparison. */
export { sameValue } from "../../../provider/shared/same-value";
