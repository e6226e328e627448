/**
 * Berth's GitLab registry resources through the test engine and Pulumi's own dynamic-provider host,
 * against the GitLab fake: for each, a preview with unknown inputs, create, no change, update or
 * replace, drift seen by refresh and repaired by up, import by ID with empty state, and delete. Bad
 * cleanup-policy values fail at check, naming the field, before any request. Every test ends with no
 * contract violation recorded by the fake.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  GitLabDeployToken,
  type GitLabDeployTokenArgs,
  GitLabProjectAccessToken,
  type GitLabProjectAccessTokenArgs,
  GitLabProtectedRepositoryRule,
  type GitLabProtectedRepositoryRuleArgs,
  GitLabRegistry,
  type GitLabRegistryArgs,
  gitlabCredentials,
} from "../../components/registry/gitlab";
import { type GitLabFake, startGitLabFake } from "../support/gitlab-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: GitLabFake;
const typeOf = (kind: string) => `pulumi-nodejs:dynamic/berth/gitlab:${kind}`;
const registryType = typeOf("GitLabRegistry");
const deployTokenType = typeOf("GitLabDeployToken");
const accessTokenType = typeOf("GitLabProjectAccessToken");
const ruleType = typeOf("GitLabProtectedRepositoryRule");
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

interface Options {
  previous?: ProgramRun;
  preview?: boolean;
}

function run(stack: string, program: () => unknown, options: Options = {}) {
  return runProgram(program, { project: "gitlab-e2e", stack, ...options });
}

/** A value known only after another resource exists: unknown in a fresh preview. */
function later<T>(value: T): pulumi.Output<T> {
  const gate = new GitLabRegistry("gate", { connection: fake.connection, project: "group/gate" });
  return gate.projectId.apply(() => value);
}

/** Reads `id` with empty props, the connection from GITLAB_URL and GITLAB_TOKEN, as `pulumi import` does. */
async function importRead(run: ProgramRun, name: string, type: string, id = run.byName(name, type).id!) {
  const provider = loadSerializedProvider(run.byName(name, type).providerText!);
  return fake.inEnvironment(
    async () =>
      (await provider.read!(id, {})) as {
        id: string;
        props: Record<string, unknown>;
        inputs: Record<string, unknown>;
      },
  );
}

describe("GitLab registry resources through Pulumi's dynamic-provider host, on the GitLab fake", () => {
  before(async () => {
    fake = await startGitLabFake();
    for (const path of ["group/gate", "group/app", "group/tokens", "group/bots", "group/rules"])
      fake.addProject(path);
  });
  after(() => fake.close());
  afterEach(() =>
    assert.deepEqual(fake.violations.splice(0), [], "requests keep GitLab's documented contract"),
  );

  const project = (path: string) =>
    [...fake.state.projects.values()].find((p) => p.path_with_namespace === path)!;

  it("GitLabRegistry: sets access level and cleanup policy, updates, repairs drift, imports, and turns the policy off on delete", async () => {
    const app = project("group/app");
    const deploy = (
      args: Omit<GitLabRegistryArgs, "connection" | "project">,
      options: Options = {},
      projectRef: pulumi.Input<string> = "group/app",
    ) =>
      run(
        "registry",
        () => new GitLabRegistry("registry", { connection: fake.connection, project: projectRef, ...args }),
        options,
      );
    const policy = { cadence: "7d", keepN: 5, olderThan: "14d", nameRegexKeep: "^v\\d+" } as const;

    const preview = await run(
      "registry",
      () =>
        new GitLabRegistry("registry", {
          connection: fake.connection,
          project: later("group/app"),
          accessLevel: "private",
          cleanupPolicy: policy,
        }),
      { preview: true },
    );
    assert.equal(preview.byName("registry", registryType).operation, "create");
    assert.equal(preview.byName("registry", registryType).programInputs.project, unknownValue);
    assert.equal(fake.requests.filter((r) => r.method === "PUT").length, 0, "a preview changes nothing");

    const up = await deploy({ accessLevel: "private", cleanupPolicy: policy });
    const created = up.byName("registry", registryType);
    assert.equal(created.operation, "create");
    assert.equal(created.id, String(app.id));
    assert.equal(app.container_registry_access_level, "private");
    assert.deepEqual(
      { ...app.container_expiration_policy, next_run_at: undefined },
      {
        cadence: "7d",
        enabled: true,
        keep_n: 5,
        older_than: "14d",
        name_regex: ".*",
        name_regex_keep: "^v\\d+",
        next_run_at: undefined,
      },
    );
    assert.equal(created.outputs.imagePrefix, "registry.gitlab.test/group/app");
    assert.ok(created.secretOutputs.includes("connection"), "the token stays secret");

    const same = await deploy({ accessLevel: "private", cleanupPolicy: policy }, { previous: up });
    assert.equal(same.byName("registry", registryType).operation, "same");

    const updated = await deploy(
      { accessLevel: "enabled", cleanupPolicy: { ...policy, keepN: 25 } },
      { previous: same },
    );
    assert.equal(updated.byName("registry", registryType).operation, "update");
    assert.equal(app.container_registry_access_level, "enabled");
    assert.equal(app.container_expiration_policy.keep_n, 25);

    app.container_registry_access_level = "disabled";
    app.container_expiration_policy.cadence = "3month";
    const refreshed = await updated.refresh();
    const seen = refreshed.byName("registry", registryType).outputs;
    assert.equal(seen.accessLevel, "disabled");
    assert.equal((seen.cleanupPolicy as { cadence: string }).cadence, "3month");
    const repaired = await deploy(
      { accessLevel: "enabled", cleanupPolicy: { ...policy, keepN: 25 } },
      { previous: refreshed },
    );
    assert.equal(repaired.byName("registry", registryType).operation, "update");
    assert.equal(app.container_registry_access_level, "enabled");
    assert.equal(app.container_expiration_policy.cadence, "7d");

    const imported = await importRead(repaired, "registry", registryType, "group/app");
    assert.deepEqual(
      {
        project: imported.inputs.project,
        accessLevel: imported.inputs.accessLevel,
        cleanupPolicy: imported.inputs.cleanupPolicy,
      },
      {
        project: "group/app",
        accessLevel: "enabled",
        cleanupPolicy: { ...policy, keepN: 25, enabled: true, nameRegex: ".*" },
      },
    );
    assert.equal(imported.props.projectId, app.id);

    await repaired.destroy();
    assert.equal(app.container_expiration_policy.enabled, false, "delete turns the cleanup policy off");
    assert.equal(app.container_registry_access_level, "enabled", "and leaves the access level");
  });

  it("GitLabRegistry: takes over settings made before it only with adopt, and puts them back on delete", async () => {
    const held = fake.addProject("group/held");
    held.container_registry_access_level = "private";
    const theirs = { cadence: "14d", enabled: true, keep_n: 25, older_than: "30d", name_regex: "dev-.*" };
    Object.assign(held.container_expiration_policy, theirs);
    const program = (adopt: boolean) => () =>
      new GitLabRegistry("registry", {
        connection: fake.connection,
        project: "group/held",
        accessLevel: "enabled",
        cleanupPolicy: { cadence: "7d" },
        adopt,
      });

    const since = fake.requests.length;
    await assert.rejects(run("held", program(false)), (err: Error) => {
      assert.match(
        err.message,
        /gitlab registry group\/held: project group\/held already has accessLevel \(private\)/,
      );
      assert.match(err.message, /and cleanupPolicy \(on: .*"cadence":"14d"/);
      assert.match(err.message, /Set adopt: true/);
      return true;
    });
    assert.deepEqual(
      fake.requests.slice(since).filter((r) => r.method === "PUT"),
      [],
      "refused before any change",
    );

    const up = await run("held", program(true));
    assert.equal(held.container_registry_access_level, "enabled");
    assert.equal(held.container_expiration_policy.cadence, "7d");

    await up.destroy();
    assert.equal(held.container_registry_access_level, "private", "delete puts back the access level found");
    assert.deepEqual(
      { ...held.container_expiration_policy, next_run_at: undefined, name_regex_keep: undefined },
      { ...theirs, next_run_at: undefined, name_regex_keep: undefined },
      "and the cleanup policy found",
    );
  });

  it("GitLabRegistry: refuses cleanup values GitLab does not allow at check, naming each field, before any request", async () => {
    const before = fake.requests.length;
    await assert.rejects(
      run(
        "bad-policy",
        () =>
          new GitLabRegistry("registry", {
            connection: fake.connection,
            project: "group/app",
            accessLevel: "public" as never,
            cleanupPolicy: {
              cadence: "2d" as never,
              keepN: 7 as never,
              olderThan: "1y" as never,
              nameRegex: "(?!keep)",
            },
          }),
      ),
      (err: Error) =>
        [
          /cleanupPolicy\.cadence.*"2d" is not one of GitLab's values/,
          /cleanupPolicy\.keepN.*7 is not one of GitLab's values/,
          /cleanupPolicy\.olderThan.*"1y"/,
          /cleanupPolicy\.nameRegex.*lookaround/,
          /accessLevel.*"public"/,
        ].every((pattern) => pattern.test(err.message)) || assert.fail(err.message),
    );
    assert.equal(fake.requests.length, before, "nothing reached GitLab");
  });

  it("GitLabDeployToken: a create-only secret token, replaced on any change, gone when revoked, imported, deleted", async () => {
    const tokens = project("group/tokens");
    const inProject = () => [...fake.state.deployTokens.values()].filter((t) => t.project_id === tokens.id);
    let credentialsSecret: Promise<boolean> | undefined;
    const deploy = (args: Omit<GitLabDeployTokenArgs, "connection" | "project">, options: Options = {}) =>
      run(
        "deploy-token",
        () => {
          const token = new GitLabDeployToken("pull", {
            connection: fake.connection,
            project: "group/tokens",
            ...args,
          });
          const credentials = gitlabCredentials(token);
          credentialsSecret = pulumi.isSecret(credentials);
          return { credentials };
        },
        options,
      );

    const preview = await run(
      "deploy-token",
      () =>
        new GitLabDeployToken("pull", {
          connection: fake.connection,
          project: later("group/tokens"),
          scopes: ["read_registry"],
        }),
      { preview: true },
    );
    assert.equal(preview.byName("pull", deployTokenType).operation, "create");
    assert.equal(inProject().length, 0, "a preview creates nothing");

    const up = await deploy({ scopes: ["read_registry"], expiresAt: day(60) });
    const created = up.byName("pull", deployTokenType);
    const held = inProject()[0];
    assert.equal(created.outputs.token, held.token);
    assert.ok(created.secretOutputs.includes("token"), `secret outputs: ${created.secretOutputs.join(", ")}`);
    assert.equal(created.id, `${tokens.id}/${held.id}`);
    assert.deepEqual(up.outputs.credentials, {
      server: "registry.gitlab.test",
      username: held.username,
      password: held.token,
    });
    assert.equal(await credentialsSecret, true, "the credentials are a Pulumi secret");
    assert.deepEqual(
      fake.requests
        .filter((r) => JSON.stringify(r.response ?? null).includes(held.token))
        .map((r) => `${r.method} ${r.status}`),
      ["POST 201"],
      "only the create answer carried the token",
    );

    const same = await deploy({ scopes: ["read_registry"], expiresAt: day(60) }, { previous: up });
    assert.equal(same.byName("pull", deployTokenType).operation, "same");

    const widened = await deploy(
      { scopes: ["read_registry", "write_registry"], expiresAt: day(60) },
      { previous: same },
    );
    const replaced = widened.byName("pull", deployTokenType);
    assert.equal(replaced.operation, "replace", "GitLab cannot update a deploy token");
    assert.equal(inProject().length, 1, "the old token is deleted after the new one exists");
    assert.notEqual(inProject()[0].id, held.id);
    assert.equal(replaced.outputs.token, inProject()[0].token);
    assert.deepEqual(inProject()[0].scopes, ["read_registry", "write_registry"]);

    inProject()[0].revoked = true;
    const refreshed = await widened.refresh();
    assert.equal(
      refreshed.resources.some((r) => r.type === deployTokenType),
      false,
      "a revoked token is gone",
    );
    const again = await deploy(
      { scopes: ["read_registry", "write_registry"], expiresAt: day(60) },
      { previous: refreshed },
    );
    assert.equal(again.byName("pull", deployTokenType).operation, "create");
    const current = inProject().find((t) => !t.revoked)!;

    const imported = await importRead(again, "pull", deployTokenType, `group/tokens/${current.id}`);
    assert.deepEqual(
      {
        project: imported.inputs.project,
        name: imported.inputs.name,
        scopes: imported.inputs.scopes,
        expiresAt: imported.inputs.expiresAt,
        username: imported.inputs.username,
      },
      {
        project: "group/tokens",
        name: "pull",
        scopes: ["read_registry", "write_registry"],
        expiresAt: day(60),
        username: current.username,
      },
    );
    assert.equal(imported.props.token, "", "GitLab never shows the token again");
    assert.equal(imported.props.projectId, tokens.id);

    await again.destroy();
    assert.equal(fake.state.deployTokens.has(current.id), false);
  });

  it("GitLabProjectAccessToken: rotates in place by trigger and ahead of expiry, replaces on new scopes, imports, revokes", async () => {
    const bots = project("group/bots");
    const active = () =>
      [...fake.state.accessTokens.values()].filter((t) => t.project_id === bots.id && !t.revoked);
    const deploy = (
      args: Omit<GitLabProjectAccessTokenArgs, "connection" | "project">,
      options: Options = {},
    ) =>
      run(
        "access-token",
        () =>
          new GitLabProjectAccessToken("ci", { connection: fake.connection, project: "group/bots", ...args }),
        options,
      );
    const base: Omit<GitLabProjectAccessTokenArgs, "connection" | "project"> = {
      scopes: ["read_registry", "write_registry"],
      accessLevel: 30,
      lifetimeDays: 30,
    };

    const preview = await run(
      "access-token",
      () =>
        new GitLabProjectAccessToken("ci", {
          connection: fake.connection,
          project: later("group/bots"),
          scopes: ["read_registry"],
        }),
      { preview: true },
    );
    assert.equal(preview.byName("ci", accessTokenType).operation, "create");
    assert.equal(active().length, 0);

    const up = await deploy(base);
    const created = up.byName("ci", accessTokenType);
    const first = active()[0];
    assert.equal(created.outputs.token, first.token);
    assert.ok(created.secretOutputs.includes("token"));
    assert.equal(created.outputs.tokenExpiresAt, day(30));
    assert.equal(first.access_level, 30);

    const same = await deploy(base, { previous: up });
    assert.equal(same.byName("ci", accessTokenType).operation, "same");

    const rotated = await deploy({ ...base, rotate: "2026-q1" }, { previous: same });
    const afterRotation = rotated.byName("ci", accessTokenType);
    assert.equal(afterRotation.operation, "update", "rotation is in place");
    assert.equal(afterRotation.id, created.id, "the resource keeps its ID");
    assert.equal(fake.state.accessTokens.get(first.id)!.revoked, true, "GitLab revoked the old token");
    const second = active()[0];
    assert.equal(afterRotation.outputs.tokenId, second.id);
    assert.equal(afterRotation.outputs.token, second.token);

    second.expires_at = day(2);
    const nearExpiry = await rotated.refresh();
    assert.equal(nearExpiry.byName("ci", accessTokenType).outputs.tokenExpiresAt, day(2));
    const renewed = await deploy({ ...base, rotate: "2026-q1" }, { previous: nearExpiry });
    assert.equal(
      renewed.byName("ci", accessTokenType).operation,
      "update",
      "an up within rotateBeforeDays of expiry rotates",
    );
    assert.equal(active()[0].expires_at, day(30));
    assert.notEqual(active()[0].id, second.id);

    active()[0].revoked = true;
    const refreshed = await renewed.refresh();
    assert.equal(
      refreshed.resources.some((r) => r.type === accessTokenType),
      false,
      "a revoked token is gone",
    );
    const again = await deploy({ ...base, rotate: "2026-q1" }, { previous: refreshed });
    assert.equal(again.byName("ci", accessTokenType).operation, "create");

    const narrowed = await deploy(
      { ...base, scopes: ["read_registry"], rotate: "2026-q1" },
      { previous: again },
    );
    assert.equal(
      narrowed.byName("ci", accessTokenType).operation,
      "replace",
      "GitLab cannot change a token's scopes",
    );
    assert.deepEqual(
      active().map((t) => t.scopes),
      [["read_registry"]],
      "the old token is revoked after the new one exists",
    );

    const current = active()[0];
    const imported = await importRead(narrowed, "ci", accessTokenType, `group/bots/${current.id}`);
    assert.deepEqual(
      {
        scopes: imported.inputs.scopes,
        accessLevel: imported.inputs.accessLevel,
        expiresAt: imported.inputs.expiresAt,
        lifetimeDays: imported.inputs.lifetimeDays,
      },
      { scopes: ["read_registry"], accessLevel: 30, expiresAt: day(30), lifetimeDays: 0 },
    );
    assert.equal(imported.props.token, "");

    await narrowed.destroy();
    assert.equal(active().length, 0, "delete revokes the token");
  });

  it("GitLabProtectedRepositoryRule: created, updated in place, drift repaired, a taken pattern refused, imported, deleted", async () => {
    const rules = project("group/rules");
    const held = () => [...fake.state.protectionRules.values()].filter((r) => r.project_id === rules.id);
    const deploy = (
      args: Omit<GitLabProtectedRepositoryRuleArgs, "connection" | "project">,
      options: Options = {},
      stack = "rule",
    ) =>
      run(
        stack,
        () =>
          new GitLabProtectedRepositoryRule("releases", {
            connection: fake.connection,
            project: "group/rules",
            ...args,
          }),
        options,
      );

    const preview = await run(
      "rule",
      () =>
        new GitLabProtectedRepositoryRule("releases", {
          connection: fake.connection,
          project: "group/rules",
          repositoryPathPattern: later("group/rules/release*"),
        }),
      { preview: true },
    );
    assert.equal(preview.byName("releases", ruleType).operation, "create");
    assert.equal(held().length, 0);

    const up = await deploy({ repositoryPathPattern: "group/rules/release*" });
    const rule = held()[0];
    assert.deepEqual(
      [
        rule.repository_path_pattern,
        rule.minimum_access_level_for_push,
        rule.minimum_access_level_for_delete,
      ],
      ["group/rules/release*", "maintainer", "maintainer"],
    );
    assert.equal(up.byName("releases", ruleType).id, `${rules.id}/${rule.id}`);
    assert.equal(
      (await deploy({ repositoryPathPattern: "group/rules/release*" }, { previous: up })).byName(
        "releases",
        ruleType,
      ).operation,
      "same",
    );

    const changed = await deploy(
      {
        repositoryPathPattern: "group/rules/stable*",
        minimumAccessLevelForPush: "owner",
        minimumAccessLevelForDelete: "",
      },
      { previous: up },
    );
    assert.equal(changed.byName("releases", ruleType).operation, "update");
    assert.deepEqual(held(), [
      {
        ...rule,
        repository_path_pattern: "group/rules/stable*",
        minimum_access_level_for_push: "owner",
        minimum_access_level_for_delete: null,
      },
    ]);

    rule.minimum_access_level_for_delete = "admin";
    const refreshed = await changed.refresh();
    assert.equal(refreshed.byName("releases", ruleType).outputs.minimumAccessLevelForDelete, "admin");
    const args = {
      repositoryPathPattern: "group/rules/stable*",
      minimumAccessLevelForPush: "owner",
      minimumAccessLevelForDelete: "",
    } as const;
    const repaired = await deploy(args, { previous: refreshed });
    assert.equal(repaired.byName("releases", ruleType).operation, "update");
    assert.equal(rule.minimum_access_level_for_delete, null);

    await assert.rejects(
      deploy(args, {}, "rule-other"),
      (err: Error) =>
        /gitlab protection rule group\/rules\/stable\*: .*422.*already been taken/.test(err.message) ||
        assert.fail(err.message),
    );
    assert.equal(held().length, 1, "the rule made elsewhere is not taken over");

    const imported = await importRead(repaired, "releases", ruleType, `group/rules/${rule.id}`);
    assert.deepEqual(
      {
        pattern: imported.inputs.repositoryPathPattern,
        push: imported.inputs.minimumAccessLevelForPush,
        del: imported.inputs.minimumAccessLevelForDelete,
      },
      { pattern: "group/rules/stable*", push: "owner", del: "" },
    );

    await repaired.destroy();
    assert.equal(held().length, 0);
  });
});
