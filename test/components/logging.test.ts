/**
 * The Logging component under mocks: its arguments are refused with every problem named, a swarm runs
 * the agent as a global service reading Docker's json-file logs, and credentials reach the agent only as
 * secret variables.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { Logging, LoggingArgumentsError, type LoggingArgs } from "../../components/observability";
import { fluentBitImage } from "../../components/observability/fluent-bit-config";
import { LocalSwarm, type LocalSwarmArgs } from "../../components/swarm";
import type { ServiceCluster } from "../../components/cluster";
import type { SwarmServiceSpec } from "../../components/spec/render/swarm-types";
import { runProgram, type ProgramRun } from "../support/harness";
import type { RenderedConfig } from "../support/fluent-bit-schema";

const dynamic = (kind: string) => `pulumi-nodejs:dynamic/berth/swarm:${kind}`;

function mockDynamic({ type, inputs }: { type: string; inputs: Record<string, unknown> }) {
  if (type === dynamic("SwarmSecret") || type === dynamic("SwarmConfig"))
    return { objectName: `${String(inputs.name)}-0123456789ab`, contentHash: "0123456789ab" };
  if (type === dynamic("SwarmMode")) return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  if (type.endsWith(":RandomStackId")) return { stackId: "0123456789abcdef0123456789abcdef" };
  return {};
}

const lokiSink = {
  kind: "loki" as const,
  url: "https://logs.example.com",
  username: "4711",
  password: pulumi.secret("LOKI-TOKEN"),
};

function onSwarm(args: Omit<LoggingArgs, "cluster">, swarm: LocalSwarmArgs = {}): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new LocalSwarm("local", swarm);
      const logging = new Logging("logs", { cluster, ...args });
      return { agentConfig: logging.agentConfig, image: logging.image };
    },
    { mockDynamic },
  );
}

/** The error the component threw, and what the program had registered. */
async function refusal(args: LoggingArgs | ((cluster: ServiceCluster) => LoggingArgs)) {
  let caught: unknown;
  const run = await runProgram(
    () => {
      const cluster = new LocalSwarm("local");
      try {
        new Logging("logs", typeof args === "function" ? args(cluster) : args);
      } catch (err) {
        caught = err;
      }
    },
    { mockDynamic },
  );
  assert.ok(caught instanceof LoggingArgumentsError, String(caught));
  return { error: caught, run };
}

describe("Logging's arguments", () => {
  it("lists every problem with its field, before anything of it is created", async () => {
    const { error, run } = await refusal((cluster) => ({
      cluster,
      sink: { kind: "loki", url: "http://logs.example.com", password: "p", labels: {} } as never,
      bufferLimit: "lots",
      image: "",
    }));
    assert.match(error.message, /^Logging logs:/);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["sink.labels", "sink.url", "sink.username", "bufferLimit", "image"],
    );
    assert.match(error.issues[1].message, /password would cross the network unencrypted; use https/);
    assert.equal(
      run.resources.filter((r) => r.type.startsWith("berth:observability")).length,
      0,
      "no Logging component was registered",
    );
  });

  it("checks each sink kind's own fields", async () => {
    const { error } = await refusal((cluster) => ({
      cluster,
      sink: {
        kind: "cloudwatch",
        region: "Europe",
        group: "bad group",
        credentials: { accessKeyId: "a" },
      } as never,
    }));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["sink.region", "sink.group", "sink.credentials.secretAccessKey"],
    );
    const other = await refusal((cluster) => ({ cluster, sink: { kind: "lokki", url: "x" } as never }));
    assert.deepEqual(
      other.error.issues.map((i) => [i.path, i.message]),
      [
        [
          "sink.kind",
          '"lokki" is not a sink kind: loki, elasticsearch, cloudwatch, http, stdout; did you mean "loki"?',
        ],
      ],
    );
    const headers = await refusal((cluster) => ({
      cluster,
      sink: {
        kind: "http",
        url: "https://x.example.com",
        headers: { "Content-Type": "a", "Bad Header": "b" },
      },
    }));
    assert.deepEqual(
      headers.error.issues.map((i) => i.path),
      ["sink.headers.Content-Type", "sink.headers.Bad Header"],
    );
  });

  it("refuses an ECS cluster, pointing to FireLens", async () => {
    const ecs = { target: "ecs", deployWorkload: () => undefined, serviceHost: () => undefined } as never;
    const { error } = await refusal({ cluster: ecs, sink: { kind: "stdout" } });
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["cluster"],
    );
    assert.match(error.issues[0].message, /FireLens.*logging: \{ firelens: \{ sink \} \}/);
  });

  it("refuses a cluster that cannot deploy a log agent", async () => {
    const other = {
      target: "kubernetes",
      deployWorkload: () => undefined,
      serviceHost: () => undefined,
    } as never;
    const { error } = await refusal({ cluster: other, sink: { kind: "stdout" } });
    assert.match(error.issues[0].message, /cannot deploy a log agent/);
  });
});

describe("Logging on a swarm (under mocks)", () => {
  it("runs Fluent Bit on every node, reading json-file logs read-only, with its state on a node-local volume", async () => {
    const run = await onSwarm({ sink: lokiSink, bufferLimit: "64Mi" });
    const service = run.byName("logs-fluent-bit", dynamic("SwarmService"));
    const spec = service.inputs.spec as SwarmServiceSpec;
    const container = spec.TaskTemplate.ContainerSpec;
    assert.deepEqual(spec.Mode, { Global: {} });
    assert.equal(container.Image, fluentBitImage);
    assert.deepEqual(container.Args, ["-c", "/fluent-bit/etc/berth/fluent-bit.yaml"]);
    assert.deepEqual(
      container.Mounts?.map((m) => [m.Type, m.Source, m.Target, m.ReadOnly ?? false]),
      [
        ["bind", "/var/lib/docker/containers", "/var/lib/docker/containers", true],
        ["volume", "logs-fluent-bit-state", "/fluent-bit/state", false],
      ],
    );
    assert.deepEqual(
      container.Configs?.map((c) => [c.ConfigName, (c.File as { Name: string }).Name]),
      [["logs-fluent-bit-fluent-bit.yaml-0123456789ab", "/fluent-bit/etc/berth/fluent-bit.yaml"]],
    );
    assert.equal(container.ReadOnly, true);
    assert.deepEqual(container.CapabilityDrop, ["ALL"]);
    assert.equal(spec.TaskTemplate.Resources?.Limits?.MemoryBytes, 2 * 64 * 2 ** 20 + 64 * 2 ** 20);
    assert.deepEqual(spec.UpdateConfig?.Order, "stop-first");
    assert.deepEqual(container.Env, ["NODE_NAME={{.Node.Hostname}}"]);
    // Its own logs are not json-file, so it never reads them back.
    assert.deepEqual(spec.TaskTemplate.LogDriver, {
      Name: "local",
      Options: { "max-size": "10m", "max-file": "3" },
    });
    const config = parse(run.outputs.agentConfig as string) as RenderedConfig;
    assert.equal(config.pipeline.inputs[0].path, "/var/lib/docker/containers/*/*-json.log");
    assert.equal(config.service["storage.max_chunks_up"], "32");
    assert.equal(run.byName("logs").parent.endsWith("::berth-test-test"), true);
  });

  it("passes the sink's credentials only as secret variables, never in the config or the spec", async () => {
    const run = await onSwarm({ sink: lokiSink });
    const service = run.byName("logs-fluent-bit", dynamic("SwarmService"));
    assert.deepEqual(service.inputs.secretEnv, {
      BERTH_SINK_USERNAME: "4711",
      BERTH_SINK_PASSWORD: "LOKI-TOKEN",
    });
    assert.ok(service.secretInputs.includes("secretEnv"));
    const config = run.byName("logs-fluent-bit-config-fluent-bit.yaml", dynamic("SwarmConfig"));
    const text = JSON.stringify(config.inputs) + JSON.stringify(service.inputs.spec);
    for (const value of ["LOKI-TOKEN", "4711"]) assert.equal(text.includes(value), false, value);
    assert.match(JSON.stringify(config.inputs), /http_passwd: \$\{BERTH_SINK_PASSWORD\}/);
  });

  it("refuses a swarm whose services do not log with json-file, which the agent reads", async () => {
    let caught: unknown;
    await runProgram(
      () => {
        const cluster = new LocalSwarm("local", { logging: { driver: "fluentd" } });
        try {
          new Logging("logs", { cluster, sink: { kind: "stdout" } });
        } catch (err) {
          caught = err;
        }
      },
      { mockDynamic },
    );
    assert.ok(caught instanceof LoggingArgumentsError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["cluster"],
    );
    assert.match(caught.issues[0].message, /"fluentd" driver.*json-file.*never a network log driver/);
  });

  it("accepts a swarm that names json-file itself, with its options", async () => {
    const run = await onSwarm(
      { sink: { kind: "stdout" } },
      { logging: { driver: "json-file", options: { "labels-regex": "^com\\.docker\\." } } },
    );
    assert.ok(run.byName("logs-fluent-bit", dynamic("SwarmService")));
  });
});
