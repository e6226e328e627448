/** What Berth's Swarm dynamic resources answer in component tests, where no swarm is formed. */
import { contentDigest } from "../../provider/shared/content-name";

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

/**
 * What the Swarm resources of a cluster's services answer under mocks: content-addressed file object
 * names, an active swarm, a stack id, a generated password. Undefined: the checked inputs alone.
 */
export function swarmServiceOutputs({
  type,
  inputs,
}: {
  type: string;
  inputs: Record<string, unknown>;
}): Record<string, unknown> {
  const kind = type.split(":").pop();
  if (kind === "SwarmSecret" || kind === "SwarmConfig")
    return { objectName: `${String(inputs.name)}-0123456789ab`, contentHash: "0123456789ab" };
  if (kind === "SwarmMode") return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  if (kind === "RandomStackId") return { stackId: "0123456789abcdef0123456789abcdef" };
  if (kind === "RandomPassword") return { result: "generated-Pa55word" };
  return {};
}

/**
 * What a Swarm secret or config answers at create, computed as its provider computes it (the content's
 * digest, keyed for a secret), so that a later diff against these outputs is the provider's own.
 */
export function fileObjectOutputs({
  type,
  inputs,
}: {
  type: string;
  inputs: Record<string, unknown>;
}): Record<string, unknown> {
  const secret = type.endsWith(":SwarmSecret");
  const salt = secret ? "mocked-salt" : undefined;
  const hash = contentDigest(String(inputs.data), salt);
  return {
    objectName: `${String(inputs.name)}-${hash.slice(0, 12)}`,
    contentHash: hash,
    swarmId: "swarm-1",
    ...(salt && { salt }),
  };
}
