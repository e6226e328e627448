/**
 * The lifecycle the Pulumi engine puts dynamic resources through (preview, up, refresh, failed create,
 * destroy, new connection, rename, import), each run through the test engine and Pulumi's own
 * dynamic-provider host against the real swarm; the root project (examples/local) among them, serving
 * its users over HTTP through a secret rotation.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  runProgram,
  type ProgramRun,
  type RecordedResource,
  unknownValue,
  failedRun,
} from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled } from "../support/cleanup";
import { ContainerService } from "../../components/service";
import { LocalSwarm } from "../../components/swarm";
import { normalizeService, renderSwarm } from "../../components/spec";
import { SwarmService } from "../../provider/swarm";
import type { ProviderServiceSpec } from "../../provider/swarm/service-spec";
import { loadExample } from "../support/example-program";
import { engineClient } from "../../provider/shared/engine";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const image = "local/busybox:1";
const swarmServiceType = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";
const fileKinds = ["service", "secret", "config", "network"] as const;

/** The stack the example runs as; everything it makes carries `berth.stack=<stack>`. */
const exampleStack = `e2e-life-${randomBytes(3).toString("hex")}`;
/** The project the small programs run as; everything they make carries `berth.project=<project>`. */
const project = `berth-test-${randomBytes(4).toString("hex")}`;

function labelled(label: string): Record<string, string> {
  return Object.fromEntries(
    fileKinds.map((kind) => [kind, docker(kind, "ls", "-q", "--filter", `label=${label}`)]),
  );
}

function removeByLabel(label: string): void {
  for (const kind of fileKinds) {
    const ids = docker(kind, "ls", "-q", "--filter", `label=${label}`);
    if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
  }
}

function hasUnknown(value: unknown): boolean {
  return JSON.stringify(value).includes(unknownValue);
}

function operations(run: ProgramRun): Record<string, string | undefined> {
  return Object.fromEntries(run.resources.filter((r) => r.custom).map((r) => [r.urn, r.operation]));
}

function inspectService<T>(id: string, field: string): T {
  return JSON.parse(docker("service", "inspect", id, "--format", `{{json ${field}}}`)) as T;
}

/** Loads examples/local afresh, as each `pulumi up` does. */
function exampleProgram(): unknown {
  return loadExample("local");
}

const examplePort = "18081";

function runExample(apiToken: string, options: { preview?: boolean; previous?: ProgramRun } = {}) {
  return runProgram(exampleProgram, {
    project: "berth",
    stack: exampleStack,
    config: { image, webPort: examplePort, apiToken },
    secretConfig: ["apiToken"],
    ...options,
  });
}

/** What a container attached to the app's network gets from `url` (busybox wget). */
function fetchInside(network: string, url: string): string {
  return docker("run", "--rm", "--network", network, image, "wget", "-qO-", url);
}

async function tasksOf(serviceId: string) {
  return (await engineClient().listTasks({
    filters: JSON.stringify({ service: [serviceId], "desired-state": ["running"] }),
  })) as { Status: { State: string; ContainerStatus?: { ContainerID: string } } }[];
}

async function containersOf(serviceId: string): Promise<string[]> {
  return (await tasksOf(serviceId)).map((t) => t.Status.ContainerStatus?.ContainerID ?? "");
}

/**
 * The example app as its users get it: every service converged to its replicas, the web front serving
 * its config file and reaching the API by service name, its published port, and `token` mounted as
 * the API's secret and set in the worker's environment, travelling only as a Pulumi secret.
 */
async function assertServing(
  run: ProgramRun,
  services: Record<string, string>,
  network: string,
  token: string,
) {
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
  assert.match(fetchInside(network, "http://tasks.web/"), /Served by Berth's web service/);
  assert.equal(fetchInside(network, "http://tasks.web/cgi-bin/api"), "api: ok");
  const webSpec = inspectService<{ EndpointSpec: { Ports: unknown } }>(services.web, ".Spec");
  assert.deepEqual(webSpec.EndpointSpec.Ports, [
    { Protocol: "tcp", TargetPort: 80, PublishedPort: Number(examplePort), PublishMode: "ingress" },
  ]);
  for (const container of await containersOf(services.api)) {
    assert.equal(docker("exec", container, "cat", "/run/secrets/token"), token);
  }
  const [workerContainer] = await containersOf(services.worker);
  assert.match(docker("exec", workerContainer, "env"), new RegExp(`^API_TOKEN=${token}$`, "m"));
  assert.ok(run.byName("api-secret-token").secretInputs.includes("data"));
  assert.ok(run.byName("worker", swarmServiceType).secretInputs.includes("secretEnv"));
  assert.equal(JSON.stringify(run.outputs).includes(token), false, "no secret in stack outputs");
}

/** A plain long-running service spec, as `renderSwarm` makes it. */
function sleeperSpec(name: string): ProviderServiceSpec {
  return renderSwarm(
    normalizeService(`${project}-${name}`, {
      image,
      command: ["sleep", "600"],
      stopGracePeriod: "1s",
      // These tests are not about stability: a 1 s convergence window, not the default 5 s.
      update: { monitor: "1s" },
    }),
  );
}

function runSmall(program: () => unknown, previous?: ProgramRun): Promise<ProgramRun> {
  return runProgram(program, { project, stack: "test", previous });
}

describe("the engine's lifecycle through Pulumi's dynamic-provider host, on the real swarm", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    removeByLabel(`berth.stack=${exampleStack}`);
    await removeLabelled(project);
  });

  it("examples/local: previews, deploys and serves, previews no change, rotates its secret, repairs drift, destroys", async (t) => {
    if (!(await needEngine(t))) return;

    const fresh = await runExample("token-one", { preview: true });
    const dynamic = fresh.resources.filter((r) => r.dynamic);
    assert.ok(dynamic.length >= 8, `dynamic resources: ${dynamic.map((r) => r.name).join(", ")}`);
    for (const r of dynamic) assert.equal(r.operation, "create", `${r.type} ${r.name}`);
    // The secret and config names are computed by their creates, so the specs naming them are unknown.
    for (const name of ["api", "web"]) {
      assert.ok(hasUnknown(fresh.byName(name, swarmServiceType).outputs.spec), `${name} spec`);
    }
    assert.equal(labelled(`berth.stack=${exampleStack}`).service, "", "a preview creates nothing");

    const up = await runExample("token-one");
    const services = up.outputs.services as Record<string, string>;
    const network = up.outputs.network as string;
    assert.equal(up.outputs.url, `http://localhost:${examplePort}/`);
    assert.equal(network, "local-default");
    await assertServing(up, services, network, "token-one");

    const unchanged = await runExample("token-one", { preview: true, previous: up });
    const unchangedOps = Object.entries(operations(unchanged));
    assert.equal(unchangedOps.length, up.resources.filter((r) => r.custom).length);
    for (const [urn, operation] of unchangedOps) assert.equal(operation, "same", urn);

    const rotationPreview = await runExample("token-two", { preview: true, previous: up });
    assert.equal(rotationPreview.byName("api-secret-token").operation, "replace");
    const api = rotationPreview.byName("api", swarmServiceType);
    assert.equal(api.operation, "update");
    assert.equal(api.id, services.api);
    assert.ok(hasUnknown(api.programInputs.spec), "api's spec names a secret not created yet");
    assert.equal(rotationPreview.byName("worker", swarmServiceType).operation, "update");
    assert.equal(rotationPreview.byName("web", swarmServiceType).operation, "same");
    for (const name of ["local-swarm", "local-default", "web-config-index", "api-config-index"]) {
      assert.equal(rotationPreview.byName(name).operation, "same", name);
    }

    // The rotation itself: a new secret first, the services moved to it, then the old one goes.
    const oldSecret = up.byName("api-secret-token");
    const rotated = await runExample("token-two", { previous: up });
    assert.equal(rotated.byName("api-secret-token").operation, "replace");
    assert.equal(rotated.byName("api", swarmServiceType).operation, "update");
    assert.equal(rotated.byName("web", swarmServiceType).operation, "same");
    assert.deepEqual(
      rotated.deleted.map((r) => r.name),
      ["api-secret-token"],
    );
    assert.equal(docker("secret", "ls", "-q", "--filter", `id=${oldSecret.id}`), "");
    await assertServing(rotated, services, network, "token-two");

    // A change made by hand on the engine shows on refresh, and only on the service it was made to.
    docker("service", "update", "--quiet", "--env-add", "X=1", "--limit-memory", "64M", services.web);
    const refreshed = await rotated.refresh();
    const drift = await runExample("token-two", { preview: true, previous: refreshed });
    const web = drift.byName("web", swarmServiceType);
    assert.equal(web.operation, "update");
    for (const r of drift.resources.filter((r) => r.custom && r.urn !== web.urn)) {
      assert.equal(r.operation, "same", `${r.name} after refresh`);
    }

    const repaired = await runExample("token-two", { previous: refreshed });
    assert.equal(repaired.byName("web", swarmServiceType).operation, "update");
    assert.equal(repaired.byName("web", swarmServiceType).id, services.web);
    const container = inspectService<{ Env?: string[] }>(services.web, ".Spec.TaskTemplate.ContainerSpec");
    assert.ok(!(container.Env ?? []).includes("X=1"), `env: ${JSON.stringify(container.Env)}`);
    const limits = inspectService<{ MemoryBytes?: number }>(
      services.web,
      ".Spec.TaskTemplate.Resources.Limits",
    );
    assert.equal(limits.MemoryBytes, 32 * 1024 * 1024);

    await repaired.destroy();
    assert.deepEqual(labelled(`berth.stack=${exampleStack}`), {
      service: "",
      secret: "",
      config: "",
      network: "",
    });
    // The swarm was active before the run, so the run left it on.
    assert.equal(docker("info", "--format", "{{.Swarm.LocalNodeState}}"), "active");
    assert.equal(up.byName("local-swarm").outputs.initialized, false);
  });

  it("a refresh and then a preview of the unchanged program is a no-op for a service with files and secretEnv", async (t) => {
    if (!(await needEngine(t))) return;
    const program = () => {
      const cluster = new LocalSwarm(`${project}-files`);
      new ContainerService("files", {
        cluster,
        serviceName: `${project}-files`,
        image,
        command: ["sleep", "600"],
        secrets: [{ source: "token", data: pulumi.secret("secret-file") }],
        configs: [{ source: "conf", target: "/etc/app.conf", data: "a=1\n" }],
        secretEnv: { TOKEN: pulumi.secret("secret-env") },
        stopGracePeriod: "1s",
        timeoutSeconds: 60,
      });
    };
    const up = await runSmall(program);
    const refreshed = await up.refresh();
    const preview = await runProgram(program, { project, stack: "test", preview: true, previous: refreshed });
    const custom = preview.resources.filter((r) => r.custom);
    assert.deepEqual(custom.map((r) => r.type.split(":").pop()).sort(), [
      "RandomStackId",
      "SwarmConfig",
      "SwarmMode",
      "SwarmNetwork",
      "SwarmSecret",
      "SwarmService",
    ]);
    for (const r of custom) assert.equal(r.operation, "same", `${r.name} after refresh`);
    await up.destroy();
  });

  it("a failed create keeps state that refresh and destroy load the provider from", async (t) => {
    if (!(await needEngine(t))) return;
    const started = Date.now();
    const failed = await failedRun(
      runSmall(() => {
        const cluster = new LocalSwarm(`${project}-fail`, { defaultNetwork: { skip: true } });
        new ContainerService("crashing", {
          cluster,
          serviceName: `${project}-crashing`,
          image,
          // Runs for a moment, then exits: never up for the default 5 s monitor window.
          command: ["sh", "-c", "sleep 1; exit 3"],
          stopGracePeriod: "1s",
          timeoutSeconds: 120,
        });
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    assert.match(failed.message, /keep failing .*task errors: task: non-zero exit \(3\)/);
    // The monitor window and Swarm's 5 s restart delay, not the 120 s timeout.
    assert.ok(seconds < 25, `failed after ${seconds} s`);
    t.diagnostic(`a crashing service failed the up after ${seconds} s`);
    const kept = failed.run.state.find((e) => e.type === swarmServiceType);
    assert.ok(
      kept?.id,
      `the failed service is in state: ${JSON.stringify(failed.run.state.map((e) => e.name))}`,
    );
    assert.equal(typeof kept.outputs.__provider, "string");
    assert.equal(docker("service", "inspect", kept.id, "--format", "{{.ID}}"), kept.id);

    const refreshed = await failed.run.refresh();
    const read = refreshed.state.find((e) => e.urn === kept.urn);
    assert.equal(read?.id, kept.id);
    assert.equal(typeof read?.outputs.__provider, "string");

    await failed.run.destroy();
    assert.equal(docker("service", "ls", "-q", "--filter", `id=${kept.id}`), "");
  });

  it("a service whose entrypoint cannot start fails the up within seconds, naming the error", async (t) => {
    if (!(await needEngine(t))) return;
    const started = Date.now();
    const failed = await failedRun(
      runSmall(() => {
        const cluster = new LocalSwarm(`${project}-noentry`, { defaultNetwork: { skip: true } });
        new ContainerService("noentry", {
          cluster,
          serviceName: `${project}-noentry`,
          image,
          entrypoint: ["/no/such/binary"],
          stopGracePeriod: "1s",
          timeoutSeconds: 120,
        });
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    assert.match(failed.message, /keep failing .*task errors: .*no such file or directory/);
    // Two failed starts, Swarm's 5 s restart delay between them.
    assert.ok(seconds < 15, `failed after ${seconds} s`);
    t.diagnostic(`a bad entrypoint failed the up after ${seconds} s`);
    await failed.run.destroy();
  });

  it("a new connection to the same engine updates the service in place", async (t) => {
    if (!(await needEngine(t))) return;
    const spec = sleeperSpec("conn");
    const first = await runSmall(() => {
      new SwarmService("conn", { spec, connection: {}, timeoutSeconds: 60 });
    });
    const second = await runSmall(() => {
      new SwarmService("conn", {
        spec,
        connection: { socketPath: "/var/run/docker.sock" },
        timeoutSeconds: 60,
      });
    }, first);
    const before = first.byName("conn");
    const after = second.byName("conn");
    assert.equal(after.operation, "update");
    assert.equal(after.id, before.id);
    assert.deepEqual(second.deleted, []);
    assert.equal(docker("service", "inspect", before.id!, "--format", "{{.ID}}"), before.id);
    await second.destroy();
  });

  it("never takes over another resource's service; a rename with an alias keeps and relabels it", async (t) => {
    if (!(await needEngine(t))) return;
    const spec = sleeperSpec("a");
    const one = await runSmall(() => {
      new SwarmService("one", { spec, timeoutSeconds: 60 });
    });
    const owned = one.byName("one");
    const versionBefore = inspectService<{ Index: number }>(owned.id!, ".Version").Index;

    const refused = await failedRun(
      runSmall(() => {
        new SwarmService("two", { spec, timeoutSeconds: 60 });
      }, one),
    );
    assert.match(refused.message, /alias/);
    assert.equal(inspectService<{ Index: number }>(owned.id!, ".Version").Index, versionBefore);
    const labels = () => inspectService<Record<string, string>>(owned.id!, ".Spec.Labels");
    assert.equal(labels()["berth.resource"], owned.urn);

    const renamed = await runSmall(() => {
      new SwarmService("two", { spec, timeoutSeconds: 60 }, { aliases: [{ name: "one" }] });
    }, refused.run);
    const two: RecordedResource = renamed.byName("two");
    assert.ok(two.operation === "update" || two.operation === "same", `operation ${two.operation}`);
    assert.equal(two.id, owned.id);
    assert.deepEqual(renamed.deleted, []);
    assert.equal(labels()["berth.resource"], two.urn);
    await renamed.destroy();
    assert.equal(docker("service", "ls", "-q", "--filter", `id=${owned.id}`), "");
  });

  it("import of a dynamic resource cannot work through Pulumi's host (pulumi/pulumi#16175)", async (t) => {
    if (!(await needEngine(t))) return;
    const name = `${project}-imported`;
    const id = docker(
      "service",
      "create",
      "--detach",
      "--quiet",
      "--no-resolve-image",
      "--name",
      name,
      "--label",
      `berth.project=${project}`,
      "--label",
      "berth.stack=test",
      image,
      "sleep",
      "600",
    );
    // With no prior state, the host's read has no `__provider` to load the provider's code from.
    await assert.rejects(
      runSmall(() => {
        new SwarmService("imported", { spec: sleeperSpec("imported") }, { import: id });
      }),
      (err: Error) => /code must be a string/.test(err.message),
    );
    assert.equal(docker("service", "inspect", id, "--format", "{{.ID}}"), id, "the service is untouched");
  });
});
