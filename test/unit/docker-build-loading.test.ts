/**
 * `@pulumi/docker-build` is an optional peer: a program whose images are built by the engine never loads
 * it, so it need not be installed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import path from "path";

const registryIndex = path.join(__dirname, "..", "..", "components", "registry", "index.js");
const rootIndex = path.join(__dirname, "..", "..", "components", "index.js");

/** How many modules of @pulumi/docker-build a fresh process has loaded after making an Image of `args`. */
function dockerBuildModulesAfter(args: string): number {
  const program = `
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks({
      newResource: (r) => ({ id: r.name + "-id", state: r.inputs }),
      call: () => ({}),
    });
    require(${JSON.stringify(rootIndex)});
    const { Image } = require(${JSON.stringify(registryIndex)});
    new Image("app", { context: ".", repository: "registry.example.com/team/app", ${args} });
    setTimeout(() => {
      const loaded = Object.keys(require.cache).filter((k) => k.includes("/node_modules/@pulumi/docker-build/"));
      console.log(loaded.length);
    }, 200);`;
  return Number(execFileSync(process.execPath, ["-e", program], { encoding: "utf8" }).trim());
}

describe("@pulumi/docker-build, loaded only when used", () => {
  it("is not loaded by a program whose Image builds one platform", () => {
    assert.equal(
      dockerBuildModulesAfter(`platform: "linux/arm64", cacheFrom: ["registry.example.com/team/app:1"]`),
      0,
    );
  });

  it("is loaded for several platforms (so the count would notice)", () => {
    assert.ok(dockerBuildModulesAfter(`platforms: ["linux/amd64", "linux/arm64"]`) > 0);
  });
});
