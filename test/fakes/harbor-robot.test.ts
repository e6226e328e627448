/**
 * HarborRobotAccount through the test engine and Pulumi's own dynamic-provider host, against the
 * contract-checked Harbor fake: a secret that exists only on create and lives secret in state,
 * rotation in place, permission updates, drift, import, a duplicate name, delete, and previews with
 * unknown inputs. Every test ends with no contract violation recorded by the fake.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HarborProject,
  HarborRobotAccount,
  type HarborRobotAccountArgs,
  type RobotAccess,
} from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: HarborFake;
const robotType = "pulumi-nodejs:dynamic/berth/harbor:HarborRobotAccount";
const pull: RobotAccess[] = [{ resource: "repository", action: "pull" }];

type RobotArgs = Omit<HarborRobotAccountArgs, "connection" | "project">;

function robotNamed(fullName: string) {
  return [...fake.state.robots.values()].find((r) => r.name === fullName);
}

function deploy(
  project: string,
  args: RobotArgs,
  options: { previous?: ProgramRun; preview?: boolean; stack?: string } = {},
) {
  return runProgram(
    () => {
      const p = new HarborProject("project", { connection: fake.connection, name: project });
      const robot = new HarborRobotAccount("ci", { connection: fake.connection, project: p.name, ...args });
      return { fullName: robot.fullName, secret: robot.secret };
    },
    { project: "harbor-e2e", stack: options.stack ?? project, ...options },
  );
}

describe("HarborRobotAccount through Pulumi's dynamic-provider host, on the Harbor fake", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());
  afterEach(() =>
    assert.deepEqual(fake.violations.splice(0), [], "requests and responses keep Harbor's contract"),
  );

  it("keeps the create-only secret secret in state, rotates it in place, updates permissions and deletes", async () => {
    const up = await deploy("robots", { access: pull, description: "CI pulls" });
    const robot = up.byName("ci", robotType);
    assert.equal(robot.operation, "create");
    const held = robotNamed("robot$robots+ci");
    assert.ok(held, "Harbor holds the robot");
    assert.equal(robot.outputs.fullName, "robot$robots+ci");
    assert.equal(robot.outputs.secret, held.secret, "the secret from the create answer is kept");
    assert.ok(robot.secretOutputs.includes("secret"), `secret outputs: ${robot.secretOutputs.join(", ")}`);
    assert.ok(robot.secretOutputs.includes("connection"));
    // Harbor's answers carried the secret on create only.
    const carrying = fake.requests.filter((r) => JSON.stringify(r.response ?? null).includes(held.secret));
    assert.deepEqual(
      carrying.map((r) => r.operationId),
      ["CreateRobot"],
    );

    const same = await deploy("robots", { access: pull, description: "CI pulls" }, { previous: up });
    assert.equal(same.byName("ci", robotType).operation, "same");
    assert.equal(same.byName("ci", robotType).outputs.secret, held.secret);

    const oldSecret = held.secret;
    const rotated = await deploy(
      "robots",
      { access: pull, description: "CI pulls", rotate: "2026-11" },
      { previous: same },
    );
    const after = rotated.byName("ci", robotType);
    assert.equal(after.operation, "update", "rotation is in place");
    assert.equal(after.id, robot.id);
    assert.notEqual(held.secret, oldSecret, "Harbor holds a new secret");
    assert.equal(after.outputs.secret, held.secret);
    assert.deepEqual(
      fake.requests
        .filter((r) => JSON.stringify(r.response ?? null).includes(held.secret))
        .map((r) => r.operationId),
      ["RefreshSec"],
      "only the refresh answer carried the new secret",
    );

    const push: RobotAccess[] = [...pull, { resource: "repository", action: "push" }];
    const widened = await deploy(
      "robots",
      { access: push, description: "CI pushes", rotate: "2026-11" },
      { previous: rotated },
    );
    assert.equal(widened.byName("ci", robotType).operation, "update");
    assert.equal(held.description, "CI pushes");
    assert.deepEqual(
      held.permissions[0].access.map((a) => a.action),
      ["pull", "push"],
    );
    assert.equal(widened.byName("ci", robotType).outputs.secret, held.secret, "an update keeps the secret");

    await widened.destroy();
    assert.equal(robotNamed("robot$robots+ci"), undefined);
  });

  it("detects drift in Harbor by refresh and repairs it by up", async () => {
    const up = await deploy("drifting", { access: pull, description: "pulls" });
    const held = robotNamed("robot$drifting+ci")!;
    held.disable = true;
    held.description = "changed by hand";
    held.permissions[0].access.push({ resource: "artifact", action: "delete" });
    const refreshed = await up.refresh();
    const seen = refreshed.byName("ci", robotType).outputs;
    assert.equal(seen.disabled, true);
    assert.equal(seen.description, "changed by hand");
    assert.equal((seen.access as RobotAccess[]).length, 2);
    assert.equal(
      seen.secret,
      up.byName("ci", robotType).outputs.secret,
      "refresh keeps the secret from state",
    );
    const repaired = await deploy(
      "drifting",
      { access: pull, description: "pulls" },
      { previous: refreshed },
    );
    assert.equal(repaired.byName("ci", robotType).operation, "update");
    assert.equal(held.disable, false);
    assert.equal(held.description, "pulls");
    assert.deepEqual(held.permissions[0].access, pull);
    await repaired.destroy();
  });

  it("reports Harbor's 409 on a robot name that exists, naming the robot", async () => {
    const up = await deploy("dup", { access: pull });
    await assert.rejects(
      runProgram(
        () =>
          new HarborRobotAccount("again", {
            connection: fake.connection,
            project: "dup",
            name: "ci",
            access: pull,
          }),
        { project: "harbor-e2e", stack: "dup-other" },
      ),
      (err: Error) =>
        /harbor robot dup\/ci already exists in Harbor and is not this resource's/.test(err.message),
    );
    await up.destroy();
  });

  it("imports a robot by ID with empty state: everything but the secret, which Harbor never shows again", async () => {
    const up = await deploy("importing", { access: pull, description: "imported", durationDays: 30 });
    const robot = up.byName("ci", robotType);
    const provider = loadSerializedProvider(robot.providerText!);
    await fake.inEnvironment(async () => {
      const read = await provider.read!(robot.id!, {});
      const inputs = (read as { inputs?: Record<string, unknown> }).inputs!;
      assert.deepEqual(
        {
          project: inputs.project,
          name: inputs.name,
          access: inputs.access,
          durationDays: inputs.durationDays,
        },
        { project: "importing", name: "ci", access: pull, durationDays: 30 },
      );
      assert.equal(read.props?.secret, "");
      assert.equal(read.props?.fullName, "robot$importing+ci");
    });
    await up.destroy();
  });

  it("previews a robot whose project is not known yet, and a rotation of an existing one", async () => {
    const before = fake.state.robots.size;
    const fresh = await runProgram(
      () => {
        const p = new HarborProject("p", { connection: fake.connection, name: "later" });
        new HarborRobotAccount("ci", {
          connection: fake.connection,
          project: p.projectId.apply(() => "later"),
          access: pull,
        });
      },
      { project: "harbor-e2e", stack: "preview", preview: true },
    );
    assert.equal(fresh.byName("ci", robotType).operation, "create");
    assert.equal(fresh.byName("ci", robotType).programInputs.project, unknownValue);
    assert.equal(fake.state.robots.size, before, "a preview creates nothing");

    const up = await deploy("previewed", { access: pull });
    const secret = robotNamed("robot$previewed+ci")!.secret;
    const preview = await deploy(
      "previewed",
      { access: pull, rotate: "next" },
      { previous: up, preview: true },
    );
    assert.equal(preview.byName("ci", robotType).operation, "update");
    assert.equal(robotNamed("robot$previewed+ci")!.secret, secret, "a preview rotates nothing");
    await up.destroy();
  });
});
