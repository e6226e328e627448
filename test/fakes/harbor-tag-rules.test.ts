/**
 * HarborRetentionPolicy and HarborImmutableTagRule through the test engine and Pulumi's own
 * dynamic-provider host, against the contract-checked Harbor fake: create, no change, update,
 * drift, delete, import, adopting the one retention policy a project may have, bad input, and
 * previews with unknown inputs. Every test ends with no contract violation recorded by the fake.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HarborImmutableTagRule,
  type HarborImmutableTagRuleArgs,
  HarborProject,
  HarborRetentionPolicy,
  type HarborRetentionRuleArgs,
} from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: HarborFake;
const retentionType = "pulumi-nodejs:dynamic/berth/harbor:HarborRetentionPolicy";
const immutableType = "pulumi-nodejs:dynamic/berth/harbor:HarborImmutableTagRule";

function projectNamed(name: string) {
  return [...fake.state.projects.values()].find((p) => p.name === name);
}

function deployRetention(
  project: string,
  rules: HarborRetentionRuleArgs[],
  schedule: string,
  options: { previous?: ProgramRun } = {},
) {
  return runProgram(
    () => {
      const p = new HarborProject("project", { connection: fake.connection, name: project });
      new HarborRetentionPolicy("retention", {
        connection: fake.connection,
        projectId: p.projectId,
        rules,
        schedule,
      });
    },
    { project: "harbor-e2e", stack: project, ...options },
  );
}

function deployImmutable(
  project: string,
  args: Omit<HarborImmutableTagRuleArgs, "connection" | "projectId">,
  options: { previous?: ProgramRun } = {},
) {
  return runProgram(
    () => {
      const p = new HarborProject("project", { connection: fake.connection, name: project });
      new HarborImmutableTagRule("releases", {
        connection: fake.connection,
        projectId: p.projectId,
        ...args,
      });
    },
    { project: "harbor-e2e", stack: project, ...options },
  );
}

describe("Harbor retention policies and immutable tag rules through Pulumi's dynamic-provider host", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());
  afterEach(() =>
    assert.deepEqual(fake.violations.splice(0), [], "requests and responses keep Harbor's contract"),
  );

  it("creates, keeps, updates, detects drift, repairs and deletes a retention policy", async () => {
    const keep10: HarborRetentionRuleArgs[] = [
      { template: "latestPushedK", count: 10, repositories: "web/**" },
    ];
    const up = await deployRetention("kept", keep10, "0 0 0 * * *");
    const resource = up.byName("retention", retentionType);
    assert.equal(resource.operation, "create");
    const project = projectNamed("kept")!;
    const policy = fake.state.retentions.get(Number(resource.id))!;
    assert.equal(project.metadata.retention_id, resource.id, "Harbor points the project at the policy");
    assert.deepEqual(policy.rules[0].params, { latestPushedK: 10 });
    assert.equal(policy.rules[0].scope_selectors.repository[0].pattern, "web/**");
    assert.deepEqual(policy.trigger.settings, { cron: "0 0 0 * * *" });

    const same = await deployRetention("kept", keep10, "0 0 0 * * *", { previous: up });
    assert.equal(same.byName("retention", retentionType).operation, "same");

    const keep5 = [{ template: "latestPushedK" as const, count: 5, repositories: "web/**" }];
    const changed = await deployRetention("kept", keep5, "0 0 2 * * *", { previous: same });
    assert.equal(changed.byName("retention", retentionType).operation, "update");
    const updated = fake.state.retentions.get(Number(resource.id))!;
    assert.deepEqual(updated.rules[0].params, { latestPushedK: 5 });
    assert.deepEqual(updated.trigger.settings, { cron: "0 0 2 * * *" });

    updated.rules[0].params = { latestPushedK: 99 };
    updated.rules[0].tag_selectors[0].decoration = "excludes";
    const refreshed = await changed.refresh();
    const seen = refreshed.byName("retention", retentionType).outputs.rules as {
      count: number;
      excludeTags: boolean;
    }[];
    assert.equal(seen[0].count, 99);
    assert.equal(seen[0].excludeTags, true);
    const repaired = await deployRetention("kept", keep5, "0 0 2 * * *", { previous: refreshed });
    assert.equal(repaired.byName("retention", retentionType).operation, "update");
    const back = fake.state.retentions.get(Number(resource.id))!;
    assert.deepEqual(back.rules[0].params, { latestPushedK: 5 });
    assert.equal(back.rules[0].tag_selectors[0].decoration, "matches");

    await repaired.destroy();
    assert.equal(projectNamed("kept"), undefined);
  });

  it("takes over the one retention policy a project already has, instead of failing on a second", async () => {
    const projectOnly = await runProgram(
      () => new HarborProject("project", { connection: fake.connection, name: "adopting" }),
      {
        project: "harbor-e2e",
        stack: "adopting",
      },
    );
    const project = projectNamed("adopting")!;
    const existing = fake.state.nextId++;
    fake.state.retentions.set(existing, {
      id: existing,
      algorithm: "or",
      rules: [],
      trigger: { kind: "Schedule", settings: { cron: "" } },
      scope: { level: "project", ref: project.project_id },
    });
    project.metadata.retention_id = String(existing);
    const up = await deployRetention("adopting", [{ template: "always", tags: "release-*" }], "", {
      previous: projectOnly,
    });
    assert.equal(
      up.byName("retention", retentionType).id,
      String(existing),
      "the project's own policy is adopted",
    );
    assert.equal(fake.state.retentions.get(existing)!.rules[0].template, "always");
    const importedRead = await fake.inEnvironment(() =>
      loadSerializedProvider(up.byName("retention", retentionType).providerText!).read!(String(existing), {}),
    );
    const inputs = (
      importedRead as { inputs?: { projectId: number; rules: { template: string; tags: string }[] } }
    ).inputs!;
    assert.equal(inputs.projectId, project.project_id, "import finds the project from the policy's scope");
    assert.deepEqual(
      inputs.rules.map((r) => [r.template, r.tags]),
      [["always", "release-*"]],
    );
    await up.destroy();
  });

  it("takes over a project's policy with rules only with adopt, and puts it back on delete", async () => {
    const projectOnly = await runProgram(
      () => new HarborProject("project", { connection: fake.connection, name: "held" }),
      { project: "harbor-e2e", stack: "held" },
    );
    const project = projectNamed("held")!;
    const existing = fake.state.nextId++;
    const theirs = {
      id: fake.state.nextId++,
      priority: 1,
      disabled: false,
      action: "retain",
      template: "latestPushedK",
      params: { latestPushedK: 3 },
      tag_selectors: [
        { kind: "doublestar", decoration: "matches", pattern: "**", extras: '{"untagged":false}' },
      ],
      scope_selectors: { repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }] },
    };
    fake.state.retentions.set(existing, {
      id: existing,
      algorithm: "or",
      rules: [theirs],
      trigger: { kind: "Schedule", settings: { cron: "0 0 1 * * *" }, references: {} },
      scope: { level: "project", ref: project.project_id },
    });
    project.metadata.retention_id = String(existing);
    const program = (adopt: boolean) => () => {
      const p = new HarborProject("project", { connection: fake.connection, name: "held" });
      new HarborRetentionPolicy("retention", {
        connection: fake.connection,
        projectId: p.projectId,
        rules: [{ template: "always", tags: "release-*" }],
        adopt,
      });
    };

    const since = fake.requests.length;
    await assert.rejects(
      runProgram(program(false), { project: "harbor-e2e", stack: "held", previous: projectOnly }),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(
            `project ${project.project_id} already has a retention policy set outside this resource`,
          ),
        );
        assert.match(err.message, /1 rules, schedule "0 0 1 \* \* \*"/);
        assert.match(err.message, /Set adopt: true/);
        return true;
      },
    );
    assert.deepEqual(
      fake.requests.slice(since).filter((r) => r.operationId === "updateRetention"),
      [],
      "refused before any change",
    );
    assert.equal(fake.state.retentions.get(existing)!.rules[0].template, "latestPushedK");

    const up = await runProgram(program(true), {
      project: "harbor-e2e",
      stack: "held",
      previous: projectOnly,
    });
    assert.equal(up.byName("retention", retentionType).id, String(existing));
    assert.deepEqual(
      fake.state.retentions.get(existing)!.rules.map((r) => r.template),
      ["always"],
      "with adopt, the rules are replaced",
    );

    await runProgram(() => new HarborProject("project", { connection: fake.connection, name: "held" }), {
      project: "harbor-e2e",
      stack: "held",
      previous: up,
    });
    const restored = fake.state.retentions.get(existing)!;
    assert.deepEqual(
      [restored.rules.map((r) => [r.template, r.params]), restored.trigger.settings.cron],
      [[["latestPushedK", { latestPushedK: 3 }]], "0 0 1 * * *"],
      "deleting the resource puts back the rules and schedule found at create",
    );
    await projectOnly.destroy();
  });

  it("refuses a rule without its count before any API call, naming the field", async () => {
    const before = fake.requests.length;
    await assert.rejects(deployRetention("refused", [{ template: "nDaysSinceLastPush" }], ""), (err: Error) =>
      /rules\[0\]\.count.*positive whole number for nDaysSinceLastPush/.test(err.message),
    );
    assert.equal(
      fake.requests.slice(before).filter((r) => r.operationId?.includes("Retention")).length,
      0,
      "no retention request reached Harbor",
    );
    const left = projectNamed("refused");
    if (left) fake.state.projects.delete(left.project_id);
  });

  it("creates, updates, detects drift in, imports and deletes an immutable tag rule", async () => {
    const up = await deployImmutable("frozen", { tags: "v*" });
    const resource = up.byName("releases", immutableType);
    assert.equal(resource.operation, "create");
    const project = projectNamed("frozen")!;
    const ruleId = Number(resource.id!.split("/")[1]);
    assert.equal(resource.id, `${project.project_id}/${ruleId}`);
    const rule = fake.state.immutableRules.get(ruleId)!;
    assert.equal(rule.tag_selectors[0].pattern, "v*");

    const same = await deployImmutable("frozen", { tags: "v*" }, { previous: up });
    assert.equal(same.byName("releases", immutableType).operation, "same");
    const changed = await deployImmutable(
      "frozen",
      { tags: "release-*", repositories: "web" },
      { previous: same },
    );
    assert.equal(changed.byName("releases", immutableType).operation, "update");
    assert.equal(fake.state.immutableRules.get(ruleId)!.tag_selectors[0].pattern, "release-*");
    assert.equal(fake.state.immutableRules.get(ruleId)!.scope_selectors.repository[0].pattern, "web");

    fake.state.immutableRules.get(ruleId)!.disabled = true;
    const refreshed = await changed.refresh();
    assert.equal(refreshed.byName("releases", immutableType).outputs.disabled, true);
    const repaired = await deployImmutable(
      "frozen",
      { tags: "release-*", repositories: "web" },
      { previous: refreshed },
    );
    assert.equal(repaired.byName("releases", immutableType).operation, "update");
    assert.equal(fake.state.immutableRules.get(ruleId)!.disabled, false);

    const read = await fake.inEnvironment(() =>
      loadSerializedProvider(resource.providerText!).read!(resource.id!, {}),
    );
    const inputs = (read as { inputs?: Record<string, unknown> }).inputs!;
    assert.deepEqual(
      [inputs.projectId, inputs.tags, inputs.repositories, inputs.disabled],
      [project.project_id, "release-*", "web", false],
    );

    await repaired.destroy();
    assert.equal(fake.state.immutableRules.has(ruleId), false);
  });

  it("previews rules for a project that does not exist yet, creating nothing", async () => {
    const rules = fake.state.immutableRules.size;
    const policies = fake.state.retentions.size;
    const run = await runProgram(
      () => {
        const p = new HarborProject("project", { connection: fake.connection, name: "planned" });
        new HarborImmutableTagRule("releases", {
          connection: fake.connection,
          projectId: p.projectId,
          tags: "v*",
        });
        new HarborRetentionPolicy("retention", {
          connection: fake.connection,
          projectId: p.projectId,
          rules: [{ template: "latestPushedK", count: 3 }],
        });
      },
      { project: "harbor-e2e", stack: "planned", preview: true },
    );
    for (const [name, type] of [
      ["releases", immutableType],
      ["retention", retentionType],
    ]) {
      const r = run.byName(name, type);
      assert.equal(r.operation, "create");
      assert.equal(r.programInputs.projectId, unknownValue);
    }
    assert.equal(fake.state.immutableRules.size, rules);
    assert.equal(fake.state.retentions.size, policies);
    assert.equal(projectNamed("planned"), undefined);
  });
});
