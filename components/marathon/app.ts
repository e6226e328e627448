import { posix } from "path";
import type {
  HealthCheckInput,
  PortInput,
  ServiceInput,
  UpdatePolicyInput,
  VolumeInput,
} from "../spec/types";
import type { MarathonApp, MarathonHealthCheck, MarathonNote, MarathonPortMapping } from "./types";

/** One Marathon app as a Berth service. */
export interface MarathonConversion {
  /** The app's absolute id (`/shop/web`). */
  id: string;
  /** The service name: the id's path joined with dashes (`shop-web`). */
  name: string;
  /** The app as a Berth service description. */
  service: ServiceInput;
  /** The service names of the app's `dependencies`, for Compose's `depends_on`. */
  dependsOn: string[];
  /**
   * Secret variables: variable -> the Marathon secret's `source` (a path in the secret store). Their
   * values are not in the app definition: `service.secretEnv` holds an empty value for each, to fill.
   */
  secretSources: Record<string, string>;
  /** Secret files: Berth secret name -> the Marathon secret's `source`. */
  secretFiles: Record<string, string>;
  /** Everything without an exact equivalent. Never empty-handed: each says what to do instead. */
  notes: MarathonNote[];
}

/** Keys of an app definition that Marathon fills in its answers; they describe state, not the app. */
const statusKeys = new Set([
  "version",
  "versionInfo",
  "tasksStaged",
  "tasksRunning",
  "tasksHealthy",
  "tasksUnhealthy",
  "deployments",
  "tasks",
  "lastTaskFailure",
  "readinessCheckResults",
  "taskStats",
]);

/** Keys with no equivalent on Swarm, Kubernetes or ECS, and what to do instead. */
const unsupported: Record<string, string> = {
  disk: "clusters reserve no scratch disk: size the node's disk, or mount a volume",
  gpus: "GPUs are not part of Berth's portable spec: use the target's own node pools with GPUs",
  fetch: "no artifact fetcher runs before the container: bake the files into the image",
  uris: "no artifact fetcher runs before the container: bake the files into the image",
  executor: "there are no Mesos executors: the image's entrypoint runs",
  acceptedResourceRoles: "there are no Mesos roles: use placement constraints on node labels",
  role: "there are no Mesos roles: use placement constraints on node labels",
  residency: "tasks are not pinned to their reservations: use a named volume and a placement constraint",
  backoffSeconds: "the cluster's restart delay applies: set restart.delay",
  backoffFactor: "restarts back off as the target does (Swarm: restart.delay; Kubernetes/ECS: exponentially)",
  maxLaunchDelaySeconds: "restarts back off as the target does: set restart.delay",
  killSelection: "the cluster picks the tasks to stop when scaling down",
  unreachableStrategy: "the cluster reschedules tasks of unreachable nodes on its own schedule",
  requirePorts: "tasks are not bound to host ports: give the port as the container's port",
  readinessChecks: "Berth has one health check, which also gates updates: fold readiness into healthChecks",
  ipAddress: "IP-per-task settings do not carry over: services join the cluster's network",
  storeUrls: "no artifact fetcher runs before the container: bake the files into the image",
};

const keysRead = new Set([
  "id",
  "cmd",
  "args",
  "instances",
  "cpus",
  "mem",
  "container",
  "networks",
  "portDefinitions",
  "ports",
  "env",
  "secrets",
  "healthChecks",
  "constraints",
  "labels",
  "upgradeStrategy",
  "dependencies",
  "user",
  "taskKillGracePeriodSeconds",
]);

/** `/shop/web` -> `shop-web`, lowercase, as a DNS label. */
export function serviceNameOf(id: string): string {
  return (
    id
      .split("/")
      .filter(Boolean)
      .join("-")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "app"
  );
}

/** An app id made absolute against the group it is in (`web` in `/shop` -> `/shop/web`). */
export function absoluteId(id: string, group = "/"): string {
  return posix.resolve("/", group, id);
}

/** Variables Marathon sets in every task; nothing sets them on another cluster. */
const marathonVariables = /\$\{?((?:PORT\d*|PORT_[A-Z0-9_]+|PORTS|HOST|MESOS_[A-Z_]+|MARATHON_[A-Z_]+))\b/g;

/**
 * Converts a Marathon app definition into Berth's portable service description.
 *
 * What maps: the Docker image; `cmd` (run by `/bin/sh -c`, as Marathon runs it) and `args`;
 * `instances` -> replicas; `cpus` -> CPU reservation and limit; `mem` (MiB) -> memory reservation and
 * limit; `portMappings` (container or legacy `docker.portMappings`) and `portDefinitions` -> ports (a
 * fixed `hostPort` publishes the port); the first health check (HTTP, TCP, COMMAND and their MESOS_
 * variants; HTTPS as a TCP check on the port); `constraints` (`hostname:UNIQUE` -> at most one task per
 * node, `hostname:MAX_PER:n` -> at most n, `CLUSTER`/`IS`/`LIKE`/`UNLIKE` with a literal value ->
 * placement constraints on `node.hostname` or `node.labels.<attribute>`, `GROUP_BY` on an attribute ->
 * spread); `env` (secret-valued entries -> `secretEnv`); `labels`; `upgradeStrategy` -> update
 * parallelism and order; host-path, persistent and external volumes; secrets as files; `user`;
 * `taskKillGracePeriodSeconds` -> stop grace period; `dependencies` -> `dependsOn`.
 * Everything else is listed in `notes`, never silently dropped. Marathon's defaults for absent keys
 * (1 CPU, 128 MiB) are not written out: the target's apply.
 *
 * @param group the id of the group the app is in, for relative ids. Default: `/`.
 */
export function fromMarathonApp(app: MarathonApp, group = "/"): MarathonConversion {
  const id = absoluteId(String(app.id ?? ""), group);
  const notes: MarathonNote[] = [];
  const note = (path: string, message: string) => notes.push({ app: id, path, message });
  const service: ServiceInput = { image: "" };
  const secretSources: Record<string, string> = {};
  const secretFiles: Record<string, string> = {};
  if (app.id === undefined) note("id", "is required: the service is named app");

  for (const [key, value] of Object.entries(app)) {
    if (keysRead.has(key) || statusKeys.has(key) || value === null || value === undefined) continue;
    if (key in unsupported) note(key, `has no equivalent; ${unsupported[key]}`);
    else note(key, "is not a Marathon app key Berth knows; it is left out");
  }

  image(app, service, note);
  commandLine(app, service, note);
  if (app.instances !== undefined) service.replicas = app.instances;
  resources(app, service);
  const ports = portsOf(app, note);
  if (ports.length > 0) service.ports = ports;
  const health = healthCheck(app, ports, note);
  if (health) service.healthCheck = health;
  placement(app, service, note);
  environment(app, service, secretSources, note);
  if (app.labels && Object.keys(app.labels).length > 0) {
    service.labels = { ...app.labels };
    for (const key of Object.keys(app.labels)) {
      if (key.startsWith("HAPROXY_")) {
        note(
          `labels.${key}`,
          "configures marathon-lb, which does not run here: kept as a label; make the port public (and set ports[].http for HTTP routing)",
        );
      }
    }
  }
  const update = updatePolicy(app, note);
  if (update) service.update = update;
  volumes(app, service, secretFiles, note);
  networks(app, note);
  if (app.user !== undefined) service.user = app.user;
  if (app.taskKillGracePeriodSeconds !== undefined)
    service.stopGracePeriod = `${app.taskKillGracePeriodSeconds}s`;
  const dependsOn = (app.dependencies ?? []).map((d) => serviceNameOf(absoluteId(d, posix.dirname(id))));
  return { id, name: serviceNameOf(id), service, dependsOn, secretSources, secretFiles, notes };
}

type Note = (path: string, message: string) => void;

function image(app: MarathonApp, service: ServiceInput, note: Note): void {
  const docker = app.container?.docker;
  if (docker?.image) service.image = docker.image;
  else
    note(
      "container",
      "the app runs a command without an image (Mesos command executor): set an image that holds what cmd runs",
    );
  if (app.container?.type === "MESOS" && docker?.image) {
    note(
      "container.type",
      "the Mesos containerizer ran the Docker image; the cluster's container runtime runs it now",
    );
  }
  if (!docker) return;
  if (docker.privileged)
    note(
      "container.docker.privileged",
      "privileged containers are not supported: grant the capabilities it needs with capAdd",
    );
  if (docker.forcePullImage)
    note(
      "container.docker.forcePullImage",
      "clusters pull by tag when the spec changes: pin the image by digest to roll out a new build",
    );
  (docker.parameters ?? []).forEach((p, i) =>
    note(
      `container.docker.parameters[${i}]`,
      `docker run --${p.key}=${p.value} has no portable equivalent: find the matching service field (user, capAdd, ulimits, sysctls, ...)`,
    ),
  );
  for (const key of Object.keys(docker)) {
    if (
      ![
        "image",
        "network",
        "portMappings",
        "privileged",
        "parameters",
        "forcePullImage",
        "credential",
        "pullConfig",
      ].includes(key)
    ) {
      note(`container.docker.${key}`, "has no equivalent; it is left out");
    }
  }
  if (docker.credential !== undefined || docker.pullConfig !== undefined) {
    note(
      "container.docker",
      "registry credentials do not carry over: give the cluster registry credentials (ContainerService registryAuth)",
    );
  }
}

function commandLine(app: MarathonApp, service: ServiceInput, note: Note): void {
  if (typeof app.cmd === "string") {
    // Marathon hands cmd to a shell, replacing the image's entrypoint.
    service.entrypoint = ["/bin/sh", "-c"];
    service.command = [app.cmd];
    usesMarathonVariables("cmd", app.cmd, note);
  } else if (Array.isArray(app.args)) {
    service.command = [...app.args];
    app.args.forEach((a, i) => usesMarathonVariables(`args[${i}]`, a, note));
  }
}

function usesMarathonVariables(path: string, text: string, note: Note): void {
  const names = [...new Set([...text.matchAll(marathonVariables)].map((m) => m[1]))];
  if (names.length > 0) {
    note(
      path,
      `uses ${names.map((n) => `$${n}`).join(", ")}, which Marathon sets and no other cluster does: use the container's fixed port and the service name`,
    );
  }
}

function resources(app: MarathonApp, service: ServiceInput): void {
  const cpu = app.cpus;
  const memory = app.mem !== undefined ? `${Math.round(app.mem)}Mi` : undefined;
  if (cpu === undefined && memory === undefined) return;
  service.resources = {
    ...(cpu !== undefined && { cpu }),
    ...(memory !== undefined && { memory }),
    reservations: { ...(cpu !== undefined && { cpu }), ...(memory !== undefined && { memory }) },
  };
}

function protocols(p: string | undefined): ("tcp" | "udp")[] {
  return (p ?? "tcp").split(",").map((x) => (x.trim() === "udp" ? "udp" : "tcp"));
}

/** Ports, in the order of Marathon's port indexes (one Berth port per protocol). */
function portsOf(app: MarathonApp, note: Note): PortInput[] {
  const mappings: MarathonPortMapping[] | undefined =
    app.container?.portMappings ?? app.container?.docker?.portMappings;
  const where = app.container?.portMappings ? "container.portMappings" : "container.docker.portMappings";
  const ports: PortInput[] = [];
  if (mappings) {
    mappings.forEach((m, i) => {
      if (m.containerPort === undefined || m.containerPort === 0) {
        note(`${where}[${i}].containerPort`, "is not fixed: give the port the container listens on");
        return;
      }
      for (const protocol of protocols(m.protocol)) {
        const published = m.hostPort !== undefined && m.hostPort > 0 ? m.hostPort : undefined;
        ports.push({
          target: m.containerPort,
          ...(protocol === "udp" && { protocol }),
          ...(published !== undefined && { published, public: true }),
        });
      }
      if (m.hostPort === 0) {
        note(
          `${where}[${i}].hostPort`,
          "0 (a random host port) has no equivalent: the port serves the cluster's network; set published to expose it",
        );
      }
      if (m.servicePort !== undefined && m.servicePort !== 0) {
        note(
          `${where}[${i}].servicePort`,
          "is marathon-lb's port: other services reach this one by its service name on the container port; make the port public for outside traffic",
        );
      }
    });
    return ports;
  }
  const definitions = app.portDefinitions ?? (app.ports ?? []).map((port) => ({ port }));
  const at = app.portDefinitions ? "portDefinitions" : "ports";
  definitions.forEach((d, i) => {
    if (d.port === undefined || d.port === 0) {
      note(
        `${at}[${i}].port`,
        "0 (a random host port, $PORT" +
          i +
          ") has no equivalent: make the app listen on a fixed port and give it",
      );
      return;
    }
    for (const protocol of protocols((d as { protocol?: string }).protocol)) {
      ports.push({ target: d.port, ...(protocol === "udp" && { protocol }) });
    }
  });
  return ports;
}

function healthCheck(app: MarathonApp, ports: PortInput[], note: Note): HealthCheckInput | undefined {
  const checks = app.healthChecks ?? [];
  checks
    .slice(1)
    .forEach((_, i) =>
      note(
        `healthChecks[${i + 1}]`,
        "Berth runs one health check per service: only the first is converted; fold the others into it",
      ),
    );
  const h: MarathonHealthCheck | undefined = checks[0];
  if (!h) return undefined;
  const at = "healthChecks[0]";
  const protocol = h.protocol ?? "HTTP";
  const port = (): number | undefined => {
    if (h.port !== undefined) return h.port;
    const target = ports[h.portIndex ?? 0]?.target;
    if (target === undefined)
      note(at, `port index ${h.portIndex ?? 0} names no port: give the app that port, or the check a port`);
    return target;
  };
  const timing = {
    interval: `${h.intervalSeconds ?? 60}s`,
    timeout: `${h.timeoutSeconds ?? 20}s`,
    retries: h.maxConsecutiveFailures ?? 3,
    startPeriod: `${h.gracePeriodSeconds ?? 300}s`,
  };
  if (h.maxConsecutiveFailures === 0) {
    note(
      `${at}.maxConsecutiveFailures`,
      "0 (never kill an unhealthy task) has no equivalent: an unhealthy task is replaced after 1 failure; set a higher count",
    );
    timing.retries = 1;
  }
  if (h.delaySeconds !== undefined)
    note(
      `${at}.delaySeconds`,
      "has no equivalent: the first check runs after the start period (gracePeriodSeconds) or interval",
    );
  if (h.ignoreHttp1xx)
    note(`${at}.ignoreHttp1xx`, "has no equivalent: 1xx answers count as the target counts them");
  switch (protocol) {
    case "HTTP":
    case "MESOS_HTTP": {
      const p = port();
      return p === undefined ? undefined : { http: { path: h.path ?? "/", port: p }, ...timing };
    }
    case "HTTPS":
    case "MESOS_HTTPS": {
      const p = port();
      note(
        `${at}.protocol`,
        `${protocol} has no equivalent (Berth's HTTP checks use plain HTTP): converted to a TCP check on port ${p}; use a command check to test the TLS endpoint`,
      );
      return p === undefined ? undefined : { tcp: { port: p }, ...timing };
    }
    case "TCP":
    case "MESOS_TCP": {
      const p = port();
      return p === undefined ? undefined : { tcp: { port: p }, ...timing };
    }
    case "COMMAND": {
      const value = h.command?.value;
      if (!value) {
        note(`${at}.command`, "is required for a COMMAND check");
        return undefined;
      }
      usesMarathonVariables(`${at}.command.value`, value, note);
      return { command: value, ...timing };
    }
    default:
      note(
        `${at}.protocol`,
        `${String(protocol)} is not a Marathon health check protocol; the check is left out`,
      );
      return undefined;
  }
}

const literal = /^[\w.-]+$/;

function placement(app: MarathonApp, service: ServiceInput, note: Note): void {
  const constraints: string[] = [];
  let maxPerNode: number | undefined;
  let spread: string | undefined;
  (app.constraints ?? []).forEach((c, i) => {
    const at = `constraints[${i}]`;
    const [field, operator, value] = c;
    const attribute = field === "hostname" ? "node.hostname" : `node.labels.${field}`;
    const op = String(operator).toUpperCase();
    if (op === "UNIQUE" && field === "hostname") maxPerNode = 1;
    else if (op === "MAX_PER" && field === "hostname" && Number(value) > 0) maxPerNode = Number(value);
    else if ((op === "CLUSTER" || op === "IS" || op === "LIKE") && value !== undefined && literal.test(value))
      constraints.push(`${attribute}==${value}`);
    else if (op === "UNLIKE" && value !== undefined && literal.test(value))
      constraints.push(`${attribute}!=${value}`);
    else if (op === "GROUP_BY" && field !== "hostname") spread = attribute;
    else if (op === "GROUP_BY") {
      note(at, "hostname:GROUP_BY: the cluster spreads a service's tasks over nodes already; nothing to set");
    } else if ((op === "LIKE" || op === "UNLIKE") && value !== undefined) {
      note(
        at,
        `${field}:${op}:${value} is a regular expression: constraints compare whole values; list the values with == (one constraint each) or label the nodes`,
      );
    } else if (op === "CLUSTER" && value === undefined) {
      note(
        at,
        `${field}:CLUSTER without a value (all tasks on one value, any) has no equivalent: name the value`,
      );
    } else {
      note(
        at,
        `${c.join(":")} has no equivalent: use placement constraints on node labels (==, !=), placement.spread or placement.maxPerNode`,
      );
    }
  });
  if (constraints.length > 0 || maxPerNode !== undefined || spread !== undefined) {
    service.placement = {
      ...(constraints.length > 0 && { constraints }),
      ...(spread !== undefined && { spread }),
      ...(maxPerNode !== undefined && { maxPerNode }),
    };
  }
}

function environment(
  app: MarathonApp,
  service: ServiceInput,
  secretSources: Record<string, string>,
  note: Note,
): void {
  const env: Record<string, string> = {};
  const secretEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(app.env ?? {})) {
    if (typeof value === "string") {
      env[name] = value;
      usesMarathonVariables(`env.${name}`, value, note);
    } else if (value && typeof value === "object" && typeof value.secret === "string") {
      const source = app.secrets?.[value.secret]?.source;
      if (source === undefined) {
        note(`env.${name}`, `names the secret "${value.secret}", which secrets does not define`);
        continue;
      }
      secretEnv[name] = "";
      secretSources[name] = source;
      note(
        `env.${name}`,
        `reads "${source}" from Marathon's secret store: supply its value as the secret variable ${name}`,
      );
    } else {
      note(`env.${name}`, "is neither a string nor a secret reference; it is left out");
    }
  }
  if (Object.keys(env).length > 0) service.env = env;
  if (Object.keys(secretEnv).length > 0) service.secretEnv = secretEnv;
}

/**
 * Marathon keeps at least `minimumHealthCapacity` x instances healthy and runs at most
 * (1 + `maximumOverCapacity`) x instances during an upgrade (defaults 1 and 1). Extra capacity means new
 * tasks start before old ones stop (start-first), as many at a time as the extra capacity allows;
 * without it, old tasks stop first, as many at a time as the health capacity lets go.
 */
function updatePolicy(app: MarathonApp, note: Note): UpdatePolicyInput | undefined {
  const s = app.upgradeStrategy;
  if (!s) return undefined;
  const instances = app.instances ?? 1;
  const minHealth = s.minimumHealthCapacity ?? 1;
  const overCapacity = s.maximumOverCapacity ?? 1;
  if (overCapacity > 0) {
    const parallelism = Math.max(1, Math.floor(overCapacity * instances));
    if (minHealth < 1) {
      note(
        "upgradeStrategy.minimumHealthCapacity",
        `${minHealth} has no exact equivalent: new tasks start first, ${parallelism} at a time, so capacity never drops`,
      );
    }
    return { order: "start-first", parallelism };
  }
  const parallelism = Math.max(1, Math.floor((1 - minHealth) * instances));
  if (minHealth >= 1) {
    note(
      "upgradeStrategy",
      "minimumHealthCapacity 1 with maximumOverCapacity 0 cannot upgrade (Marathon refuses it too): one task at a time stops first",
    );
  }
  return { order: "stop-first", parallelism };
}

function volumes(
  app: MarathonApp,
  service: ServiceInput,
  secretFiles: Record<string, string>,
  note: Note,
): void {
  const out: VolumeInput[] = [];
  const secrets: { source: string; target: string }[] = [];
  (app.container?.volumes ?? []).forEach((v, i) => {
    const at = `container.volumes[${i}]`;
    const readOnly = String(v.mode ?? "RW").toUpperCase() === "RO";
    const target = v.containerPath.startsWith("/") ? v.containerPath : `/${v.containerPath}`;
    if (!v.containerPath.startsWith("/")) {
      note(
        `${at}.containerPath`,
        `is relative to the Mesos sandbox: mounted at ${target}; point the app there`,
      );
    }
    if (v.secret !== undefined) {
      const source = app.secrets?.[v.secret]?.source;
      if (source === undefined) {
        note(`${at}.secret`, `names the secret "${v.secret}", which secrets does not define`);
        return;
      }
      secrets.push({ source: v.secret, target });
      secretFiles[v.secret] = source;
      note(
        `${at}.secret`,
        `reads "${source}" from Marathon's secret store: create the secret ${v.secret} with its content`,
      );
    } else if (v.hostPath !== undefined) {
      out.push({ type: "bind", source: v.hostPath, target, ...(readOnly && { readOnly }) });
      note(
        `${at}.hostPath`,
        "a host directory is on one node only: make sure every node that may run the task has it, or use a named volume",
      );
    } else if (v.persistent) {
      const name = `${serviceNameOf(app.id ?? "app")}-${i}`;
      out.push({ type: "volume", source: name, target, ...(readOnly && { readOnly }) });
      note(
        `${at}.persistent`,
        `became the named volume ${name}: its size (${v.persistent.size ?? "?"} MiB) is not reserved, and tasks are not pinned to its node; add a placement constraint`,
      );
    } else if (v.external) {
      const name = v.external.name ?? `${serviceNameOf(app.id ?? "app")}-${i}`;
      out.push({ type: "volume", source: name, target, ...(readOnly && { readOnly }) });
      note(
        `${at}.external`,
        `became the named volume ${name}: the volume driver (${v.external.provider ?? "dvdi"}) and its options do not carry over; create the volume with the cluster's storage`,
      );
    } else {
      note(
        at,
        "is neither a host path, a persistent volume, an external volume nor a secret; it is left out",
      );
    }
  });
  if (out.length > 0) service.volumes = out;
  if (secrets.length > 0) service.secrets = secrets;
}

function networks(app: MarathonApp, note: Note): void {
  const legacy = app.container?.docker?.network;
  if (legacy === "HOST")
    note(
      "container.docker.network",
      "HOST networking has no portable equivalent: the service joins the cluster's network, reached by its service name",
    );
  (app.networks ?? []).forEach((n, i) => {
    if (n.mode === "host")
      note(
        `networks[${i}]`,
        "host networking has no portable equivalent: the service joins the cluster's network, reached by its service name",
      );
    else if (n.mode === "container" && n.name)
      note(
        `networks[${i}]`,
        `the virtual network "${n.name}" does not carry over: the service joins the cluster's network; add networks on Swarm if needed`,
      );
  });
}
