/**
 * `Monitoring` on a swarm under mocks: which services it makes and how (placement, read-only mounts,
 * nothing published, Alertmanager's configuration as a secret), the addresses it reports, and refusals
 * before anything is registered.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import path from "path";
import { Monitoring, type MonitoringArgs, MonitoringArgumentsError } from "../../components/observability";
import { LocalSwarm, type LocalSwarmArgs } from "../../components/swarm";
import type { SwarmServiceSpec } from "../../components/spec/render/swarm-types";
import { runProgram, type ProgramRun } from "../support/harness";
import { swarmServiceOutputs } from "../support/swarm-mocks";

const dynamic = (kind: string) => `pulumi-nodejs:dynamic/berth/swarm:${kind}`;

function deploy(
  args: Omit<MonitoringArgs, "cluster">,
  clusterArgs: LocalSwarmArgs = {},
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const monitoring = new Monitoring("mon", { cluster: new LocalSwarm("local", clusterArgs), ...args });
      return {
        prometheusUrl: monitoring.prometheusUrl,
        alertmanagerUrl: monitoring.alertmanagerUrl,
        alertNames: monitoring.alertNames,
      };
    },
    { mockDynamic: swarmServiceOutputs },
  );
}

const specOf = (run: ProgramRun, name: string) =>
  run.resources.find((r) => r.type === dynamic("SwarmService") && r.name === name)?.inputs
    .spec as SwarmServiceSpec;

describe("Monitoring on a swarm (under mocks)", () => {
  it("runs Prometheus on a manager with the Docker API read-only, and exporters on every node, publishing nothing", async () => {
    const run = await deploy({});
    const services = run.resources.filter((r) => r.type === dynamic("SwarmService")).map((r) => r.name);
    assert.deepEqual(services.sort(), [
      "mon-alertmanager",
      "mon-cadvisor",
      "mon-grafana",
      "mon-node-exporter",
      "mon-prometheus",
    ]);

    const prometheus = specOf(run, "mon-prometheus");
    assert.deepEqual(prometheus.TaskTemplate.Placement?.Constraints, ["node.role==manager"]);
    const socket = prometheus.TaskTemplate.ContainerSpec.Mounts?.find(
      (m) => m.Target === "/var/run/docker.sock",
    );
    assert.deepEqual(
      [socket?.Type, socket?.Source, socket?.ReadOnly],
      ["bind", "/var/run/docker.sock", true],
    );
    assert.ok(
      prometheus.TaskTemplate.ContainerSpec.Args?.includes("--storage.tsdb.retention.time=15d"),
      "retention is set",
    );
    for (const name of services) {
      const spec = specOf(run, name);
      assert.deepEqual(spec.EndpointSpec?.Ports ?? [], [], `${name} publishes nothing`);
      assert.equal(spec.Labels?.["prometheus.io/scrape"], "true", `${name}'s own metrics are scraped`);
    }
    for (const exporter of ["mon-node-exporter", "mon-cadvisor"]) {
      const spec = specOf(run, exporter);
      assert.ok("Global" in spec.Mode, `${exporter} runs on every node`);
      assert.ok(
        spec.TaskTemplate.ContainerSpec.Mounts?.every((m) => m.ReadOnly === true),
        `${exporter} mounts the host read-only`,
      );
    }
    assert.deepEqual(run.outputs.prometheusUrl, "http://mon-prometheus:9090");
    assert.deepEqual(run.outputs.alertNames, [
      "BerthServiceBelowDesired",
      "BerthTaskRestarting",
      "BerthNodeDown",
      "BerthNodeDiskPressure",
      "BerthNodeMemoryPressure",
      "BerthTargetDown",
    ]);
  });

  it("runs Grafana with Prometheus provisioned, Berth's dashboard, and a generated admin password kept secret", async () => {
    const run = await deploy({});
    const grafana = specOf(run, "mon-grafana");
    const env = grafana.TaskTemplate.ContainerSpec.Env ?? [];
    assert.ok(
      env.includes("GF_AUTH_ANONYMOUS_ENABLED=false") && env.includes("GF_USERS_ALLOW_SIGN_UP=false"),
    );
    assert.ok(
      !env.some((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD")),
      "the password is not in the spec",
    );
    const service = run.resources.find(
      (r) => r.type === dynamic("SwarmService") && r.name === "mon-grafana",
    )!;
    assert.deepEqual(service.inputs.secretEnv, { GF_SECURITY_ADMIN_PASSWORD: "generated-Pa55word" });
    assert.ok(service.secretInputs.includes("secretEnv"));
    const configs = run.resources.filter((r) => r.type === dynamic("SwarmConfig"));
    const data = (source: string) =>
      String(configs.find((c) => String(c.inputs.name).endsWith(source))?.inputs.data);
    assert.match(data("grafana-datasources.yaml"), /url: http:\/\/mon-prometheus:9090/);
    const dashboard = JSON.parse(data("grafana-berth-dashboard.json")) as { uid: string; panels: unknown[] };
    assert.equal(dashboard.uid, "berth-services");
    assert.ok(dashboard.panels.length > 0);
    assert.equal(
      run.outputs.grafanaAdminPassword,
      undefined,
      "not a stack output unless the program exports it",
    );
  });

  it("gives Alertmanager its receivers in a Swarm secret, kept secret in state", async () => {
    const run = await deploy({ receivers: { webhooks: ["https://hooks.example.com/T0K3N"] } });
    const secret = run.resources.find(
      (r) => r.type === dynamic("SwarmSecret") && String(r.inputs.data).includes("hooks.example.com"),
    );
    assert.ok(secret, "the configuration is a secret, not a config");
    assert.ok(secret.secretInputs.includes("data"), "its content is secret in state");
    const configs = run.resources.filter((r) => r.type === dynamic("SwarmConfig"));
    assert.ok(
      configs.every((c) => !JSON.stringify(c.inputs).includes("T0K3N")),
      "no config carries the webhook's token",
    );
  });

  it("publishes a part only on the port asked for, and reports its public address", async () => {
    const run = await deploy({
      publish: { prometheus: 19090 },
      nodeExporter: { skip: true },
      containerMetrics: { skip: true },
    });
    assert.deepEqual(
      specOf(run, "mon-prometheus").EndpointSpec?.Ports?.map((p) => [p.TargetPort, p.PublishedPort]),
      [[9090, 19090]],
    );
    assert.equal(run.outputs.prometheusUrl, "http://localhost:19090");
    assert.equal(specOf(run, "mon-node-exporter"), undefined, "a skipped part is not deployed");
  });

  it("reads the engine through the socket the nodes have, for a rootless engine", async () => {
    const run = await deploy({ swarm: { dockerSocket: "/run/user/1000/docker.sock" } });
    const socket = specOf(run, "mon-prometheus").TaskTemplate.ContainerSpec.Mounts?.find(
      (m) => m.Target === "/var/run/docker.sock",
    );
    assert.equal(socket?.Source, "/run/user/1000/docker.sock", "mounted where the discovery looks");
    assert.ok(
      specOf(run, "mon-cadvisor").TaskTemplate.ContainerSpec.Args?.includes(
        "--docker=unix:///rootfs/run/user/1000/docker.sock",
      ),
      "cAdvisor reads it under the host's root",
    );
    await assert.rejects(deploy({ swarm: { dockerSocket: "run/docker.sock" } }), (error: Error) => {
      assert.match(error.message, /swarm\.dockerSocket: must be the absolute path of a socket/);
      return true;
    });
  });

  it("refuses a swarm without a default network unless networks are named, before anything is registered", async () => {
    let caught: unknown;
    const run = await runProgram(
      () => {
        const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
        try {
          new Monitoring("mon", { cluster });
        } catch (error) {
          caught = error;
        }
      },
      { mockDynamic: swarmServiceOutputs },
    );
    assert.ok(caught instanceof MonitoringArgumentsError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["swarm.networks"],
    );
    assert.equal(run.resources.filter((r) => r.type === dynamic("SwarmService")).length, 0);
  });

  it("is loaded only by programs that monitor", () => {
    const swarmIndex = path.join(__dirname, "..", "..", "components", "swarm", "index.js");
    const loaded = (code: string) =>
      execFileSync(
        process.execPath,
        [
          "-e",
          `${code};console.log(Object.keys(require.cache).filter((k) => /observability|swarm.monitoring/.test(k)).length)`,
        ],
        { encoding: "utf8" },
      ).trim();
    assert.equal(loaded(`require(${JSON.stringify(swarmIndex)})`), "0");
    const monitoring = path.join(__dirname, "..", "..", "components", "swarm", "monitoring.js");
    assert.notEqual(loaded(`require(${JSON.stringify(monitoring)})`), "0", "the count sees a loaded module");
  });
});
