/**
 * The parts of Marathon's app definition (`POST /v2/apps`, Marathon 1.x) that a conversion reads. Keys
 * not listed here are still looked at: every key is either converted or reported.
 */

export interface MarathonPortMapping {
  containerPort?: number;
  /** 0: Marathon picks a host port. */
  hostPort?: number;
  /** The port marathon-lb listens on. */
  servicePort?: number;
  /** `tcp`, `udp` or `udp,tcp`. Default: tcp. */
  protocol?: string;
  name?: string;
  labels?: Record<string, string>;
  networkNames?: string[];
}

/** A Marathon app's `portDefinitions` entry. */
export interface MarathonPortDefinition {
  port?: number;
  protocol?: string;
  name?: string;
  labels?: Record<string, string>;
}

/** A Marathon app's `healthChecks` entry. */
export interface MarathonHealthCheck {
  /** Default: HTTP. */
  protocol?: "HTTP" | "HTTPS" | "TCP" | "COMMAND" | "MESOS_HTTP" | "MESOS_HTTPS" | "MESOS_TCP";
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value: string };
  /** Default: 300. */
  gracePeriodSeconds?: number;
  /** Default: 60. */
  intervalSeconds?: number;
  /** Default: 20. */
  timeoutSeconds?: number;
  /** Default: 3; 0 never kills the task. */
  maxConsecutiveFailures?: number;
  delaySeconds?: number;
  ignoreHttp1xx?: boolean;
}

/** A Marathon app's volume. */
export interface MarathonVolume {
  containerPath: string;
  hostPath?: string;
  /** `RW` or `RO`. */
  mode?: string;
  persistent?: { size?: number; type?: string; [key: string]: unknown };
  external?: { name?: string; provider?: string; options?: Record<string, string>; [key: string]: unknown };
  /** A secret's name in `secrets`: the secret as a file. */
  secret?: string;
}

/** A Marathon app definition (the fields the converter reads). */
export interface MarathonApp {
  id: string;
  cmd?: string | null;
  args?: string[] | null;
  instances?: number;
  cpus?: number;
  /** MiB. */
  mem?: number;
  disk?: number;
  gpus?: number;
  container?: {
    type?: "DOCKER" | "MESOS";
    docker?: {
      image?: string;
      network?: string;
      portMappings?: MarathonPortMapping[];
      privileged?: boolean;
      parameters?: { key: string; value: string }[];
      forcePullImage?: boolean;
      [key: string]: unknown;
    };
    portMappings?: MarathonPortMapping[];
    volumes?: MarathonVolume[];
    [key: string]: unknown;
  };
  networks?: { mode?: string; name?: string; labels?: Record<string, string> }[];
  portDefinitions?: MarathonPortDefinition[];
  ports?: number[];
  /** A value, or `{ "secret": "<name in secrets>" }`. */
  env?: Record<string, string | { secret: string }>;
  secrets?: Record<string, { source: string }>;
  healthChecks?: MarathonHealthCheck[];
  /** `[field, operator, value?]`. */
  constraints?: string[][];
  labels?: Record<string, string>;
  upgradeStrategy?: { minimumHealthCapacity?: number; maximumOverCapacity?: number };
  /** App ids, absolute or relative to the app's group. */
  dependencies?: string[];
  user?: string;
  taskKillGracePeriodSeconds?: number;
  [key: string]: unknown;
}

/** A Marathon group: apps and nested groups. */
export interface MarathonGroup {
  id?: string;
  apps?: MarathonApp[];
  groups?: MarathonGroup[];
  [key: string]: unknown;
}

/** Something of the Marathon definition without an equivalent, or converted only approximately. */
export interface MarathonNote {
  /** The app's id. */
  app: string;
  /** Path in the app definition: `container.docker.parameters[0]`, `constraints[1]`. */
  path: string;
  message: string;
}
