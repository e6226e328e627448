import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import path from "path";

const swarmIndex = path.join(__dirname, "..", "..", "components", "swarm", "index.js");
const ecsIndex = path.join(__dirname, "..", "..", "components", "ecs", "index.js");

/** How many modules of each cloud SDK a fresh Node process has loaded after running `code`. */
function cloudModulesAfter(code: string): { aws: number; gcp: number } {
  const count = `const ks = Object.keys(require.cache);
    console.log(JSON.stringify({
      aws: ks.filter((k) => k.includes("/node_modules/@pulumi/aws/")).length,
      gcp: ks.filter((k) => k.includes("/node_modules/@pulumi/gcp/")).length,
    }));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", `${code};${count}`], { encoding: "utf8" })) as {
    aws: number;
    gcp: number;
  };
}

describe("berth/swarm without a cloud", () => {
  it("loads neither the AWS nor the Google Cloud SDK until a cloud's machines are made", () => {
    assert.deepEqual(cloudModulesAfter(`require(${JSON.stringify(swarmIndex)})`), { aws: 0, gcp: 0 });
  });

  it("berth/ecs loads the AWS SDK only when a cluster is made, so its renderer needs no cloud", () => {
    assert.deepEqual(cloudModulesAfter(`require(${JSON.stringify(ecsIndex)})`), { aws: 0, gcp: 0 });
  });

  it("would notice if it did", () => {
    const loaded = cloudModulesAfter(`require("@pulumi/aws")`);
    assert.ok(loaded.aws > 0, "the count sees a loaded SDK");
  });
});
