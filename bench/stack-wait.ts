/**
 * stack-wait: 50 `SwarmService`s (one sleeping replica each) created directly in one Pulumi program,
 * on the same engine in the same run, two ways:
 * - each: every service waits for its own convergence (`awaitConvergence` left true), holding one of
 *   the `--parallel` workers through its wait;
 * - deferred: `awaitConvergence: false` and one `SwarmStackConvergence` waiting for all of them;
 * each against `docker stack deploy` of the same services polled until all converged for the 5 s
 * monitor window (see docker-stack.ts). Rounds alternate which side goes first; the lines print the
 * median ratios Berth / docker.
 */
import fs from "fs";
import { randomBytes } from "crypto";
import { normalizeService, renderSwarm } from "../components/spec";
import { SwarmService, SwarmStackConvergence } from "../provider/swarm";
import { type ProgramRun, runProgram } from "../test/support/harness";
import { engineParallelism } from "../test/support/engine/scheduling";
import { docker, image, sleepingServicesDir, timedStackDeploy } from "./docker-stack";
import { median } from "./timing";
import { setTimeout as sleep } from "timers/promises";

const count = 50;
const rounds = Number(process.env.BERTH_BENCH_STACK_WAIT_ROUNDS ?? 3);
type Way = "each" | "deferred";

/** The program: `count` sleeping services named `<stack>-s<i>`, waited for the `way` given. */
function program(stack: string, way: Way) {
  return () => {
    const services = Array.from(
      { length: count },
      (_, i) =>
        new SwarmService(`s${i}`, {
          spec: renderSwarm(
            normalizeService(`${stack}-s${i}`, {
              image,
              command: ["sleep", "3600"],
              stopGracePeriod: "1s",
            }),
          ),
          awaitConvergence: way === "each",
        }),
    );
    if (way === "deferred") new SwarmStackConvergence("converged", { services });
    return { ids: services.map((s) => s.id) };
  };
}

/** Prints nothing of the providers' progress lines, which would bury the figures. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
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

async function berthUp(way: Way): Promise<number> {
  const stack = `bench-${way}-${randomBytes(3).toString("hex")}`;
  const start = Date.now();
  const run: ProgramRun = await quietly(() =>
    runProgram(program(stack, way), { project: "berth-bench", stack }),
  );
  const elapsed = Date.now() - start;
  const ids = run.outputs.ids as string[];
  if (ids.length !== count) throw new Error(`${stack}: ${ids.length} services deployed`);
  // Removing the services first, as `docker stack rm` does, leaves destroy only their absence to confirm.
  docker("service", "rm", ...ids);
  while (docker("ps", "-aq", "--filter", `name=${stack}-s`) !== "") await sleep(500);
  await quietly(() => run.destroy());
  return elapsed;
}

export async function benchStackWait(): Promise<void> {
  const dir = sleepingServicesDir(count, 1);
  const ratios: Record<Way, number[]> = { each: [], deferred: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const anchorFirst = round % 2 === 1;
      const anchor = async () =>
        (await timedStackDeploy(dir, `bench-docker-${randomBytes(3).toString("hex")}`, count, 1)).convergedMs;
      const dockerMs = anchorFirst ? await anchor() : 0;
      const eachMs = await berthUp("each");
      const deferredMs = await berthUp("deferred");
      const anchorMs = anchorFirst ? dockerMs : await anchor();
      ratios.each.push(eachMs / anchorMs);
      ratios.deferred.push(deferredMs / anchorMs);
      console.log(
        `stack-wait round ${round + 1}: each ${eachMs} ms, deferred ${deferredMs} ms, docker-stack ${anchorMs} ms (${count} services, --parallel ${engineParallelism()})`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`stack-wait each/docker-stack = ${median(ratios.each).toFixed(2)}`);
  console.log(`stack-wait deferred/docker-stack = ${median(ratios.deferred).toFixed(2)}`);
}
