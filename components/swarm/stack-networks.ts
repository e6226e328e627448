import type { NetworkIpam } from "../../provider/swarm/network";
import { type Dict, isDict } from "../compose/dict";
import type { ComposeIssue, ComposeNetwork, ComposeProject, ComposeVolume } from "../compose/types";
import { stackFileObjectIssues } from "../compose/stack-file-objects";

/** A stack network's settings, as a `SwarmNetwork` takes them. */
export interface StackNetworkSettings {
  attachable: boolean;
  internal: boolean;
  encrypted: boolean;
  /** `driver_opts` other than `encrypted`. */
  options: Record<string, string>;
  ipam: NetworkIpam;
}

const strings = (value: unknown): Record<string, string> =>
  isDict(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};

/** `ipam` as the engine takes it: every pool field, the driver and its options. */
function networkIpam(ipam: unknown): NetworkIpam {
  if (!isDict(ipam)) return {};
  return {
    ...(typeof ipam.driver === "string" && { driver: ipam.driver }),
    ...(isDict(ipam.options) && { options: strings(ipam.options) }),
    ...(Array.isArray(ipam.config) && {
      config: ipam.config.filter(isDict).map((pool: Dict) => ({
        ...(typeof pool.subnet === "string" && { subnet: pool.subnet }),
        ...(typeof pool.ip_range === "string" && { ipRange: pool.ip_range }),
        ...(typeof pool.gateway === "string" && { gateway: pool.gateway }),
        ...(isDict(pool.aux_addresses) && { auxAddresses: strings(pool.aux_addresses) }),
      })),
    }),
  };
}

/** A Compose network's settings for a stack's overlay network (`driver_opts.encrypted` turns on encryption). */
export function stackNetworkSettings(network: ComposeNetwork): StackNetworkSettings {
  const { encrypted, ...options } = strings(network.driver_opts);
  return {
    attachable: network.attachable ?? false,
    internal: network.internal ?? false,
    encrypted: encrypted !== undefined,
    options,
    ipam: networkIpam(network.ipam),
  };
}

/**
 * The `VolumeOptions` of a mount of a stack's named volume, as `docker stack deploy` sets them: the
 * volume's labels (and the stack's), and its `driver` and `driver_opts`, with which each node creates
 * the volume on first use. An external volume exists already: nothing is set.
 */
export function stackVolumeOptions(
  volume: ComposeVolume | undefined,
  namespace: Record<string, string>,
):
  | { Labels: Record<string, string>; DriverConfig?: { Name: string; Options: Record<string, string> } }
  | undefined {
  if (volume?.external) return undefined;
  const driverSet = volume?.driver !== undefined || volume?.driver_opts !== undefined;
  return {
    Labels: { ...volume?.labels, ...namespace },
    ...(driverSet && {
      DriverConfig: { Name: volume?.driver ?? "", Options: strings(volume?.driver_opts) },
    }),
  };
}

/**
 * What a stack on a swarm cannot create of the networks, secrets and configs its services use: each
 * key named, at its path, all at once.
 */
export function swarmStackIssues(
  project: ComposeProject,
  used: { networks: Set<string>; secrets: Set<string>; configs: Set<string> },
): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  const refuse = (path: string, message: string) => issues.push({ path, message });
  for (const key of used.networks) {
    const net = project.networks?.[key];
    if (!net || net.external) continue;
    const at = `networks.${key}`;
    if (net.driver !== undefined && net.driver !== "overlay")
      refuse(`${at}.driver`, `a stack's networks are overlay networks, not "${net.driver}"`);
    if (net.enable_ipv6 === true)
      refuse(`${at}.enable_ipv6`, `"enable_ipv6" is not supported by Berth yet; leave it out for IPv4 only`);
    if (net.enable_ipv4 === false)
      refuse(
        `${at}.enable_ipv4`,
        `an IPv6-only network is not supported by Berth yet; leave enable_ipv4 out`,
      );
  }
  return [...issues, ...stackFileObjectIssues(project, used)];
}
