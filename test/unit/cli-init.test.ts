import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from "fs";
import { join, resolve } from "path";
import { promisify } from "util";
import { berth } from "../support/cli-run";
import { composeDir } from "../support/compose-dir";

const root = resolve(__dirname, "..", "..", "..");
const run = promisify(execFile);

/**
 * Links the project's dependencies to this repository: pulumi-berth to its root (its `exports` lead to
 * the build in dist/, as in the installed package) and the other packages to its node_modules.
 */
function linkDependencies(project: string): void {
  const modules = join(project, "node_modules");
  mkdirSync(modules);
  symlinkSync(root, join(modules, "pulumi-berth"), "dir");
  for (const scope of ["@pulumi", "@types"])
    symlinkSync(join(root, "node_modules", scope), join(modules, scope), "dir");
}

describe("berth init", () => {
  for (const target of ["swarm", "kubernetes", "ecs"] as const) {
    it(`creates a ${target} project that type-checks as created`, async () => {
      const dir = composeDir({});
      const created = await berth(["init", "my-app", "--target", target], dir);
      assert.equal(created.status, 0, created.stderr);
      const project = join(dir, "my-app");
      assert.deepEqual(readdirSync(project).sort(), [
        "Pulumi.yaml",
        "index.ts",
        "package.json",
        "tsconfig.json",
      ]);
      const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      const berthPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
        version: string;
        peerDependencies: Record<string, string>;
      };
      assert.equal(pkg.dependencies["pulumi-berth"], `^${berthPkg.version}`);
      assert.equal(pkg.dependencies["@pulumi/pulumi"], berthPkg.peerDependencies["@pulumi/pulumi"]);
      const provider = { swarm: undefined, kubernetes: "@pulumi/kubernetes", ecs: "@pulumi/aws" }[target];
      assert.deepEqual(
        Object.keys(pkg.dependencies).sort(),
        ["@pulumi/pulumi", "pulumi-berth", ...(provider ? [provider] : [])].sort(),
      );
      assert.match(
        readFileSync(join(project, "Pulumi.yaml"), "utf8"),
        /^name: my-app\nruntime|^name: my-app\n/,
      );
      assert.match(readFileSync(join(project, "index.ts"), "utf8"), /new ContainerService\("web"/);
      linkDependencies(project);
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
      await run(process.execPath, [tsc, "-p", project, "--noEmit"], { cwd: project }).catch(
        (err: { stdout?: string }) => assert.fail(`tsc: ${err.stdout ?? String(err)}`),
      );
    });
  }

  it("refuses a directory that is not empty", async () => {
    const dir = composeDir({ "app/index.ts": "" });
    const run = await berth(["init", "app", "--target", "swarm"], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /is not empty/);
  });
});

describe("berth", () => {
  it("prints its version from package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const run = await berth(["--version"], root);
    assert.deepEqual(run, { status: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("has help with examples for every command", async () => {
    const top = await berth(["--help"], root);
    assert.equal(top.status, 0);
    for (const command of ["check", "render", "convert", "init"]) {
      assert.match(top.stdout, new RegExp(`^  ${command} `, "m"));
      const help = await berth([command, "--help"], root);
      assert.equal(help.status, 0);
      assert.match(help.stdout, new RegExp(`^Usage: berth ${command} `));
      assert.match(help.stdout, /\nExamples:\n {2}berth /);
      assert.match(help.stdout, /\nExit status: 0 /);
    }
  });

  it("exits 2 on an unknown command or option, pointing at --help", async () => {
    const unknown = await berth(["deploy"], root);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "deploy"/);
    const option = await berth(["check", "x.yaml", "--target", "swarm", "--frobnicate"], root);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /Unknown option '--frobnicate'[\s\S]*Run "berth check --help"/);
  });
});
