/**
 * bcrypt (`$2b$`), the password hash Argo CD keeps its admin password as, through bcryptjs. Berth's
 * addition is a salt derived from the password, so that hashing one password on every run gives one hash.
 */
import crypto from "crypto";
import { encodeBase64, hashSync } from "bcryptjs";

/**
 * The `$2b$` bcrypt hash of `password` with `salt` (16 bytes) at `cost` (4 to 31; 2^cost rounds of
 * the key schedule). As every bcrypt, only the first 72 bytes of the password count.
 */
export function bcryptHash(password: string, salt: Uint8Array, cost = 10): string {
  if (salt.length !== 16) throw new Error("bcrypt takes a salt of 16 bytes");
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error("bcrypt's cost is from 4 to 31");
  return hashSync(password, `$2b$${String(cost).padStart(2, "0")}$${encodeBase64(Array.from(salt), 16)}`);
}

/**
 * A bcrypt hash of `password` whose salt is derived from the password itself (an HMAC of it), so the
 * same password always gives the same hash: a program can hash a password on every run without
 * changing what it deploys. The salt then says nothing the hash does not; use it only for passwords
 * that are random and unique, such as generated ones.
 */
export function stableBcryptHash(password: string, cost = 10): string {
  const salt = crypto.createHmac("sha256", password).update("berth bcrypt salt").digest().subarray(0, 16);
  return bcryptHash(password, salt, cost);
}
