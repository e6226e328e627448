/**
 * The Harbor fake holds requests and its own responses to Harbor's published API description, and
 * keeps Harbor's documented behaviours: these prove it can fail.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";

let fake: HarborFake;

function call(
  method: string,
  path: string,
  options: { body?: unknown; auth?: boolean; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== false)
    headers.authorization = `Basic ${Buffer.from(`${fake.username}:${fake.password}`).toString("base64")}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${fake.url}/api/v2.0${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** The violations recorded since `mark`, leaving the list as it was before. */
function violationsSince(mark: number): string[] {
  return fake.violations.splice(mark);
}

describe("the Harbor fake", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());

  it("answers a request that keeps the contract with 201 and Harbor's Location, recording nothing", async () => {
    const res = await call("POST", "/projects", {
      body: { project_name: "apps", metadata: { public: "false" } },
    });
    assert.equal(res.status, 201);
    const id = [...fake.state.projects.values()].find((p) => p.name === "apps")!.project_id;
    assert.equal(res.headers.get("location"), `/api/v2.0/projects/${id}`);
    const got = await call("GET", "/projects/apps", { headers: { "X-Is-Resource-Name": "true" } });
    assert.equal(((await got.json()) as { name: string }).name, "apps");
    assert.deepEqual(fake.violations, []);
  });

  it("requires basic auth: 401 without it, 401 with a wrong password", async () => {
    assert.equal((await call("GET", "/projects", { auth: false })).status, 401);
    const wrong = await fetch(`${fake.url}/api/v2.0/projects`, {
      headers: { authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}` },
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(fake.violations, []);
  });

  it("records a body field the contract does not have", async () => {
    const mark = fake.violations.length;
    const res = await call("POST", "/projects", { body: { projectname: "typo" } });
    assert.equal(res.status, 400);
    const found = violationsSince(mark);
    assert.ok(
      found.some((v) => v.includes("createProject") && v.includes("additional properties")),
      found.join("\n"),
    );
  });

  it("records a metadata value of the wrong type and a query parameter of the wrong type", async () => {
    const mark = fake.violations.length;
    await call("POST", "/projects", { body: { project_name: "typed", metadata: { auto_scan: true } } });
    await call("GET", "/projects?page_size=many");
    await call("GET", "/projects?colour=blue");
    const found = violationsSince(mark);
    assert.ok(
      found.some((v) => v.includes("/metadata/auto_scan must be string")),
      found.join("\n"),
    );
    assert.ok(
      found.some((v) => v.includes("page_size") && v.includes("not an integer")),
      found.join("\n"),
    );
    assert.ok(
      found.some((v) => v.includes("colour is not in the contract")),
      found.join("\n"),
    );
  });

  it("records a path that is no operation, a body where none is taken, and a cookie sent back", async () => {
    const mark = fake.violations.length;
    assert.equal((await call("GET", "/projectz")).status, 404);
    await call("DELETE", "/robots/999", { body: { x: 1 } });
    await call("GET", "/projects", { headers: { cookie: "sid=abc" } });
    const found = violationsSince(mark);
    assert.ok(
      found.some((v) => v.includes("/projectz is no operation")),
      found.join("\n"),
    );
    assert.ok(
      found.some((v) => v.includes("takes no request body")),
      found.join("\n"),
    );
    assert.ok(
      found.some((v) => v.includes("sent a cookie")),
      found.join("\n"),
    );
  });

  it("records its own response when state edited by a test breaks the contract", async () => {
    const project = [...fake.state.projects.values()].find((p) => p.name === "apps")!;
    const mark = fake.violations.length;
    (project.metadata as Record<string, unknown>).public = false;
    await call("GET", `/projects/${project.project_id}`);
    project.metadata.public = "false";
    const found = violationsSince(mark);
    assert.ok(
      found.some((v) => v.startsWith("response:") && v.includes("/metadata/public must be string")),
      found.join("\n"),
    );
  });

  it("answers 409 to a duplicate name and 412 to deleting a project that holds repositories", async () => {
    const again = await call("POST", "/projects", { body: { project_name: "apps" } });
    assert.equal(again.status, 409);
    assert.match(
      ((await again.json()) as { errors: { message: string }[] }).errors[0].message,
      /apps already exists/,
    );
    fake.pushRepository("apps", "apps/web");
    const refused = await call("DELETE", "/projects/apps", { headers: { "X-Is-Resource-Name": "true" } });
    assert.equal(refused.status, 412);
    assert.ok(
      [...fake.state.projects.values()].some((p) => p.name === "apps"),
      "the project is kept",
    );
    assert.deepEqual(fake.violations, []);
  });

  it("returns a robot's secret on create and refresh only", async () => {
    const permissions = [
      { kind: "project", namespace: "apps", access: [{ resource: "repository", action: "pull" }] },
    ];
    const created = await call("POST", "/robots", {
      body: { name: "ci", level: "project", duration: -1, permissions },
    });
    assert.equal(created.status, 201);
    const robot = (await created.json()) as { id: number; name: string; secret: string };
    assert.equal(robot.name, "robot$apps+ci");
    assert.ok(robot.secret.length >= 8);
    assert.equal(created.headers.get("location"), `/api/v2.0/robots/${robot.id}`);
    const read = (await (await call("GET", `/robots/${robot.id}`)).json()) as Record<string, unknown>;
    assert.equal(read.secret, undefined);
    const refreshed = (await (await call("PATCH", `/robots/${robot.id}`, { body: {} })).json()) as {
      secret: string;
    };
    assert.notEqual(refreshed.secret, robot.secret);
    assert.equal(fake.state.robots.get(robot.id)!.secret, refreshed.secret);
    assert.deepEqual(fake.violations, []);
  });
});
