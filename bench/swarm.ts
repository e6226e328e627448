/**
 * Swarm deploy and update speed against the docker CLI, on the same engine in the same run:
 * - swarm-deploy: an overlay network and 10 services x 2 replicas on it through Berth's providers (as
 *   a cluster's default network and its services) vs `docker stack deploy`, which likewise creates the
 *   stack's default overlay network and puts every service on it, polled until every service reports
 *   2/2 replicas for the 5 s monitor window (the docker CLI's `--detach=false` definition, which
 *   Berth's services, with `monitor: "5s"`, also wait for);
 * - swarm-update: one service's update until converged vs `docker service update --detach=false`
 *   with the same update config.
 * Rounds alternate between the two; each line prints the median ratio Berth / anchor. The deploy also
 * prints its ratio against the anchor's first moment of 2/2 replicas, the definition before the window.
 */
import fs from "fs";
import { randomBytes } from "crypto";
import { normalizeService, renderSwarm } from "../components/spec";
import { networkProvider } from "../provider/swarm/network";
import { serviceProvider, type ServiceInputs } from "../provider/swarm/service";
import { docker, image, sleepingServicesDir, timedStackDeploy, waitForNoContainers } from "./docker-stack";
import { median } from "./timing";

const services = 10;
const replicas = 2;
// A round's deploy time varies by a second or more on a small machine; seven rounds give a steady median.
const rounds = Number(process.env.BERTH_BENCH_ROUNDS ?? 7);

function owner(project: string) {
  return {
    project,
    stack: "bench",
    component: "bench",
    urn: `urn:pulumi:bench::${project}::bench:Bench::bench`,
  };
}

function berthInputs(
  project: string,
  name: string,
  env: Record<string, string> = {},
  networks: string[] = [],
): ServiceInputs {
  const spec = renderSwarm(
    normalizeService(name, {
      image,
      command: ["sleep", "3600"],
      replicas,
      env,
      networks,
      stopGracePeriod: "1s",
      update: { parallelism: 1, order: "start-first", failureAction: "rollback", monitor: "5s" },
    }),
  );
  return { connection: {}, owner: owner(project), spec, secretEnv: {}, timeoutSeconds: 300 };
}

async function berthDeploy(): Promise<number> {
  const project = `bench-${randomBytes(3).toString("hex")}`;
  const start = Date.now();
  const network = await networkProvider.create({
    connection: {},
    name: `${project}-default`,
    attachable: false,
    internal: false,
    encrypted: false,
    owner: owner(project),
    labels: {},
  });
  const created = await Promise.all(
    Array.from({ length: services }, (_, i) =>
      serviceProvider.create(berthInputs(project, `${project}-s${i}`, {}, [`${project}-default`])),
    ),
  );
  const elapsed = Date.now() - start;
  await Promise.all(created.map((c) => serviceProvider.delete?.(c.id, c.outs)));
  await networkProvider.delete?.(network.id, network.outs);
  return elapsed;
}

/** The anchor's first moment of every replica running, from the last `stackDeploy`. */
const firstRunning: number[] = [];

async function stackDeploy(): Promise<number> {
  const dir = sleepingServicesDir(services, replicas);
  try {
    const times = await timedStackDeploy(dir, `bench-${randomBytes(3).toString("hex")}`, services, replicas);
    firstRunning.push(times.runningMs);
    return times.convergedMs;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function berthUpdate(): Promise<number> {
  const project = `bench-${randomBytes(3).toString("hex")}`;
  const name = `${project}-u`;
  const { id, outs } = await serviceProvider.create(berthInputs(project, name));
  const start = Date.now();
  await serviceProvider.update?.(id, outs, berthInputs(project, name, { ROUND: "2" }));
  const elapsed = Date.now() - start;
  await serviceProvider.delete?.(id, outs);
  return elapsed;
}

async function cliUpdate(): Promise<number> {
  const name = `bench-${randomBytes(3).toString("hex")}-cli`;
  docker(
    "service",
    "create",
    "--quiet",
    "--name",
    name,
    "--replicas",
    String(replicas),
    "--stop-grace-period",
    "1s",
    "--update-parallelism",
    "1",
    "--update-order",
    "start-first",
    "--update-failure-action",
    "rollback",
    "--update-monitor",
    "5s",
    "--no-resolve-image",
    image,
    "sleep",
    "3600",
  );
  const start = Date.now();
  docker(
    "service",
    "update",
    "--quiet",
    "--detach=false",
    "--env-add",
    "ROUND=2",
    "--no-resolve-image",
    name,
  );
  const elapsed = Date.now() - start;
  docker("service", "rm", name);
  await waitForNoContainers(`com.docker.swarm.service.name=${name}`);
  return elapsed;
}

async function compare(
  label: string,
  berth: () => Promise<number>,
  anchor: () => Promise<number>,
  anchorRunning?: number[],
): Promise<void> {
  const ratios: number[] = [];
  const runningRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which side goes first, so neither always meets a warmer engine.
    let berthMs: number;
    let a: number;
    if (round % 2 === 0) {
      berthMs = await berth();
      a = await anchor();
    } else {
      a = await anchor();
      berthMs = await berth();
    }
    ratios.push(berthMs / a);
    const running = anchorRunning?.at(-1);
    if (running !== undefined) runningRatios.push(berthMs / running);
    const firstSeen = running === undefined ? "" : ` (all running after ${running} ms)`;
    console.log(`${label} round ${round + 1}: berth ${berthMs} ms, anchor ${a} ms${firstSeen}`);
  }
  console.log(`${label} = ${median(ratios).toFixed(2)}`);
  if (runningRatios.length > 0) {
    console.log(`${label} against the anchor's first all-running = ${median(runningRatios).toFixed(2)}`);
  }
}

export async function benchSwarm(): Promise<void> {
  await compare("swarm-deploy berth/docker-stack", berthDeploy, stackDeploy, firstRunning);
  await compare("swarm-update berth/docker-cli", berthUpdate, cliUpdate);
}
