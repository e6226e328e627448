/** Helpers for errors the Docker engine returns through dockerode. */

export function statusCode(err: unknown): number | undefined {
  return typeof err === "object" && err !== null ? (err as { statusCode?: number }).statusCode : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

/** The engine's own message (`{"message": ...}`), without dockerode's "(HTTP code N) ..." prefix. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: string } } | undefined)?.json;
  if (json?.message) return json.message;
  return err instanceof Error ? err.message : String(err);
}

/** How often a write at a stale object version is tried again before giving up. */
export const maxVersionRetries = 5;

/** The engine refused a write because the object changed since it was read (its version moved on). */
export function isOutOfSequence(err: unknown): boolean {
  return /update out of sequence/i.test(engineMessage(err));
}

// An array, not a Set: Pulumi's closure serialization captures a module-level Set as a plain object.
/** Socket-level failures: the engine is not listening (stopped, restarting) or dropped the connection. */
const unreachableCodes = ["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"];
/** What a swarm manager answers while it shuts down or comes back (20.10: 503, "not a swarm manager"). */
const managerAway = /not a swarm manager|not part of a swarm|does not have a leader|swarm is not available/i;

/**
 * Whether the engine, or its swarm manager, could not be reached for now: worth asking again while a
 * restarting engine comes back.
 */
export function isTransientEngineError(err: unknown): boolean {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === "string" && unreachableCodes.includes(code)) return true;
  return statusCode(err) === 503 || (statusCode(err) !== undefined && managerAway.test(engineMessage(err)));
}

/** Socket and SSH failures of a machine that is down, restarting or cut off. */
const machineGone =
  /socket hang up|timed out while waiting for handshake|connection lost before handshake|channel open failure|not connected|no response from server|connect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)/i;
/** What a manager answers during a leader election, or when it lost touch with the others. */
const electionUnderway =
  /does not have a leader|context deadline exceeded|rpc error: code = (Unavailable|DeadlineExceeded)/i;

/**
 * Whether another manager of the swarm may well succeed where this one failed: the engine cannot be
 * reached (stopped, restarting, its machine down or cut off), or its swarm is electing a leader.
 */
export function isFailoverError(err: unknown): boolean {
  if (isTransientEngineError(err)) return true;
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === "ENETUNREACH" || code === "ECONNABORTED") return true;
  const message = engineMessage(err);
  return machineGone.test(message) || electionUnderway.test(message);
}
