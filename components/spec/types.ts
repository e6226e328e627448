/**
 * The portable service description: what a user writes ({@link ServiceInput}) and the canonical form
 * every renderer reads ({@link NormalizedService}). Plain data only: no Pulumi types here.
 */

/** A duration: a Go-style string such as `"10s"`, `"1m30s"`, `"250ms"`, or a number of seconds. */
export type DurationInput = string | number;

/** CPU: a number of cores (`0.5`) or a Kubernetes quantity in millicores (`"500m"`) or cores (`"2"`). */
export type CpuInput = number | string;

/**
 * Memory: a number of bytes, or a Kubernetes quantity: binary units `Ki Mi Gi Ti`
 * (`"512Mi"`, `"1Gi"`) or decimal units `k M G T` (`"500M"`).
 */
export type MemoryInput = number | string;

/** Where a port is reachable from. */
export interface PortInput {
  /** The port the container listens on. Required, 1-65535. */
  target: number;
  /**
   * The port outside the cluster. Setting it makes the port public.
   * @default the target port when `public` is true, otherwise not published
   */
  published?: number;
  /** @default `"tcp"` */
  protocol?: "tcp" | "udp";
  /**
   * Reachable from outside the cluster (Swarm: published port; Kubernetes: LoadBalancer Service or Ingress;
   * ECS: load balancer listener).
   * @default true when `published` is set, otherwise false
   */
  public?: boolean;
  /**
   * How a public port is published. `ingress` goes through the cluster's load balancing (Swarm routing mesh);
   * `host` binds the port on the node that runs the task (Kubernetes `hostPort`).
   * @default `"ingress"`
   */
  publishMode?: "ingress" | "host";
  /**
   * HTTP routing for a public TCP port (Kubernetes Ingress, ECS ALB rule).
   * @default none
   */
  http?: {
    /** The host name requests are routed by. */
    host?: string;
    /** The path prefix requests are routed by. */
    path?: string;
    /** Serve HTTPS. */
    tls?: boolean;
  };
  /**
   * The only client addresses a public port accepts, as IPv4 or IPv6 CIDR blocks (`"203.0.113.0/24"`,
   * `"2001:db8::/32"`): ECS load balancer security group rules, Kubernetes `loadBalancerSourceRanges`. Only
   * on public ports. Swarm cannot restrict a published port and refuses it (unless `ports` is listed in
   * `ignoreUnsupported`); Kubernetes refuses it on ports with `http` (an Ingress controller's source
   * filtering is its own) or `publishMode: "host"`.
   * @default none, any address
   */
  sourceRanges?: string[];
}

/** Exactly one of `command`, `http` or `tcp`. */
export interface HealthCheckInput {
  /**
   * Docker's form: `["CMD", arg...]` (exec), `["CMD-SHELL", "script"]` or `["NONE"]`.
   * A plain string means `CMD-SHELL`.
   */
  command?: string | string[];
  /** An HTTP GET that must answer 2xx/3xx. */
  http?: {
    /** The path to request. */
    path: string;
    /** The container port to request it on. */
    port: number;
  };
  /** A TCP connect. */
  tcp?: {
    /** The container port to connect to. */
    port: number;
  };
  /** @default `"10s"` */
  interval?: DurationInput;
  /** @default `"5s"` */
  timeout?: DurationInput;
  /**
   * Consecutive failures before the task is unhealthy.
   * @default 3
   */
  retries?: number;
  /**
   * Failures during this grace period after start do not count.
   * @default `"0s"`
   */
  startPeriod?: DurationInput;
  /**
   * Time between checks during `startPeriod` (Swarm engines with API 1.44+ only; refused on Kubernetes and
   * ECS).
   * @default `interval`
   */
  startInterval?: DurationInput;
}

/**
 * Release a new version to a slice of the service first (Kubernetes). A change of the service runs as
 * a second set of replicas (the canary) beside the current version, behind the same endpoints; the
 * next deployment promotes it to every replica, and a deployment that returns to the current version
 * removes it. Give exactly one of `replicas` and `percent`. Only for `mode: "replicated"`.
 */
export interface CanaryInput {
  /** Replicas of the new version, in addition to the current ones: at least 1, at most `replicas`. */
  replicas?: number;
  /**
   * The canary's size as a percentage (1-99) of the service's replicas, rounded up, at least 1 replica.
   */
  percent?: number;
  /**
   * Hold the canary across deployments until `promote` is set, instead of promoting it on the next one.
   * @default false
   */
  pause?: boolean;
  /**
   * Promote the new version at once (also a held canary), without a canary stage.
   * @default false
   */
  promote?: boolean;
}

/** How a service's tasks are replaced on an update. */
export interface UpdatePolicyInput {
  /**
   * Tasks updated at once; 0 means all at once.
   * @default 1
   */
  parallelism?: number;
  /**
   * Wait between batches.
   * @default `"0s"`
   */
  delay?: DurationInput;
  /**
   * `start-first` starts the new task before stopping the old one.
   * @default `"start-first"`
   */
  order?: "start-first" | "stop-first";
  /**
   * What a failed update does.
   * @default `"rollback"`
   */
  failureAction?: "rollback" | "pause" | "continue";
  /**
   * How long a new task is watched for failure.
   * @default `"5s"`
   */
  monitor?: DurationInput;
  /**
   * Fraction (0-1) of tasks that may fail during an update.
   * @default 0
   */
  maxFailureRatio?: number;
  /**
   * Run a new version as a canary first (Kubernetes only).
   * @default none: an update rolls every replica
   */
  canary?: CanaryInput;
}

/** When a service's containers are restarted. */
export interface RestartPolicyInput {
  /** @default `"any"` (jobs: `"on-failure"`) */
  condition?: "any" | "on-failure" | "none";
  /** @default `"5s"` */
  delay?: DurationInput;
  /**
   * 0 means unlimited.
   * @default 0
   */
  maxAttempts?: number;
  /**
   * Window used to evaluate the restart policy; 0 means unbounded.
   * @default `"0s"`
   */
  window?: DurationInput;
}

/** Where a service's tasks may run. */
export interface PlacementInput {
  /**
   * Swarm-style expressions: `node.labels.zone==a`, `node.role!=manager`, `node.hostname==n1`,
   * `node.platform.os==linux`, `node.platform.arch==x86_64`, `node.id==...`.
   * @default none
   */
  constraints?: string[];
  /**
   * Spread tasks evenly over the values of a node label: `node.labels.zone`.
   * @default none
   */
  spread?: string;
  /**
   * At most this many tasks of the service on one node.
   * @default unlimited
   */
  maxPerNode?: number;
}

/** Scaling on load between `min` and `max` replicas. */
export interface AutoscaleInput {
  /** Required, at least 1. */
  min: number;
  /** Required, at least `min`. */
  max: number;
  /**
   * Target average CPU utilisation (1-100).
   * @default 80 when no other target is given
   */
  cpuPercent?: number;
  /**
   * Target average memory utilisation (1-100).
   * @default none
   */
  memoryPercent?: number;
  /**
   * Target average HTTP requests per task per minute (a positive number). Needs a public port with `http`
   * (ECS tracks its Application Load Balancer's request count per target); refused on Kubernetes and Swarm.
   * @default none
   */
  requestsPerTarget?: number;
}

/** A volume mounted into the container. */
export interface VolumeInput {
  /** `volume` (named, managed by the cluster), `bind` (a host path) or `tmpfs` (memory). */
  type: "volume" | "bind" | "tmpfs";
  /**
   * Volume name (`volume`) or absolute host path (`bind`); not allowed for `tmpfs`. A `volume` without a
   * source is anonymous: a new, empty volume for each task (Kubernetes: an `emptyDir`).
   * @default none (required for `bind`)
   */
  source?: string;
  /** Absolute path in the container; distinct across volumes, secrets and configs. */
  target: string;
  /** @default false */
  readOnly?: boolean;
  /**
   * Options of a `tmpfs` mount only.
   * @default the engine's (half of the node's memory, mode 1777)
   */
  tmpfs?: TmpfsInput;
}

/** Options of a tmpfs mount. */
export interface TmpfsInput {
  /**
   * Size limit (bytes or a quantity such as `"64Mi"`).
   * @default none (the engine's)
   */
  size?: MemoryInput;
  /**
   * Permission bits of the mount's root, e.g. `0o1777`.
   * @default the engine's (`0o1777`)
   */
  mode?: number;
}

/** A secret or config mounted as a file. */
export interface FileMountInput {
  /** The name of the secret or config. */
  source: string;
  /**
   * Where the file appears. A relative secret target is placed under `/run/secrets/`.
   * @default `/run/secrets/<source>` for secrets, `/<source>` for configs
   */
  target?: string;
  /**
   * File mode.
   * @default `0o444`
   */
  mode?: number;
  /**
   * Numeric user ID that owns the file.
   * @default `"0"`
   */
  uid?: string | number;
  /**
   * Numeric group ID that owns the file.
   * @default `"0"`
   */
  gid?: string | number;
}

/** A network the service joins, with the extra names it answers to there. */
export interface NetworkAttachmentInput {
  /** The network's name. */
  name: string;
  /**
   * DNS names of the service on this network besides its own name.
   * @default none
   */
  aliases?: string[];
}

/** A resource limit (`ulimit`): one number for both, or soft and hard limits; -1 is unlimited. */
export type UlimitInput =
  | number
  | {
      /** The limit a process may raise up to `hard`. */
      soft: number;
      /** The ceiling. */
      hard: number;
    };

/**
 * Security options that Swarm's `Privileges` carries (Docker `--security-opt`). Swarm applies them
 * only on engines with API 1.44+ (Docker 25); older engines are refused rather than ignoring them.
 */
export interface SecurityOptInput {
  /**
   * Processes cannot gain privileges (setuid binaries, file capabilities).
   * @default false
   */
  noNewPrivileges?: boolean;
  /**
   * Seccomp: `"default"` (the runtime's profile), `"unconfined"` (none) or a custom profile given as its JSON
   * text.
   * @default `"default"`
   */
  seccomp?:
    | "default"
    | "unconfined"
    | {
        /** The profile's JSON text. */
        profile: string;
      };
  /**
   * AppArmor: `"default"` (the runtime's profile) or `"unconfined"`.
   * @default `"default"`
   */
  appArmor?: "default" | "unconfined";
}

/** Resource limits and reservations. */
export interface ResourcesInput {
  /**
   * CPU limit.
   * @default none
   */
  cpu?: CpuInput;
  /**
   * Memory limit (at least 6Mi).
   * @default none
   */
  memory?: MemoryInput;
  /**
   * Most processes (and threads) the container may run, at least 1.
   * @default none
   */
  pids?: number;
  /**
   * What the scheduler reserves; no more than the limits.
   * @default none
   */
  reservations?: {
    /** Cores reserved. */
    cpu?: CpuInput;
    /** Memory reserved. */
    memory?: MemoryInput;
    /**
     * Node resources by kind and count (Swarm generic resources such as `{ gpu: 1 }`; Kubernetes extended
     * resources such as `{ "nvidia.com/gpu": 1 }`; ECS GPUs on EC2).
     * @default none
     */
    genericResources?: Record<string, number>;
  };
}

/** The portable description of one service, as a user writes it. */
export interface ServiceInput {
  /** Docker image reference: `[registry[:port]/]path[:tag][@digest]`. Required. */
  image: string;
  /**
   * The CPU platform the service's tasks need: `"linux/amd64"` or `"linux/arm64"`. Swarm: a placement
   * constraint `node.platform.arch == x86_64 | aarch64`; Kubernetes: the node selector
   * `kubernetes.io/arch`; ECS: the task definition's `runtimePlatform` (and, on EC2 capacity, a
   * `ecs.cpu-architecture` placement constraint).
   * @default none: tasks go to any node (ECS Fargate runs x86-64), and the image must suit the node it lands on
   */
  platform?: "linux/amd64" | "linux/arm64";
  /**
   * Replaces the image's ENTRYPOINT.
   * @default the image's
   */
  entrypoint?: string[];
  /**
   * Replaces the image's CMD.
   * @default the image's
   */
  command?: string[];
  /**
   * Plain environment variables.
   * @default none
   */
  env?: Record<string, string>;
  /**
   * Environment variables whose values are secrets (kept out of plain state and logs).
   * @default none
   */
  secretEnv?: Record<string, string>;
  /** @default none */
  ports?: PortInput[];
  /**
   * How other services reach this one: a virtual IP or DNS round robin. ECS has no virtual IP: its Cloud Map
   * name resolves to each task's address, as `dnsrr` does, whichever is set.
   * @default `"vip"`
   */
  endpointMode?: "vip" | "dnsrr";
  /**
   * `replicated`, `global` (one task per node) or `job` (runs to completion).
   * @default `"replicated"`
   */
  mode?: "replicated" | "global" | "job";
  /**
   * Replicated: running tasks; job: completions.
   * @default 1 (or `autoscale.min`)
   */
  replicas?: number;
  /** CPU and memory limits and reservations, process and node resources. */
  resources?: ResourcesInput;
  /** How the target checks that a task is healthy. */
  healthCheck?: HealthCheckInput;
  /** How tasks are replaced on an update. */
  update?: UpdatePolicyInput;
  /** When containers are restarted. */
  restart?: RestartPolicyInput;
  /** Where tasks may run. */
  placement?: PlacementInput;
  /** Scaling on load (replicated services only). */
  autoscale?: AutoscaleInput;
  /** Volumes mounted into the container. */
  volumes?: VolumeInput[];
  /** Secrets mounted as files. */
  secrets?: FileMountInput[];
  /** Configs mounted as files. */
  configs?: FileMountInput[];
  /**
   * Networks the service joins: a name, or `{ name, aliases }` for extra DNS names on that network.
   * @default none beyond the cluster's default
   */
  networks?: (string | NetworkAttachmentInput)[];
  /**
   * Labels on the service. Keys starting with `berth.` are reserved.
   * @default none
   */
  labels?: Record<string, string>;
  /**
   * `user`, `uid`, `user:group` or `uid:gid`.
   * @default the image's
   */
  user?: string;
  /**
   * Absolute working directory.
   * @default the image's
   */
  workingDir?: string;
  /** @default false */
  readOnlyRootFilesystem?: boolean;
  /**
   * Linux capabilities, with or without the `CAP_` prefix, or `ALL`.
   * @default none
   */
  capAdd?: string[];
  /**
   * Linux capabilities to drop, named as in `capAdd`.
   * @default none
   */
  capDrop?: string[];
  /**
   * Time between the stop signal and a kill.
   * @default `"10s"`
   */
  stopGracePeriod?: DurationInput;
  /**
   * The signal that stops the container: a name (`SIGINT`, `QUIT`) or a number.
   * @default the image's
   */
  stopSignal?: string;
  /**
   * The container's host name (an RFC 1123 name).
   * @default the cluster's (Swarm: the container ID)
   */
  hostname?: string;
  /**
   * Keep standard input open (`docker run -i`).
   * @default false
   */
  stdinOpen?: boolean;
  /**
   * Allocate a pseudo-terminal (`docker run -t`).
   * @default false
   */
  tty?: boolean;
  /**
   * Namespaced kernel parameters, such as `{ "net.core.somaxconn": "1024" }`.
   * @default none
   */
  sysctls?: Record<string, string>;
  /**
   * Resource limits by name (`nofile`, `nproc`, `core`, ...).
   * @default the engine's
   */
  ulimits?: Record<string, UlimitInput>;
  /**
   * Name server IP addresses.
   * @default the cluster's DNS
   */
  dns?: string[];
  /**
   * DNS search domains.
   * @default the cluster's
   */
  dnsSearch?: string[];
  /**
   * resolv.conf options, such as `ndots:2`.
   * @default none
   */
  dnsOptions?: string[];
  /**
   * Extra `/etc/hosts` entries: host name -> IP address.
   * @default none
   */
  extraHosts?: Record<string, string>;
  /**
   * Run an init process as PID 1 that forwards signals and reaps zombies.
   * @default the engine's (no)
   */
  init?: boolean;
  /**
   * Seccomp, AppArmor and no-new-privileges.
   * @default the runtime's profiles, privileges may rise
   */
  securityOpt?: SecurityOptInput;
  /**
   * Where the service's containers expose Prometheus metrics. Swarm: `prometheus.io/*` service labels
   * that Swarm discovery relabels from; Kubernetes: `prometheus.io/*` pod annotations, and a PodMonitor or
   * PodMonitoring where the cluster's monitoring uses one; ECS: the docker labels the CloudWatch agent's
   * ECS Prometheus discovery reads.
   * @default none: the service is not scraped
   */
  metrics?: MetricsInput;
  /**
   * Log driver and its options.
   * @default the cluster's
   */
  logging?: {
    /** The log driver's name. */
    driver: string;
    /** The driver's options. */
    options?: Record<string, string>;
  };
  /**
   * Top-level field names (e.g. `"autoscale"`, `"networks"`) that a target which cannot honour them may drop
   * with a warning instead of failing.
   * @default none: every unsupported field is an error
   */
  ignoreUnsupported?: SpecField[];
}

/** Where a service exposes Prometheus metrics. */
export interface MetricsInput {
  /** The container port metrics are served on (it need not be one of `ports`). */
  port: number;
  /**
   * The HTTP path of the metrics.
   * @default `"/metrics"`
   */
  path?: string;
  /**
   * @default `"http"`
   */
  scheme?: "http" | "https";
}

/** Metrics with every default filled in. */
export interface NormalizedMetrics {
  /** The container port metrics are served on. */
  port: number;
  /** The HTTP path of the metrics. */
  path: string;
  /** How the scraper connects. */
  scheme: "http" | "https";
}

/** The names of the top-level fields of {@link ServiceInput}. */
export type SpecField = Exclude<keyof ServiceInput, "ignoreUnsupported">;

/** A port with every default filled in. */
export interface NormalizedPort {
  target: number;
  /** Set exactly when `public` is true. */
  published?: number;
  protocol: "tcp" | "udp";
  public: boolean;
  publishMode: "ingress" | "host";
  http?: { host?: string; path: string; tls: boolean };
  /** Set only on public ports that restrict their clients; absent means any address. */
  sourceRanges?: string[];
}

/** Durations are in milliseconds, CPU in millicores, memory in bytes. */
export interface NormalizedHealthCheck {
  /** Docker's form, always: `["CMD", ...]`, `["CMD-SHELL", script]` or `["NONE"]`. */
  test: string[];
  /** Set when the check was given as `http`; renderers with native HTTP probes use it. */
  http?: { path: string; port: number };
  /** Set when the check was given as `tcp`. */
  tcp?: { port: number };
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
  /** Set only when given. */
  startInterval?: number;
}

/** Resources with every default filled in. */
export interface NormalizedResources {
  /** Millicores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
  pids?: number;
  reservations: { cpu?: number; memory?: number; genericResources: Record<string, number> };
}

/** An update policy with every default filled in. */
export interface NormalizedUpdatePolicy {
  parallelism: number;
  delay: number;
  order: "start-first" | "stop-first";
  failureAction: "rollback" | "pause" | "continue";
  monitor: number;
  maxFailureRatio: number;
  /** Set only when the service asks for a canary. */
  canary?: NormalizedCanary;
}

/** {@link CanaryInput} with its size resolved to a number of replicas. */
export interface NormalizedCanary {
  /** Replicas of the canary while one runs: at least 1. */
  replicas: number;
  pause: boolean;
  promote: boolean;
}

/** A restart policy with every default filled in. */
export interface NormalizedRestartPolicy {
  condition: "any" | "on-failure" | "none";
  delay: number;
  maxAttempts: number;
  window: number;
}

/** A placement constraint: a node attribute compared with a value. */
export interface PlacementConstraint {
  /** e.g. `node.labels.zone`, `node.role`. */
  attribute: string;
  operator: "==" | "!=";
  value: string;
}

/** A secret or config file with every default filled in. */
export interface NormalizedFileMount {
  source: string;
  target: string;
  mode: number;
  /** Numeric, as text. */
  uid: string;
  gid: string;
}

/** A volume with every default filled in. */
export interface NormalizedVolume {
  type: "volume" | "bind" | "tmpfs";
  /** Absent for tmpfs and anonymous volumes. */
  source?: string;
  target: string;
  readOnly: boolean;
  /** tmpfs only, when given: size in bytes, mode bits. */
  tmpfs?: { size?: number; mode?: number };
}

/** {@link SecurityOptInput} with defaults filled. */
export interface NormalizedSecurityOpt {
  noNewPrivileges: boolean;
  seccomp: "default" | "unconfined" | { profile: string };
  appArmor: "default" | "unconfined";
}

/** The canonical service every renderer reads: defaults filled, units resolved, input validated. */
export interface NormalizedService {
  name: string;
  image: string;
  /** Set only when given. */
  platform?: "linux/amd64" | "linux/arm64";
  entrypoint?: string[];
  command?: string[];
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  ports: NormalizedPort[];
  endpointMode: "vip" | "dnsrr";
  mode: "replicated" | "global" | "job";
  /** Meaningful for `replicated` and `job`; 0 for `global`. */
  replicas: number;
  resources: NormalizedResources;
  healthCheck?: NormalizedHealthCheck;
  update: NormalizedUpdatePolicy;
  restart: NormalizedRestartPolicy;
  placement: { constraints: PlacementConstraint[]; spread?: string; maxPerNode?: number };
  autoscale?: {
    min: number;
    max: number;
    cpuPercent?: number;
    memoryPercent?: number;
    requestsPerTarget?: number;
  };
  volumes: NormalizedVolume[];
  secrets: NormalizedFileMount[];
  configs: NormalizedFileMount[];
  /** Network names, in the order given. */
  networks: string[];
  /** Aliases by network name, for the networks that have any. */
  networkAliases: Record<string, string[]>;
  labels: Record<string, string>;
  user?: string;
  workingDir?: string;
  readOnlyRootFilesystem: boolean;
  /** Upper case, without the `CAP_` prefix (`NET_ADMIN`), or `ALL`. */
  capAdd: string[];
  capDrop: string[];
  /** Milliseconds. */
  stopGracePeriod: number;
  /** As given: a name or a number. */
  stopSignal?: string;
  hostname?: string;
  stdinOpen: boolean;
  tty: boolean;
  sysctls: Record<string, string>;
  ulimits: Record<string, { soft: number; hard: number }>;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: Record<string, string>;
  /** Set only when given. */
  init?: boolean;
  securityOpt: NormalizedSecurityOpt;
  /** Set only when given. */
  metrics?: NormalizedMetrics;
  logging?: { driver: string; options: Record<string, string> };
  ignoreUnsupported: SpecField[];
}
