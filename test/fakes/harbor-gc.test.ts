/**
 * HarborGarbageCollection through the test engine and Pulumi's own dynamic-provider host, against the
 * contract-checked Harbor fake, in one sequence of runs: a preview with an unknown input, the
 * schedule Harbor already has refused without `adopt` and taken over with it, no change, an update,
 * drift found by refresh and repaired by up, import, bad input refused before any API call, delete
 * (the schedule found at create put back), and create and delete where Harbor has no schedule (type
 * None again). Ends with no contract violation recorded by the fake.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HarborGarbageCollection,
  type HarborGarbageCollectionArgs,
  HarborProject,
} from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: HarborFake;
const gcType = "pulumi-nodejs:dynamic/berth/harbor:HarborGarbageCollection";
type GcArgs = Omit<HarborGarbageCollectionArgs, "connection">;

function deploy(args: GcArgs, options: { previous?: ProgramRun } = {}) {
  return runProgram(() => new HarborGarbageCollection("gc", { connection: fake.connection, ...args }), {
    project: "harbor-e2e",
    stack: "gc",
    ...options,
  });
}

/** Harbor's schedule now (a call, so checks after awaits are not narrowed away). */
function heldSchedule() {
  return fake.state.gcSchedule;
}

function operations(since: number) {
  return fake.requests.slice(since).map((r) => r.operationId);
}

describe("HarborGarbageCollection through Pulumi's dynamic-provider host, on the Harbor fake", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());

  it("previews, adopts Harbor's schedule, keeps, updates, repairs drift, imports, cancels and creates", async () => {
    fake.state.gcSchedule = {
      id: 99,
      type: "Weekly",
      cron: "0 0 0 * * 0",
      parameters: { delete_untagged: false, workers: 1 },
      creation_time: "2024-01-01T00:00:00.000Z",
      update_time: "2024-01-01T00:00:00.000Z",
    };
    const preview = await runProgram(
      () => {
        const p = new HarborProject("p", { connection: fake.connection, name: "later" });
        new HarborGarbageCollection("gc", {
          connection: fake.connection,
          schedule: "0 0 3 * * 0",
          workers: p.projectId.apply(() => 2),
        });
      },
      { project: "harbor-e2e", stack: "gc-preview", preview: true },
    );
    assert.equal(preview.byName("gc", gcType).operation, "create");
    assert.equal(preview.byName("gc", gcType).programInputs.workers, unknownValue);
    assert.equal(fake.state.gcSchedule.cron, "0 0 0 * * 0", "a preview changes nothing");

    const weekly: GcArgs = { schedule: "0 0 3 * * 0", deleteUntagged: true, workers: 3, adopt: true };
    let since = fake.requests.length;
    await assert.rejects(deploy({ ...weekly, adopt: false }), (err: Error) => {
      assert.match(err.message, /harbor garbage collection schedule: Harbor already runs garbage collection/);
      assert.match(err.message, /Weekly "0 0 0 \* \* 0"/, "names the schedule found");
      assert.match(err.message, /Set adopt: true/);
      return true;
    });
    assert.deepEqual(operations(since), ["getGCSchedule"], "refused before any change");
    assert.equal(fake.state.gcSchedule.cron, "0 0 0 * * 0");

    since = fake.requests.length;
    const up = await deploy(weekly);
    assert.equal(up.byName("gc", gcType).id, "gc-schedule");
    assert.deepEqual(
      operations(since).filter((o) => o !== "getGCSchedule"),
      ["updateGCSchedule"],
      "with adopt, Harbor's schedule is taken over and replaced, never created a second time",
    );
    assert.deepEqual(up.byName("gc", gcType).outputs.priorSchedule, {
      schedule: { type: "Weekly", cron: "0 0 0 * * 0" },
      parameters: { delete_untagged: false, workers: 1 },
    });
    assert.deepEqual(
      [fake.state.gcSchedule.type, fake.state.gcSchedule.cron, fake.state.gcSchedule.parameters],
      ["Custom", "0 0 3 * * 0", { delete_untagged: true, workers: 3 }],
    );

    const same = await deploy(weekly, { previous: up });
    assert.equal(same.byName("gc", gcType).operation, "same");

    const nightly: GcArgs = { ...weekly, schedule: "0 30 1 * * *", workers: 2 };
    const changed = await deploy(nightly, { previous: same });
    assert.equal(changed.byName("gc", gcType).operation, "update");
    assert.deepEqual(
      [fake.state.gcSchedule!.cron, fake.state.gcSchedule!.parameters.workers],
      ["0 30 1 * * *", 2],
    );

    fake.state.gcSchedule!.cron = "0 0 5 * * *";
    fake.state.gcSchedule!.parameters = { delete_untagged: false, workers: 2 };
    const refreshed = await changed.refresh();
    const seen = refreshed.byName("gc", gcType).outputs;
    assert.deepEqual([seen.schedule, seen.deleteUntagged], ["0 0 5 * * *", false]);
    const repaired = await deploy(nightly, { previous: refreshed });
    assert.equal(repaired.byName("gc", gcType).operation, "update");
    assert.deepEqual(
      [fake.state.gcSchedule!.cron, fake.state.gcSchedule!.parameters.delete_untagged],
      ["0 30 1 * * *", true],
    );

    const provider = loadSerializedProvider(up.byName("gc", gcType).providerText!);
    await fake.inEnvironment(async () => {
      const imported = await provider.read!("gc-schedule", {});
      const inputs = (imported as { inputs: Record<string, unknown> }).inputs;
      assert.deepEqual([inputs.schedule, inputs.deleteUntagged, inputs.workers], ["0 30 1 * * *", true, 2]);
    });

    since = fake.requests.length;
    const bad = await provider.check!(
      {},
      { connection: fake.connection, schedule: "0 3 * * 0", workers: 9, adopt: "yes" },
    );
    assert.deepEqual(bad.failures?.map((f) => f.property).sort(), ["adopt", "schedule", "workers"]);
    assert.match(bad.failures!.find((f) => f.property === "schedule")!.reason, /six-field cron/);
    assert.equal(fake.requests.length, since, "bad input is refused before any API call");

    await repaired.destroy();
    assert.deepEqual(
      [fake.state.gcSchedule?.type, fake.state.gcSchedule?.cron, fake.state.gcSchedule?.parameters],
      ["Weekly", "0 0 0 * * 0", { delete_untagged: false, workers: 1 }],
      "delete puts back the schedule Harbor had before",
    );
    fake.state.gcSchedule = undefined;
    assert.deepEqual(await provider.read!("gc-schedule", { connection: fake.connection }), {}, "gone");

    since = fake.requests.length;
    const connection = fake.connection;
    const made = await provider.create({
      connection,
      schedule: "0 0 4 * * *",
      deleteUntagged: false,
      workers: 1,
      adopt: false,
    });
    assert.deepEqual(operations(since), ["getGCSchedule", "createGCSchedule"], "with none, one is created");
    assert.equal(heldSchedule()?.cron, "0 0 4 * * *");
    await provider.delete!("gc-schedule", made.outs);
    assert.equal(fake.state.gcSchedule, undefined, "with none before, delete cancels the schedule");
    assert.deepEqual(fake.violations, [], "requests and responses keep Harbor's contract");
  });
});
