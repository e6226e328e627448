/**
 * Checking components' arguments before anything exists: the error that lists every problem, the
 * helpers that collect them, and the rules several components share (DNS names, IPv4 CIDR blocks).
 */
export { type ArgumentIssue, ComponentArgumentsError } from "./error";
export { type AddIssue, isObject, isWhole, issueCollector, show, unknownFields } from "./issues";
export { alignedCidr, cidrsOverlap, formatIpv4, type Ipv4Cidr, parseIpv4Cidr } from "./ipv4";
export { dnsLabelPattern, isDnsLabel, isDnsName } from "../../provider/shared/dns-label";
