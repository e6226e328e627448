// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { describeConnection, type EngineConnection, engineClient } from "../shared/engine";
import { engineMessage, isFailoverError } from "../shared/engine-errors";

/**
 * How to reach a swarm: one engine, or the engines of several managers of the same swarm. A list is
 * configuration, never identity: any manager in it will do, and their order only says which is tried
 * first.
 */
export type EngineConnections = EngineConnection | EngineConnection[];

/** The connections of `c`, as a list (an absent one is the local engine). */
export function connectionList(c: EngineConnections | undefined): EngineConnection[] {
  if (Array.isArray(c)) return c.length > 0 ? c : [{}];
  return [c ?? {}];
}

/** Where the connections go, never including credentials: `ssh://root@10.0.0.1:22, ssh://...`. */
export function describeConnections(c: EngineConnections | undefined): string {
  return connectionList(c).map(describeConnection).join(", ");
}

/**
 * How long a call through several managers keeps trying the next one when the resource has no timeout
 * of its own.
 */
export const defaultManagerRetrySeconds = 120;

/** The longest pause between two rounds over the managers. */
const maxBackoffMs = 5000;

type Dial = (options: Record<string, unknown>, callback: (err: unknown, data?: unknown) => void) => void;
interface Modem {
  dial: Dial;
  [key: string]: unknown;
}

/**
 * A Dockerode client that speaks to any manager of `connections`. With one connection it is that
 * engine's own client. With several, the first call picks a manager the swarm reports reachable (or,
 * when none is, because the swarm has no leader yet, the first that answers); a call that fails with an
 * error a leader election or a dead machine produces (see {@link isFailoverError}) is sent again to the
 * next manager, with a growing pause between rounds (at most 5 s), for up to `retrySeconds`. Then the
 * error names every manager tried and what each answered.
 *
 * Loads its libraries on call and keeps its state in a closure, so dynamic providers that use it
 * capture no live client when Pulumi serializes them.
 *
 * @param retrySeconds - How long one call may keep trying. Default: 120.
 */
export function managerClient(
  connections: EngineConnections | undefined,
  retrySeconds: number = defaultManagerRetrySeconds,
): Dockerode {
  const list = connectionList(connections);
  if (list.length === 1) return engineClient(list[0]);
  const Docker = require("dockerode") as typeof Dockerode;
  const modems: Modem[] = [];
  const modemOf = (i: number): Modem =>
    (modems[i] ??= (engineClient(list[i]) as unknown as { modem: Modem }).modem);
  const callAt = (i: number, options: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) =>
      // A copy: the modem writes into the options it is given.
      modemOf(i).dial({ ...options }, (err, data) => (err ? reject(err) : resolve(data))),
    );
  /** The manager in use, or -1 until one is picked. */
  let current = -1;
  /** What each manager last answered when it failed, by index. */
  let answers: Record<number, string> = {};

  /** The error when no manager could be reached: each one and what it answered. */
  const noManager = () =>
    new Error(
      `no manager could be reached: ${list
        .map((c, i) => `${describeConnection(c)}: ${answers[i] ?? "not tried"}`)
        .join("; ")}`,
    );

  /** A manager the swarm reports reachable, else the first that answered; starts at `from`. */
  const pick = async (from: number): Promise<number> => {
    let answered = -1;
    for (let k = 0; k < list.length; k++) {
      const i = (from + k) % list.length;
      try {
        const info = (await callAt(i, {
          path: "/info",
          method: "GET",
          statusCodes: { 200: true, 500: "server error" },
        })) as { Swarm?: { NodeID?: string; ControlAvailable?: boolean } };
        if (answered < 0) answered = i;
        if (!info.Swarm?.ControlAvailable || !info.Swarm.NodeID) {
          answers[i] = "answers, but is not a swarm manager";
          continue;
        }
        const node = (await callAt(i, {
          path: `/nodes/${info.Swarm.NodeID}`,
          method: "GET",
          statusCodes: {
            200: true,
            404: "no such node",
            500: "server error",
            503: "node is not part of a swarm",
          },
        })) as { ManagerStatus?: { Reachability?: string } };
        const reachability = node.ManagerStatus?.Reachability ?? "unknown";
        if (reachability === "reachable") return i;
        answers[i] = `answers, but its manager status is ${reachability}`;
      } catch (err) {
        answers[i] = engineMessage(err);
      }
    }
    if (answered >= 0) return answered;
    throw noManager();
  };

  const run = async (options: Record<string, unknown>): Promise<unknown> => {
    const deadline = Date.now() + retrySeconds * 1000;
    answers = {};
    for (let round = 0; ; round++) {
      let i = -1;
      try {
        i = current >= 0 ? current : await pick(0);
        current = i;
        return await callAt(i, options);
      } catch (err) {
        if (i >= 0) answers[i] = engineMessage(err);
        const gone = i < 0 || isFailoverError(err);
        if (!gone) throw err;
        if (Date.now() >= deadline) {
          const failure = noManager();
          failure.message += ` (kept trying for ${retrySeconds} s)`;
          throw failure;
        }
        // The next call starts with the manager after the one that failed.
        current = -1;
        if (i >= 0) {
          const next = (i + 1) % list.length;
          try {
            current = await pick(next);
          } catch {
            current = -1;
          }
        }
        await new Promise((r) => setTimeout(r, Math.min(maxBackoffMs, 250 * 2 ** round)));
      }
    }
  };

  const first = modemOf(0);
  const modem: Modem = {
    dial: (options, callback) => {
      run(options).then(
        (data) => callback(null, data),
        (err: unknown) => callback(err),
      );
    },
    demuxStream: (...args: unknown[]) => (first.demuxStream as (...a: unknown[]) => unknown)(...args),
    followProgress: (...args: unknown[]) => (first.followProgress as (...a: unknown[]) => unknown)(...args),
  };
  return new Docker({ modem } as unknown as Dockerode.DockerOptions);
}
