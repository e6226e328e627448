/**
 * program-cost: what a program using Berth costs to evaluate, against the same cloud resources written
 * by hand with the raw SDKs. Under the same mocks, in processes of their own, Berth installed from its
 * tarball as users get it: N services on each target (each with a config file, where the target has
 * them, and a secret variable), from the program's first line to its last registration. The raw side
 * registers, with the SDK classes, exactly the Kubernetes or AWS resources (types, names, inputs) that
 * Berth registered; Berth's own component and dynamic resources are Berth's cost.
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
const answer = mocks.newResource.bind(mocks);
mocks.newResource = async (args) => { const a = await answer(args); last = process.hrtime.bigint(); return a; };
pulumi.runtime.setMocks(mocks, "bench", "dev", false);
`;

const berthProgram = `${harness}
const start = process.hrtime.bigint();
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
  const raw = mocks.resources.filter((r) => /^(kubernetes|aws):/.test(r.type) && !r.type.startsWith("pulumi:providers:"));
  fs.writeFileSync(dump, JSON.stringify(raw.map(({ type, name, inputs }) => ({ type, name, inputs }))));
  console.log(JSON.stringify({ ms: Number(last - start) / 1e6, resources: mocks.resources.length }));
});
`;

/** The SDK class of a type token: \`kubernetes:apps/v1:Deployment\` -> k8s.apps.v1.Deployment. */
const rawProgram = `${harness}
const start = process.hrtime.bigint();
const resources = JSON.parse(fs.readFileSync(dump, "utf8"));
const sdk = target === "kubernetes" ? require("@pulumi/kubernetes") : require("@pulumi/aws");
const provider = target === "kubernetes" ? new sdk.Provider("bench", { kubeconfig: "apiVersion: v1\\nkind: Config\\n" }) : undefined;
const classOf = (type) => {
  const [, module, name] = type.split(":");
  const parts = module.split("/");
  if (target === "kubernetes") return sdk[parts[0].replace(".k8s.io", "")][parts[1]][name];
  return sdk[parts[0]][name];
};
// An input the mocks could not know (an autonamed role's name) was recorded as missing: a raw
// program would have the real value there.
const construct = (r) => {
  for (;;) {
    try {
      return new (classOf(r.type))(r.name, r.inputs, provider && { provider });
    } catch (err) {
      const missing = /Missing required property '([^']+)'/.exec(String(err && err.message));
      if (!missing) throw err;
      r.inputs[missing[1]] = "mocked-" + missing[1];
    }
  }
};
for (const r of resources) construct(r);
mocks.settled(50).then(() => {
  console.log(JSON.stringify({ ms: Number(last - start) / 1e6, resources: mocks.resources.length }));
});
`;

interface Sample {
  ms: number;
  resources: number;
}

export async function benchProgramCost(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-cost-"));
  const peers = ["@pulumi/pulumi", "@pulumi/kubernetes", "@kubernetes/client-node", "@pulumi/aws"];
  const project = consumerProject("berth-bench-cost", {
    "pulumi-berth": `file:${packBerth(scratch)}`,
    ...Object.fromEntries(peers.map((name) => [name, devDependencies[name]])),
  });
  const rounds = Number(process.env.BERTH_BENCH_ROUNDS ?? 3);
  try {
    project.npm("install");
    project.write("berth.js", berthProgram);
    project.write("raw.js", rawProgram);
    const dump = path.join(project.dir, "resources.json");
    const run = (side: string, target: string, count: number): Sample =>
      JSON.parse(
        execFileSync(process.execPath, [`${side}.js`, side, target, String(count), dump], {
          cwd: project.dir,
          encoding: "utf8",
        }),
      ) as Sample;

    for (const target of ["kubernetes", "ecs", "swarm"]) {
      for (const count of [100, 300]) {
        const berth: number[] = [];
        const raw: number[] = [];
        let sizes = "";
        for (let round = 0; round < rounds; round++) {
          const b = run("berth", target, count);
          berth.push(b.ms);
          if (target === "swarm") continue;
          const r = run("raw", target, count);
          raw.push(r.ms);
          sizes = `${b.resources} resources vs ${r.resources}`;
        }
        const perService = (ms: number) => (ms / count).toFixed(1);
        if (target === "swarm") {
          // Swarm has no raw SDK to compare with: its resources are Berth's own.
          console.log(`program-cost swarm ${count} services: ${perService(median(berth))} ms per service`);
          continue;
        }
        console.log(
          `program-cost ${target} ${count} services: berth ${perService(median(berth))} ms, raw ${perService(median(raw))} ms per service (${sizes})`,
        );
        console.log(
          `program-cost ${target}@${count} berth/raw = ${(median(berth) / median(raw)).toFixed(2)}`,
        );
      }
    }
  } finally {
    project.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
