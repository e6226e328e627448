/**
 * The error a create throws when it fails after the object exists: the host then keeps `id`
 * and `properties` (which must carry `__provider`) as the resource's state, so destroy and refresh
 * still work. Every provider answers the host this way.
 *
 * @param what - The object, as the message names it (e.g. `"service web"`).
 */
export function createFailure(what: string, err: unknown, id: string, properties: object): Error {
  const failure = new Error(
    `${what} was created (${id}), then failed: ${err instanceof Error ? err.message : String(err)}`,
    { cause: err },
  ) as Error & { id: string; properties: object; reasons: string[] };
  failure.id = id;
  failure.properties = properties;
  failure.reasons = [String(err)];
  return failure;
}
