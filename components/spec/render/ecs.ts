import { posix } from "node:path";
import { architectureOf, ecsCpuArchitecture, ecsInstanceArchitecture } from "../platform";
import { defaults } from "../defaults";
import type { NormalizedService } from "../types";
import { formatMemory } from "../units";
import { ecsRuntime, ecsTmpfs } from "./ecs-runtime";
import { fargateTaskSize } from "./ecs-sizing";
import type {
  EcsContainerDefinition,
  EcsLogDriver,
  EcsPlacementConstraint,
  EcsRendering,
  EcsService,
  EcsTaskDefinition,
  EcsVolume,
} from "./ecs-types";
import { Refusals, type RenderOptions, secondsCeil } from "./refusals";
import { cloudWatchPrometheusLabels } from "./metrics";

export interface EcsRenderOptions extends RenderOptions {
  /** Capacity the service runs on. Default: `"FARGATE"`. */
  launchType?: "FARGATE" | "EC2";
  /** Prefix of the SSM parameter names that hold `secretEnv` values and secret files. Default: `"/berth"`. */
  secretParameterPrefix?: string;
  /**
   * The `source` of each secret whose content comes with the service (`data`): ECS can write only those
   * as files. Any other secret names an existing object that ECS cannot read, and is refused.
   * Default: none.
   */
  secretFiles?: string[];
  /** The image of the init container that writes secret files: it needs `sh`. Default: `secretsInitImage`. */
  initImage?: string;
}

/**
 * A small public image with a shell, pulled without credentials, that writes the secret files: busybox
 * 1.36.1 from Amazon ECR Public's copy of Docker's official images, pinned by the digest of its
 * multi-platform index, so that a moved tag cannot change what reads the secrets.
 */
export const secretsInitImage =
  "public.ecr.aws/docker/library/busybox@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662";
/** The init container (and task volume) that holds the secret files. */
export const secretsContainerName = "berth-secrets";

const mib = 2 ** 20;
const ec2LogDrivers: EcsLogDriver[] = [
  "awslogs",
  "awsfirelens",
  "fluentd",
  "gelf",
  "journald",
  "json-file",
  "splunk",
  "syslog",
];
const fargateLogDrivers: EcsLogDriver[] = ["awslogs", "awsfirelens", "splunk"];
const healthLimits = {
  interval: [5, 300],
  timeout: [2, 60],
  retries: [1, 10],
  startPeriod: [0, 300],
} as const;
const fargateStopTimeoutMax = 120;
const fargateDefaultSize = { cpu: 256, memory: 512 };

const toCpuUnits = (millicores: number): number => Math.ceil((millicores * 1024) / 1000);
const toMiB = (bytes: number): number => Math.ceil(bytes / mib);

function checkScheduling(n: NormalizedService, fargate: boolean, refusals: Refusals): void {
  if (n.mode === "job")
    refusals.refuse("mode", "an ECS service runs forever; run jobs as standalone ECS tasks");
  if (n.mode === "global" && fargate) {
    refusals.refuse(
      "mode",
      'one task per instance (DAEMON) needs EC2 capacity; use launchType "EC2" or replicas',
    );
  }
  const r = n.restart;
  const d = defaults.restart;
  // A job's own default is not the user's choice; the job itself is refused above.
  const defaultCondition = n.mode === "job" ? d.jobCondition : d.condition;
  if (r.condition !== defaultCondition) {
    refusals.refuse("restart.condition", "ECS services always replace stopped tasks");
  }
  for (const field of ["delay", "window", "maxAttempts"] as const) {
    if (r[field] !== d[field])
      refusals.refuse(`restart.${field}`, "ECS schedules replacement tasks on its own terms");
  }
  const u = n.update;
  if (u.delay !== defaults.update.delay)
    refusals.refuse("update.delay", "ECS deployments do not pause between batches");
  if (u.monitor !== defaults.update.monitor)
    refusals.refuse("update.monitor", "the ECS deployment circuit breaker judges tasks itself");
  if (u.maxFailureRatio !== defaults.update.maxFailureRatio) {
    refusals.refuse(
      "update.maxFailureRatio",
      "the ECS deployment circuit breaker sets its own failure threshold",
    );
  }
  if (u.canary) {
    refusals.refuse(
      "update.canary",
      "ECS rolls every task of a service (its circuit breaker rolls a failed deployment back); remove canary",
    );
  }
  if (n.networks.length > 0) {
    refusals.refuse(
      "networks",
      "ECS tasks join the cluster's VPC subnets; service-to-service reach is set by security groups",
    );
  }
  n.ports.forEach((p, i) => {
    if (p.public && p.publishMode === "host") {
      refusals.refuse(
        `ports[${i}].publishMode`,
        'ECS publishes ports through a load balancer; use "ingress"',
      );
    }
  });
  if (n.configs.length > 0) {
    refusals.refuse(
      "configs",
      "ECS could only mount a volume over the target's directory, hiding the image's own files there; bake configuration into the image or pass it through env",
    );
  }
}

interface SecretFile {
  source: string;
  target: string;
  mode: number;
  uid: string;
  gid: string;
  /** The SSM parameter holding the content. */
  parameter: string;
  /** The init container's variable the content arrives in. */
  variable: string;
}

/**
 * The secret files ECS can honour: content given with the service, written under `/run/secrets/`
 * (one task volume mounted there, so nothing deeper and nothing elsewhere).
 */
function secretFiles(n: NormalizedService, created: Set<string>, prefix: string, refusals: Refusals) {
  const files: SecretFile[] = [];
  const dir = defaults.secretsDir;
  n.secrets.forEach((s, i) => {
    if (!created.has(s.source)) {
      refusals.refuse(
        `secrets[${i}]`,
        `"${s.source}" names an existing secret, which ECS cannot read; give its content as data or pass the value through secretEnv`,
      );
    } else if (posix.dirname(s.target) !== dir) {
      refusals.refuse(
        `secrets[${i}].target`,
        `ECS writes secret files into one volume mounted at ${dir}, so ${s.target} cannot be written; use a target directly under ${dir}/, such as ${dir}/${posix.basename(s.target)}`,
      );
    } else {
      files.push({
        ...s,
        parameter: `${prefix}/${n.name}/files/${s.source}`,
        variable: `BERTH_SECRET_${files.length}`,
      });
    }
  });
  return files;
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The non-essential container that writes each secret file from its variable onto the task's secret
 * volume, with the file's mode, and exits: the application's container starts only once it succeeded,
 * so the content never enters the application's environment.
 */
function secretsInit(
  files: SecretFile[],
  image: string,
  logs: EcsContainerDefinition["logConfiguration"],
): EcsContainerDefinition {
  const script = [
    "set -e",
    ...files.flatMap((f) => [
      `printf '%s' "$${f.variable}" > ${shellQuote(f.target)}`,
      `chmod ${f.mode.toString(8)} ${shellQuote(f.target)}`,
      ...(f.uid !== "0" || f.gid !== "0" ? [`chown ${f.uid}:${f.gid} ${shellQuote(f.target)}`] : []),
    ]),
  ].join("\n");
  return {
    name: secretsContainerName,
    image,
    essential: false,
    entryPoint: ["sh", "-c"],
    command: [script],
    secrets: files.map((f) => ({ name: f.variable, valueFrom: f.parameter })),
    readonlyRootFilesystem: true,
    mountPoints: [
      { sourceVolume: secretsContainerName, containerPath: defaults.secretsDir, readOnly: false },
    ],
    stopTimeout: 2,
    // Its own stream prefix (its name) in the service's log group; other drivers get no init logs.
    ...(logs?.logDriver === "awslogs" && { logConfiguration: { logDriver: "awslogs" as const } }),
  };
}

/** Request-count scaling reads the Application Load Balancer's metrics: only HTTP ports have one. */
function checkRequestScaling(n: NormalizedService, refusals: Refusals): void {
  if (n.autoscale?.requestsPerTarget === undefined) return;
  if (n.ports.some((p) => p.public && p.http)) return;
  refusals.refuse(
    "autoscale.requestsPerTarget",
    "scaling on requests needs an Application Load Balancer: publish a public port with http, or scale on cpuPercent",
  );
}

function healthCheck(n: NormalizedService, refusals: Refusals): EcsContainerDefinition["healthCheck"] {
  const hc = n.healthCheck;
  if (!hc || hc.test[0] === "NONE") return undefined;
  const values = {
    interval: secondsCeil(hc.interval),
    timeout: secondsCeil(hc.timeout),
    retries: hc.retries,
    startPeriod: secondsCeil(hc.startPeriod),
  };
  for (const key of Object.keys(healthLimits) as (keyof typeof healthLimits)[]) {
    const [min, max] = healthLimits[key];
    if (values[key] < min || values[key] > max) {
      const unit = key === "retries" ? "" : "s";
      refusals.refuse(
        `healthCheck.${key}`,
        `ECS accepts ${min}${unit} to ${max}${unit}, not ${values[key]}${unit}`,
      );
    }
  }
  return { command: hc.test, ...values };
}

/**
 * The task definition's name for a named volume: ECS takes letters, digits, `-` and `_` (255 at most),
 * Docker's volume names also `.`, which becomes `_`.
 */
function sharedVolumeName(source: string): string {
  return source.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 255);
}

function storage(n: NormalizedService, fargate: boolean, refusals: Refusals) {
  const volumes: EcsVolume[] = [];
  const mountPoints: NonNullable<EcsContainerDefinition["mountPoints"]> = [];
  n.volumes.forEach((v, i) => {
    // tmpfs mounts are linuxParameters (ecsTmpfs).
    if (v.type === "tmpfs") return;
    const name = `volume-${i}`;
    if (v.type === "volume" && v.source === undefined) {
      // An anonymous volume: the task's own scratch space, on Fargate too.
      volumes.push({ name });
      mountPoints.push({ sourceVolume: name, containerPath: v.target, readOnly: v.readOnly });
      return;
    }
    if (fargate) {
      refusals.refuse(
        `volumes[${i}]`,
        `Fargate has no ${v.type === "bind" ? "host paths" : "Docker volumes"}; use launchType "EC2"`,
      );
      return;
    }
    if (v.type === "bind") {
      volumes.push({ name, host: { sourcePath: v.source ?? "" } });
      mountPoints.push({ sourceVolume: name, containerPath: v.target, readOnly: v.readOnly });
      return;
    }
    // A shared Docker volume is named as the task definition's volume on the instance: named by its
    // source, every task there that mounts that source shares it, as on a Swarm node.
    const shared = sharedVolumeName(v.source ?? "");
    if (/^volume-\d+$/.test(shared)) {
      refusals.refuse(
        `volumes[${i}].source`,
        `"${v.source}" is how ECS names this service's other volumes; give the named volume another name`,
      );
      return;
    }
    if (!volumes.some((existing) => existing.name === shared)) {
      volumes.push({
        name: shared,
        dockerVolumeConfiguration: { scope: "shared", autoprovision: true, driver: "local" },
      });
    }
    mountPoints.push({ sourceVolume: shared, containerPath: v.target, readOnly: v.readOnly });
  });
  return { volumes, mountPoints };
}

function linuxParameters(
  n: NormalizedService,
  fargate: boolean,
  refusals: Refusals,
): EcsContainerDefinition["linuxParameters"] {
  n.capAdd.forEach((cap, i) => {
    if (fargate && cap !== "SYS_PTRACE")
      refusals.refuse(`capAdd[${i}]`, `Fargate adds only SYS_PTRACE, not ${cap}`);
  });
  const tmpfs = ecsTmpfs(n, fargate, refusals);
  const capabilities = (n.capAdd.length > 0 || n.capDrop.length > 0) && {
    capabilities: {
      ...(n.capAdd.length > 0 && { add: n.capAdd }),
      ...(n.capDrop.length > 0 && { drop: n.capDrop }),
    },
  };
  const parameters = {
    ...capabilities,
    ...(n.init !== undefined && { initProcessEnabled: n.init }),
    ...(tmpfs.length > 0 && { tmpfs }),
  };
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

function logConfiguration(
  n: NormalizedService,
  fargate: boolean,
  refusals: Refusals,
): EcsContainerDefinition["logConfiguration"] {
  if (!n.logging) return undefined;
  const allowed = fargate ? fargateLogDrivers : ec2LogDrivers;
  const driver = n.logging.driver as EcsLogDriver;
  if (!allowed.includes(driver)) {
    refusals.refuse("logging.driver", `${fargate ? "Fargate" : "ECS"} log drivers are ${allowed.join(", ")}`);
    return undefined;
  }
  return { logDriver: driver, options: n.logging.options };
}

function placement(n: NormalizedService, fargate: boolean, refusals: Refusals) {
  const constraints: EcsPlacementConstraint[] = [];
  const ec2Attributes: Record<string, string> = {
    "node.platform.os": "attribute:ecs.os-type",
    "node.platform.arch": "attribute:ecs.cpu-architecture",
    "node.id": "ec2InstanceId",
  };
  n.placement.constraints.forEach((c, i) => {
    const path = `placement.constraints[${i}]`;
    if (fargate)
      return refusals.refuse(path, "Fargate places tasks itself; use EC2 capacity to constrain placement");
    const attribute = c.attribute.startsWith("node.labels.")
      ? `attribute:${c.attribute.slice("node.labels.".length)}`
      : ec2Attributes[c.attribute];
    if (attribute === undefined) return refusals.refuse(path, `${c.attribute} has no ECS equivalent`);
    constraints.push({ type: "memberOf", expression: `${attribute} ${c.operator} ${c.value}` });
  });
  // Fargate picks the architecture from runtimePlatform; EC2 capacity may mix architectures, so the
  // task is also held to instances of its own.
  if (!fargate && n.platform !== undefined) {
    const expression = `attribute:ecs.cpu-architecture == ${ecsInstanceArchitecture[architectureOf(n.platform)]}`;
    if (!constraints.some((c) => c.expression === expression))
      constraints.push({ type: "memberOf", expression });
  }
  let strategy: EcsService["placementStrategy"];
  if (n.placement.spread) {
    if (fargate) refusals.refuse("placement.spread", "Fargate spreads tasks over availability zones itself");
    else
      strategy = [{ type: "spread", field: `attribute:${n.placement.spread.slice("node.labels.".length)}` }];
  }
  // On Fargate every task has a host of its own, so any maxPerNode is already met.
  if (!fargate && n.placement.maxPerNode !== undefined) {
    if (n.placement.maxPerNode === 1) constraints.push({ type: "distinctInstance" });
    else
      refusals.refuse(
        "placement.maxPerNode",
        "ECS can hold a service to one task per instance (maxPerNode: 1), not more",
      );
  }
  return { constraints, strategy };
}

function taskSize(
  n: NormalizedService,
  fargate: boolean,
  refusals: Refusals,
): { cpu?: string; memory?: string } {
  const millicores = n.resources.cpu ?? n.resources.reservations.cpu;
  const bytes = n.resources.memory ?? n.resources.reservations.memory;
  if (!fargate) {
    return {
      ...(millicores !== undefined && { cpu: String(toCpuUnits(millicores)) }),
      ...(bytes !== undefined && { memory: String(toMiB(bytes)) }),
    };
  }
  const size = fargateTaskSize(
    millicores !== undefined ? toCpuUnits(millicores) : fargateDefaultSize.cpu,
    bytes !== undefined ? toMiB(bytes) : fargateDefaultSize.memory,
  );
  if (!size) {
    refusals.refuse(
      "resources",
      `no Fargate task is that large (${millicores ?? 0}m CPU, ${formatMemory(bytes ?? 0)})`,
    );
    return {};
  }
  return { cpu: String(size.cpu), memory: String(size.memory) };
}

function deploymentConfiguration(n: NormalizedService): EcsService["deploymentConfiguration"] {
  const u = n.update;
  const replicas = Math.max(1, n.replicas);
  const batch = u.parallelism === 0 ? replicas : Math.min(u.parallelism, replicas);
  const batchPercent = Math.ceil((batch / replicas) * 100);
  return {
    minimumHealthyPercent: u.order === "start-first" ? 100 : Math.max(0, 100 - batchPercent),
    maximumPercent: u.order === "start-first" ? 100 + batchPercent : 100,
    deploymentCircuitBreaker: {
      enable: u.failureAction !== "continue",
      rollback: u.failureAction === "rollback",
    },
  };
}

/**
 * Renders a normalized service as ECS inputs: a task definition (awsvpc networking; on Fargate the
 * smallest valid task size that fits the service's resources, 256 CPU units / 512 MiB when none are
 * set), a service (desired count, circuit breaker with rollback when the update policy says so), the
 * ports to expose through load balancers, target-tracking autoscaling and the SSM parameters that hold
 * secret variables and secret files. Secret files (those in `options.secretFiles`, under `/run/secrets/`)
 * are written by a non-essential init container (`secretsContainerName`) from its own `secrets`
 * onto a task-scoped volume that the service's container mounts read-only at `/run/secrets` once the
 * init container exited 0: the content never enters the service's environment. `endpointMode` renders
 * nothing: inside the cluster a service's name resolves through Cloud Map's A records to the address
 * of each task, which is `dnsrr`; ECS has no virtual IP for `vip` (the default), and a public port's
 * load balancer is the only single address.
 *
 * @throws {@link SpecError} for fields ECS (or Fargate) cannot honour, unless the service marks them ignorable.
 */
export function renderEcs(n: NormalizedService, options: EcsRenderOptions = {}): EcsRendering {
  const launchType = options.launchType ?? "FARGATE";
  const fargate = launchType === "FARGATE";
  const refusals = new Refusals(n, "ecs", options);
  checkScheduling(n, fargate, refusals);
  const prefix = options.secretParameterPrefix ?? "/berth";
  const files = secretFiles(n, new Set(options.secretFiles ?? []), prefix, refusals);
  const { volumes, mountPoints } = storage(n, fargate, refusals);
  const linuxParams = linuxParameters(n, fargate, refusals);
  const runtime = ecsRuntime(n, fargate, refusals);
  const logs = logConfiguration(n, fargate, refusals);
  const place = placement(n, fargate, refusals);
  const size = taskSize(n, fargate, refusals);
  const health = healthCheck(n, refusals);
  checkRequestScaling(n, refusals);
  const stopTimeout = secondsCeil(n.stopGracePeriod);
  if (fargate && stopTimeout > fargateStopTimeoutMax) {
    refusals.refuse(
      "stopGracePeriod",
      `Fargate waits at most ${fargateStopTimeoutMax}s before killing a task`,
    );
  }
  refusals.throwIfAny();
  if (files.length > 0) {
    volumes.push({ name: secretsContainerName });
    mountPoints.push({
      sourceVolume: secretsContainerName,
      containerPath: defaults.secretsDir,
      readOnly: true,
    });
  }

  const secretParameters = Object.entries(n.secretEnv)
    .map(([key, value]) => ({ key, name: `${prefix}/${n.name}/${key}`, value }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const environment = Object.entries(n.env)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const tags = Object.entries(n.labels).map(([key, value]) => ({ key, value }));

  const container: EcsContainerDefinition = {
    name: n.name,
    image: n.image,
    essential: true,
    ...(n.entrypoint && { entryPoint: n.entrypoint }),
    ...(n.command && { command: n.command }),
    ...(environment.length > 0 && { environment }),
    ...(secretParameters.length > 0 && {
      secrets: secretParameters.map((p) => ({ name: p.key, valueFrom: p.name })),
    }),
    ...(n.ports.length > 0 && {
      portMappings: n.ports.map((p) => ({
        containerPort: p.target,
        protocol: p.protocol,
        name: `${p.protocol}-${p.target}`,
      })),
    }),
    ...(health && { healthCheck: health }),
    ...(n.resources.cpu !== undefined && { cpu: toCpuUnits(n.resources.cpu) }),
    ...(n.resources.memory !== undefined && { memory: toMiB(n.resources.memory) }),
    ...(n.resources.reservations.memory !== undefined && {
      memoryReservation: toMiB(n.resources.reservations.memory),
    }),
    ...(n.user !== undefined && { user: n.user }),
    ...(n.workingDir !== undefined && { workingDirectory: n.workingDir }),
    readonlyRootFilesystem: n.readOnlyRootFilesystem,
    ...(linuxParams && { linuxParameters: linuxParams }),
    ...runtime,
    ...(mountPoints.length > 0 && { mountPoints }),
    stopTimeout,
    ...(logs && { logConfiguration: logs }),
    ...((Object.keys(n.labels).length > 0 || n.metrics) && {
      dockerLabels: { ...n.labels, ...cloudWatchPrometheusLabels(n.name, n.metrics) },
    }),
    ...(files.length > 0 && {
      dependsOn: [{ containerName: secretsContainerName, condition: "SUCCESS" as const }],
    }),
  };
  const memberOf = place.constraints.flatMap((c) =>
    c.type === "memberOf" && c.expression ? [{ type: "memberOf" as const, expression: c.expression }] : [],
  );
  const taskDefinition: EcsTaskDefinition = {
    family: n.name,
    networkMode: "awsvpc",
    requiresCompatibilities: [launchType],
    ...size,
    containerDefinitions:
      files.length > 0
        ? [container, secretsInit(files, options.initImage ?? secretsInitImage, logs)]
        : [container],
    ...(volumes.length > 0 && { volumes }),
    ...(n.platform !== undefined && {
      runtimePlatform: {
        cpuArchitecture: ecsCpuArchitecture[architectureOf(n.platform)],
        operatingSystemFamily: "LINUX" as const,
      },
    }),
    ...(memberOf.length > 0 && { placementConstraints: memberOf }),
    ...(tags.length > 0 && { tags }),
  };
  const daemon = n.mode === "global";
  const service: EcsService = {
    serviceName: n.name,
    launchType,
    schedulingStrategy: daemon ? "DAEMON" : "REPLICA",
    ...(!daemon && { desiredCount: n.replicas }),
    deploymentConfiguration: deploymentConfiguration(n),
    ...(place.constraints.some((c) => c.type === "distinctInstance") && {
      placementConstraints: [{ type: "distinctInstance" as const }],
    }),
    ...(place.strategy && { placementStrategy: place.strategy }),
    enableECSManagedTags: true,
    propagateTags: "SERVICE",
    ...(tags.length > 0 && { tags }),
  };
  const a = n.autoscale;
  return {
    taskDefinition,
    service,
    exposure: n.ports
      .filter((p) => p.public)
      .map((p) => ({
        containerPort: p.target,
        listenerPort: p.published ?? p.target,
        protocol: p.protocol,
        ...(p.http && { http: p.http }),
        ...(p.sourceRanges && { sourceRanges: p.sourceRanges }),
      })),
    ...(a && {
      autoscaling: {
        minCapacity: a.min,
        maxCapacity: a.max,
        policies: [
          ...(a.cpuPercent !== undefined
            ? [{ metric: "ECSServiceAverageCPUUtilization" as const, targetValue: a.cpuPercent }]
            : []),
          ...(a.memoryPercent !== undefined
            ? [{ metric: "ECSServiceAverageMemoryUtilization" as const, targetValue: a.memoryPercent }]
            : []),
          ...(a.requestsPerTarget !== undefined && n.ports.some((p) => p.public && p.http)
            ? [{ metric: "ALBRequestCountPerTarget" as const, targetValue: a.requestsPerTarget }]
            : []),
        ],
      },
    }),
    secretParameters: secretParameters.map(({ name, value }) => ({ name, value })),
    secretFileParameters: files.map((f) => ({ source: f.source, name: f.parameter })),
  };
}
