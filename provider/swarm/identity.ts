// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { isUnknown } from "../unknowns";
import { ambientConnectionProblems, connectionProblems, type EngineConnection } from "./engine";
import { describeConnections, type EngineConnections, managerClient } from "./managers";
import { isOwnedBy, otherStackReason, type Owner, ownerLabelKeys, ownershipOf } from "./ownership";

export { sameValue } from "../same-value";
export { createFailure } from "../create-failure";

// What identifies a Swarm object and who owns it, shared by the providers of Swarm objects.

/**
 * {@link connectionProblems} for a connection that may hold values not known yet (at preview): an
 * unknown connection or protocol is not checked; a problem with a field that is unknown is dropped.
 * A list (the managers of one swarm) is checked entry by entry, at `connection[0]`, ... An absent
 * connection (`undefined`, `{}` or `[]`) is the local engine: it is refused when `DOCKER_HOST` points
 * at a remote engine in a way that is not verified (see {@link ambientConnectionProblems}).
 *
 * @param at - The property path the problems are reported under. Default: `"connection"`.
 */
export function knownConnectionProblems(
  c: unknown,
  at = "connection",
): { property: string; reason: string }[] {
  if (isUnknown(c)) return [];
  if (c === undefined || (Array.isArray(c) && c.length === 0)) return ambientConnectionProblems(at);
  if (Array.isArray(c)) return c.flatMap((entry, i) => oneConnectionProblems(entry, `${at}[${i}]`));
  return oneConnectionProblems(c, at);
}

function oneConnectionProblems(c: unknown, at: string): { property: string; reason: string }[] {
  if (isUnknown(c)) return [];
  if (typeof c !== "object" || c === null || Array.isArray(c))
    return [{ property: at, reason: "must be an object" }];
  const connection = c as Record<string, unknown>;
  if (isUnknown(connection.protocol)) return [];
  if (Object.keys(connection).length === 0) return ambientConnectionProblems(at);
  return connectionProblems(c as EngineConnection, at).filter(
    (p) => !isUnknown(connection[p.property.slice(at.length + 1)]),
  );
}

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
