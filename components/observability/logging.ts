import * as pulumi from "@pulumi/pulumi";
import { type LoggingArgs, LoggingArgumentsError, loggingRequest } from "./logging-args";

/**
 * A log agent on every node of a cluster that ships every container's logs to one sink (Loki,
 * Elasticsearch or OpenSearch, CloudWatch Logs, an HTTP endpoint, or its own standard output). The
 * agent is Fluent Bit, tailing the files the container runtime writes: containers keep logging to
 * local files whatever the sink does, and a sink that is down only makes the agent pause reading once
 * its buffer (`bufferLimit`) is full. What runs depends on the target (docs/observability.md):
 * - a swarm: a global service (one task per node) reading Docker's `json-file` logs, which the
 *   cluster's services must keep (the default): a cluster with another default log driver is refused;
 * - Kubernetes: a DaemonSet reading the kubelet's log files, enriched with pod metadata;
 * - ECS is refused: its tasks ship logs through FireLens, an `EcsCluster` option.
 *
 * ```ts
 * const cluster = new LocalSwarm("local");
 * new Logging("logs", {
 *   cluster,
 *   sink: { kind: "loki", url: "https://logs.example.com", username: "42", password: config.requireSecret("lokiToken") },
 * });
 * ```
 *
 * @throws {@link LoggingArgumentsError} for wrong arguments or a cluster that cannot run the agent,
 *   listing each problem, before anything is created.
 */
export class Logging extends pulumi.ComponentResource {
  /** The agent's configuration as rendered (Fluent Bit YAML): credentials are references to its environment. */
  readonly agentConfig: pulumi.Output<string>;
  /** The image the agent runs. */
  readonly image: string;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before the component itself is registered.
    const request = loggingRequest(name, args);
    super("berth:observability:Logging", name, {}, opts);
    const deployLogging = args.cluster.deployLogging;
    if (!deployLogging)
      throw new LoggingArgumentsError(name, [{ path: "cluster", message: "cannot deploy a log agent" }]);
    const deployment = deployLogging.call(args.cluster, name, request, this);
    this.agentConfig = deployment.agentConfig;
    this.image = deployment.image;
    this.registerOutputs({ agentConfig: this.agentConfig, image: this.image });
  }
}
