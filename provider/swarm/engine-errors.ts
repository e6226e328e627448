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
