/**
 * bcrypt (`$2b$`), the password hash Argo CD keeps its admin password as. Node's crypto has no bcrypt,
 * so this is the algorithm itself: Blowfish with its expensive key schedule. Blowfish's initial
 * P-array and S-boxes are the fractional hexadecimal digits of π; they are computed here (Machin's
 * formula on BigInts, once, in a few milliseconds) rather than carried as a table.
 */
import crypto from "crypto";

/** 18 P-array words and 4 × 256 S-box words. */
const piWords = 18 + 4 * 256;

let initial: Uint32Array | undefined;

/** The first `piWords` 32-bit words of π's fractional part in hexadecimal. */
function blowfishInitialState(): Uint32Array {
  if (initial) return initial;
  const bits = piWords * 32 + 64;
  const one = 1n << BigInt(bits);
  const arctanInverse = (x: bigint): bigint => {
    let term = one / x;
    let sum = term;
    const x2 = x * x;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      sum += (k % 2n === 0n ? 1n : -1n) * (term / (2n * k + 1n));
    }
    return sum;
  };
  const pi = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);
  const fraction = (pi - 3n * one) >> 64n;
  const words = new Uint32Array(piWords);
  for (let i = 0; i < piWords; i++)
    words[i] = Number((fraction >> BigInt((piWords - 1 - i) * 32)) & 0xffffffffn);
  initial = words;
  return words;
}

/** Blowfish's state: the P-array at 0..17, then the four S-boxes. */
class Blowfish {
  readonly s = new Uint32Array(blowfishInitialState());
  private readonly block = new Uint32Array(2);

  private f(x: number): number {
    const s = this.s;
    return (
      (((s[18 + (x >>> 24)] + s[274 + ((x >>> 16) & 0xff)]) ^ s[530 + ((x >>> 8) & 0xff)]) +
        s[786 + (x & 0xff)]) >>>
      0
    );
  }

  /** Encrypts the block (l, r) in place in `this.block`. */
  private encipher(): void {
    const p = this.s;
    let l = this.block[0] ^ p[0];
    let r = this.block[1];
    for (let i = 1; i <= 16; i += 2) {
      r ^= this.f(l) ^ p[i];
      l ^= this.f(r) ^ p[i + 1];
    }
    this.block[0] = r ^ p[17];
    this.block[1] = l;
  }

  encrypt(l: number, r: number): [number, number] {
    this.block[0] = l;
    this.block[1] = r;
    this.encipher();
    return [this.block[0], this.block[1]];
  }

  /** Eksblowfish's ExpandKey: `salt` of 16 bytes, or none (the cost loop's rounds). */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    const keyWords = streamWords(key);
    for (let i = 0; i < 18; i++) this.s[i] ^= keyWords();
    const saltWords = salt ? streamWords(salt) : () => 0;
    this.block[0] = 0;
    this.block[1] = 0;
    for (let i = 0; i < this.s.length; i += 2) {
      this.block[0] ^= saltWords();
      this.block[1] ^= saltWords();
      this.encipher();
      this.s[i] = this.block[0];
      this.s[i + 1] = this.block[1];
    }
  }
}

/** Big-endian 32-bit words read from `data` round and round. */
function streamWords(data: Uint8Array): () => number {
  let j = 0;
  return () => {
    let word = 0;
    for (let k = 0; k < 4; k++) {
      word = ((word << 8) | data[j]) >>> 0;
      j = (j + 1) % data.length;
    }
    return word;
  };
}

const alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's base64: its own alphabet, no padding. */
function encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += alphabet[(chunk >>> (18 - 6 * k)) & 63];
  }
  return out;
}

/**
 * The `$2b$` bcrypt hash of `password` with `salt` (16 bytes) at `cost` (4 to 31; 2^cost rounds of
 * the key schedule). As every bcrypt, only the first 72 bytes of the password count.
 */
export function bcryptHash(password: string, salt: Uint8Array, cost = 10): string {
  if (salt.length !== 16) throw new Error("bcrypt takes a salt of 16 bytes");
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error("bcrypt's cost is from 4 to 31");
  const key = Buffer.concat([Buffer.from(password, "utf8"), Buffer.from([0])]).subarray(0, 72);
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let round = 0; round < 2 ** cost; round++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const text = streamWords(Buffer.from("OrpheanBeholderScryDoubt", "latin1"));
  const words = Array.from({ length: 6 }, text);
  for (let i = 0; i < 64; i++)
    for (let b = 0; b < 6; b += 2) [words[b], words[b + 1]] = bf.encrypt(words[b], words[b + 1]);
  const digest = Buffer.alloc(24);
  words.forEach((w, i) => digest.writeUInt32BE(w, i * 4));
  return `$2b$${String(cost).padStart(2, "0")}$${encode(salt)}${encode(digest.subarray(0, 23))}`;
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
