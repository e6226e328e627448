import type { ServiceCluster } from "../cluster";
import type { LoggingRequest, LogSink } from "../observability-contract";
import type { MemoryInput } from "../spec/types";
import { issueCollector, show, unknownFields } from "../arguments/issues";
import { type ArgumentIssue, ComponentArgumentsError } from "../arguments/error";
import { parseImageReference } from "../spec/image";
import { parseMemory } from "../spec/units";
import { fluentBitImage } from "./fluent-bit-config";
import { logSinkIssues } from "./log-sink-args";

/** Arguments of {@link Logging}. */
export interface LoggingArgs {
  /** The cluster whose containers' logs are shipped: a swarm or a Kubernetes cluster. */
  cluster: ServiceCluster;
  /** Where the logs go. Credentials in it are kept secret. */
  sink: LogSink;
  /**
   * The agent's buffer for logs the sink has not taken yet, in memory (and as much again on disk per
   * node): bytes, or a quantity such as `"64Mi"`. When it is full, the agent stops reading the log files
   * until the sink answers; the containers never wait.
   * @default `"32Mi"`
   */
  bufferLimit?: MemoryInput;
  /**
   * The log agent's image, a Fluent Bit release whose configuration format matches Berth's.
   * @default Fluent Bit 5.1.1, pinned by digest
   */
  image?: string;
}

/** `Logging`'s arguments are wrong, or its cluster cannot run a log agent: `issues` lists each, with its field. */
export class LoggingArgumentsError extends ComponentArgumentsError {
  constructor(name: string, issues: ArgumentIssue[]) {
    super("Logging", name, issues);
  }
}

/** The buffer when none is given. */
export const defaultBufferLimit = "32Mi";
const smallestBuffer = 2 ** 20;
const largestBuffer = 8 * 2 ** 30;

/** Why an ECS cluster takes no node agent, and what to use instead. */
const ecsRefusal =
  "an ECS cluster runs no agent on its nodes (Fargate has none to run it on): ship each task's logs with FireLens, a log router in every task, by giving the cluster logging: { firelens: { sink } } (EcsCluster's argument)";

/**
 * Checks `Logging`'s arguments and applies the defaults, before anything is created.
 * @throws {@link LoggingArgumentsError} listing every problem, each with its field.
 */
export function loggingRequest(name: string, args: LoggingArgs): LoggingRequest {
  const { issues, add } = issueCollector();
  unknownFields(args, ["cluster", "sink", "bufferLimit", "image"], "", add);
  const cluster = args.cluster as Partial<ServiceCluster> | undefined;
  if (!cluster || typeof cluster.deployWorkload !== "function")
    add("cluster", "must be a cluster: LocalSwarm, SwarmCluster, KubernetesCluster or GkeCluster");
  else if (cluster.target === "ecs") add("cluster", ecsRefusal);
  else if (typeof cluster.deployLogging !== "function")
    add("cluster", `a ${cluster.target} cluster of this kind cannot deploy a log agent`);
  logSinkIssues(args.sink, "sink", add);
  const bufferBytes = parseMemory(args.bufferLimit ?? defaultBufferLimit);
  if (bufferBytes === undefined || bufferBytes < smallestBuffer || bufferBytes > largestBuffer)
    add(
      "bufferLimit",
      `${show(args.bufferLimit)} is not a buffer size from 1Mi to 8Gi (bytes, or a quantity such as "64Mi")`,
    );
  const image = args.image ?? fluentBitImage;
  const parsed = typeof image === "string" ? parseImageReference(image) : { error: "must be a string" };
  if ("error" in parsed) add("image", `${show(image)} is not an image reference: ${parsed.error}`);
  if (issues.length > 0) throw new LoggingArgumentsError(name, issues);
  return { sink: args.sink, bufferBytes: bufferBytes as number, image };
}
