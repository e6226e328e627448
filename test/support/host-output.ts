/** Helpers for tests that run a dynamic provider in Pulumi's provider host inside this process. */
import assert from "node:assert/strict";

/**
 * What the dynamic-provider host printed while `run` ran: it shares this process's stdout, and prints
 * `pulumi.log` lines there when it has no engine to send them to.
 */
export async function withHostOutput<T>(run: () => Promise<T>): Promise<{ result: T; output: string }> {
  let output = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    output += chunk.toString();
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), output };
  } finally {
    process.stdout.write = write;
  }
}

/** Resolves once `condition` holds (checked every 20 ms); fails the test after 30 s. */
export async function untilTrue(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail("timed out waiting for the provider");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
