/**
 * Compose at scale, on the same engine in the same run:
 * - compose-deploy: a generated 50-service Compose file (one replica each) deployed with `ComposeStack`
 *   on `LocalSwarm` as a Pulumi program (the test engine paced as the CLI's `--parallel` default, or
 *   PULUMI_PARALLEL; Pulumi's dynamic-provider host; until every service converged: `pulumi up
 *   --skip-preview`, whose preview compose-eval-50 measures) vs `docker stack deploy` of the same file,
 *   polled until every service showed 1/1 for the 5 s monitor window, the docker CLI's definition of
 *   converged and Berth's (also printed: against the first moment every service showed 1/1). Rounds alternate which side goes first; the line prints the
 *   median ratio Berth / docker.
 * - compose-eval: a preview of the same program (loading, mapping and constructing `ComposeStack`,
 *   every resource checked by the host) for 50, 150 and 300 services, per service, so that the
 *   300/50 ratio shows whether evaluation stays linear.
 */
import fs from "fs";
import { randomBytes } from "crypto";
import { ComposeStack } from "../components/compose";
import { LocalSwarm } from "../components/swarm";
import { type ProgramRun, runProgram } from "../test/support/harness";
import { engineParallelism } from "../test/support/engine/scheduling";
import {
  docker,
  sleepingServicesDir,
  type StackDeployTimes,
  timedStackDeploy,
  waitForNoContainers,
} from "./docker-stack";
import { median } from "./timing";

export const deployedServices = 50;
const evaluatedSizes = [50, 150, 300];
// Each round deploys and removes 100 services; three give a usable median in a few minutes.
const rounds = Number(process.env.BERTH_BENCH_COMPOSE_ROUNDS ?? 3);
const evalRounds = 3;
/** A directory holding `compose.yaml` with `count` services of one replica that only sleep. */
export const composeProjectDir = (count: number): string => sleepingServicesDir(count, 1);

const stackName = (side: string) => `bench-${side}-${randomBytes(3).toString("hex")}`;

/** The Pulumi program: a `ComposeStack` of the project in `dir`, named `stack`, on the local swarm. */
function composeProgram(dir: string, stack: string, timings?: { constructMs: number }) {
  return () => {
    const start = process.hrtime.bigint();
    const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
    // ComposeStack loads the file and maps it to service specs itself.
    const composed = new ComposeStack("bench", {
      cluster,
      project: { workingDir: dir, env: {}, projectName: stack },
    });
    if (timings) timings.constructMs = Number(process.hrtime.bigint() - start) / 1e6;
    return { serviceIds: composed.serviceIds };
  };
}

/**
 * Runs `work` without the providers' progress lines ("<service>: 1/1 tasks running"), which the test
 * engine relays to stdout as the CLI shows plugin output: fifty a round would bury the figures.
 */
async function withoutProgressLines<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const kept = chunk
      .toString()
      .split(/(?<=\n)/)
      .filter((line) => !line.startsWith("info: [runtime] "))
      .join("");
    return kept === "" ? true : write(kept, ...rest);
  }) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** Runs `pulumi up` of a program that deploys the 50-service file as the ComposeStack project `stack`. */
export type BerthUp = (stack: string) => Promise<ProgramRun>;

/** The program run inline, Berth from this source tree. */
const sourceTreeUp =
  (dir: string): BerthUp =>
  (stack) =>
    runProgram(composeProgram(dir, stack), { project: "berth-bench", stack });

async function berthDeploy(up: BerthUp): Promise<number> {
  const stack = stackName("berth");
  const start = Date.now();
  const run = await withoutProgressLines(() => up(stack));
  const elapsed = Date.now() - start;
  const ids = Object.values(run.outputs.serviceIds as Record<string, string>);
  if (ids.length !== deployedServices) throw new Error(`${stack}: ${ids.length} services deployed`);
  // The test engine's destroy deletes one resource at a time, each waiting for its service's tasks to
  // go (minutes for fifty); removing the services first, as `docker stack rm` does, leaves destroy the
  // network and the services' absence to confirm.
  docker("service", "rm", ...ids);
  await waitForNoContainers(`com.docker.stack.namespace=${stack}`);
  await withoutProgressLines(() => run.destroy());
  if (docker("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`) !== "")
    throw new Error(`${stack}: services left after destroy`);
  return elapsed;
}

const stackDeploy = (dir: string) => timedStackDeploy(dir, stackName("docker"), deployedServices, 1);

/**
 * Rounds of `up` against `docker stack deploy` of the file in `dir`, printed under `label` with the
 * median ratio.
 */
export async function compareWithStackDeploy(label: string, dir: string, up: BerthUp): Promise<void> {
  const ratios: number[] = [];
  const runningRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which side goes first, so neither always meets a warmer engine.
    let berthMs: number;
    let anchor: StackDeployTimes;
    if (round % 2 === 0) {
      berthMs = await berthDeploy(up);
      anchor = await stackDeploy(dir);
    } else {
      anchor = await stackDeploy(dir);
      berthMs = await berthDeploy(up);
    }
    ratios.push(berthMs / anchor.convergedMs);
    runningRatios.push(berthMs / anchor.runningMs);
    console.log(
      `${label} round ${round + 1}: berth ${berthMs} ms, docker-stack ${anchor.convergedMs} ms, all running after ${anchor.runningMs} ms (${deployedServices} services, --parallel ${engineParallelism()})`,
    );
  }
  console.log(`${label} berth/docker-stack = ${median(ratios).toFixed(2)}`);
  console.log(`${label} berth/docker-stack first all-running = ${median(runningRatios).toFixed(2)}`);
}

async function benchDeploy(): Promise<void> {
  const dir = composeProjectDir(deployedServices);
  try {
    await compareWithStackDeploy("compose-deploy", dir, sourceTreeUp(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-service milliseconds of a preview of `count` services: the whole run, and the program's own part. */
async function evaluate(count: number): Promise<{ previewMs: number; constructMs: number; totalMs: number }> {
  const dir = composeProjectDir(count);
  try {
    const previews: number[] = [];
    const constructs: number[] = [];
    for (let round = 0; round < evalRounds; round++) {
      const stack = stackName("eval");
      const timings = { constructMs: 0 };
      const start = process.hrtime.bigint();
      const run = await withoutProgressLines(() =>
        runProgram(composeProgram(dir, stack, timings), { project: "berth-bench", stack, preview: true }),
      );
      previews.push(Number(process.hrtime.bigint() - start) / 1e6);
      constructs.push(timings.constructMs);
      const services = run.resources.filter((r) => r.type.endsWith("SwarmService")).length;
      if (services !== count) throw new Error(`${stack}: ${services} services previewed, wanted ${count}`);
    }
    return {
      previewMs: median(previews) / count,
      constructMs: median(constructs) / count,
      totalMs: median(previews),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchEvaluation(): Promise<void> {
  const perService: Record<number, Awaited<ReturnType<typeof evaluate>>> = {};
  for (const count of evaluatedSizes) {
    perService[count] = await evaluate(count);
    const { previewMs, constructMs, totalMs } = perService[count];
    console.log(
      `compose-eval-${count} per service = ${previewMs.toFixed(2)} ms (preview; ${Math.round(totalMs)} ms in all), ${constructMs.toFixed(2)} ms (program)`,
    );
  }
  const [small, large] = [evaluatedSizes[0], evaluatedSizes[evaluatedSizes.length - 1]];
  // Fixed costs (the provider host's start, the Compose schema's compilation) weigh most on the small
  // file; the cost of each further service is what shows linearity.
  const total = (count: number) => perService[count].previewMs * count;
  const marginal = evaluatedSizes
    .slice(1)
    .map((count, i) => {
      const before = evaluatedSizes[i];
      return `${before}->${count}: ${((total(count) - total(before)) / (count - before)).toFixed(2)} ms`;
    })
    .join(", ");
  console.log(`compose-eval each further service (preview) = ${marginal}`);
  console.log(
    `compose-eval per-service ${large}/${small} = ${(perService[large].previewMs / perService[small].previewMs).toFixed(2)} (preview), ${(perService[large].constructMs / perService[small].constructMs).toFixed(2)} (program)`,
  );
}

export async function benchComposeDeploy(): Promise<void> {
  await benchEvaluation();
  await benchDeploy();
}
