import { setTimeout as sleep } from "timers/promises";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { describeConnection, type EngineConnection, engineClient } from "../shared/engine";
import { engineMessage, isNotFound, isOutOfSequence, maxVersionRetries } from "../shared/engine-errors";
import { engineLog } from "../shared/log";
import type { MemberSpec } from "./membership-plan";
import { type Owner, ownerLabels } from "./ownership";
import { swarmInfo } from "./swarm-mode";

/** The node label that ties a swarm node to its name in the cluster's definition. */
export const nodeNameLabel = "berth.node";

export interface LiveNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role: string; Availability: string; Labels?: Record<string, string>; Name?: string };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Reachability?: string; Leader?: boolean; Addr?: string };
}

/**
 * Why a node's engine could not be reached, in words that name the node and never a credential:
 * SSH host-key and authentication failures are told apart from a node that is simply down.
 */
export function unreachable(name: string, connection: EngineConnection, err: unknown): Error {
  const where = describeConnection(connection);
  const text = err instanceof Error ? err.message : String(err);
  let why = engineMessage(err);
  if (/host denied|verification failed|host key/i.test(text))
    why = "its SSH host key is not the hostKey given for it; refusing to connect";
  else if (/authentication methods failed|authentication failed/i.test(text))
    why = `the SSH server refused the private key for user ${connection.username ?? "root"}`;
  return new Error(`node ${name} (${where}): cannot reach its Docker engine: ${why}`, { cause: err });
}

// An array, not a Set: Pulumi's closure serialization captures a module-level Set as a plain object.
/** A machine that is still booting: nothing listens yet, or SSH does not finish its handshake. */
const notUpYet = ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET"];

export function stillBooting(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && notUpYet.includes(code)) return true;
  return /timed out while waiting for handshake|connection lost before handshake/i.test(
    err instanceof Error ? err.message : String(err),
  );
}

/**
 * A client for `member`'s engine, after checking that it answers. With `waitMs`, a machine that does
 * not answer yet (booting, say) is asked again until then; a wrong host key or a refused private key
 * fails at once.
 */
export async function reach(
  member: { name: string; connection: EngineConnection },
  waitMs = 0,
): Promise<Dockerode> {
  const docker = engineClient(member.connection);
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      await docker.ping();
      return docker;
    } catch (err) {
      if (!stillBooting(err) || Date.now() >= deadline)
        throw unreachable(member.name, member.connection, err);
      if (!told)
        engineLog("info", `${member.name}: waiting for its Docker engine to answer (${engineMessage(err)})`);
      told = true;
      await sleep(2000);
    }
  }
}

export async function localSwarmState(docker: Dockerode): Promise<{ state: string; nodeId: string }> {
  const info = await swarmInfo(docker);
  return { state: info.LocalNodeState ?? "inactive", nodeId: info.NodeID ?? "" };
}

export async function listNodes(manager: Dockerode): Promise<LiveNode[]> {
  return (await manager.listNodes()) as unknown as LiveNode[];
}

/** The node `id` as `manager` sees it; undefined when the swarm has no such node. */
export async function inspectNode(manager: Dockerode, id: string): Promise<LiveNode | undefined> {
  try {
    return (await manager.getNode(id).inspect()) as LiveNode;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The node spec Berth wants for `member`: its role, availability and labels, with Berth's own. */
export function nodeSpec(member: MemberSpec, owner: Owner): LiveNode["Spec"] {
  return {
    Role: member.role,
    Availability: member.availability,
    Labels: { ...member.labels, ...ownerLabels(owner), [nodeNameLabel]: member.name },
  };
}

/**
 * Writes the full spec `change` makes of a node's current one, at its current version; when another
 * write got there first, reads the node again and applies `change` to what that write left.
 */
export async function updateNode(
  manager: Dockerode,
  id: string,
  change: (current: LiveNode["Spec"]) => LiveNode["Spec"],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const node = await inspectNode(manager, id);
    if (!node) throw new Error(`node ${id} is not in the swarm`);
    try {
      await manager.getNode(id).update({ _query: { version: node.Version.Index }, _body: change(node.Spec) });
      return;
    } catch (err) {
      if (!isOutOfSequence(err) || attempt > maxVersionRetries) throw err;
    }
  }
}

/** Polls `test` every `intervalMs` until it holds; throws `failure()` after `timeoutMs`. */
export async function waitFor(
  test: () => Promise<boolean>,
  timeoutMs: number,
  failure: () => string,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(failure());
    await sleep(intervalMs);
  }
}

export async function waitUntilReady(manager: Dockerode, id: string, name: string, timeoutMs: number) {
  await waitFor(
    // A node that has just joined may be unknown to the manager, or the manager busy, for a moment.
    async () => (await inspectNode(manager, id).catch(() => undefined))?.Status?.State === "ready",
    timeoutMs,
    () => `node ${name} joined but did not become ready within ${timeoutMs / 1000} s`,
  );
}

/** Waits until no task of any service still runs on the node (after it was drained). */
export async function waitUntilEmpty(manager: Dockerode, id: string, name: string, timeoutMs: number) {
  let reported = -1;
  await waitFor(
    async () => {
      const tasks = (await manager.listTasks({ filters: JSON.stringify({ node: [id] }) })) as {
        Status: { State: string };
      }[];
      const running = tasks.filter((t) =>
        ["new", "pending", "assigned", "accepted", "preparing", "starting", "running"].includes(
          t.Status.State,
        ),
      ).length;
      if (running !== reported && running > 0)
        engineLog("info", `draining ${name}: ${running} tasks still on it`);
      reported = running;
      return running === 0;
    },
    timeoutMs,
    () =>
      `node ${name} is drained but ${reported} tasks still run on it after ${timeoutMs / 1000} s; it stays in the swarm, drained`,
  );
}
