/**
 * The GitLab fake keeps GitLab's documented request and answer shapes for the endpoints Berth uses,
 * and records every request that breaks them: these prove it can fail.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type GitLabFake, startGitLabFake } from "../support/gitlab-fake";

let fake: GitLabFake;

async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (options.token !== null) headers["PRIVATE-TOKEN"] = options.token ?? fake.token;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${fake.url}/api/v4${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The violations recorded since `mark`, taken off the list. */
const violationsSince = (mark: number) => fake.violations.splice(mark);

describe("the GitLab fake", () => {
  before(async () => {
    fake = await startGitLabFake();
    fake.addProject("group/app");
  });
  after(() => fake.close());

  it("serves a project by URL-encoded path and sets its registry settings, recording nothing", async () => {
    const got = await call("GET", "/projects/group%2Fapp");
    assert.equal(got.status, 200);
    const id = (got.body as { id: number }).id;
    const edited = await call("PUT", `/projects/${id}`, {
      body: {
        container_registry_access_level: "private",
        container_expiration_policy_attributes: {
          cadence: "7d",
          keep_n: 5,
          older_than: "14d",
          enabled: true,
        },
      },
    });
    assert.equal(edited.status, 200);
    const policy = (edited.body as { container_expiration_policy: Record<string, unknown> })
      .container_expiration_policy;
    assert.deepEqual(
      [policy.cadence, policy.keep_n, policy.older_than, policy.enabled],
      ["7d", 5, "14d", true],
    );
    assert.deepEqual(fake.violations, []);
  });

  it("answers 401 without PRIVATE-TOKEN or with a wrong one", async () => {
    assert.deepEqual(await call("GET", "/projects/group%2Fapp", { token: null }), {
      status: 401,
      body: { message: "401 Unauthorized" },
    });
    assert.equal((await call("GET", "/projects/group%2Fapp", { token: "glpat-wrong" })).status, 401);
  });

  it("refuses a body field GitLab does not document and a cleanup value GitLab does not allow", async () => {
    const mark = fake.violations.length;
    const typo = await call("PUT", "/projects/group%2Fapp", {
      body: { container_expiration_policy_attributes: { keepN: 5 } },
    });
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.body, {
      error: "container_expiration_policy_attributes[keepN] is not a parameter of this endpoint",
    });
    const cadence = await call("PUT", "/projects/group%2Fapp", {
      body: { container_expiration_policy_attributes: { cadence: "2d" } },
    });
    assert.deepEqual(cadence.body, {
      error: "container_expiration_policy_attributes[cadence] does not have a valid value",
    });
    const keep = await call("PUT", "/projects/group%2Fapp", {
      body: { container_expiration_policy_attributes: { keep_n: 7 } },
    });
    assert.equal(keep.status, 400);
    const found = violationsSince(mark);
    assert.equal(found.length, 3, found.join("\n"));
    assert.match(found[0], /keepN/);
    assert.match(found[1], /cadence/);
    assert.match(found[2], /keep_n/);
  });

  it("answers GitLab's 404 for what does not exist, and records a path that is not URL-encoded", async () => {
    assert.deepEqual(await call("GET", "/projects/group%2Fnone"), {
      status: 404,
      body: { message: "404 Project Not Found" },
    });
    assert.deepEqual(fake.violations, [], "asking for a missing project is no mistake");
    const mark = fake.violations.length;
    assert.equal((await call("GET", "/projects/group/app")).status, 404);
    assert.match(violationsSince(mark).join("\n"), /URL-encoded/);
  });

  it("shows a deploy token's token only in the create answer, and refuses an unknown scope", async () => {
    const created = await call("POST", "/projects/group%2Fapp/deploy_tokens", {
      body: { name: "pull", scopes: ["read_registry"] },
    });
    assert.equal(created.status, 201);
    const token = created.body as { id: number; token: string; username: string };
    assert.match(token.token, /^gldt-/);
    assert.equal(token.username, `gitlab+deploy-token-${token.id}`);
    const shown = await call("GET", `/projects/group%2Fapp/deploy_tokens/${token.id}`);
    assert.equal((shown.body as { token?: string }).token, undefined);
    assert.deepEqual(fake.violations, []);
    const mark = fake.violations.length;
    const bad = await call("POST", "/projects/group%2Fapp/deploy_tokens", {
      body: { name: "x", scopes: ["pull_registry"] },
    });
    assert.deepEqual(bad, { status: 400, body: { error: "scopes does not have a valid value" } });
    assert.equal(violationsSince(mark).length, 1);
  });

  it("rotates an access token into a new one and revokes the old, and requires expires_at", async () => {
    const expires = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const created = await call("POST", "/projects/group%2Fapp/access_tokens", {
      body: { name: "ci", scopes: ["read_registry"], expires_at: expires, access_level: 20 },
    });
    const old = created.body as { id: number; token: string };
    const rotated = await call("POST", `/projects/group%2Fapp/access_tokens/${old.id}/rotate`, {
      body: { expires_at: expires },
    });
    assert.equal(rotated.status, 200);
    const fresh = rotated.body as { id: number; token: string; access_level: number };
    assert.notEqual(fresh.id, old.id);
    assert.notEqual(fresh.token, old.token);
    assert.equal(fresh.access_level, 20);
    const before = await call("GET", `/projects/group%2Fapp/access_tokens/${old.id}`);
    assert.deepEqual(
      [(before.body as { revoked: boolean }).revoked, (before.body as { active: boolean }).active],
      [true, false],
    );
    assert.equal(
      (await call("POST", `/projects/group%2Fapp/access_tokens/${old.id}/rotate`, { body: {} })).status,
      400,
    );
    assert.deepEqual(fake.violations, []);
    const mark = fake.violations.length;
    const missing = await call("POST", "/projects/group%2Fapp/access_tokens", {
      body: { name: "x", scopes: ["api"] },
    });
    assert.deepEqual(missing.body, { error: "expires_at is missing" });
    assert.equal(violationsSince(mark).length, 1);
  });

  it("keeps GitLab's rules for protection rules: the project's path first, one rule per pattern", async () => {
    const rules = "/projects/group%2Fapp/registry/protection/repository/rules";
    const rule = {
      repository_path_pattern: "group/app/release*",
      minimum_access_level_for_push: "maintainer",
    };
    assert.equal((await call("POST", rules, { body: rule })).status, 201);
    assert.deepEqual(await call("POST", rules, { body: rule }), {
      status: 422,
      body: { message: "Repository path pattern has already been taken" },
    });
    assert.equal(
      (
        await call("POST", rules, {
          body: { repository_path_pattern: "other/*", minimum_access_level_for_push: "owner" },
        })
      ).status,
      422,
    );
    assert.deepEqual(fake.violations, [], "GitLab's refusals are answers, not mistakes");
    const mark = fake.violations.length;
    const bad = await call("POST", rules, {
      body: { repository_path_pattern: "group/app/x", minimum_access_level_for_push: "developer" },
    });
    assert.deepEqual(bad.body, { error: "minimum_access_level_for_push does not have a valid value" });
    assert.equal(violationsSince(mark).length, 1);
  });
});
