/** A swarm cluster's default log driver: refused when wrong, naming the component and field, before anything is registered. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalSwarm, SwarmCluster, SwarmClusterError } from "../../components/swarm";
import { ComponentArgumentsError } from "../../components/arguments/error";
import { runProgram } from "../support/harness";

const bad = { driver: "json file", options: { "max-size": 10 }, format: "x" } as never;

describe("a swarm cluster's logging", () => {
  it("refuses a LocalSwarm's wrong driver name, option value and unknown field, all at once", async () => {
    let caught: unknown;
    const run = await runProgram(() => {
      try {
        new LocalSwarm("local", { logging: bad });
      } catch (err) {
        caught = err;
      }
    });
    assert.ok(caught instanceof ComponentArgumentsError, String(caught));
    assert.match(caught.message, /^LocalSwarm local:/);
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["logging.format", "logging.driver", "logging.options.max-size"],
    );
    assert.equal(run.resources.filter((r) => r.custom).length, 0, "nothing was registered");
  });

  it("refuses a SwarmCluster's the same way, as a SwarmClusterError", async () => {
    let caught: unknown;
    await runProgram(() => {
      try {
        new SwarmCluster("fleet", { nodes: [], logging: { driver: "" } });
      } catch (err) {
        caught = err;
      }
    });
    assert.ok(caught instanceof SwarmClusterError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => [i.path, i.message]),
      [["logging.driver", '"" is not a log driver name']],
    );
  });
});
