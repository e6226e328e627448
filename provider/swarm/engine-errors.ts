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
