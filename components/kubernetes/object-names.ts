/** Names of Secrets and ConfigMaps derived from their content, so that new content means a new object. */
import { contentAddressedName } from "../../provider/shared/content-name";

/** Hex digits of the digest in a name: enough that two contents of one object never meet. */
const digestLength = 10;

/** `value` as the start of an object name: lower case letters, digits, `-` and `.`. */
function namePart(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, "-")
      .slice(0, 200)
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "file"
  );
}

/** The same input for the same (source, content), whatever the content's characters. */
const digestInput = (source: string, content: string) => JSON.stringify([source, content]);

/**
 * A Secret's name: `<base>-<10 hex of HMAC-SHA-256(salt, source + content)>`. Keyed with the cluster's
 * secret salt, so that someone who can list Secrets cannot confirm a guessed value from the name.
 */
export function secretObjectName(base: string, source: string, content: string, salt: string): string {
  return contentAddressedName(namePart(base), digestInput(source, content), {
    hexDigits: digestLength,
    key: salt,
  }).name;
}

/** A ConfigMap's name: `<base>-<10 hex of SHA-256(source + content)>`. */
export function configObjectName(base: string, source: string, content: string): string {
  return contentAddressedName(namePart(base), digestInput(source, content), { hexDigits: digestLength }).name;
}

/** The content of a set of variables, independent of their order. */
export function variablesContent(values: Record<string, string>): string {
  return JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
