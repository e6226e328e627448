import { isUnknown } from "../shared/unknowns";

// A secret Harbor never shows again is kept out of state: state holds an HMAC of it under a random
// salt, which tells whether the program's secret changed without letting anyone who reads the state
// confirm a guessed value.

/** A new random salt, hex. */
export function newSalt(): string {
  const crypto = require("crypto") as typeof import("crypto");
  return crypto.randomBytes(32).toString("hex");
}

/** HMAC-SHA-256 of `secret` under `salt`, hex. */
export function secretHash(secret: string, salt: string): string {
  const crypto = require("crypto") as typeof import("crypto");
  return crypto.createHmac("sha256", salt).update(secret, "utf8").digest("hex");
}

/**
 * Whether `secret` is the one state's hash was made from: false when either is not known (a preview's
 * unknown value, an import, or a hash cleared because Harbor's copy may have changed).
 */
export function sameSecret(secret: unknown, hash: string | undefined, salt: string | undefined): boolean {
  if (isUnknown(secret) || typeof secret !== "string" || !hash || !salt) return false;
  return secretHash(secret, salt) === hash;
}
