/**
 * The log agent's configuration: for every sink kind and both sources, it holds only plugins and
 * properties of the Fluent Bit release Berth pins (checked against that release's published schema),
 * never a credential, and bounds what a dead sink can pile up.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import {
  agentMemoryBytes,
  bufferChunks,
  fluentBitConfig,
  fluentBitImage,
  fluentBitVersion,
  type LogSource,
  lokiLabels,
} from "../../components/observability/fluent-bit-config";
import {
  outputProperties,
  type ResolvedLogSink,
  sinkEnvironment,
  sinkOutput,
  sinkSecrets,
} from "../../components/observability/fluent-bit-output";
import { sinkEndpoint } from "../../components/observability/sink-url";
import { fluentBitSchema, fluentBitSchemaProblems, type RenderedConfig } from "../support/fluent-bit-schema";

const schema = fluentBitSchema(fluentBitVersion);
const mib = 2 ** 20;

/** One sink of each kind, with every credential it can carry. */
const sinks: ResolvedLogSink[] = [
  { kind: "loki", url: "https://logs.example.com", tenant: "shop", username: "4711", password: "LOKI-TOKEN" },
  {
    kind: "elasticsearch",
    url: "https://search.example.com:9243/es",
    index: "shop-logs",
    username: "shipper",
    password: "ES-PASSWORD",
  },
  {
    kind: "cloudwatch",
    region: "eu-west-1",
    group: "/shop/logs",
    streamPrefix: "shop-",
    credentials: { accessKeyId: "AKIA-ID", secretAccessKey: "AWS-SECRET" },
  },
  {
    kind: "http",
    url: "https://intake.example.com/v1/logs",
    headers: { Authorization: "Bearer HTTP-TOKEN", "X-Api-Key": "API-KEY" },
  },
  { kind: "stdout" },
];
const secretValues = [
  "LOKI-TOKEN",
  "4711",
  "ES-PASSWORD",
  "shipper",
  "AKIA-ID",
  "AWS-SECRET",
  "HTTP-TOKEN",
  "API-KEY",
];

const sources: LogSource[] = [
  { kind: "docker" },
  { kind: "kubernetes", exclude: ["/var/log/containers/*_shop_fluent-bit-*.log"] },
];

/** The credentials a sink was given, wherever in it they are. */
function credentialsOf(sink: ResolvedLogSink): unknown[] {
  const given = sink as { username?: string; password?: string } & {
    credentials?: Record<string, string>;
    headers?: Record<string, string>;
  };
  return [
    given.username,
    given.password,
    ...Object.values(given.credentials ?? {}),
    ...Object.values(given.headers ?? {}),
  ].filter((v) => v !== undefined);
}

function render(sink: ResolvedLogSink, source: LogSource, bufferBytes = 32 * mib): RenderedConfig {
  const text = fluentBitConfig({ source, output: sinkOutput(sink, lokiLabels[source.kind]), bufferBytes });
  return parse(text) as RenderedConfig;
}

describe("the log agent's configuration", () => {
  it("is pinned to the release of the schema fixture, by digest", () => {
    assert.equal(schema["fluent-bit"].version, fluentBitVersion);
    assert.match(
      fluentBitImage,
      new RegExp(`^fluent/fluent-bit:${fluentBitVersion.replaceAll(".", "\\.")}@sha256:[0-9a-f]{64}$`),
    );
  });

  for (const source of sources)
    for (const sink of sinks)
      it(`takes only plugins and properties of Fluent Bit ${fluentBitVersion}: ${sink.kind} from ${source.kind}`, () => {
        const text = fluentBitConfig({
          source,
          output: sinkOutput(sink, lokiLabels[source.kind]),
          bufferBytes: 32 * mib,
          httpServer: true,
        });
        assert.deepEqual(fluentBitSchemaProblems(schema, text), []);
        for (const value of secretValues)
          assert.equal(text.includes(value), false, `${value} is not in the text`);
      });

  it("the schema check fails an unknown plugin or property", () => {
    const text = fluentBitConfig({ source: sources[0], output: sinkOutput(sinks[0]), bufferBytes: 32 * mib });
    const config = parse(text) as RenderedConfig;
    config.pipeline.outputs[0].http_password = "x";
    config.pipeline.filters.push({ name: "kubernetess", match: "*" });
    config.pipeline.inputs[0].processors?.logs.push({ name: "content_modifier", regex: "x" });
    assert.deepEqual(fluentBitSchemaProblems(schema, stringify(config)), [
      "pipeline.inputs[0].processors.logs[2]: content_modifier takes no property regex",
      'pipeline.filters[2]: "kubernetess" is not one of Fluent Bit\'s filters',
      "pipeline.outputs[0]: loki takes no property http_password",
    ]);
  });

  it("tails Docker's json-file logs on a swarm, and the kubelet's CRI logs on Kubernetes without the agent's own", () => {
    const docker = render(sinks[4], sources[0]).pipeline.inputs[0];
    assert.equal(docker.name, "tail");
    assert.equal(docker.path, "/var/lib/docker/containers/*/*-json.log");
    assert.equal(docker["multiline.parser"], "docker");
    const kube = render(sinks[4], sources[1]).pipeline.inputs[0];
    assert.equal(kube.path, "/var/log/containers/*.log");
    assert.equal(kube["multiline.parser"], "cri, docker");
    assert.equal(kube.exclude_path, "/var/log/containers/*_shop_fluent-bit-*.log");
  });

  it("keeps its read positions and buffer under the state directory", () => {
    const config = render(sinks[4], sources[0]);
    assert.equal(config.pipeline.inputs[0].db, "/fluent-bit/state/tail.db");
    assert.equal(config.service["storage.path"], "/fluent-bit/state/buffer");
    assert.equal(config.pipeline.inputs[0]["storage.type"], "filesystem");
  });

  it("bounds the buffer by bufferBytes: reading pauses when it is full, and each output keeps no more on disk", () => {
    const config = render(sinks[0], sources[0], 64 * mib);
    assert.equal(config.service["storage.max_chunks_up"], "32");
    assert.equal(config.pipeline.inputs[0]["storage.pause_on_chunks_overlimit"], "on");
    assert.equal(config.pipeline.outputs[0]["storage.total_limit_size"], String(64 * mib));
    assert.equal(config.pipeline.outputs[0].retry_limit, "no_limits");
    assert.equal(bufferChunks(1), 1);
    assert.equal(agentMemoryBytes(64 * mib), 2 * 64 * mib + 64 * mib);
  });

  it("adds the container's ID, Swarm's service, task and stack names and the node on a swarm", () => {
    const config = render(sinks[4], sources[0]);
    const [extract] = config.pipeline.inputs[0].processors?.logs ?? [];
    assert.equal(extract.action, "extract");
    const id = "a".repeat(64);
    const match = new RegExp(String(extract.pattern)).exec(`/var/lib/docker/containers/${id}/${id}-json.log`);
    assert.equal(match?.groups?.container_id, id);
    const [nest, modify] = config.pipeline.filters;
    assert.deepEqual([nest.operation, nest.nested_under], ["lift", "attrs"]);
    assert.deepEqual(modify.rename, [
      "com.docker.swarm.service.name service",
      "com.docker.swarm.task.name task",
      "com.docker.stack.namespace stack",
    ]);
    assert.deepEqual(modify.add, ["node ${NODE_NAME}"]);
  });

  it("adds pod metadata on Kubernetes, through the kubernetes filter", () => {
    const [filter] = render(sinks[4], sources[1]).pipeline.filters;
    assert.equal(filter.name, "kubernetes");
    assert.equal(filter.match, "kube.*");
    assert.equal(filter.labels, "on");
  });

  it("turns TLS on, with the certificate verified, for https:// URLs only", () => {
    const tls = render(sinks[0], sources[0]).pipeline.outputs[0];
    assert.deepEqual(
      [tls.tls, tls["tls.verify"], tls.host, tls.port, tls.uri],
      ["on", "on", "logs.example.com", "443", "/loki/api/v1/push"],
    );
    const plain = render({ kind: "loki", url: "http://loki.monitoring:3100" }, sources[0]).pipeline
      .outputs[0];
    assert.deepEqual([plain.tls, plain["tls.verify"], plain.port], ["off", undefined, "3100"]);
  });

  it("reads every credential from the environment, whose values are the sink's", () => {
    for (const sink of sinks) {
      const properties = outputProperties(sinkOutput(sink));
      const environment = sinkEnvironment(sinkSecrets(sink as never));
      const text = JSON.stringify(properties);
      for (const variable of Object.keys(environment))
        if (!variable.startsWith("AWS_"))
          assert.ok(text.includes(`\${${variable}}`), `${sink.kind} reads ${variable}`);
      assert.deepEqual(Object.values(environment).sort(), credentialsOf(sink).sort(), sink.kind);
    }
    const http = outputProperties(sinkOutput(sinks[3]));
    assert.deepEqual(http.header, [
      "Authorization ${BERTH_SINK_HEADER_0}",
      "X-Api-Key ${BERTH_SINK_HEADER_1}",
    ]);
  });

  it("sends each sink kind to its plugin", () => {
    assert.deepEqual(
      sinks.map((s) => sinkOutput(s).plugin),
      ["loki", "es", "cloudwatch_logs", "http", "stdout"],
    );
    const es = outputProperties(sinkOutput(sinks[1]));
    assert.deepEqual([es.index, es.path, es.suppress_type_name], ["shop-logs", "/es", "on"]);
    const cw = outputProperties(sinkOutput(sinks[2]));
    assert.deepEqual(
      [cw.region, cw.log_group_name, cw.log_stream_prefix],
      ["eu-west-1", "/shop/logs", "shop-"],
    );
  });

  it("takes only http(s) URLs without credentials, a query or a fragment", () => {
    assert.deepEqual(sinkEndpoint("https://[2001:db8::1]:8443/x"), {
      tls: true,
      host: "2001:db8::1",
      port: 8443,
      path: "/x",
    });
    for (const url of ["ftp://x", "https://u:p@x", "https://x/?a=1", "not a url"])
      assert.ok("error" in sinkEndpoint(url), url);
  });
});
