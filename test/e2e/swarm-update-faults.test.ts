/**
 * An update that meets a fault on the local engine, through the test engine and Pulumi's own
 * dynamic-provider host: the registry of the service's image is down, so the new tasks cannot pull it.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { runProgram, type ProgramRun } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled } from "../support/cleanup";
import { needRegistry, type PrivateRegistry, startPrivateRegistry } from "../support/registry";
import { normalizeService, renderSwarm } from "../../components/spec";
import { SwarmService } from "../../provider/swarm";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const project = `berth-test-${randomBytes(4).toString("hex")}`;

describe("an update meeting a fault, on the real swarm", () => {
  let registry: PrivateRegistry | undefined;
  after(async () => {
    await registry?.stop();
    if (await engineReachable()) await removeLabelled(project);
  });

  it("fails, naming the pull, when the image's registry is down, and keeps the previous spec serving", async (t) => {
    if (!(await needEngine(t)) || !needRegistry(t)) return;
    const started = Date.now();
    registry = await startPrivateRegistry();
    const { address, username, password, image } = registry;
    const program = (round: string) => () => {
      new SwarmService("api", {
        spec: renderSwarm(
          normalizeService(`${project}-api`, {
            image,
            command: ["sleep", "600"],
            env: { ROUND: round },
            stopGracePeriod: "1s",
            // The old task serves until a new one runs; a failed update goes back to the old spec.
            update: { order: "start-first", failureAction: "rollback", monitor: "1s" },
          }),
        ),
        registryAuth: { serveraddress: address, username, password },
        timeoutSeconds: 120,
      });
    };
    const run = (round: string, previous?: ProgramRun) =>
      runProgram(program(round), { project, stack: "test", previous });
    const first = await run("1");
    const id = first.byName("api").id!;
    const serving = () => docker("service", "ps", id, "-q", "--filter", "desired-state=running").split("\n");
    const before = serving();

    // The registry goes down, and the engine has no copy of the image left: the new task cannot start.
    await registry.stop();
    registry = undefined;
    // The running container keeps its image; only the tag goes (forced, since a container uses it).
    execFileSync("docker", ["image", "rm", "--force", image], { stdio: "ignore" });
    const updateStarted = Date.now();
    let failure: (Error & { run?: ProgramRun }) | undefined;
    try {
      await run("2", first);
    } catch (err) {
      failure = err as Error & { run?: ProgramRun };
    }
    const updateSeconds = (Date.now() - updateStarted) / 1000;
    assert.ok(failure, "the update must fail");
    assert.match(failure.message, /rolled back to the previous spec/);
    assert.match(failure.message, /No such image: .*could not pull 127\.0\.0\.1:\d+\/private\/busybox:1/);
    assert.ok(updateSeconds < 60, `failed after ${updateSeconds} s, not at the 120 s timeout`);
    t.diagnostic(`the update failed after ${updateSeconds} s`);

    // The task of the previous spec never stopped.
    assert.deepEqual(serving(), before);
    assert.match(
      docker("service", "inspect", id, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"),
      /ROUND=1/,
    );

    // The state still holds the previous spec, which is what runs: no drift, and nothing to do.
    assert.ok(failure.run, "the failed run carries its state");
    const refreshed = await failure.run.refresh();
    const kept = refreshed.state.find((e) => e.id === id);
    assert.deepEqual(kept?.outputs.spec, first.byName("api").outputs.spec, "refresh shows no drift");
    const again = await run("1", refreshed);
    assert.equal(again.byName("api").operation, "same");
    await again.destroy();
    t.diagnostic(`the scenario took ${(Date.now() - started) / 1000} s`);
  });
});
