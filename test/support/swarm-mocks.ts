/** What Berth's Swarm dynamic resources answer in component tests, where no swarm is formed. */

/** A SwarmMembership's outputs for `nodes`: node ids `node-<index>`, one manager address, fake tokens. */
export function membershipOutputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const nodes = inputs.nodes as { name: string }[];
  return {
    swarmId: "swarm-1",
    nodeIds: Object.fromEntries(nodes.map((n, i) => [n.name, `node-${i}`])),
    joinTokens: { worker: "SWMTKN-worker", manager: "SWMTKN-manager" },
    unlockKey: "",
    managerAddresses: ["10.0.0.1:2377"],
  };
}
