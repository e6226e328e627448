/**
 * DNS names as Kubernetes, Cloud Map and Swarm node names take them (RFC 1123). The rule lives here,
 * where providers and components can both import it; components take it through `components/arguments`.
 */

/** A DNS label: 1 to 63 lower case letters, digits or `-`, starting and ending with a letter or digit. */
export const dnsLabelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether `value` is a DNS label ({@link dnsLabelPattern}). */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === "string" && dnsLabelPattern.test(value);
}

/** Whether `value` is a DNS name: at most 253 characters, DNS labels separated by dots. */
export function isDnsName(value: unknown): value is string {
  return typeof value === "string" && value.length <= 253 && value.split(".").every(isDnsLabel);
}
