/**
 * The anchor of the Swarm benchmarks: services that only sleep, deployed with `docker stack deploy`
 * and timed until they converged as `docker service create --detach=false` defines it: every replica
 * running, with no task replaced, for the 5 s monitor window.
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

/** The docker CLI's convergence window (`UpdateConfig.Monitor` left at its default), in milliseconds. */
export const monitorMs = 5000;

/** A stack deploy's times: until every replica first ran, and until they converged. */
export interface StackDeployTimes {
  /** Until every service first showed all its replicas running (the definition before the window). */
  runningMs: number;
  /** Until every replica had run, no task replaced, for {@link monitorMs}: the docker CLI's definition. */
  convergedMs: number;
}

/**
 * Times `docker stack deploy` of `dir`'s `compose.yaml` as `stack` until its `count` services each show
 * `replicas` of `replicas` running, and until they kept doing so, with the same tasks, for the monitor
 * window (`docker stack deploy` waits for each service in turn, which would add the window once per
 * service; the stack's services are watched together instead). The stack is then removed, and waited
 * for until its containers and its network are gone, so that the next round does not meet them.
 */
export async function timedStackDeploy(
  dir: string,
  stack: string,
  count: number,
  replicas: number,
): Promise<StackDeployTimes> {
  const label = `com.docker.stack.namespace=${stack}`;
  const start = Date.now();
  docker("stack", "deploy", "--resolve-image", "never", "-c", path.join(dir, "compose.yaml"), stack);
  let runningMs: number | undefined;
  let stable: { since: number; tasks: string } | undefined;
  for (;;) {
    const states = docker("service", "ls", "--filter", `label=${label}`, "--format", "{{.Replicas}}")
      .split("\n")
      .filter(Boolean);
    const now = Date.now();
    const running = states.length === count && states.every((s) => s.startsWith(`${replicas}/${replicas}`));
    if (!running) stable = undefined;
    else {
      runningMs ??= now - start;
      // Every task the stack ever had: a failed or replaced one shows as another ID.
      const tasks = docker("stack", "ps", "-q", stack);
      if (stable?.tasks !== tasks) stable = { since: now, tasks };
      if (now - stable.since >= monitorMs) break;
    }
    await sleep(250);
  }
  const convergedMs = Date.now() - start;
  docker("stack", "rm", stack);
  await waitForNoContainers(label);
  // `docker stack rm` returns before the stack's network is gone.
  while (docker("network", "ls", "-q", "--filter", `label=${label}`) !== "") await sleep(500);
  return { runningMs: runningMs ?? convergedMs, convergedMs };
}
