import { containsUnknown, isKnown, isUnknown } from "../shared/unknowns";
import { dnsLabelPattern } from "../shared/dns-label";
import type { EngineConnection } from "../shared/engine";
import { sameValue } from "./identity";

export type MemberRole = "manager" | "worker";
export type MemberAvailability = "active" | "pause" | "drain";

const memberRoles: readonly string[] = ["manager", "worker"] satisfies MemberRole[];
const memberAvailabilities: readonly string[] = ["active", "pause", "drain"] satisfies MemberAvailability[];
/** A node's name in a cluster: a DNS label, as it also names VMs and network tags. */
export const memberNamePattern = dnsLabelPattern;

/** A node's fields that the shared checks judge; any of them may be a value not known yet. */
interface MemberFields {
  name?: unknown;
  role?: unknown;
  availability?: unknown;
}

/**
 * What is wrong with a node list's names, roles and availabilities, at paths such as `nodes[1].role`:
 * the checks the SwarmCluster component makes at program time and the membership provider repeats.
 * A node or field not known yet (the engine's placeholder at preview) is not judged, nor is any check
 * of the whole list that it could change.
 */
export function memberListIssues(
  nodes: readonly unknown[],
  /** The caller's own checks of node `index` (only of a node that is an object), listed with that node's. */
  nodeChecks?: (index: number, at: string, add: (path: string, message: string) => void) => void,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const objects = nodes.map((n) => (n && typeof n === "object" ? (n as MemberFields) : undefined));
  const rolesKnown = objects.every((n) => n !== undefined && !isUnknown(n.role));
  if (nodes.length === 0) add("nodes", "must list at least one node");
  else if (rolesKnown && !objects.some((n) => n?.role === "manager"))
    add("nodes", 'must include a node with role "manager"');
  const seen = new Set<unknown>();
  objects.forEach((node, i) => {
    const at = `nodes[${i}]`;
    if (!node) {
      if (!isUnknown(nodes[i])) add(at, "must be a node definition (an object)");
      return;
    }
    if (isUnknown(node.name)) {
      // Not known yet: neither judged nor counted as a duplicate.
    } else if (typeof node.name !== "string" || !memberNamePattern.test(node.name))
      add(`${at}.name`, "must be a DNS label: lowercase letters, digits and -, at most 63");
    else if (seen.has(node.name)) add(`${at}.name`, `"${node.name}" names two nodes`);
    else seen.add(node.name);
    if (!isUnknown(node.role) && !memberRoles.includes(node.role as string))
      add(`${at}.role`, `must be "manager" or "worker", not ${JSON.stringify(node.role)}`);
    if (!isUnknown(node.availability) && !memberAvailabilities.includes(node.availability as string))
      add(
        `${at}.availability`,
        `must be "active", "pause" or "drain", not ${JSON.stringify(node.availability)}`,
      );
    nodeChecks?.(i, at, add);
  });
  return issues;
}

/**
 * Whether the value at `path` (such as `nodes[1].connection.host`) under `root`, or any value on the
 * way to it, is not known yet: a failure about such a value is the placeholder's, not the user's.
 */
export function unknownAt(root: unknown, path: string): boolean {
  let value = root;
  for (const step of path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== "")) {
    if (isUnknown(value)) return true;
    if (!value || typeof value !== "object") return false;
    value = (value as Record<string, unknown>)[step];
  }
  return isUnknown(value);
}

/** One node as the membership provider sees it: plain data, resolved. */
export interface MemberSpec {
  name: string;
  role: MemberRole;
  labels: Record<string, string>;
  availability: MemberAvailability;
  connection: EngineConnection;
  advertiseAddr: string;
  listenAddr: string;
  dataPathAddr?: string;
}

/**
 * One change to a running swarm's membership. A node whose swarm addresses change (advertise, listen
 * or data path) is `rejoin`ed: Swarm fixes a node's addresses when it joins, so it leaves (drained,
 * demoted first if it manages) and joins again with the new ones, under a new node ID.
 */
export type MembershipStep =
  | { kind: "join"; member: MemberSpec }
  | { kind: "configure"; member: MemberSpec; from: MemberSpec }
  | { kind: "rejoin"; member: MemberSpec; from: MemberSpec }
  | { kind: "remove"; member: MemberSpec };

const sameSpec = (a: MemberSpec, b: MemberSpec) =>
  a.role === b.role && a.availability === b.availability && sameValue(a.labels, b.labels);

/** The swarm addresses of a node that differ between `a` and `b`, by field name. */
export function addressChanges(a: MemberSpec, b: MemberSpec): string[] {
  const fields = ["advertiseAddr", "listenAddr", "dataPathAddr"] as const;
  return fields.filter((f) => (a[f] ?? "") !== (b[f] ?? ""));
}

/**
 * Whether a `rejoin` moves the node to another machine (its engine is reached at another host or
 * port), as when Pulumi replaces the machine: the new one joins before the old one leaves, so the
 * swarm never has fewer managers than before. A node that stays on its machine must leave first.
 */
export function replacesMachine(step: MembershipStep): boolean {
  if (step.kind !== "rejoin") return false;
  const [a, b] = [step.from.connection, step.member.connection];
  return a.socketPath !== b.socketPath || a.host !== b.host || (a.port ?? 0) !== (b.port ?? 0);
}

const workersFirst = (a: MembershipStep, b: MembershipStep) =>
  Number(a.member.role === "manager") - Number(b.member.role === "manager");

/**
 * The steps from `olds` to `news`, in the order that keeps the swarm safe: new nodes join first (more
 * capacity, more managers), then roles and specs change (promotions before demotions), then nodes
 * move to new addresses one at a time (workers first), then nodes leave, workers before managers.
 */
export function planMembership(olds: MemberSpec[], news: MemberSpec[]): MembershipStep[] {
  const old = new Map(olds.map((m) => [m.name, m]));
  const kept = new Set(news.map((m) => m.name));
  const joins: MembershipStep[] = news
    .filter((m) => !old.has(m.name))
    .map((member) => ({ kind: "join", member }));
  const stayed = news.filter((m) => old.has(m.name));
  const moves = stayed.filter((m) => addressChanges(old.get(m.name)!, m).length > 0);
  const configures = stayed
    .filter((m) => !moves.includes(m) && !sameSpec(old.get(m.name)!, m))
    .map((member): MembershipStep => ({ kind: "configure", member, from: old.get(member.name)! }))
    .sort((a, b) => Number(a.member.role === "worker") - Number(b.member.role === "worker"));
  // A node that was a worker moves first: its move never costs the swarm a manager.
  const rejoins = moves
    .map((member) => ({ kind: "rejoin" as const, member, from: old.get(member.name)! }))
    .sort((a, b) => Number(a.from.role === "manager") - Number(b.from.role === "manager"));
  const removals = olds
    .filter((m) => !kept.has(m.name))
    .map((member): MembershipStep => ({ kind: "remove", member }))
    .sort(workersFirst);
  return [...joins, ...configures, ...rejoins, ...removals];
}

/** What a step does, in a log line or a refusal: "w1 moves from 10.0.0.2 to 10.0.1.2 (leaves and joins again)". */
export function describeStep(step: MembershipStep): string {
  if (step.kind !== "rejoin") return `${step.kind} ${step.member.name}`;
  const moved = addressChanges(step.from, step.member)
    .map((f) => {
      const field = f as "advertiseAddr" | "listenAddr" | "dataPathAddr";
      return `${f} ${step.from[field] ?? "(default)"} -> ${step.member[field] ?? "(default)"}`;
    })
    .join(", ");
  return `${step.member.name} moves (${moved}): it leaves the swarm and joins again`;
}

/** A manager as the swarm reports it. */
export interface LiveManager {
  name: string;
  reachable: boolean;
}

const majority = (n: number) => Math.floor(n / 2) + 1;

/**
 * Why `steps` would leave the swarm without a quorum of reachable managers at some point, or undefined
 * when every step keeps one. Raft needs a majority of all managers reachable to change anything, so a
 * step that removes or demotes a manager is safe only if, after it, the reachable managers are still a
 * majority of those that remain.
 */
export function quorumProblem(live: LiveManager[], steps: MembershipStep[]): string | undefined {
  const managers = new Map(live.map((m) => [m.name, m.reachable]));
  const reachable = () => [...managers.values()].filter(Boolean).length;
  if (managers.size > 0 && reachable() < majority(managers.size)) {
    return `the swarm has lost its quorum: ${reachable()} of ${managers.size} managers are reachable, ${majority(managers.size)} are needed to change anything`;
  }
  for (const step of steps) {
    const { name, role } = step.member;
    // A replaced manager machine: the new one joins before the old one leaves.
    if (replacesMachine(step) && role === "manager" && managers.has(name)) continue;
    const losesManager =
      ((step.kind === "remove" || step.kind === "rejoin") && managers.has(name)) ||
      (step.kind === "configure" && role === "worker" && managers.has(name));
    const becomesManager = step.kind === "join" || (step.kind === "rejoin" && !managers.has(name));
    if (becomesManager && role === "manager") managers.set(name, true);
    if (step.kind === "configure" && role === "manager") managers.set(name, true);
    if (!losesManager) continue;
    managers.delete(name);
    const what =
      step.kind === "remove"
        ? `removing the manager ${name}`
        : step.kind === "rejoin"
          ? `moving the manager ${name} to new addresses (it must leave the swarm and join again)`
          : `demoting ${name}`;
    if (managers.size === 0)
      return step.kind === "rejoin"
        ? `${what} would leave the swarm without a manager: add another manager first, then change the addresses, or replace the cluster`
        : `${what} would leave the swarm without a manager`;
    const problem = reachable() < majority(managers.size);
    if (step.kind === "rejoin" && role === "manager" && !problem) managers.set(name, true);
    if (problem) {
      const down = [...live].filter((m) => !m.reachable && managers.has(m.name)).map((m) => m.name);
      return `${what} would lose the managers' quorum: ${reachable()} of the ${managers.size} remaining managers would be reachable, ${majority(managers.size)} are needed${down.length ? ` (unreachable: ${down.join(", ")})` : ""}`;
    }
  }
  return undefined;
}

/**
 * Why going from `olds` to `news` would take too many of the previous managers out at once, judged
 * from the lists alone (at preview, before any machine is asked): the managers of the previous list
 * that stay must remain a majority of it, so a swarm of N managers loses at most (N-1)/2 of them per
 * update (at least 1, so that 2 managers can become 1). Managers joining at the same time do not
 * count: they are not known to answer until they have joined. A manager whose machine is replaced
 * (same name, new address) stays a manager throughout and does not count either.
 */
export function managerLossProblem(olds: MemberSpec[], news: MemberSpec[]): string | undefined {
  const next = new Map(news.map((m) => [m.name, m]));
  const managers = olds.filter((m) => m.role === "manager");
  const removed = managers.filter((m) => !next.has(m.name)).map((m) => m.name);
  const demoted = managers.filter((m) => next.get(m.name)?.role === "worker").map((m) => m.name);
  const lost = removed.length + demoted.length;
  const n = managers.length;
  if (lost === 0 || lost <= Math.max(1, Math.floor((n - 1) / 2))) return undefined;
  const verb = demoted.length === 0 ? "removing" : removed.length === 0 ? "demoting" : "removing or demoting";
  const names = [...removed, ...demoted].join(", ");
  const allowed = Math.max(1, Math.floor((n - 1) / 2));
  return `${verb} ${lost} of ${n} managers (${names}) leaves ${n - lost}: a swarm of ${n} managers keeps quorum only while ${majority(n)} answer; take out at most ${allowed} per update`;
}

/** The inputs of a swarm's membership that its diff compares; any may hold the placeholder at preview. */
export interface MembershipDiffInputs {
  owner?: unknown;
  nodes?: unknown;
  swarm?: unknown;
  rotate?: unknown;
  timeoutSeconds?: unknown;
}

/** Swarm settings fixed when the swarm is formed: a known change to one re-forms the swarm. */
const formingSettings = ["defaultAddrPool", "subnetSize", "dataPathPort"] as const;

/**
 * The membership's diff, from the previous outputs to the checked inputs. Only the swarm itself is
 * identity: a known change to a setting fixed at `swarm init` replaces it. Nodes, their credentials,
 * connections and addresses, the rotation triggers and the owner (a renamed resource) all update in
 * place (addresses by having the node leave and join again). Anything not known yet counts as a change.
 */
export function diffMembership(
  olds: MembershipDiffInputs,
  news: MembershipDiffInputs,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const oldSwarm = (olds.swarm ?? {}) as Record<string, unknown>;
  const newSwarm = news.swarm;
  const reformed =
    newSwarm !== null &&
    typeof newSwarm === "object" &&
    formingSettings.some((key) => {
      const value = (newSwarm as Record<string, unknown>)[key];
      return isKnown(value) && JSON.stringify(value) !== JSON.stringify(oldSwarm[key]);
    });
  const compared = (x: MembershipDiffInputs) => [x.owner, x.nodes, x.swarm, x.rotate, x.timeoutSeconds];
  const changed = containsUnknown(compared(news)) || !sameValue(compared(olds), compared(news));
  return { changes: changed || reformed, replaces: reformed ? ["swarm"] : [], deleteBeforeReplace: true };
}
