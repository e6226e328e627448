/**
 * The anchor of the Swarm benchmarks: services that only sleep, deployed with `docker stack deploy`
 * and timed until every replica runs.
 */
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { setTimeout as sleep } from "timers/promises";

export const image = process.env.BERTH_BENCH_IMAGE ?? "local/busybox:1";

// stderr is kept (failures carry it) but not shown: `docker stack deploy` prints advice on every run.
export const docker = (...args: string[]) =>
  execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** A new directory holding `compose.yaml` with `count` services of `replicas` each that only sleep. */
export function sleepingServicesDir(count: number, replicas: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-compose-"));
  const body = Array.from(
    { length: count },
    (_, i) =>
      `  s${i}:\n    image: ${image}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    deploy:\n      replicas: ${replicas}\n`,
  ).join("");
  fs.writeFileSync(path.join(dir, "compose.yaml"), `services:\n${body}`);
  return dir;
}

/** Waits until no container, running or not, carries `label`. */
export async function waitForNoContainers(label: string): Promise<void> {
  while (docker("ps", "-aq", "--filter", `label=${label}`) !== "") await sleep(500);
}

/**
 * Milliseconds from `docker stack deploy` of `dir`'s `compose.yaml` as `stack` until its `count`
 * services each show `replicas` of `replicas` running. The stack is then removed, and waited for
 * until its containers and its network are gone, so that the next round does not meet them.
 */
export async function timedStackDeploy(
  dir: string,
  stack: string,
  count: number,
  replicas: number,
): Promise<number> {
  const label = `com.docker.stack.namespace=${stack}`;
  const start = Date.now();
  docker("stack", "deploy", "--resolve-image", "never", "-c", path.join(dir, "compose.yaml"), stack);
  for (;;) {
    const states = docker("service", "ls", "--filter", `label=${label}`, "--format", "{{.Replicas}}")
      .split("\n")
      .filter(Boolean);
    if (states.length === count && states.every((s) => s.startsWith(`${replicas}/${replicas}`))) break;
    await sleep(250);
  }
  const elapsed = Date.now() - start;
  docker("stack", "rm", stack);
  await waitForNoContainers(label);
  // `docker stack rm` returns before the stack's network is gone.
  while (docker("network", "ls", "-q", "--filter", `label=${label}`) !== "") await sleep(500);
  return elapsed;
}
