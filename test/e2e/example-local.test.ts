import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { runProgram } from "../support/harness";
import { needEngine } from "../support/engine";

describe("examples/local through the harness", () => {
  it("runs the root project's program with stack config against the real engine", async (t) => {
    if (!(await needEngine(t))) return;
    const run = await runProgram(() => require("../../examples/local"), {
      project: "berth",
      config: { image: "local/busybox:1", webImage: "local/busybox:2" },
    });
    assert.deepEqual(run.outputs.services, [
      { name: "web", image: "local/busybox:2" },
      { name: "api", image: "local/busybox:1" },
      { name: "cache", image: "local/busybox:1" },
    ]);
    const state = execFileSync("docker", ["info", "--format", "{{.Swarm.LocalNodeState}}"], {
      encoding: "utf8",
    });
    assert.equal(run.outputs.swarmState, state.trim());
    assert.equal(run.byName("local-engine").dynamic, true);
  });
});
