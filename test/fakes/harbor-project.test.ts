/**
 * HarborProject through the test engine and Pulumi's own dynamic-provider host, against the
 * contract-checked Harbor fake: create, no change, update, drift, delete, import, Harbor's 409 and
 * 412, secrets in state, and previews with unknown inputs. Every test ends with the fake having seen
 * no request, and sent no response, outside Harbor's published API description.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { HarborProject, type HarborProjectArgs } from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: HarborFake;
const projectType = "pulumi-nodejs:dynamic/berth/harbor:HarborProject";

function projectNamed(name: string) {
  return [...fake.state.projects.values()].find((p) => p.name === name);
}

function quotaOf(projectId: number) {
  return [...fake.state.quotas.values()].find((q) => q.ref.id === projectId);
}

function deploy(
  args: Omit<HarborProjectArgs, "connection">,
  options: { previous?: ProgramRun; preview?: boolean } = {},
) {
  return runProgram(
    () => {
      const project = new HarborProject("apps", { connection: fake.connection, ...args });
      return { projectId: project.projectId };
    },
    { project: "harbor-e2e", stack: "test", ...options },
  );
}

describe("HarborProject through Pulumi's dynamic-provider host, on the Harbor fake", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());
  afterEach(() =>
    assert.deepEqual(fake.violations.splice(0), [], "requests and responses keep Harbor's contract"),
  );

  it("creates, keeps, updates, detects drift, repairs it and deletes a project", async () => {
    const args = { name: "lifecycle", autoScan: true, severity: "high" as const };
    const up = await deploy(args);
    const resource = up.byName("apps", projectType);
    assert.equal(resource.operation, "create");
    const created = projectNamed("lifecycle");
    assert.ok(created, "Harbor holds the project");
    assert.equal(resource.id, String(created.project_id));
    assert.equal(up.outputs.projectId, created.project_id);
    assert.deepEqual(created.metadata, {
      public: "false",
      auto_scan: "true",
      prevent_vul: "false",
      severity: "high",
      reuse_sys_cve_allowlist: "true",
    });
    // The connection carries the admin password: secret in state, whether or not it was given as one.
    assert.ok(resource.secretOutputs.includes("connection"), String(resource.secretOutputs));

    const same = await deploy(args, { previous: up });
    assert.equal(same.byName("apps", projectType).operation, "same");
    const writes = fake.requests.filter((r) => r.method !== "GET");
    const changed = await deploy(
      { ...args, public: true, storageLimitBytes: 10 * 1024 ** 3 },
      { previous: same },
    );
    assert.equal(changed.byName("apps", projectType).operation, "update");
    assert.equal(created.metadata.public, "true");
    assert.equal(quotaOf(created.project_id)!.hard.storage, 10 * 1024 ** 3);
    const quotaWrites = fake.requests
      .slice(writes.length)
      .filter((r) => r.operationId === "updateQuota" || r.operationId === "updateProject");
    assert.ok(
      quotaWrites.some((r) => r.operationId === "updateQuota"),
      "the quota changes through /quotas",
    );

    // Someone changes the project in Harbor.
    created.metadata.auto_scan = "false";
    created.metadata.severity = "low";
    quotaOf(created.project_id)!.hard.storage = -1;
    const refreshed = await changed.refresh();
    const drifted = refreshed.byName("apps", projectType).outputs;
    assert.equal(drifted.autoScan, false);
    assert.equal(drifted.severity, "low");
    assert.equal(drifted.storageLimitBytes, -1);
    const repaired = await deploy(
      { ...args, public: true, storageLimitBytes: 10 * 1024 ** 3 },
      { previous: refreshed },
    );
    assert.equal(repaired.byName("apps", projectType).operation, "update");
    assert.equal(created.metadata.auto_scan, "true");
    assert.equal(created.metadata.severity, "high");
    assert.equal(quotaOf(created.project_id)!.hard.storage, 10 * 1024 ** 3);

    await repaired.destroy();
    assert.equal(projectNamed("lifecycle"), undefined, "destroy deletes the project");
    assert.equal(quotaOf(created.project_id), undefined);
  });

  it("a refresh reports a project deleted in Harbor as gone, and up makes it again", async () => {
    const up = await deploy({ name: "vanishing" });
    fake.state.projects.delete(projectNamed("vanishing")!.project_id);
    const refreshed = await up.refresh();
    assert.equal(
      refreshed.resources.some((r) => r.type === projectType),
      false,
    );
    const again = await deploy({ name: "vanishing" }, { previous: refreshed });
    assert.equal(again.byName("apps", projectType).operation, "create");
    assert.ok(projectNamed("vanishing"));
    await again.destroy();
  });

  it("reports Harbor's 409 on a name that exists as a refusal naming the project", async () => {
    const other = await deploy({ name: "taken" });
    await assert.rejects(
      runProgram(() => new HarborProject("second", { connection: fake.connection, name: "taken" }), {
        project: "harbor-e2e",
        stack: "other",
      }),
      (err: Error) =>
        /harbor project taken already exists in Harbor and is not this resource's; Berth will not take it over/.test(
          err.message,
        ),
    );
    await other.destroy();
  });

  it("reports Harbor's 412 when the project still holds repositories, and keeps the project", async () => {
    const up = await deploy({ name: "holding" });
    fake.pushRepository("holding", "holding/web");
    await assert.rejects(up.destroy(), (err: Error) =>
      /harbor project holding: Harbor refuses to delete it while it still holds repositories/.test(
        err.message,
      ),
    );
    assert.ok(projectNamed("holding"), "the project is kept");
    projectNamed("holding")!.repositories = [];
    await up.destroy();
    assert.equal(projectNamed("holding"), undefined);
  });

  it("refuses bad input before any API call, naming the field", async () => {
    const before = fake.requests.length;
    await assert.rejects(deploy({ name: "Bad Name", severity: "severe" as never }), (err: Error) =>
      /name.*lower-case letters[\s\S]*severity.*must be one of/.test(err.message),
    );
    assert.equal(fake.requests.length, before, "nothing reached Harbor");
  });

  it("imports a project by ID with empty state, the connection from the environment", async () => {
    const up = await deploy({ name: "imported", preventVulnerable: true, cveAllowlist: ["CVE-2024-1"] });
    const id = up.byName("apps", projectType).id!;
    const provider = loadSerializedProvider(up.byName("apps", projectType).providerText!);
    await fake.inEnvironment(async () => {
      const read = await provider.read!(id, {});
      assert.equal(read.id, id);
      const inputs = (read as { inputs?: Record<string, unknown> }).inputs;
      assert.deepEqual(
        { ...inputs, connection: undefined },
        {
          connection: undefined,
          name: "imported",
          public: false,
          autoScan: false,
          preventVulnerable: true,
          severity: "low",
          reuseSystemCveAllowlist: true,
          cveAllowlist: ["CVE-2024-1"],
          storageLimitBytes: -1,
        },
      );
      assert.equal(read.props?.projectId, Number(id));
      assert.deepEqual(await provider.read!("999999", {}), {}, "an ID Harbor does not have reads as gone");
    });
    await up.destroy();
  });

  it("previews a project whose name is not known yet, creating nothing", async () => {
    const before = fake.state.projects.size;
    const run = await runProgram(
      () => {
        const first = new HarborProject("first", { connection: fake.connection, name: "first" });
        new HarborProject("copy", {
          connection: fake.connection,
          name: first.projectId.apply((id) => `copy-${id}`),
        });
      },
      { project: "harbor-e2e", stack: "preview", preview: true },
    );
    const copy = run.byName("copy", projectType);
    assert.equal(copy.operation, "create");
    assert.equal(copy.programInputs.name, unknownValue);
    assert.equal(fake.state.projects.size, before, "a preview creates nothing");
  });
});
