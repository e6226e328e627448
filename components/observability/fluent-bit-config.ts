/**
 * The log agent's configuration, for any target that runs one per node: Fluent Bit tailing the
 * container runtime's log files and shipping them to one sink. Rendered as Fluent Bit's YAML format.
 * Secrets never enter it: they are `${VARIABLE}` references to the agent's environment.
 */
import { stringify } from "yaml";
import { outputProperties, type SinkOutput } from "./fluent-bit-output";

/** The Fluent Bit release Berth runs and is tested against. */
export const fluentBitVersion = "5.1.1";

/** Fluent Bit's official image, pinned by the digest of its multi-platform index. */
export const fluentBitImage = `fluent/fluent-bit:${fluentBitVersion}@sha256:a941bdd5ca552b2c6597fc7b3bccf2e61d30873939bab5700963de0e94ac6169`;

/** Where the configuration is mounted in the agent's container. */
export const fluentBitConfigPath = "/fluent-bit/etc/berth/fluent-bit.yaml";

/** The agent's writable state: the tail position database and the buffered chunks. */
export const fluentBitStateDir = "/fluent-bit/state";

/** The port of Fluent Bit's HTTP API, where it serves one (a liveness probe's target). */
export const fluentBitHttpPort = 2020;

/** The container runtime's log files, as each target keeps them on its nodes. */
export type LogSource =
  /** Docker's `json-file` driver: `/var/lib/docker/containers/<id>/<id>-json.log` (a swarm's nodes). */
  | { kind: "docker" }
  /**
   * The kubelet's `/var/log/containers/<pod>_<namespace>_<container>-<id>.log`, in the CRI format
   * (or Docker's JSON on nodes that still run it); `exclude` lists globs of files left out (the agent's own).
   */
  | { kind: "kubernetes"; exclude: string[] };

/** What {@link fluentBitConfig} renders. */
export interface FluentBitConfigOptions {
  /** Which files the agent tails, and what it adds to each record. */
  source: LogSource;
  /** Where it ships them (see `sinkOutput`). */
  output: SinkOutput;
  /** The memory buffer for records not yet shipped, in bytes; also the most each output keeps on disk. */
  bufferBytes: number;
  /** Serve Fluent Bit's HTTP API on {@link fluentBitHttpPort}, for a liveness probe. @default false */
  httpServer?: boolean;
}

/** Fluent Bit writes records in chunks of about 2 MB: the memory buffer is counted in them. */
const chunkBytes = 2 * 1024 * 1024;

/** How many chunks may be in memory at once for a buffer of `bufferBytes`. */
export function bufferChunks(bufferBytes: number): number {
  return Math.max(1, Math.ceil(bufferBytes / chunkBytes));
}

/**
 * The agent's memory limit for a buffer of `bufferBytes`: the buffer, its copy on the way out, and
 * 64 MiB for Fluent Bit itself and the metadata it caches.
 */
export function agentMemoryBytes(bufferBytes: number): number {
  return 2 * bufferChunks(bufferBytes) * chunkBytes + 64 * 1024 * 1024;
}

/** Docker's `json-file` logs of every container on the node. */
export const dockerLogFiles = "/var/lib/docker/containers/*/*-json.log";

/** The kubelet's links to every container's current log file on the node. */
export const kubernetesLogFiles = "/var/log/containers/*.log";

/** Swarm's container labels, kept in each line by `json-file`'s `labels-regex`, and their record keys. */
const swarmLabels: [label: string, key: string][] = [
  ["com.docker.swarm.service.name", "service"],
  ["com.docker.swarm.task.name", "task"],
  ["com.docker.stack.namespace", "stack"],
];

/** The environment variable a swarm's agent gets its node's host name in. */
export const nodeNameVariable = "NODE_NAME";

/** Loki's stream labels for the records of each source: low-cardinality fields only. */
export const lokiLabels: Record<LogSource["kind"], string[]> = {
  docker: ["job=berth", "service=$service", "stack=$stack", "node=$node"],
  kubernetes: [
    "job=berth",
    "namespace=$kubernetes['namespace_name']",
    "service=$kubernetes['labels']['app.kubernetes.io/name']",
    "container=$kubernetes['container_name']",
  ],
};

/**
 * The tail input: reads new lines from every container's log file, remembers how far it read in a
 * database on the state volume (a restarted agent neither resends nor skips lines), and buffers
 * records as chunks on that volume. When `storage.max_chunks_up` chunks are in memory because the sink
 * is slow or down, it pauses reading: the files go on growing and rotating, and the containers never
 * wait for the agent.
 */
function tailInput(source: LogSource): Record<string, unknown> {
  const common = {
    name: "tail",
    db: `${fluentBitStateDir}/tail.db`,
    "db.locking": "true",
    skip_long_lines: "on",
    refresh_interval: "10",
    "storage.type": "filesystem",
    "storage.pause_on_chunks_overlimit": "on",
  };
  if (source.kind === "kubernetes")
    return {
      ...common,
      tag: "kube.*",
      path: kubernetesLogFiles,
      ...(source.exclude.length > 0 && { exclude_path: source.exclude.join(",") }),
      "multiline.parser": "cri, docker",
    };
  return {
    ...common,
    tag: "docker.*",
    path: dockerLogFiles,
    path_key: "log_file",
    "multiline.parser": "docker",
    // The container's ID is the name of its log file's directory.
    processors: {
      logs: [
        {
          name: "content_modifier",
          action: "extract",
          key: "log_file",
          pattern: "^/var/lib/docker/containers/(?<container_id>[0-9a-f]{64})/",
        },
        { name: "content_modifier", action: "delete", key: "log_file" },
      ],
    },
  };
}

/**
 * Docker: Swarm's service, task and stack names, where `json-file` kept them in the line's `attrs`
 * (the cluster's logging options `labels-regex`), and the node's host name. Kubernetes: the pod's
 * namespace, name, labels and container from the API server (the kubernetes filter); pods annotated
 * `fluentbit.io/exclude: "true"` are left out.
 */
function filters(source: LogSource): Record<string, unknown>[] {
  if (source.kind === "kubernetes")
    return [
      {
        name: "kubernetes",
        match: "kube.*",
        merge_log: "off",
        labels: "on",
        annotations: "off",
        "k8s-logging.exclude": "on",
        buffer_size: "256k",
      },
    ];
  return [
    { name: "nest", match: "docker.*", operation: "lift", nested_under: "attrs" },
    {
      name: "modify",
      match: "docker.*",
      rename: swarmLabels.map(([label, key]) => `${label} ${key}`),
      add: [`node \${${nodeNameVariable}}`],
    },
  ];
}

/**
 * The agent's configuration (Fluent Bit's YAML format): tail `source`'s files, add what is known of
 * each container, and ship to `output` with retries until it answers. Credentials are `${VARIABLE}`
 * references, never values.
 */
export function fluentBitConfig(options: FluentBitConfigOptions): string {
  const { source, output, bufferBytes } = options;
  return stringify({
    service: {
      flush: "1",
      grace: "10",
      log_level: "info",
      ...(options.httpServer && {
        http_server: "on",
        http_listen: "0.0.0.0",
        http_port: String(fluentBitHttpPort),
      }),
      "storage.path": `${fluentBitStateDir}/buffer`,
      "storage.sync": "normal",
      "storage.max_chunks_up": String(bufferChunks(bufferBytes)),
      "storage.backlog.mem_limit": String(bufferBytes),
      // A sink that was down is tried again within a minute of coming back.
      "scheduler.cap": "60",
    },
    pipeline: {
      inputs: [tailInput(source)],
      filters: filters(source),
      outputs: [
        {
          name: output.plugin,
          match: "*",
          // Held until the sink takes them: the buffer's bound, not a retry count, limits what is kept.
          retry_limit: "no_limits",
          "storage.total_limit_size": String(bufferBytes),
          ...outputProperties(output),
        },
      ],
    },
  });
}
