/**
 * A log sink as a Fluent Bit output: the plugin, its properties, and the secrets it needs, kept apart
 * so that they never enter a configuration's text. Shared by the node agent's configuration and by
 * ECS FireLens, which takes an output's properties as a container's log options.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { LogSink } from "../observability-contract";
import { checkedSinkEndpoint, type SinkEndpoint } from "./sink-url";

/** A secret an output needs: a property's value, or a variable the plugin reads itself. */
export interface SinkSecret {
  /**
   * The output property it fills; undefined when the plugin reads `variable` from its environment
   * itself (AWS credentials).
   */
  property?: string;
  /** The environment variable that carries it to the agent. */
  variable: string;
  /** Text before the secret in the property's value: an HTTP header's name. */
  prefix?: string;
  /** The property may be given several times (HTTP headers): a list, even with one value. */
  repeated?: boolean;
  /** The secret itself. */
  value: pulumi.Input<string>;
}

/** A Fluent Bit output plugin with its properties, secrets apart. */
export interface SinkOutput {
  /** The plugin's name. */
  plugin: "loki" | "es" | "cloudwatch_logs" | "http" | "stdout";
  /** Properties without secrets; a list for a property given several times. */
  properties: Record<string, string | string[]>;
  /** The secrets, which the agent reads from its environment. */
  secrets: SinkSecret[];
}

type WithKnownUrl<S> = S extends { url: unknown } ? Omit<S, "url"> & { url: string } : S;

/** A sink whose URL is known. */
export type ResolvedLogSink = WithKnownUrl<LogSink>;

/** The environment variables that carry a sink's credentials to the agent. */
export const sinkVariables = {
  username: "BERTH_SINK_USERNAME",
  password: "BERTH_SINK_PASSWORD",
  header: (index: number) => `BERTH_SINK_HEADER_${index}`,
  awsAccessKeyId: "AWS_ACCESS_KEY_ID",
  awsSecretAccessKey: "AWS_SECRET_ACCESS_KEY",
} as const;

/** The Loki push API's path, for a URL without one. */
export const lokiPushPath = "/loki/api/v1/push";

/** The index an Elasticsearch sink writes to unless it names one. */
export const defaultIndex = "berth";

/** The stream name prefix of a CloudWatch sink unless it names one. */
export const defaultStreamPrefix = "berth-";

function connection(endpoint: SinkEndpoint): Record<string, string> {
  return {
    host: endpoint.host,
    port: String(endpoint.port),
    tls: endpoint.tls ? "on" : "off",
    ...(endpoint.tls && { "tls.verify": "on", "tls.vhost": endpoint.host }),
  };
}

function basicAuth(
  sink: { username?: pulumi.Input<string>; password?: pulumi.Input<string> },
  properties: { user: string; password: string },
): SinkSecret[] {
  return [
    ...(sink.username === undefined
      ? []
      : [{ property: properties.user, variable: sinkVariables.username, value: sink.username }]),
    ...(sink.password === undefined
      ? []
      : [{ property: properties.password, variable: sinkVariables.password, value: sink.password }]),
  ];
}

/**
 * The secrets that `sink` needs, which never enter a configuration: its credentials. Known before its
 * URL is.
 */
export function sinkSecrets(sink: LogSink): SinkSecret[] {
  switch (sink.kind) {
    case "loki":
    case "elasticsearch":
      return basicAuth(sink, { user: "http_user", password: "http_passwd" });
    case "cloudwatch":
      return sink.credentials
        ? [
            { variable: sinkVariables.awsAccessKeyId, value: sink.credentials.accessKeyId },
            { variable: sinkVariables.awsSecretAccessKey, value: sink.credentials.secretAccessKey },
          ]
        : [];
    case "http":
      return Object.entries(sink.headers ?? {}).map(([name, value], i) => ({
        property: "header",
        variable: sinkVariables.header(i),
        prefix: name,
        repeated: true,
        value,
      }));
    case "stdout":
      return [];
  }
}

/**
 * The output that ships to `sink`. `lokiLabels` are the Loki stream labels, as `name=value` or
 * `name=$record_accessor`, which depend on what the records carry where the agent runs.
 */
export function sinkOutput(sink: ResolvedLogSink, lokiLabels: string[] = ["job=berth"]): SinkOutput {
  switch (sink.kind) {
    case "loki": {
      const endpoint = checkedSinkEndpoint(sink.url);
      return {
        plugin: "loki",
        properties: {
          ...connection(endpoint),
          uri: endpoint.path === "" ? lokiPushPath : endpoint.path,
          ...(sink.tenant !== undefined && { tenant_id: sink.tenant }),
          labels: lokiLabels.join(", "),
          line_format: "json",
        },
        secrets: sinkSecrets(sink),
      };
    }
    case "elasticsearch": {
      const endpoint = checkedSinkEndpoint(sink.url);
      return {
        plugin: "es",
        properties: {
          ...connection(endpoint),
          ...(endpoint.path !== "" && { path: endpoint.path }),
          index: sink.index ?? defaultIndex,
          // Elasticsearch 8 and OpenSearch 2 refuse a mapping type in bulk requests.
          suppress_type_name: "on",
          // Kubernetes labels such as app.kubernetes.io/name would otherwise clash as object paths.
          replace_dots: "on",
        },
        secrets: sinkSecrets(sink),
      };
    }
    case "cloudwatch":
      return {
        plugin: "cloudwatch_logs",
        properties: {
          region: sink.region,
          log_group_name: sink.group,
          log_stream_prefix: sink.streamPrefix ?? defaultStreamPrefix,
          auto_create_group: "off",
        },
        secrets: sinkSecrets(sink),
      };
    case "http": {
      const endpoint = checkedSinkEndpoint(sink.url);
      return {
        plugin: "http",
        properties: {
          ...connection(endpoint),
          uri: endpoint.path === "" ? "/" : endpoint.path,
          format: "json_lines",
          json_date_key: "time",
          json_date_format: "iso8601",
        },
        secrets: sinkSecrets(sink),
      };
    }
    case "stdout":
      return { plugin: "stdout", properties: { format: "json_lines" }, secrets: [] };
  }
}

/** The agent's secret environment: each secret's variable and value. */
export function sinkEnvironment(secrets: SinkSecret[]): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(secrets.map((s) => [s.variable, s.value]));
}

/**
 * The output's properties with its secrets as `${VARIABLE}` references, which Fluent Bit fills from the
 * agent's environment when it reads the configuration: what a configuration file holds.
 */
export function outputProperties(output: SinkOutput): Record<string, string | string[]> {
  const properties: Record<string, string | string[]> = { ...output.properties };
  for (const secret of output.secrets) {
    if (secret.property === undefined) continue;
    const text = `${secret.prefix === undefined ? "" : `${secret.prefix} `}\${${secret.variable}}`;
    const present = properties[secret.property];
    properties[secret.property] = secret.repeated
      ? [...(present === undefined ? [] : [present].flat()), text]
      : text;
  }
  return properties;
}
