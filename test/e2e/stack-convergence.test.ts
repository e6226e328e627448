/**
 * Services created without waiting, and one SwarmStackConvergence waiting for all of them, through the
 * test engine and Pulumi's own dynamic-provider host, on the local engine.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { runProgram, unknownValue, type ProgramRun } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled } from "../support/cleanup";
import { normalizeService, renderSwarm } from "../../components/spec";
import { stackConvergenceProvider, SwarmService, SwarmStackConvergence } from "../../provider/swarm";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const project = `berth-test-${randomBytes(4).toString("hex")}`;
const monitorMs = 6000;
const stackType = "pulumi-nodejs:dynamic/berth/swarm:SwarmStackConvergence";

/** Commands by service: `sleep` runs, `exit` fails at once. */
type Round = Record<string, string[]>;
const healthy = ["sleep", "600"];
const exitsAtOnce = ["sh", "-c", "echo bye; exit 3"];

function program(round: Round, awaitConvergence = false) {
  return () => {
    const services = Object.entries(round).map(
      ([name, command]) =>
        new SwarmService(name, {
          spec: renderSwarm(
            normalizeService(`${project}-${name}`, {
              image: "local/busybox:1",
              command,
              stopGracePeriod: "1s",
              restart: { delay: "1s" },
              update: { monitor: `${monitorMs / 1000}s` },
            }),
          ),
          timeoutSeconds: 60,
          awaitConvergence,
        }),
    );
    new SwarmStackConvergence("stack", { services });
  };
}

const run = (round: Round, previous?: ProgramRun, preview = false) =>
  runProgram(program(round), { project, stack: "test", previous, preview });

/** When each running task of the service started running (ms since the epoch). */
function runningSince(name: string): number[] {
  const ids = docker("service", "ps", `${project}-${name}`, "-q", "--filter", "desired-state=running");
  return ids
    .split("\n")
    .filter(Boolean)
    .map((id) => {
      const [state, at] = docker("inspect", id, "--format", "{{.Status.State}} {{.Status.Timestamp}}").split(
        " ",
      );
      assert.equal(state, "running", `${name}: task ${id} is ${state}`);
      return Date.parse(at);
    });
}

/** Asserts every service's tasks had run for the monitor window when `endedAt` came. */
function assertConvergedBy(endedAt: number, names: string[]) {
  for (const name of names) {
    const since = runningSince(name);
    assert.ok(since.length > 0, `${name} has a running task`);
    for (const at of since)
      assert.ok(endedAt - at >= monitorMs, `${name}: its task ran ${endedAt - at} ms before the up ended`);
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; endedAt: number; ms: number }> {
  const start = Date.now();
  const value = await fn();
  const endedAt = Date.now();
  return { value, endedAt, ms: endedAt - start };
}

describe("SwarmStackConvergence, on the real swarm", () => {
  after(async () => {
    if (await engineReachable()) await removeLabelled(project);
  });

  it("lists every problem of its services at check, before any call to the engine", async () => {
    const checked = await stackConvergenceProvider.check!(
      {} as never,
      {
        connection: {},
        services: [
          { id: "", name: "a", version: 1, mode: "replicated", replicas: 1, timeoutSeconds: 0 },
          unknownValue,
          {
            id: unknownValue,
            name: "c",
            version: unknownValue,
            mode: "daemon",
            replicas: 1,
            timeoutSeconds: 5,
          },
        ],
      } as never,
    );
    assert.deepEqual(
      checked.failures?.map((f) => f.property),
      ["services[0].id", "services[0].timeoutSeconds", "services[2].mode"],
    );
  });

  const three: Round = { web: healthy, api: healthy, worker: healthy };
  let first: ProgramRun;

  it("previews with the service IDs unknown, then returns from up only once all three converged", async (t) => {
    if (!(await needEngine(t))) return;
    const preview = await run(three, undefined, true);
    const planned = preview.byName("stack", stackType);
    assert.equal(planned.operation, "create");
    assert.ok(JSON.stringify(planned.programInputs.services).includes(unknownValue));
    assert.equal(docker("service", "ls", "-q", "--filter", `label=berth.project=${project}`), "");

    const up = await timed(() => run(three));
    first = up.value;
    for (const name of Object.keys(three)) {
      const service = first.byName(name);
      assert.equal(service.outputs.awaitConvergence, false);
      assert.deepEqual(service.outputs.lastChange, { updating: false });
    }
    assertConvergedBy(up.endedAt, Object.keys(three));
    const targets = first.byName("stack", stackType).outputs.services as { id: string; version: number }[];
    assert.deepEqual(
      targets.map((s) => [s.id, s.version]),
      Object.keys(three).map((name) => [first.byName(name).id, first.byName(name).outputs.version]),
    );
    t.diagnostic(`up of three services took ${up.ms} ms`);
  });

  it("does not wait on an up with no change, nor when only awaitConvergence changes", async (t) => {
    if (!(await needEngine(t)) || !first) return;
    const again = await timed(() => run(three, first));
    const changed = (r: ProgramRun) =>
      r.resources.filter((x) => x.custom && x.operation !== "same").map((x) => [x.name, x.operation]);
    assert.deepEqual(changed(again.value), []);
    assert.equal(again.value.byName("stack", stackType).operation, "same");
    assert.ok(again.ms < monitorMs, `an up with no change took ${again.ms} ms`);

    const flipped = await runProgram(program(three, true), { project, stack: "test", previous: again.value });
    assert.deepEqual(changed(flipped), []);
    assert.equal(flipped.byName("web").operation, "same");
    first = flipped;
  });

  it("fails naming only the service that does not converge, keeps the previous state, and waits again when it is fixed", async (t) => {
    if (!(await needEngine(t)) || !first) return;
    const broken: Round = { ...three, api: exitsAtOnce };
    const preview = await run(broken, first, true);
    assert.equal(preview.byName("stack", stackType).operation, "update");

    let failure: (Error & { run?: ProgramRun }) | undefined;
    try {
      await run(broken, first);
    } catch (err) {
      failure = err as Error & { run?: ProgramRun };
    }
    assert.ok(failure, "the up must fail");
    assert.match(failure.message, /1 of 3 services did not converge/);
    assert.match(failure.message, new RegExp(`service ${project}-api: .*non-zero exit \\(3\\)`));
    assert.doesNotMatch(failure.message, new RegExp(`${project}-(web|worker)`));
    // The service was updated; the wait's state is the previous one, holding the version before.
    const failed = failure.run!;
    const api = failed.byName("api");
    assert.notEqual(api.outputs.version, first.byName("api").outputs.version);
    assert.equal((api.outputs.lastChange as { updating: boolean }).updating, true);
    const kept = failed.state.find((e) => e.type === stackType)!;
    const keptVersions = (kept.outputs.services as { id: string; version: number }[]).map((s) => s.version);
    assert.deepEqual(
      keptVersions,
      (first.byName("stack", stackType).outputs.services as { version: number }[]).map((s) => s.version),
    );

    const fixed = await timed(() => run(three, failed));
    assert.equal(fixed.value.byName("stack", stackType).operation, "update");
    assert.equal(fixed.value.byName("api").operation, "update");
    assertConvergedBy(fixed.endedAt, ["api"]);
  });

  it("reports an update that Swarm rolled back before the wait began as a failure", async (t) => {
    if (!(await needEngine(t))) return;
    const solo = (command: string[], withStack: boolean) => () => {
      const service = new SwarmService("solo", {
        spec: renderSwarm(
          normalizeService(`${project}-solo`, {
            image: "local/busybox:1",
            command,
            stopGracePeriod: "1s",
            restart: { delay: "1s" },
            update: { monitor: "1s", failureAction: "rollback" },
          }),
        ),
        timeoutSeconds: 30,
        awaitConvergence: false,
      });
      if (withStack) new SwarmStackConvergence("solo-stack", { services: [service] });
    };
    const options = { project, stack: "solo" };
    const healthyRun = await runProgram(solo(healthy, true), options);
    // The update is sent, and nothing waits for it: Swarm rolls it back on its own.
    const updated = await runProgram(solo(exitsAtOnce, false), { ...options, previous: healthyRun });
    const id = updated.byName("solo").id!;
    const deadline = Date.now() + 60_000;
    while (docker("service", "inspect", id, "--format", "{{.UpdateStatus.State}}") !== "rollback_completed") {
      assert.ok(Date.now() < deadline, "Swarm did not roll the update back within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Only now does a wait begin, for the update the service's state records.
    let failure: Error | undefined;
    try {
      await runProgram(solo(exitsAtOnce, true), { ...options, previous: updated });
    } catch (err) {
      failure = err as Error;
    }
    assert.ok(failure, "a rolled-back update must not count as converged");
    assert.match(
      failure.message,
      new RegExp(`service ${project}-solo: the update failed and was rolled back`),
    );
  });
});
