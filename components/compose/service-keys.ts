/**
 * What becomes of each key of a Compose service when a project is deployed to a cluster. Every key of
 * the Compose Specification's service definition is in exactly one of the three tables below; `x-*`
 * extensions other than `x-berth` are ignored without notice, as Compose itself ignores them.
 */

/** Keys read onto Berth's `ServiceInput` (or beside it in `ComposeMapping`), with where each goes. */
export const mappedKeys: Readonly<Record<string, string>> = {
  image: "image",
  platform: "platform (linux/amd64 or linux/arm64; linux/arm64/v8, linux/aarch64 and linux/x86_64 too)",
  command: "command",
  entrypoint: "entrypoint",
  environment: "env (unset variables are dropped and listed; x-berth.secretEnv names go to secretEnv)",
  ports: "ports (published ports are public; mode host -> publishMode host)",
  expose: "ports that are not public (reachable inside the cluster only)",
  deploy: "mode, replicas, endpointMode, resources, restart, update, placement, labels",
  scale: "replicas (when deploy.replicas is absent or equal)",
  cpus: "resources.cpu (when deploy.resources.limits.cpus is absent or equal)",
  mem_limit: "resources.memory (when deploy.resources.limits.memory is absent or equal)",
  mem_reservation:
    "resources.reservations.memory (when deploy.resources.reservations.memory is absent or equal)",
  healthcheck: "healthCheck (disable: true -> NONE; Docker's 30s interval and timeout when absent)",
  restart: "restart, when deploy.restart_policy is absent (otherwise ignored, as docker stack does)",
  volumes:
    "volumes (volume, bind, tmpfs with size and mode; named volumes keep their Compose names; a volume without source is anonymous)",
  tmpfs: "volumes of type tmpfs (size and mode options)",
  secrets: "secrets (with uid, gid and mode)",
  configs: "configs (a relative target is placed under /, as Swarm does; with uid, gid and mode)",
  networks: "networks (Compose names, with aliases)",
  labels:
    "ComposeMapping.containerLabels: they label containers, as docker stack does; deploy.labels label the service",
  user: "user",
  working_dir: "workingDir",
  read_only: "readOnlyRootFilesystem",
  cap_add: "capAdd",
  cap_drop: "capDrop",
  stop_grace_period: "stopGracePeriod",
  stop_signal: "stopSignal",
  hostname: "hostname",
  stdin_open: "stdinOpen",
  tty: "tty",
  sysctls: "sysctls (list and mapping forms)",
  ulimits: "ulimits (one number, or soft and hard)",
  dns: "dns",
  dns_search: "dnsSearch",
  dns_opt: "dnsOptions",
  extra_hosts: 'extraHosts ("host:ip", "host=ip" or a mapping; one address per host)',
  init: "init",
  security_opt:
    "securityOpt: no-new-privileges, seccomp=unconfined, apparmor=unconfined (others are refused)",
  pids_limit: "resources.pids (when deploy.resources.limits.pids is absent or equal)",
  logging: "logging",
  "x-berth":
    "autoscale, metrics, ignoreUnsupported, secretEnv, timeoutSeconds, the meaning of public ports and their sourceRanges",
};

export interface IgnoredKey {
  reason: string;
  /** Already honoured elsewhere (by the loader, or in `ComposeMapping.dependsOn`): not reported. */
  quiet?: true;
}

/** Keys that mean nothing once services run on a cluster. */
export const ignoredKeys: Readonly<Record<string, IgnoredKey>> = {
  build: { reason: "a cluster runs the image named in image; build and push it before deploying" },
  container_name: {
    reason: "the cluster names each task itself; other services reach this one by its service name",
  },
  depends_on: {
    reason: "returned in dependsOn: services are created after those they depend on",
    quiet: true,
  },
  profiles: { reason: "profiles are applied when the project is loaded", quiet: true },
  env_file: { reason: "its variables were read into environment when the project was loaded", quiet: true },
  extends: { reason: "it was resolved when the project was loaded", quiet: true },
  develop: { reason: "watch mode is a development feature of docker compose" },
  attach: { reason: "nothing attaches to a task's output; the cluster's log driver collects it" },
  links: {
    reason:
      "services on a shared network reach each other by service name; a link alias does not resolve on a cluster",
  },
  external_links: { reason: "services on a shared network reach each other by service name" },
  pull_policy: { reason: "the cluster pulls the image when it schedules a task" },
  pull_refresh_after: { reason: "the cluster pulls the image when it schedules a task" },
};

const notYet = (key: string, hint?: string) =>
  `"${key}" is not supported by Berth yet${hint ? `; ${hint}` : ""}`;
const notOnCluster = (key: string, why: string) => `"${key}" cannot be deployed to a cluster: ${why}`;
const useResources = "set deploy.resources.limits.cpus";

/** Keys a cluster cannot honour, or that Berth's portable spec cannot express yet: each is an error. */
export const refusedKeys: Readonly<Record<string, string>> = {
  network_mode: notOnCluster("network_mode", "services join overlay networks; list them in networks"),
  pid: notOnCluster("pid", "a task cannot share the host's or another container's process namespace"),
  ipc: notOnCluster("ipc", "a task cannot share the host's or another container's IPC namespace"),
  uts: notOnCluster("uts", "a task cannot share the host's UTS namespace"),
  userns_mode: notOnCluster("userns_mode", "the user namespace is the engine's setting"),
  cgroup: notOnCluster("cgroup", "the cgroup namespace is the engine's setting"),
  cgroup_parent: notOnCluster("cgroup_parent", "tasks run in the cgroups the cluster gives them"),
  privileged: notOnCluster("privileged", "services cannot run privileged; grant capabilities with cap_add"),
  devices: notOnCluster("devices", "services cannot map host devices"),
  device_cgroup_rules: notOnCluster("device_cgroup_rules", "services cannot map host devices"),
  volumes_from: notOnCluster(
    "volumes_from",
    "declare the volume under the top-level volumes and mount it in each service",
  ),
  mac_address: notOnCluster("mac_address", "the cluster assigns addresses"),
  oom_kill_disable: notOnCluster("oom_kill_disable", "the cluster must be able to reclaim memory"),
  memswap_limit: notOnCluster("memswap_limit", "swap cannot be limited per service; set memory limits"),
  mem_swappiness: notOnCluster("mem_swappiness", "swap cannot be tuned per service"),
  storage_opt: notOnCluster("storage_opt", "the storage driver is the engine's setting"),
  use_api_socket: notOnCluster(
    "use_api_socket",
    "bind-mount /var/run/docker.sock explicitly if a task needs its node's engine",
  ),
  provider: notOnCluster("provider", "a provider service is managed by an external tool, not run as a task"),
  models: notOnCluster("models", "model runners are a docker compose feature"),
  cpu_count: notYet("cpu_count", useResources),
  cpu_percent: notYet("cpu_percent", useResources),
  cpu_period: notYet("cpu_period", useResources),
  cpu_quota: notYet("cpu_quota", useResources),
  cpu_rt_period: notYet("cpu_rt_period"),
  cpu_rt_runtime: notYet("cpu_rt_runtime"),
  cpu_shares: notYet("cpu_shares", "set deploy.resources.reservations.cpus"),
  cpuset: notYet("cpuset", useResources),
  blkio_config: notYet("blkio_config"),
  shm_size: notYet("shm_size", "mount a tmpfs on /dev/shm"),
  domainname: notYet("domainname"),
  group_add: notYet("group_add"),
  isolation: notYet("isolation"),
  runtime: notYet("runtime"),
  oom_score_adj: notYet("oom_score_adj"),
  gpus: notYet("gpus"),
  credential_spec: notYet("credential_spec"),
  annotations: notYet("annotations"),
  label_file: notYet("label_file", "write the labels in labels"),
  post_start: notYet("post_start"),
  pre_start: notYet("pre_start"),
  pre_stop: notYet("pre_stop"),
};

/** The keys `x-berth` takes on a service. */
export const berthExtensionKeys = [
  "autoscale",
  "metrics",
  "public",
  "sourceRanges",
  "timeoutSeconds",
  "ignoreUnsupported",
  "secretEnv",
] as const;
