/**
 * Berth as users get it: packed with `npm pack`, installed into projects of their own beside their own
 * @pulumi/pulumi, and run there through the test engine (program in its own process under the SDK's
 * language-host runner, dynamic resources through the project's own dynamic-provider host).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { randomBytes } from "crypto";
import {
  consumerProject,
  type ConsumerProject,
  packBerth,
  packBerthFrom,
  packedFiles,
} from "../support/consumer";
import { engineReachable, needEngine } from "../support/engine";
import { loadExample } from "../support/example-program";
import { type ProgramRun, runProgram, runProject } from "../support/harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
/** A release of the SDK other than the one this repository develops with, inside Berth's peer range. */
const consumerSdk = "3.269.0";
const run = randomBytes(3).toString("hex");
const kinds = ["service", "secret", "config", "network"];

function labelled(label: string): Record<string, string> {
  return Object.fromEntries(
    kinds.map((kind) => [kind, docker(kind, "ls", "-q", "--filter", `label=${label}`)]),
  );
}
const nothing = Object.fromEntries(kinds.map((kind) => [kind, ""]));

function removeLabelled(label: string) {
  for (const kind of kinds) {
    const ids = docker(kind, "ls", "-q", "--filter", `label=${label}`);
    if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
  }
}

/** Every operation of a run's custom resources is "same": a no-change preview. */
function changes(preview: ProgramRun): string[] {
  return preview.resources
    .filter((r) => r.custom && r.operation !== "same")
    .map((r) => `${r.name}: ${r.operation}`);
}

/** The root project's program (examples/local, compiled), loaded afresh. */
function rootProgram(): unknown {
  return loadExample("local");
}

const composeFile = (name: string) => `
name: ${name}
services:
  web:
    image: local/busybox:1
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    configs:
      - source: page
        target: /www/index.html
    stop_grace_period: 1s
    deploy:
      replicas: 1
configs:
  page:
    content: "compose from an installed Berth"
`;

const composeProgram = `import { ComposeStack } from "pulumi-berth/compose";
import { LocalSwarm } from "pulumi-berth/swarm";

const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
const stack = new ComposeStack("app", { cluster, project: { workingDir: __dirname, env: {} } });
export const services = stack.serviceIds;
`;

describe("the packed package, installed into a user's project", () => {
  let scratch: string;
  let tarball: string;
  let project: ConsumerProject;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "berth-pack-"));
    tarball = packBerth(scratch);
    project = consumerProject(`consumer-${run}`, {
      "pulumi-berth": `file:${tarball}`,
      "@pulumi/pulumi": consumerSdk,
      typescript: "~5.9.3",
      "@types/node": "^20.19.0",
    });
    project.npm("install");
  });

  after(async () => {
    project?.remove();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    if (await engineReachable()) {
      removeLabelled(`berth.stack=consumer-${run}`);
      removeLabelled(`com.docker.stack.namespace=compose-${run}`);
    }
  });

  it("ships the built modules and their declarations, and nothing else", () => {
    const files = packedFiles();
    const stray = files.filter(
      (f) =>
        !/^dist\/(components|provider|cli)\/.+\.(js|d\.ts)$/.test(f) &&
        !["package.json", "README.md", "LICENSE"].includes(f),
    );
    assert.deepEqual(stray, []);
    // What the serialized providers require at run time is in the tarball, under its export.
    assert.ok(files.includes("dist/provider/catalog.js"));
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    assert.equal(manifest.exports["./providers"], "./dist/provider/catalog.js");
  });

  it("runs the berth command through npx from the user's project", () => {
    const npx = (...args: string[]) =>
      spawnSync("npx", ["--no-install", "berth", ...args], { cwd: project.dir, encoding: "utf8" });
    const help = npx("--help");
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: berth <command> \[options\]$/m);
    project.write(
      "cli/compose.yaml",
      "services:\n  web:\n    image: local/busybox:1\n    x-berth:\n      autoscale: { min: 1, max: 2, cpuPercent: 50 }\n",
    );
    const check = npx("check", "cli/compose.yaml", "--target", "swarm", "--json");
    assert.equal(check.status, 1, check.stderr);
    const report = JSON.parse(check.stdout) as { problems: { file: string; line: number; field: string }[] };
    assert.deepEqual(
      report.problems.map((p) => [p.file, p.line, p.field]),
      [["cli/compose.yaml", 5, "services.web.x-berth.autoscale"]],
    );
    assert.equal(npx("check", "cli/compose.yaml", "--target", "kubernetes").status, 1);
  });

  it("leaves one copy of the Pulumi SDK in the user's tree: the user's own", () => {
    const copies = project
      .npm("ls", "@pulumi/pulumi", "--all", "--parseable")
      .split("\n")
      .filter((line) => line.endsWith(path.join("node_modules", "@pulumi", "pulumi")));
    assert.deepEqual(copies, [path.join(project.dir, "node_modules", "@pulumi", "pulumi")]);
    const installed = JSON.parse(
      fs.readFileSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    );
    assert.equal(installed.version, consumerSdk);
    // A Swarm-only user does not get the cloud SDKs.
    assert.equal(fs.existsSync(path.join(project.dir, "node_modules", "@pulumi", "aws")), false);
  });

  it("type-checks a user's program with node16, bundler and classic node resolution", () => {
    project.write(
      "check/index.ts",
      fs.readFileSync(path.join(repoRoot, "examples", "local", "index.ts"), "utf8"),
    );
    project.write(
      "check/app.ts",
      fs.readFileSync(path.join(repoRoot, "examples", "local", "app.ts"), "utf8"),
    );
    const tsc = path.join(project.dir, "node_modules", "typescript", "bin", "tsc");
    for (const [module, resolution] of [
      ["node16", "node16"],
      ["esnext", "bundler"],
      ["commonjs", "node"],
    ]) {
      const config = `check/tsconfig.${resolution}.json`;
      project.write(
        config,
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module,
            moduleResolution: resolution,
            target: "ES2022",
            noEmit: true,
            types: ["node"],
          },
          files: ["index.ts"],
        }),
      );
      execFileSync(process.execPath, [tsc, "-p", path.join(project.dir, config)], { encoding: "utf8" });
    }
  });

  it("previews, deploys, shows no changes, and destroys the root example from the installed package", async (t) => {
    if (!(await needEngine(t))) return;
    for (const file of ["index.ts", "app.ts"]) {
      project.write(file, fs.readFileSync(path.join(repoRoot, "examples", "local", file), "utf8"));
    }
    const stack = `consumer-${run}`;
    const options = {
      project: `consumer-${run}`,
      stack,
      config: { image: "local/busybox:1", webPort: "18181", apiToken: "consumer-token" },
      secretConfig: ["apiToken"],
    };
    const preview = await runProject(project.dir, { ...options, preview: true });
    assert.ok(preview.resources.filter((r) => r.dynamic).every((r) => r.operation === "create"));

    const up = await runProject(project.dir, options);
    const services = up.outputs.services as Record<string, string>;
    for (const id of Object.values(services)) {
      assert.match(
        docker("service", "inspect", id, "--format", "{{.Spec.Labels}}"),
        new RegExp(`berth.stack:${stack}`),
      );
    }
    // State holds a reference to the installed Berth, not a copy of its code.
    const texts = up.resources.filter((r) => r.dynamic).map((r) => r.providerText ?? "");
    for (const text of texts) {
      assert.match(text, /require\("pulumi-berth\/providers"\)/);
      assert.doesNotMatch(text, /dockerode|listServices|createService/);
    }
    // The same program from Berth's source tree, where Pulumi inlines the provider code instead.
    const fromSource = await runProgram(rootProgram, { ...options, stack: `source-${run}`, preview: true });
    const inlined = fromSource.resources.filter((r) => r.dynamic).map((r) => r.providerText?.length ?? 0);
    const installed = texts.map((text) => text.length);
    console.log(
      `provider code per resource in state: source tree ${Math.min(...inlined)}-${Math.max(...inlined)} bytes, ` +
        `installed package ${Math.min(...installed)}-${Math.max(...installed)} bytes`,
    );
    assert.ok(Math.max(...installed) < 4096, `installed provider text: ${installed.join(", ")} bytes`);

    const again = await runProject(project.dir, { ...options, preview: true, previous: up });
    assert.deepEqual(changes(again), []);

    await up.destroy();
    assert.deepEqual(labelled(`berth.stack=${stack}`), nothing);
  });

  it("deploys a Compose file from the installed package", async (t) => {
    if (!(await needEngine(t))) return;
    const name = `compose-${run}`;
    project.write("compose/compose.yaml", composeFile(name));
    project.write("compose/index.ts", composeProgram);
    const options = { project: name, stack: "dev", main: "compose" };
    const preview = await runProject(project.dir, { ...options, preview: true });
    assert.ok(preview.byName(`app-web`, "pulumi-nodejs:dynamic/berth/swarm:SwarmService"));

    const up = await runProject(project.dir, options);
    const [serviceId] = Object.values(up.outputs.services as Record<string, string>);
    assert.equal(docker("service", "inspect", serviceId, "--format", "{{.Spec.Name}}"), `${name}_web`);
    const again = await runProject(project.dir, { ...options, preview: true, previous: up });
    assert.deepEqual(changes(again), []);
    await up.destroy();
    assert.deepEqual(labelled(`com.docker.stack.namespace=${name}`), nothing);
  });

  it("runs an ES module program that imports Berth", async (t) => {
    if (!(await needEngine(t))) return;
    const esm = consumerProject(`esm-${run}`, {}, "module");
    try {
      fs.symlinkSync(path.join(project.dir, "node_modules"), path.join(esm.dir, "node_modules"));
      esm.write(
        "index.js",
        `import * as pulumi from "@pulumi/pulumi";
import { EngineInfo } from "pulumi-berth/swarm";
const info = new EngineInfo("engine");
export const swarmState = info.swarmState;
export const sdk = pulumi.runtime.isDryRun() ? "preview" : "up";
`,
      );
      const preview = await runProject(esm.dir, { project: `esm-${run}`, stack: "dev", preview: true });
      assert.equal(preview.byName("engine").operation, "create");
      const up = await runProject(esm.dir, { project: `esm-${run}`, stack: "dev" });
      assert.equal(up.outputs.swarmState, docker("info", "--format", "{{.Swarm.LocalNodeState}}"));
      assert.match(up.byName("engine").providerText ?? "", /require\("pulumi-berth\/providers"\)/);
      await up.destroy();
    } finally {
      esm.remove();
    }
  });

  it("upgrades the provider of existing resources with the package: created by one build, deleted by the next", async (t) => {
    if (!(await needEngine(t))) return;
    const name = `upgrade-${run}`;
    project.write(
      "upgrade/index.ts",
      `import { SwarmNetwork } from "pulumi-berth/swarm";\nnew SwarmNetwork("net", { name: "${name}" });\n`,
    );
    const options = { project: name, stack: "dev", main: "upgrade" };
    const created = await runProject(project.dir, options);
    assert.equal(docker("network", "inspect", name, "--format", "{{.Name}}"), name);

    // The next release: the same package with a provider catalog that records what it serves.
    const next = path.join(scratch, "next");
    fs.mkdirSync(next);
    execFileSync("tar", ["-xzf", tarball, "-C", next]);
    const catalog = path.join(next, "package", "dist", "provider", "catalog.js");
    fs.writeFileSync(
      catalog,
      fs
        .readFileSync(catalog, "utf8")
        .replace(
          "function providerNamed(name) {",
          'function providerNamed(name) {\n    require("fs").appendFileSync(process.env.BERTH_UPGRADE_MARKER, name + "\\n");',
        ),
    );
    const manifest = path.join(next, "package", "package.json");
    fs.writeFileSync(
      manifest,
      fs.readFileSync(manifest, "utf8").replace(/"version": "[^"]+"/, '"version": "99.0.0"'),
    );
    const nextTarball = packBerthFrom(path.join(next, "package"), scratch);
    project.npm("install", nextTarball);

    const markerFile = path.join(scratch, "served-by-next-release");
    fs.writeFileSync(markerFile, "");
    process.env.BERTH_UPGRADE_MARKER = markerFile;
    try {
      await created.destroy();
    } finally {
      delete process.env.BERTH_UPGRADE_MARKER;
    }
    assert.match(
      fs.readFileSync(markerFile, "utf8"),
      /^swarm:network$/m,
      "the next release's provider ran the delete",
    );
    assert.equal(docker("network", "ls", "-q", "--filter", `name=^${name}$`), "");
  });
});
