/**
 * The unit-testing guide (docs/testing.md) as users follow it: Berth packed and installed into a project
 * of its own with the peers each target needs, the guide's programs and tests written there, and each
 * test run with Node's test runner through ts-node, type-checked.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { consumerProject, type ConsumerProject, packBerth } from "../support/consumer";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};
const guide = fs.readFileSync(path.join(repoRoot, "docs", "testing.md"), "utf8");

/** The guide's files: every ```ts block whose info string names a path. */
const files = [...guide.matchAll(/^```ts (\S+)\n([\s\S]*?)^```$/gm)].map(([, file, text]) => ({
  file,
  text,
}));
const tests = files.filter((f) => f.file.endsWith(".test.ts")).map((f) => f.file);

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== "NODE_TEST_CONTEXT"));
}

describe("the unit-testing guide, run in a user's project", () => {
  let scratch: string;
  let project: ConsumerProject;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "berth-guide-"));
    const peer = (name: string) => [name, manifest.devDependencies[name]];
    project = consumerProject("guide", {
      "pulumi-berth": `file:${packBerth(scratch)}`,
      ...Object.fromEntries(
        [
          "@pulumi/pulumi",
          "@pulumi/kubernetes",
          "@kubernetes/client-node",
          "@pulumi/aws",
          "typescript",
          "@types/node",
        ].map(peer),
      ),
      "ts-node": manifest.devDependencies["ts-node"],
    });
    project.write(
      "tsconfig.json",
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "commonjs",
          esModuleInterop: true,
          types: ["node"],
        },
      }),
    );
    for (const { file, text } of files) project.write(file, text);
    project.npm("install");
  });

  after(() => {
    project?.remove();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("has a program and a test for each target", () => {
    assert.deepEqual(tests, ["swarm/index.test.ts", "kubernetes/index.test.ts", "ecs/index.test.ts"]);
  });

  for (const test of tests) {
    it(`passes ${test}`, () => {
      const result = spawnSync(process.execPath, ["--require", "ts-node/register", "--test", test], {
        cwd: project.dir,
        encoding: "utf8",
        // Without the runner's own context, which would make the child a subtest of this one.
        env: { ...withoutTestContext(process.env), TS_NODE_PROJECT: "tsconfig.json" },
        timeout: 180_000,
      });
      const output = `${result.stdout}\n${result.stderr}`;
      assert.equal(result.status, 0, output);
      assert.match(output, /^# pass [1-9]/m, output);
      assert.match(output, /^# fail 0$/m, output);
    });
  }
});
