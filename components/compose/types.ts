/**
 * The canonical, long form of a Compose project: what `docker compose config --format json` prints.
 * Only the keys Berth reads are typed; every other key of the Compose specification passes through
 * as it was written (after interpolation, merging and short-syntax expansion).
 */

/** A path into a Compose document: `["services", "web", "ports", 0, "target"]`. */
export type ComposePath = (string | number)[];

/** One problem in a Compose file. */
export interface ComposeIssue {
  /** The file it is in, as given (`"(content)"` for inline content); absent once files are merged. */
  file?: string;
  /** Dotted key path, e.g. `services.web.ports[0].target`. */
  path: string;
  /** 1-based line, where the YAML source tells it. */
  line?: number;
  message: string;
}

/** Thrown by the loader; `issues` lists every problem found, each with its file, path and line. */
export class ComposeError extends Error {
  readonly issues: ComposeIssue[];

  constructor(issues: ComposeIssue[]) {
    const lines = issues.map(
      (i) =>
        `  ${i.file ? `${i.file}${i.line !== undefined ? `:${i.line}` : ""}: ` : ""}${i.path || "(top level)"}: ${i.message}`,
    );
    super(`compose: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n${lines.join("\n")}`);
    this.name = "ComposeError";
    this.issues = issues;
  }
}

/** Formats a path as `services.web.ports[0].target`. */
export function formatPath(path: ComposePath): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

/** A service's port, in Compose's long form. */
export interface ComposePort {
  mode: "ingress" | "host";
  target: number;
  published?: string;
  host_ip?: string;
  protocol: "tcp" | "udp" | string;
  name?: string;
  app_protocol?: string;
}

/** A service's mount, in Compose's long form. */
export interface ComposeVolumeMount {
  type: "volume" | "bind" | "tmpfs" | "npipe" | "cluster" | "image";
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { create_host_path?: boolean; propagation?: string; selinux?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number | string; mode?: number };
  consistency?: string;
}

/** A service's use of a secret or config, in Compose's long form. */
export interface ComposeFileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

/** A `depends_on` entry, in Compose's long form. */
export interface ComposeDependency {
  condition: "service_started" | "service_healthy" | "service_completed_successfully";
  required: boolean;
  restart?: boolean;
}

export interface ComposeHealthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

export interface ComposeDeploy {
  mode?: "replicated" | "global" | "replicated-job" | "global-job";
  replicas?: number;
  endpoint_mode?: "vip" | "dnsrr";
  labels?: Record<string, string>;
  resources?: {
    limits?: { cpus?: number | string; memory?: string | number; pids?: number };
    reservations?: {
      cpus?: number | string;
      memory?: string | number;
      devices?: unknown[];
      generic_resources?: unknown[];
    };
  };
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  placement?: {
    constraints?: string[];
    preferences?: { spread: string }[];
    max_replicas_per_node?: number;
  };
}

interface UpdateConfig {
  parallelism?: number;
  delay?: string;
  failure_action?: string;
  monitor?: string;
  max_failure_ratio?: number;
  order?: string;
}

/** One service in canonical form. Keys not listed here are kept as written. */
export interface ComposeService {
  image?: string;
  /** `os/arch[/variant]`, such as `linux/arm64`. */
  platform?: string;
  build?: { context: string; dockerfile?: string; [key: string]: unknown };
  command?: string[] | null;
  entrypoint?: string[] | null;
  /** Every value a string, or null for "take it from the environment" left unresolved. */
  environment?: Record<string, string | null>;
  ports?: ComposePort[];
  volumes?: ComposeVolumeMount[];
  secrets?: ComposeFileReference[];
  configs?: ComposeFileReference[];
  /** Network name -> attachment options (null when there are none). */
  networks?: Record<string, { aliases?: string[]; ipv4_address?: string; [key: string]: unknown } | null>;
  depends_on?: Record<string, ComposeDependency>;
  healthcheck?: ComposeHealthcheck;
  deploy?: ComposeDeploy;
  labels?: Record<string, string>;
  profiles?: string[];
  user?: string;
  working_dir?: string;
  read_only?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  stop_grace_period?: string;
  logging?: { driver?: string; options?: Record<string, string> };
  /** Berth's extension: what Compose cannot say. */
  "x-berth"?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A top-level `networks` entry. */
export interface ComposeNetwork {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  attachable?: boolean;
  internal?: boolean;
  external?: boolean;
  labels?: Record<string, string>;
  ipam?: {
    driver?: string;
    config?: {
      subnet?: string;
      ip_range?: string;
      gateway?: string;
      aux_addresses?: Record<string, string>;
    }[];
    options?: Record<string, string>;
  };
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  [key: string]: unknown;
}

/** A top-level `volumes` entry. */
export interface ComposeVolume {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

/** A top-level secret or config: from a file (resolved to an absolute path), the environment, inline content, or external. */
export interface ComposeFileObject {
  name?: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

/** A loaded project, in the canonical form `docker compose config --format json` prints. */
export interface ComposeProject {
  name: string;
  services: Record<string, ComposeService>;
  networks?: Record<string, ComposeNetwork>;
  volumes?: Record<string, ComposeVolume>;
  secrets?: Record<string, ComposeFileObject>;
  configs?: Record<string, ComposeFileObject>;
  [key: string]: unknown;
}

/** Options of {@link loadCompose}. */
export interface LoadComposeOptions {
  /**
   * Compose files, merged in order; relative to `workingDir`.
   * @default `compose.yaml` (and its usual aliases)
   */
  files?: string[];
  /** Inline YAML, used instead of `files`. */
  content?: string;
  /** Base for relative paths, `.env`, `env_file` and bind mounts. Required. */
  workingDir: string;
  /** The environment for interpolation; replaces `process.env` when given. `.env` fills the gaps. */
  env?: Record<string, string | undefined>;
  /**
   * Profiles to enable.
   * @default none (only services without profiles)
   */
  profiles?: string[];
  /**
   * The project name.
   * @default the top-level `name`, else `COMPOSE_PROJECT_NAME`, else the directory's name
   */
  projectName?: string;
  /**
   * Called with each warning, such as a variable used without being set.
   * @default warnings are dropped
   */
  onWarning?: (message: string) => void;
}
