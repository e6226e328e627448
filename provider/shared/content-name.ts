/**
 * Content-addressed names: an object that cannot change in place (a Swarm secret or config, a
 * Kubernetes Secret or ConfigMap mounted as files) is named after a digest of its content, so new
 * content means a new object, created beside the old one while workloads move over.
 *
 * The name is `<base>-<the digest's first hexDigits hex digits>`. Each caller's base, content and
 * digit count are part of the names already in users' state: changing any of them renames (and so
 * replaces) every existing object.
 */

/**
 * The SHA-256 of `content` (UTF-8), hex; keyed with `key` it is the HMAC-SHA-256 instead, so that
 * someone who can list the objects cannot confirm a guessed secret value from its name.
 */
export function contentDigest(content: string, key?: string): string {
  // Required here, not imported at the top: dynamic providers that use this are serialized by closure.
  const crypto = require("crypto") as typeof import("crypto");
  return key === undefined
    ? crypto.createHash("sha256").update(content, "utf8").digest("hex")
    : crypto.createHmac("sha256", key).update(content, "utf8").digest("hex");
}

/**
 * The content-addressed name of an object: `<base>-<hexDigits hex digits of contentDigest(content, key)>`,
 * with the whole digest (which a provider may keep to tell later whether the content changed).
 *
 * @param base - The name's start, already in the form the target accepts.
 * @param content - Everything the name stands for, as one string (a caller with several parts joins
 *   them unambiguously, e.g. as a JSON array).
 * @param options.hexDigits - How many hex digits of the digest the name carries.
 * @param options.key - The HMAC key, for secret content. Default: none (plain SHA-256).
 */
export function contentAddressedName(
  base: string,
  content: string,
  options: { hexDigits: number; key?: string },
): { name: string; digest: string } {
  const digest = contentDigest(content, options.key);
  return { name: `${base}-${digest.slice(0, options.hexDigits)}`, digest };
}
