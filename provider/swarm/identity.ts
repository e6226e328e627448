// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { describeConnections, type EngineConnections, managerClient } from "./managers";
import { isOwnedBy, otherStackReason, type Owner, ownerLabelKeys, ownershipOf } from "./ownership";

export { sameValue } from "../shared/same-value";
export { createFailure } from "../shared/create-failure";
export { knownConnectionProblems } from "../shared/engine";

// What identifies a Swarm object and who owns it, shared by the providers of Swarm objects.

/**
 * The ID of the swarm `connection` reaches (`docker swarm inspect`).
 *
 * @param connection - Default: the local engine.
 * @param docker - A client for `connection` already at hand. Default: a new one.
 */
export async function swarmIdOf(
  connection: EngineConnections = {},
  docker: Dockerode = managerClient(connection),
): Promise<string> {
  return ((await docker.swarmInspect()) as { ID: string }).ID;
}

/**
 * The ID of the swarm `connection` reaches, after checking it is `expected` (the swarm `what` was made
 * in). A connection may change (new credentials, another manager) but never move an object to another
 * swarm: a different swarm fails with a message naming both swarm IDs. `expected` is absent in state
 * written before swarm IDs were kept: then any swarm is accepted.
 *
 * @param what - The object, as messages name it (e.g. `"network web"`).
 * @param docker - A client for `connection` already at hand. Default: a new one.
 */
export async function requireSameSwarm(
  connection: EngineConnections | undefined,
  expected: string | undefined,
  what: string,
  docker?: Dockerode,
): Promise<string> {
  const actual = await swarmIdOf(connection, docker);
  if (expected && actual !== expected) {
    throw new Error(
      `${what} belongs to swarm ${expected}, but the connection (${describeConnections(connection)}) ` +
        `reaches swarm ${actual}. A connection may change only to reach the same swarm: point it at a ` +
        `manager of swarm ${expected}; to move the object to another swarm, replace the resource ` +
        `(pulumi up --replace)`,
    );
  }
  return actual;
}

/**
 * The owner an engine object's labels name, or undefined when they name no stack (no project or stack
 * label). An object labelled before Berth recorded URNs has no resource label: its `urn` is then "";
 * one labelled before Berth kept stack identities has no `stackId`.
 *
 * @param defaultComponent - The component when the labels name none. Default: `""`.
 */
export function ownerFromLabels(
  labels: Record<string, string> | undefined,
  defaultComponent = "",
): Owner | undefined {
  const project = labels?.[ownerLabelKeys.project];
  const stack = labels?.[ownerLabelKeys.stack];
  if (!project || !stack) return undefined;
  return {
    project,
    stack,
    ...(labels[ownerLabelKeys.stackId] !== undefined && { stackId: labels[ownerLabelKeys.stackId] }),
    component: labels[ownerLabelKeys.component] ?? defaultComponent,
    urn: labels[ownerLabelKeys.resource] ?? "",
  };
}

/**
 * Why `owner` may not change or delete an object with `labels`, or undefined when it may. The object is
 * the one this resource's state records (found by the ID in state): one without a stack identity is
 * the resource's own, made before Berth kept identities.
 *
 * @param what - The object, as the message names it (e.g. `"network web"`).
 * @param action - What is refused, e.g. `"deleting"`.
 */
export function notOwnedReason(
  what: string,
  labels: Record<string, string> | undefined,
  owner: Owner,
  action: string,
): string | undefined {
  if (isOwnedBy(labels, owner)) return undefined;
  const ownership = ownershipOf(labels, owner, true);
  if (ownership === "other-resource") {
    return `${what} is managed by ${labels?.[ownerLabelKeys.resource]}, not by ${owner.urn}; not ${action} it`;
  }
  if (ownership === "other-stack") return `${otherStackReason(what, labels ?? {}, owner)}; not ${action} it`;
  return `${what} does not belong to stack ${owner.project}/${owner.stack}; not ${action} it`;
}
