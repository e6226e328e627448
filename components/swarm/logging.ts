/** The log agent of a swarm: Fluent Bit as a global service, one task per node. */
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster } from "../cluster";
import type { LoggingDeployment, LoggingRequest } from "../observability-contract";
import { ContainerService } from "../service";
import { fluentBitAgent } from "../observability/fluent-bit-agent";
import {
  agentMemoryBytes,
  fluentBitConfigPath,
  fluentBitStateDir,
  nodeNameVariable,
} from "../observability/fluent-bit-config";
import { LoggingArgumentsError } from "../observability/logging-args";
import type { SwarmTarget } from "./engine-access";

/** Where Docker keeps each container's `json-file` log, on every node. */
export const dockerContainersDir = "/var/lib/docker/containers";

/**
 * The agent reads the files of Docker's `json-file` driver, so the cluster's services must log with it
 * (Berth's default). Any other default leaves it nothing to read, and a network driver (Loki, Fluentd,
 * GELF, syslog) would make the engine block or refuse containers while its endpoint is down.
 */
function checkClusterLogging(name: string, cluster: SwarmTarget): void {
  const driver = cluster.engine.logging?.driver;
  if (driver === undefined || driver === "json-file") return;
  throw new LoggingArgumentsError(name, [
    {
      path: "cluster",
      message: `the swarm's services log with the ${JSON.stringify(driver)} driver, but the agent reads Docker's json-file logs: give the cluster logging: { driver: "json-file" } (its default), and never a network log driver, which stalls containers while its endpoint is down`,
    },
  ]);
}

/**
 * Deploys the log agent on every node of a swarm: a global service `<name>-fluent-bit` that reads every
 * container's `json-file` log (mounted read-only), keeps its read positions and buffer on a node-local
 * volume `<name>-fluent-bit-state`, and reads the sink's credentials from secret variables. Its own
 * logs use Docker's `local` driver, so that it never reads its own lines.
 *
 * @throws {@link LoggingArgumentsError} when the cluster's services do not log with `json-file`.
 */
export function deploySwarmLogging(
  name: string,
  request: LoggingRequest,
  parent: pulumi.ComponentResource,
  cluster: ServiceCluster & SwarmTarget,
): LoggingDeployment {
  checkClusterLogging(name, cluster);
  const agent = fluentBitAgent(request, { kind: "docker" });
  const serviceName = `${name}-fluent-bit`;
  const memory = agentMemoryBytes(request.bufferBytes);
  new ContainerService(
    serviceName,
    {
      cluster,
      serviceName,
      image: request.image,
      mode: "global",
      command: ["-c", fluentBitConfigPath],
      // Swarm fills the template per task: each record names the node it was read on.
      env: { [nodeNameVariable]: "{{.Node.Hostname}}" },
      secretEnv: agent.environment,
      configs: [{ source: "fluent-bit.yaml", target: fluentBitConfigPath, data: agent.config }],
      volumes: [
        { type: "bind", source: dockerContainersDir, target: dockerContainersDir, readOnly: true },
        { type: "volume", source: `${name}-fluent-bit-state`, target: fluentBitStateDir },
      ],
      resources: { cpu: 1, memory, reservations: { cpu: 0.05, memory: 64 * 2 ** 20 } },
      // Root reads the engine's root-owned log files; no capability beyond a file owner's is needed.
      readOnlyRootFilesystem: true,
      capDrop: ["ALL"],
      // Two agents on one node would read the same files: the old one stops first.
      update: { order: "stop-first" },
      stopGracePeriod: "15s",
      logging: { driver: "local", options: { "max-size": "10m", "max-file": "3" } },
      placement: { constraints: ["node.platform.os==linux"] },
    },
    { parent },
  );
  return { agentConfig: agent.config, image: request.image };
}
