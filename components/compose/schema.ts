/**
 * The JSON Schema (draft-07) of one Compose file, as Berth reads it.
 *
 * Source: the Compose Specification's schema, `schema/compose-spec.json` of compose-spec/compose-go
 * (which compose-spec/compose-spec mirrors) at commit faa67b213c47 of 2026-06-29, read with the
 * specification's text at compose-spec/compose-spec commit 170098ba07d9 of 2026-06-23. It is
 * written anew here, not copied. To keep it current, re-read the upstream schema's history since that
 * commit and carry its changes over; the test that lists `composeServiceKeys` shows a reviewer each
 * service key added or removed.
 *
 * It accepts what the upstream schema accepts, with three deliberate differences: values are checked
 * as they are after interpolation (a string stands for a number or a boolean only when it reads as
 * one; sizes and durations must parse); values the specification enumerates in prose (`restart`,
 * `deploy.mode`, a port's `mode`, ...) must be one of them; and the entries of the top-level
 * `networks` and `models`, which upstream leaves unchecked under unusual names, are always checked.
 */
import {
  boolean,
  bytes,
  command,
  deploy,
  develop,
  deviceRequest,
  driverOptions,
  either,
  external,
  extensionKeys,
  extraHosts,
  fileReferences,
  flag,
  healthcheck,
  hook,
  integer,
  integerOrDuration,
  list,
  listOrDict,
  mapping,
  matching,
  names,
  nullable,
  number,
  object,
  oneOf,
  openObject,
  preStartHook,
  type Schema,
  string,
  stringList,
  stringOrList,
  ulimits,
  uniqueStrings,
  duration,
} from "./schema-definitions";

const build = either(
  string(),
  object({
    context: string(),
    dockerfile: string(),
    dockerfile_inline: string(),
    entitlements: stringList(),
    args: listOrDict(),
    ssh: listOrDict(),
    labels: listOrDict(),
    cache_from: stringList(),
    cache_to: stringList(),
    no_cache: flag(),
    no_cache_filter: stringOrList(),
    additional_contexts: listOrDict(),
    network: string(),
    provenance: { type: ["string", "boolean"] },
    sbom: { type: ["string", "boolean"] },
    pull: flag(),
    target: string(),
    shm_size: bytes(),
    extra_hosts: extraHosts(),
    isolation: string(),
    privileged: flag(),
    secrets: fileReferences(),
    tags: stringList(),
    ulimits: ulimits(),
    platforms: stringList(),
  }),
);

const blkioLimit = (rate: Schema) => list(object({ path: string(), rate }, { extensible: false }));

const blkioConfig = object(
  {
    device_read_bps: blkioLimit(bytes()),
    device_read_iops: blkioLimit(integer()),
    device_write_bps: blkioLimit(bytes()),
    device_write_iops: blkioLimit(integer()),
    weight: integer(),
    weight_device: list(object({ path: string(), weight: integer() }, { extensible: false })),
  },
  { extensible: false },
);

const dependsOn = either(
  uniqueStrings(),
  names(
    "service",
    object(
      {
        restart: flag(),
        required: flag(),
        condition: oneOf("service_started", "service_healthy", "service_completed_successfully"),
      },
      { required: ["condition"] },
    ),
  ),
);

const envFile = either(
  string(),
  list(
    either(
      string(),
      object(
        { path: string(), format: string(), required: flag() },
        { required: ["path"], extensible: false },
      ),
    ),
  ),
);

const serviceNetworks = either(
  uniqueStrings(),
  names(
    "network",
    nullable(
      object({
        aliases: uniqueStrings(),
        interface_name: string(),
        ipv4_address: string(),
        ipv6_address: string(),
        link_local_ips: uniqueStrings(),
        mac_address: string(),
        driver_opts: driverOptions(),
        priority: number(),
        gw_priority: number(),
      }),
    ),
  ),
);

const serviceModels = either(
  uniqueStrings(),
  names("model", nullable(object({ endpoint_var: string(), model_var: string() })), { strictNames: false }),
);

const ports = list(
  either(
    { type: "integer", expected: ["a port number"] },
    { type: "string", expected: ['a string such as "8080:80"'] },
    object({
      name: string(),
      mode: oneOf("host", "ingress"),
      host_ip: string(),
      target: integer(),
      published: { type: ["string", "integer"] },
      protocol: string(),
      app_protocol: string(),
    }),
  ),
  { unique: true },
);

const mounts = list(
  either(
    string(),
    object(
      {
        type: oneOf("bind", "volume", "tmpfs", "cluster", "npipe", "image"),
        source: string(),
        target: string(),
        read_only: flag(),
        consistency: string(),
        bind: object({
          propagation: oneOf("shared", "slave", "private", "rshared", "rslave", "rprivate"),
          create_host_path: flag(),
          recursive: oneOf("enabled", "disabled", "writable", "readonly"),
          selinux: oneOf("z", "Z"),
        }),
        volume: object({ labels: listOrDict(), nocopy: flag(), subpath: string() }),
        tmpfs: object({ size: bytes(), mode: { type: ["number", "string"] } }),
        image: object({ subpath: string() }),
      },
      { required: ["type"] },
    ),
  ),
  { unique: true },
);

const providerOption = either(
  { type: ["string", "number", "boolean"] },
  list({ type: ["string", "number", "boolean"] }),
);

const restartPolicies = ["no", "always", "on-failure", "unless-stopped"];
const pullPolicies = ["always", "never", "missing", "build", "daily", "weekly", "if_not_present", "refresh"];

/** Every key of a service, alphabetically. */
const serviceKeys: Record<string, Schema> = {
  annotations: listOrDict(),
  attach: flag(),
  blkio_config: blkioConfig,
  build,
  cap_add: uniqueStrings(),
  cap_drop: uniqueStrings(),
  cgroup: oneOf("host", "private"),
  cgroup_parent: string(),
  command: command(),
  configs: fileReferences(),
  container_name: matching("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", [
    'a name of letters, digits, "_", "." and "-" that starts with a letter or digit',
  ]),
  cpu_count: integer({ minimum: 0 }),
  cpu_percent: integer({ minimum: 0, maximum: 100 }),
  cpu_period: integer(),
  cpu_quota: integer(),
  cpu_rt_period: integerOrDuration(),
  cpu_rt_runtime: integerOrDuration(),
  cpu_shares: integer(),
  cpus: number(),
  cpuset: string(),
  credential_spec: object({ config: string(), file: string(), registry: string() }),
  depends_on: dependsOn,
  deploy: deploy(),
  develop: develop(),
  device_cgroup_rules: uniqueStrings(),
  devices: list(
    either(
      string(),
      object({ source: string(), target: string(), permissions: string() }, { required: ["source"] }),
    ),
  ),
  dns: stringOrList(),
  dns_opt: uniqueStrings(),
  dns_search: stringOrList(),
  domainname: string(),
  entrypoint: command(),
  env_file: envFile,
  environment: listOrDict(),
  expose: list({ type: ["string", "number"] }, { unique: true }),
  extends: either(
    string(),
    object({ service: string(), file: string() }, { required: ["service"], extensible: false }),
  ),
  external_links: uniqueStrings(),
  extra_hosts: extraHosts(),
  gpus: either(matching("^all$", ['"all"']), list(deviceRequest({ forGpus: true }))),
  group_add: list({ type: ["string", "number"] }, { unique: true }),
  healthcheck: healthcheck(),
  hostname: string(),
  image: string(),
  init: flag(),
  ipc: string(),
  isolation: string(),
  label_file: either(string(), stringList()),
  labels: listOrDict(),
  links: uniqueStrings(),
  logging: object({ driver: string(), options: mapping({ type: ["string", "number", "null"] }) }),
  mac_address: string(),
  mem_limit: bytes(),
  mem_reservation: bytes(),
  mem_swappiness: integer(),
  memswap_limit: bytes({ unlimited: true }),
  models: serviceModels,
  network_mode: string(),
  networks: serviceNetworks,
  oom_kill_disable: flag(),
  oom_score_adj: integer({ minimum: -1000, maximum: 1000 }),
  pid: nullable(string()),
  pids_limit: integer(),
  platform: string(),
  ports,
  post_start: list(hook()),
  pre_start: list(preStartHook()),
  pre_stop: list(hook()),
  privileged: flag(),
  profiles: uniqueStrings(),
  provider: object({ type: string(), options: mapping(providerOption) }, { required: ["type"] }),
  pull_policy: matching(
    "^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$",
    ['one of "always", "never", "missing", "build", "daily", "weekly" or "every_<duration>"'],
    pullPolicies,
  ),
  pull_refresh_after: string(),
  read_only: flag(),
  restart: matching(
    "^(no|always|unless-stopped|on-failure(:[0-9]+)?)$",
    ['one of "no", "always", "on-failure", "on-failure:<max retries>" or "unless-stopped"'],
    restartPolicies,
  ),
  runtime: string(),
  scale: integer(),
  secrets: fileReferences(),
  security_opt: uniqueStrings(),
  shm_size: bytes(),
  stdin_open: flag(),
  stop_grace_period: duration(),
  stop_signal: string(),
  storage_opt: openObject({}),
  sysctls: listOrDict(),
  tmpfs: stringOrList(),
  tty: flag(),
  ulimits: ulimits(),
  use_api_socket: flag(),
  user: string(),
  userns_mode: string(),
  uts: string(),
  volumes: mounts,
  volumes_from: uniqueStrings(),
  working_dir: string(),
};

const service = object(serviceKeys);

const network = nullable(
  object({
    name: string(),
    driver: string(),
    driver_opts: driverOptions(),
    ipam: object({
      driver: string(),
      config: list(
        object({ subnet: string(), ip_range: string(), gateway: string(), aux_addresses: mapping(string()) }),
      ),
      options: mapping(string()),
    }),
    external: external(),
    internal: flag(),
    enable_ipv4: flag(),
    enable_ipv6: flag(),
    attachable: flag(),
    labels: listOrDict(),
  }),
);

const volume = nullable(
  object({
    name: string(),
    driver: string(),
    driver_opts: driverOptions(),
    external: external(),
    labels: listOrDict(),
  }),
);

const secret = object({
  name: string(),
  environment: string(),
  file: string(),
  external: external({ strict: false }),
  labels: listOrDict(),
  driver: string(),
  driver_opts: driverOptions(),
  template_driver: string(),
});

const config = object({
  name: string(),
  content: string(),
  environment: string(),
  file: string(),
  external: external({ strict: false }),
  labels: listOrDict(),
  template_driver: string(),
});

const model = object(
  { name: string(), model: string(), context_size: integer(), runtime_flags: stringList() },
  { required: ["model"] },
);

const include = either(
  string(),
  object(
    { path: stringOrList(), env_file: stringOrList(), project_directory: string() },
    { extensible: false },
  ),
);

/** The schema of one Compose file. */
export const composeFileSchema: Schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  ...object({
    version: string(),
    name: string(),
    include: list(include),
    services: names("service", service),
    models: names("model", model, { strictNames: false }),
    networks: names("network", network, { strictNames: false }),
    volumes: names("volume", volume),
    secrets: names("secret", secret),
    configs: names("config", config),
  }),
  patternProperties: extensionKeys(),
};

/** Every service key the schema knows, sorted (for docs and for the compose-to-Berth mapping to check it covers them all). */
export const composeServiceKeys: readonly string[] = Object.freeze(Object.keys(serviceKeys).sort());

// `boolean` is kept for keys the specification may narrow to plain booleans.
void boolean;
