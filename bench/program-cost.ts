/**
 * program-cost: what a program using Berth costs to evaluate, against the same cloud resources written
 * by hand with the raw SDKs. Under the same mocks, in processes of their own, Berth installed from its
 * tarball as users get it: N services on each target (each with a config file, where the target has
 * them, and a secret variable), from the program's first line to its last registration. The raw side
 * registers, with the SDK classes, exactly the Kubernetes or AWS resources (types, names, inputs) that
 * Berth registered; Berth's own component and dynamic resources are Berth's cost. On Swarm, whose only
 * resources are Berth's dynamic ones, the raw side is the SwarmService and SwarmConfig resources Berth
 * created for the services, written with those classes and the same inputs.
 *
 * Each side runs with V8's debugger on, as Pulumi's language host turns it on before any program runs
 * (`cmd/run`), so that the figures are those of `pulumi up`'s process, not of a plainer one.
 *
 * Each side reports its wall time and the CPU time its process spent up to the last registration: on a
 * loaded machine the wall time also counts the time other processes held the CPU.
 *
 * A third side, the floor, registers everything Berth registered (its components and dynamic
 * resources too, same types, names and inputs) with none of Berth's work: what the resources
 * themselves cost Pulumi's SDK. berth/floor is then what Berth's own work adds; floor/raw what the
 * extra resources of Berth's design (a component per service, a rollout wait) cost.
 */
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { consumerProject, packBerth } from "../test/support/consumer";
import { median } from "./timing";

const repoRoot = path.resolve(__dirname, "..", "..");
const devDependencies = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  }
).devDependencies;

/** Registers every resource with BerthMocks and notes when the last registration was answered. */
const harness = `
const pulumi = require("@pulumi/pulumi");
const { BerthMocks } = require("pulumi-berth/testing");
const fs = require("fs");
const [side, target, count, dump] = process.argv.slice(2);
const n = Number(count);
const mocks = new BerthMocks();
let last = 0;
let lastCpu = { user: 0, system: 0 };
const answer = mocks.newResource.bind(mocks);
mocks.newResource = async (args) => { const a = await answer(args); last = process.hrtime.bigint(); lastCpu = process.cpuUsage(); return a; };
const report = (start, startCpu) => console.log(JSON.stringify({
  ms: Number(last - start) / 1e6,
  cpuMs: (lastCpu.user + lastCpu.system - startCpu.user - startCpu.system) / 1000,
  resources: mocks.resources.length,
}));
/** What the raw side writes by hand: the cloud resources, or on Swarm the per-service dynamic ones. */
const rawType = (type) => target === "swarm"
  ? /^pulumi-nodejs:dynamic\\/berth\\/swarm:Swarm(Service|Config|Secret)$/.test(type)
  : /^(kubernetes|aws):/.test(type) && !type.startsWith("pulumi:providers:");
pulumi.runtime.setMocks(mocks, "bench", "dev", false);
// As under \`pulumi up\`: Pulumi's language host turns V8's debugger on before the program runs (to
// serialize functions), and everything the program does then costs more.
const session = new (require("inspector").Session)();
session.connect();
session.post("Debugger.enable", (err) => { if (err) throw err; });
`;

const berthProgram = `${harness}
const start = process.hrtime.bigint();
const startCpu = process.cpuUsage();
const { ContainerService } = require("pulumi-berth");
let cluster;
if (target === "kubernetes") {
  const { KubernetesCluster } = require("pulumi-berth/kubernetes");
  cluster = new KubernetesCluster("bench", { kubeconfig: "apiVersion: v1\\nkind: Config\\n" });
} else if (target === "ecs") {
  const { EcsCluster } = require("pulumi-berth/ecs");
  cluster = new EcsCluster("bench", {});
} else {
  const { LocalSwarm } = require("pulumi-berth/swarm");
  cluster = new LocalSwarm("bench", {});
}
for (let i = 0; i < n; i++) {
  new ContainerService("svc" + i, {
    cluster,
    image: "nginx:1.27",
    ports: [{ target: 80 }],
    secretEnv: { TOKEN: pulumi.secret("token-" + i) },
    ...(target === "ecs" ? {} : { configs: [{ source: "app.conf", target: "/etc/app.conf", data: "n=" + i }] }),
  });
}
mocks.settled(50).then(() => {
  fs.writeFileSync(dump, JSON.stringify(mocks.resources.map(({ type, name, inputs }) => ({ type, name, inputs, raw: rawType(type) }))));
  report(start, startCpu);
});
`;

/**
 * The SDK class of a type token: \`kubernetes:apps/v1:Deployment\` -> k8s.apps.v1.Deployment. On Swarm the
 * class is Berth's, and its arguments are the ones that give the recorded inputs (the class adds the
 * owner from \`component\`, and the provider).
 */
const rawProgram = `${harness}
const start = process.hrtime.bigint();
const startCpu = process.cpuUsage();
const recorded = JSON.parse(fs.readFileSync(dump, "utf8"));
const resources = recorded.filter((r) => r.raw);
const sdk = target === "kubernetes" ? require("@pulumi/kubernetes") : target === "ecs" ? require("@pulumi/aws") : require("pulumi-berth/swarm");
const provider = target === "kubernetes" ? new sdk.Provider("bench", { kubeconfig: "apiVersion: v1\\nkind: Config\\n" }) : undefined;
const classOf = (type) => {
  const [, module, name] = type.split(":");
  const parts = module.split("/");
  if (target === "kubernetes") return sdk[parts[0].replace(".k8s.io", "")][parts[1]][name];
  if (target === "swarm") return sdk[name];
  return sdk[parts[0]][name];
};
const argsOf = (r) => {
  if (target !== "swarm") return r.inputs;
  const { owner, connection, version, swarmId, objectName, contentHash, salt, __provider, ...args } = r.inputs;
  return { ...args, component: owner.component };
};
// An input the mocks could not know (an autonamed role's name) was recorded as missing: a raw
// program would have the real value there.
const construct = (r) => {
  for (;;) {
    try {
      return new (classOf(r.type))(r.name, argsOf(r), provider && { provider });
    } catch (err) {
      const missing = /Missing required property '([^']+)'/.exec(String(err && err.message));
      if (!missing) throw err;
      r.inputs[missing[1]] = "mocked-" + missing[1];
    }
  }
};
for (const r of resources) construct(r);
// The floor: Berth's own resources as well, registered as they are, with none of Berth's work.
if (side === "floor")
  for (const r of recorded.filter((r) => !r.raw && !r.type.startsWith("pulumi:providers:"))) {
    if (r.type.startsWith("pulumi-nodejs:dynamic/"))
      new pulumi.CustomResource(r.type, r.name, r.inputs);
    else new pulumi.ComponentResource(r.type, r.name, {}).registerOutputs({});
  }
mocks.settled(50).then(() => report(start, startCpu));
`;

interface Sample {
  ms: number;
  cpuMs: number;
  resources: number;
}

/** One target at one size: each round's samples of both sides. */
interface Measured {
  target: string;
  count: number;
  berth: Sample[];
  raw: Sample[];
  floor: Sample[];
}

const targets = ["kubernetes", "ecs", "swarm"];

/**
 * `BERTH_BENCH_ROUNDS` (default 3) rounds of each side, in turn; `BERTH_BENCH_TARGETS` (comma-separated,
 * default all) and `BERTH_BENCH_SIZES` (default `100,300`) choose what is measured. Prints each round,
 * then the ratio per target and size: of the median wall times (the goal's figure) and of the median CPU
 * times (steadier on a loaded machine).
 */
export async function benchProgramCost(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-cost-"));
  const peers = ["@pulumi/pulumi", "@pulumi/kubernetes", "@kubernetes/client-node", "@pulumi/aws"];
  const project = consumerProject("berth-bench-cost", {
    "pulumi-berth": `file:${packBerth(scratch)}`,
    ...Object.fromEntries(peers.map((name) => [name, devDependencies[name]])),
  });
  const rounds = Number(process.env.BERTH_BENCH_ROUNDS ?? 3);
  const chosen = process.env.BERTH_BENCH_TARGETS?.split(",") ?? targets;
  const sizes = (process.env.BERTH_BENCH_SIZES ?? "100,300").split(",").map(Number);
  try {
    project.npm("install");
    project.write("berth.js", berthProgram);
    project.write("raw.js", rawProgram);
    project.write("floor.js", rawProgram);
    const dump = path.join(project.dir, "resources.json");
    const run = (side: string, target: string, count: number): Sample =>
      JSON.parse(
        execFileSync(process.execPath, [`${side}.js`, side, target, String(count), dump], {
          cwd: project.dir,
          encoding: "utf8",
        }),
      ) as Sample;

    const results: Measured[] = [];
    for (const target of targets.filter((t) => chosen.includes(t))) {
      for (const count of sizes) {
        const measured: Measured = { target, count, berth: [], raw: [], floor: [] };
        for (let round = 0; round < rounds; round++) {
          const b = run("berth", target, count);
          const r = run("raw", target, count);
          const f = run("floor", target, count);
          measured.berth.push(b);
          measured.raw.push(r);
          measured.floor.push(f);
          console.log(
            `program-cost ${target}@${count} round ${round + 1}: berth ${b.ms.toFixed(0)} ms (cpu ${b.cpuMs.toFixed(0)}), raw ${r.ms.toFixed(0)} ms (cpu ${r.cpuMs.toFixed(0)}), floor ${f.ms.toFixed(0)} ms (cpu ${f.cpuMs.toFixed(0)}); ${b.resources} resources vs ${r.resources} (floor ${f.resources})`,
          );
        }
        results.push(measured);
      }
    }
    console.log("program-cost berth/raw, medians of each side's rounds:");
    console.log(
      "  target@services   berth ms/service   raw ms/service   wall ratio   cpu ratio   floor/raw   berth/floor",
    );
    for (const { target, count, berth, raw, floor } of results) {
      const wall = (side: Sample[]) => median(side.map((s) => s.ms));
      const cpu = (side: Sample[]) => median(side.map((s) => s.cpuMs));
      console.log(
        `  ${`${target}@${count}`.padEnd(16)}  ${(wall(berth) / count).toFixed(1).padStart(16)}   ${(wall(raw) / count).toFixed(1).padStart(14)}   ${(wall(berth) / wall(raw)).toFixed(2).padStart(10)}   ${(cpu(berth) / cpu(raw)).toFixed(2).padStart(9)}   ${(wall(floor) / wall(raw)).toFixed(2).padStart(9)}   ${(wall(berth) / wall(floor)).toFixed(2).padStart(11)}`,
      );
    }
  } finally {
    project.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
