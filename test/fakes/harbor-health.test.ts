/**
 * HarborRegistry's health wait through the test engine and Pulumi's own dynamic-provider host,
 * against the contract-checked Harbor fake: nothing is configured before `/api/v2.0/health` reports
 * healthy, an unhealthy component is named in the error, and a Harbor that never answers times out.
 */
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import net from "net";
import assert from "node:assert/strict";
import { HarborProject } from "../../components/registry/harbor";
import { HarborRegistry } from "../../components/registry/harbor/registry";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { runProgram } from "../support/harness";

let fake: HarborFake;
const healthType = "pulumi-nodejs:dynamic/berth/harbor:HarborHealth";
const projectType = "pulumi-nodejs:dynamic/berth/harbor:HarborProject";

function harborWithProject(url: string, healthTimeoutSeconds: number) {
  return () => {
    const harbor = new HarborRegistry("harbor", {
      existing: { url, password: fake.password },
      healthTimeoutSeconds,
      allowInsecureHttp: true,
    });
    const project = new HarborProject("apps", { connection: harbor.connection, name: "apps" });
    return { url: harbor.url, server: harbor.server, projectId: project.projectId };
  };
}

const healthy = () => ({
  status: "healthy" as const,
  components: ["core", "database", "registry"].map((name) => ({ name, status: "healthy" as const })),
});

/** A loopback URL where no process listens: a Harbor that never answers. */
async function nowhere(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Makes Harbor healthy once it has been asked for its health `polls` times. */
function healthyAfter(polls: number): () => void {
  const timer = setInterval(() => {
    if (fake.requests.filter((r) => r.operationId === "getHealth").length >= polls)
      fake.state.health = healthy();
  }, 20);
  return () => clearInterval(timer);
}

describe("HarborRegistry's health wait, through Pulumi's dynamic-provider host, on the Harbor fake", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());
  beforeEach(() => fake.requests.splice(0));
  afterEach(() => {
    fake.state.health = healthy();
    assert.deepEqual(fake.violations.splice(0), [], "requests and responses keep Harbor's contract");
  });

  it("configures Harbor only after it reports healthy, and waits while a component is unhealthy", async () => {
    fake.state.health = {
      status: "unhealthy",
      components: [
        { name: "core", status: "healthy" },
        { name: "database", status: "unhealthy", error: "dial tcp 10.0.0.5:5432: connection refused" },
      ],
    };
    const stop = healthyAfter(2);
    const up = await runProgram(harborWithProject(fake.url, 30), {
      project: "harbor-health",
      stack: "up",
    }).finally(stop);
    after(() => up.destroy());

    const health = up.byName("harbor-health", healthType);
    assert.deepEqual(health.outputs.components, ["core", "database", "registry"]);
    assert.equal(up.outputs.url, fake.url);
    assert.equal(up.outputs.server, new URL(fake.url).host);
    const order = fake.requests.map((r) => r.operationId);
    assert.ok(
      order.filter((o) => o === "getHealth").length >= 2,
      `health was polled again: ${order.join(", ")}`,
    );
    const firstWrite = order.findIndex((o) => o !== "getHealth");
    assert.ok(firstWrite > 0, "something was configured");
    assert.ok(
      order.slice(firstWrite).every((o) => o !== "getHealth"),
      `every health poll came before the first project call: ${order.join(", ")}`,
    );
    assert.equal(
      (fake.requests[firstWrite - 1].response as { status?: string } | undefined)?.status,
      "healthy",
      "the last poll before configuring found Harbor healthy",
    );
    assert.ok(up.byName("apps", projectType).secretOutputs.includes("connection"));
  });

  it("fails naming the unhealthy component and its error, and configures nothing", async () => {
    fake.state.health = {
      status: "unhealthy",
      components: [
        { name: "core", status: "healthy" },
        { name: "redis", status: "unhealthy", error: "NOAUTH Authentication required" },
      ],
    };
    const started = Date.now();
    await assert.rejects(
      runProgram(harborWithProject(fake.url, 2), { project: "harbor-health", stack: "sick" }),
      (err: Error) => {
        assert.match(err.message, /not healthy after 2s/);
        assert.match(err.message, /redis unhealthy \(NOAUTH Authentication required\)/);
        assert.equal(/core unhealthy/.test(err.message), false, "only the unhealthy component is named");
        assert.equal(err.message.includes(fake.password), false, "the password is not in the message");
        return true;
      },
    );
    assert.ok(Date.now() - started >= 1500, "it waited for the timeout");
    assert.deepEqual(
      [...new Set(fake.requests.map((r) => r.operationId))],
      ["getHealth"],
      "nothing but health was asked for",
    );
    assert.equal(fake.state.projects.size, 0);
  });

  it("times out on a Harbor that never answers, saying so", async () => {
    const url = await nowhere();
    await assert.rejects(
      runProgram(harborWithProject(url, 1), { project: "harbor-health", stack: "gone" }),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`harbor ${url}: not healthy after 1s: no answer \\(ECONNREFUSED\\)`),
        );
        return true;
      },
    );
  });
});
