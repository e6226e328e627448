import type { TestContext } from "node:test";
import { engineClient } from "../../provider/shared/engine";

let reachable: Promise<boolean> | undefined;

/** Whether the local Docker engine answers (asked once per process). */
export function engineReachable(): Promise<boolean> {
  reachable ??= engineClient()
    .ping()
    .then(
      () => true,
      () => false,
    );
  return reachable;
}

/**
 * For tests that need the real engine. Without one: under CI the test fails with a clear message;
 * elsewhere it is skipped, loudly.
 */
export async function needEngine(t: TestContext): Promise<boolean> {
  if (await engineReachable()) return true;
  const why =
    "no Docker engine answers on DOCKER_HOST or /var/run/docker.sock (bash scripts/docker-testbed.sh starts one)";
  if (process.env.CI) throw new Error(`engine-backed test cannot run: ${why}`);
  console.warn(`\n!!! SKIPPED (needs the Docker engine): ${t.name}: ${why}\n`);
  t.skip(why);
  return false;
}
