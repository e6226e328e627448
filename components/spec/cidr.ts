/** Client address blocks as the portable spec takes them (`sourceRanges`): IPv4 or IPv6 CIDR blocks. */
import { isIPv4, isIPv6 } from "node:net";

/** The IP version of a valid block. */
export function cidrVersion(cidr: string): 4 | 6 {
  return cidr.includes(":") ? 6 : 4;
}

function ipv4Base(address: string, prefix: number): string {
  const octets = address.split(".").map(Number);
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(value / size) * size;
  return [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".");
}

/**
 * What is wrong with `value` as a CIDR block, or undefined when it is one: `a.b.c.d/n` (n 0-32, no
 * host bits set) or an IPv6 address with `/n` (n 0-128).
 */
export function cidrIssue(value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  const usage = `must be a CIDR block such as "203.0.113.0/24" or "2001:db8::/32", not ${shown}`;
  if (typeof value !== "string") return usage;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return usage;
  const [, address, bits] = m;
  const prefix = Number(bits);
  if (isIPv4(address)) {
    if (prefix > 32) return `${shown}: an IPv4 prefix is at most /32`;
    const base = ipv4Base(address, prefix);
    if (base !== address) return `${shown} has host bits set; did you mean "${base}/${prefix}"?`;
    return undefined;
  }
  if (isIPv6(address)) return prefix > 128 ? `${shown}: an IPv6 prefix is at most /128` : undefined;
  return usage;
}
