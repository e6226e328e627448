import type { EngineConnection } from "./engine";

export type MemberRole = "manager" | "worker";
export type MemberAvailability = "active" | "pause" | "drain";

const memberRoles: readonly string[] = ["manager", "worker"] satisfies MemberRole[];
const memberAvailabilities: readonly string[] = ["active", "pause", "drain"] satisfies MemberAvailability[];
/** A node's name in a cluster: a DNS label, as it also names VMs and network tags. */
export const memberNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * What is wrong with a node list's names, roles and availabilities, at paths such as `nodes[1].role`:
 * the checks the SwarmCluster component makes at program time and the membership provider repeats.
 */
export function memberListIssues(
  nodes: readonly { name?: unknown; role?: unknown; availability?: unknown }[],
  /** The caller's own checks of node `index`, listed with that node's. */
  nodeChecks?: (index: number, at: string, add: (path: string, message: string) => void) => void,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (nodes.length === 0) add("nodes", "must list at least one node");
  else if (!nodes.some((n) => n.role === "manager")) add("nodes", 'must include a node with role "manager"');
  const seen = new Set<unknown>();
  nodes.forEach((node, i) => {
    const at = `nodes[${i}]`;
    if (typeof node.name !== "string" || !memberNamePattern.test(node.name))
      add(`${at}.name`, "must be a DNS label: lowercase letters, digits and -, at most 63");
    else if (seen.has(node.name)) add(`${at}.name`, `"${node.name}" names two nodes`);
    seen.add(node.name);
    if (!memberRoles.includes(node.role as string))
      add(`${at}.role`, `must be "manager" or "worker", not ${JSON.stringify(node.role)}`);
    if (!memberAvailabilities.includes(node.availability as string))
      add(
        `${at}.availability`,
        `must be "active", "pause" or "drain", not ${JSON.stringify(node.availability)}`,
      );
    nodeChecks?.(i, at, add);
  });
  return issues;
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

/** One change to a running swarm's membership. */
export type MembershipStep =
  | { kind: "join"; member: MemberSpec }
  | { kind: "configure"; member: MemberSpec; from: MemberSpec }
  | { kind: "remove"; member: MemberSpec };

const sameSpec = (a: MemberSpec, b: MemberSpec) =>
  a.role === b.role &&
  a.availability === b.availability &&
  JSON.stringify(Object.entries(a.labels).sort()) === JSON.stringify(Object.entries(b.labels).sort());

/**
 * The steps from `olds` to `news`, in the order that keeps the swarm safe: new nodes join first (more
 * capacity, more managers), then roles and specs change (promotions before demotions), then nodes
 * leave, workers before managers.
 */
export function planMembership(olds: MemberSpec[], news: MemberSpec[]): MembershipStep[] {
  const old = new Map(olds.map((m) => [m.name, m]));
  const kept = new Set(news.map((m) => m.name));
  const joins: MembershipStep[] = news
    .filter((m) => !old.has(m.name))
    .map((member) => ({ kind: "join", member }));
  const configures = news
    .filter((m) => old.has(m.name) && !sameSpec(old.get(m.name)!, m))
    .map((member): MembershipStep => ({ kind: "configure", member, from: old.get(member.name)! }))
    .sort((a, b) => Number(a.member.role === "worker") - Number(b.member.role === "worker"));
  const removals = olds
    .filter((m) => !kept.has(m.name))
    .map((member): MembershipStep => ({ kind: "remove", member }))
    .sort((a, b) => Number(a.member.role === "manager") - Number(b.member.role === "manager"));
  return [...joins, ...configures, ...removals];
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
    const losesManager =
      (step.kind === "remove" && managers.has(name)) ||
      (step.kind === "configure" && role === "worker" && managers.has(name));
    if (step.kind === "join" && role === "manager") managers.set(name, true);
    if (step.kind === "configure" && role === "manager") managers.set(name, true);
    if (!losesManager) continue;
    managers.delete(name);
    const what = step.kind === "remove" ? `removing the manager ${name}` : `demoting ${name}`;
    if (managers.size === 0) return `${what} would leave the swarm without a manager`;
    if (reachable() < majority(managers.size)) {
      const down = [...live].filter((m) => !m.reachable && managers.has(m.name)).map((m) => m.name);
      return `${what} would lose the managers' quorum: ${reachable()} of the ${managers.size} remaining managers would be reachable, ${majority(managers.size)} are needed${down.length ? ` (unreachable: ${down.join(", ")})` : ""}`;
    }
  }
  return undefined;
}
