import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { runProgram, type ProgramRun } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { engineClient } from "../../provider/shared/engine";
import { loadExample } from "../support/example-program";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const stack = `e2e-${randomBytes(3).toString("hex")}`;
const ownedByRun = `label=berth.stack=${stack}`;
const webPort = "18080";
const swarmService = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";

/** Loads the root project's program afresh, as each `pulumi up` does. */
function rootProgram(): unknown {
  return loadExample("local");
}

function up(apiToken: string, previous?: ProgramRun): Promise<ProgramRun> {
  return runProgram(rootProgram, {
    project: "berth",
    stack,
    config: { image: "local/busybox:1", webPort, apiToken },
    secretConfig: ["apiToken"],
    previous,
  });
}

/** What a container attached to the app's network gets from `url` (busybox wget). */
function fetchInside(network: string, url: string): string {
  return docker("run", "--rm", "--network", network, "local/busybox:1", "wget", "-qO-", url);
}

async function tasksOf(serviceId: string) {
  return (await engineClient().listTasks({
    filters: JSON.stringify({ service: [serviceId], "desired-state": ["running"] }),
  })) as { Status: { State: string; ContainerStatus?: { ContainerID: string } } }[];
}

async function containersOf(serviceId: string): Promise<string[]> {
  return (await tasksOf(serviceId)).map((t) => t.Status.ContainerStatus?.ContainerID ?? "");
}

function ownedObjects(): Record<string, string> {
  return Object.fromEntries(
    ["service", "secret", "config", "network"].map((kind) => [
      kind,
      docker(kind, "ls", "-q", "--filter", ownedByRun),
    ]),
  );
}

describe("examples/local (the root project) through the harness, on the real swarm", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    for (const kind of ["service", "secret", "config", "network"]) {
      const ids = docker(kind, "ls", "-q", "--filter", ownedByRun);
      if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
    }
  });

  it("deploys the app, serves HTTP, rotates the secret on a second run, and destroys everything", async (t) => {
    if (!(await needEngine(t))) return;
    const first = await up("token-one");
    const services = first.outputs.services as Record<string, string>;
    const network = first.outputs.network as string;
    assert.equal(first.outputs.url, `http://localhost:${webPort}/`);
    assert.equal(network, "local-default");

    // Every service converged: each wanted task runs, and the replicas are what the program asked for.
    for (const [name, replicas] of [
      ["web", 2],
      ["api", 2],
      ["worker", 1],
    ] as const) {
      const tasks = await tasksOf(services[name]);
      assert.equal(tasks.length, replicas, `${name} tasks`);
      assert.ok(
        tasks.every((task) => task.Status.State === "running"),
        `${name}: ${JSON.stringify(tasks)}`,
      );
    }

    // HTTP: the web front serves its config file, and reaches the API by service name (web -> api).
    assert.match(fetchInside(network, "http://tasks.web/"), /Served by Berth's web service/);
    assert.equal(fetchInside(network, "http://tasks.web/cgi-bin/api"), "api: ok");

    // The published port is what users get on their machines (the routing mesh, checked through the API).
    const webSpec = JSON.parse(docker("service", "inspect", services.web, "--format", "{{json .Spec}}"));
    assert.deepEqual(webSpec.EndpointSpec.Ports, [
      { Protocol: "tcp", TargetPort: 80, PublishedPort: Number(webPort), PublishMode: "ingress" },
    ]);

    // The secret is mounted with its content, and travels as a Pulumi secret.
    const [apiContainer] = await containersOf(services.api);
    assert.equal(docker("exec", apiContainer, "cat", "/run/secrets/token"), "token-one");
    assert.ok(first.byName("api-secret-token").secretInputs.includes("data"));
    assert.ok(first.byName("worker", swarmService).secretInputs.includes("secretEnv"));
    const [workerContainer] = await containersOf(services.worker);
    assert.match(docker("exec", workerContainer, "env"), /^API_TOKEN=token-one$/m);
    assert.equal(JSON.stringify(first.outputs).includes("token-one"), false, "no secret in stack outputs");

    // A second run with a new token: a new secret first, the services moved to it, then the old one goes.
    const oldSecret = first.byName("api-secret-token");
    const second = await up("token-two", first);
    assert.equal(second.byName("api-secret-token").operation, "replace");
    assert.equal(second.byName("api", swarmService).operation, "update");
    assert.equal(second.byName("web", swarmService).operation, "same");
    assert.deepEqual(
      second.deleted.map((r) => r.name),
      ["api-secret-token"],
    );
    assert.equal(docker("secret", "ls", "-q", "--filter", `id=${oldSecret.id}`), "");
    for (const container of await containersOf(services.api)) {
      assert.equal(docker("exec", container, "cat", "/run/secrets/token"), "token-two");
    }
    const [rotatedWorker] = await containersOf(services.worker);
    assert.match(docker("exec", rotatedWorker, "env"), /^API_TOKEN=token-two$/m);
    assert.equal(fetchInside(network, "http://tasks.web/cgi-bin/api"), "api: ok");

    await second.destroy();
    assert.deepEqual(ownedObjects(), { service: "", secret: "", config: "", network: "" });
    // The swarm was active before the run, so the run left it on.
    assert.equal(docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "active");
    assert.equal(first.byName("local-swarm").outputs.initialized, false);
  });
});
