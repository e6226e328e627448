/** What every target's log agent is made of: its configuration and its secret environment. */
import * as pulumi from "@pulumi/pulumi";
import type { LoggingRequest } from "../observability-contract";
import { fluentBitConfig, type LogSource, lokiLabels } from "./fluent-bit-config";
import { type ResolvedLogSink, sinkEnvironment, sinkOutput, sinkSecrets } from "./fluent-bit-output";

/** The agent of one {@link LoggingRequest} on one kind of node. */
export interface FluentBitAgent {
  /** The configuration file's text: no secrets, so it may go in a config object. */
  config: pulumi.Output<string>;
  /** The credentials, by environment variable: what the target puts in a secret. */
  environment: Record<string, pulumi.Input<string>>;
}

/** The agent that tails `source`'s files and ships them as `request` says, once the sink's URL (and `source`) are known. */
export function fluentBitAgent(
  request: LoggingRequest,
  source: pulumi.Input<LogSource>,
  options: { httpServer?: boolean } = {},
): FluentBitAgent {
  const { sink } = request;
  const url: pulumi.Output<string | undefined> = pulumi.output("url" in sink ? sink.url : undefined);
  const config = pulumi.all([url, source]).apply(([known, source]) => {
    const resolved = ("url" in sink ? { ...sink, url: known } : sink) as ResolvedLogSink;
    return fluentBitConfig({
      source,
      output: sinkOutput(resolved, lokiLabels[source.kind]),
      bufferBytes: request.bufferBytes,
      httpServer: options.httpServer,
    });
  });
  return { config, environment: sinkEnvironment(sinkSecrets(sink)) };
}
