/** IPv4 CIDR blocks, as far as checking a cluster's or a VPC's ranges needs them. */

/** A parsed block: its first address as an unsigned 32-bit number, and its prefix length. */
export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The block `value` names, or undefined when it is not `a.b.c.d/n`. */
export function parseIpv4Cidr(value: string): Ipv4Cidr | undefined {
  const m = cidrPattern.exec(value);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { base: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

/** An address (an unsigned 32-bit number) as `a.b.c.d`. */
export const formatIpv4 = (address: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");

const size = (cidr: Ipv4Cidr) => 2 ** (32 - cidr.prefix);

/** The block with its host bits cleared, as text: `10.0.1.0/16` is `10.0.0.0/16`. */
export function alignedCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(Math.floor(cidr.base / size(cidr)) * size(cidr))}/${cidr.prefix}`;
}

/** Whether two valid blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  if (!x || !y) return false;
  return x.base < y.base + size(y) && y.base < x.base + size(x);
}
