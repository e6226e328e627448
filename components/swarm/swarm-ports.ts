/** The traffic a swarm's machines accept from each other: one firewall policy for every cloud. */

/** One kind of swarm traffic. Its source is always the swarm's own machines, never an address range. */
export interface SwarmTrafficRule {
  /** Short and stable: part of the rule's resource name. */
  name: string;
  protocol: "tcp" | "udp" | "esp";
  /** Absent for ESP, which has no ports. */
  port?: number;
  /** The machines that accept it: managers only, or every node. */
  to: "managers" | "nodes";
  description: string;
}

export interface SwarmTrafficOptions {
  /**
   * The VXLAN port of overlay networks.
   * @default 4789
   */
  dataPathPort?: number;
  /**
   * Also accept IPsec ESP among nodes, which encrypted overlay networks need.
   * @default false
   */
  encryptedOverlay?: boolean;
}

/**
 * The swarm's traffic among its machines: 2377/tcp (control plane) from nodes to managers only,
 * 7946/tcp+udp (gossip) and the VXLAN port (overlay data) among nodes, and ESP among nodes when
 * encrypted overlays are wanted. Nothing here is open to any address range.
 */
export function swarmTrafficRules(options: SwarmTrafficOptions = {}): SwarmTrafficRule[] {
  const rules: SwarmTrafficRule[] = [
    {
      name: "control",
      protocol: "tcp",
      port: 2377,
      to: "managers",
      description: "swarm control plane, from nodes to managers",
    },
    {
      name: "gossip-tcp",
      protocol: "tcp",
      port: 7946,
      to: "nodes",
      description: "swarm gossip, among nodes",
    },
    {
      name: "gossip-udp",
      protocol: "udp",
      port: 7946,
      to: "nodes",
      description: "swarm gossip, among nodes",
    },
    {
      name: "overlay",
      protocol: "udp",
      port: options.dataPathPort ?? 4789,
      to: "nodes",
      description: "overlay network data (VXLAN), among nodes",
    },
  ];
  if (options.encryptedOverlay)
    rules.push({
      name: "overlay-esp",
      protocol: "esp",
      to: "nodes",
      description: "encrypted overlay networks (IPsec ESP), among nodes",
    });
  return rules;
}
