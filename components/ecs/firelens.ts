/**
 * FireLens on an ECS cluster: a log router (AWS for Fluent Bit) in every task, which ECS configures from
 * the application container's `awsfirelens` log options. The sink's credentials live in SSM
 * SecureString parameters that ECS passes to the router as `secretOptions`, never in the task definition.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LogSink } from "../observability-contract";
import {
  outputProperties,
  type ResolvedLogSink,
  sinkOutput,
  sinkSecrets,
} from "../observability/fluent-bit-output";
import { fargateTaskSize } from "../spec/render/ecs-sizing";
import { awsForFluentBitImage, defaultRouterMemoryMiB, type EcsFirelensArgs } from "./firelens-args";
import { clusterPlace, type PolicyDocument } from "./iam";
import type { AwsLogs, RegisteredContainer } from "./task-definition";
import type { ChildFactory } from "./vpc";

/** The router's container name in every task. */
export const logRouterName = "log-router";

/** A secret option of a log configuration: the output property and the parameter holding its value. */
export interface SecretOption {
  /** The output property. */
  name: string;
  /** The ARN of the SSM parameter holding its value. */
  valueFrom: string;
}

/** What an `EcsCluster` with FireLens hands each service. */
export interface EcsFirelens {
  /** Where the logs go. */
  sink: LogSink;
  /** MiB reserved for the router. */
  memoryReservation: number;
  /** Events the log driver of an application container buffers, when given. */
  bufferLimit?: number;
  /** The router's image. */
  image: string;
  /** The sink's secrets as the application container's `secretOptions`: the parameters' ARNs. */
  secretOptions: pulumi.Output<SecretOption[]>;
}

/** The SSM path of the sink's secrets: `_` keeps it apart from every service's (DNS names have none). */
export const firelensParameterPrefix = (clusterName: string) => `/berth/${clusterName}/_firelens`;

/** Fluent Bit's stream labels for FireLens records, which ECS adds the task's metadata to. */
const firelensLokiLabels = ["job=berth", "service=$container_name", "cluster=$ecs_cluster"];

/**
 * The cluster's FireLens: one SecureString parameter per secret of the sink (its value prefixed as the
 * output property wants it, an HTTP header's name), created with the cluster.
 */
export function clusterFirelens(c: ChildFactory, args: EcsFirelensArgs, clusterName: string): EcsFirelens {
  const secrets = sinkSecrets(args.sink).filter((s) => s.property !== undefined);
  const options = secrets.map((s) => {
    const parameter: aws.ssm.Parameter = new c.sdk.ssm.Parameter(
      `${c.name}-firelens-${s.variable}`,
      {
        name: `${firelensParameterPrefix(clusterName)}/${s.variable}`,
        type: "SecureString",
        value: pulumi.secret(
          pulumi.output(s.value).apply((v) => (s.prefix === undefined ? v : `${s.prefix} ${v}`)),
        ),
        description: `The log sink's ${s.property} of ECS cluster ${clusterName}`,
        tags: c.tags(`firelens-${s.variable}`),
      },
      { parent: c.parent },
    );
    return parameter.arn.apply((arn): SecretOption => ({ name: s.property as string, valueFrom: arn }));
  });
  return {
    sink: args.sink,
    memoryReservation: args.memoryReservation ?? defaultRouterMemoryMiB,
    ...(args.bufferLimit !== undefined && { bufferLimit: args.bufferLimit }),
    image: args.image ?? awsForFluentBitImage,
    secretOptions: pulumi.all(options),
  };
}

/** The application container's log configuration: the sink's output as `awsfirelens` options. */
export function firelensLogConfiguration(
  firelens: EcsFirelens,
  sink: ResolvedLogSink,
  secretOptions: SecretOption[],
): NonNullable<RegisteredContainer["logConfiguration"]> {
  const output = sinkOutput(sink, firelensLokiLabels);
  // Secrets come as secretOptions: only the plain properties are options.
  const plain = outputProperties({ ...output, secrets: [] });
  return {
    logDriver: "awsfirelens",
    options: {
      Name: output.plugin,
      // Held until the sink takes them: ECS bounds the router's buffer by its memory reservation.
      retry_limit: "no_limits",
      ...Object.fromEntries(Object.entries(plain).map(([key, value]) => [key, [value].flat().join(",")])),
      ...(firelens.bufferLimit !== undefined && { "log-driver-buffer-limit": String(firelens.bufferLimit) }),
    },
    ...(secretOptions.length > 0 && { secretOptions }),
  };
}

/** The router: essential (a task whose logs cannot leave is replaced), with its own logs in `awslogs`. */
export function logRouterContainer(firelens: EcsFirelens, logs: AwsLogs): RegisteredContainer {
  return {
    name: logRouterName,
    image: firelens.image,
    essential: true,
    firelensConfiguration: { type: "fluentbit", options: { "enable-ecs-log-metadata": "true" } },
    memoryReservation: firelens.memoryReservation,
    readonlyRootFilesystem: false,
    // The application containers, which depend on it, stop first: it then flushes what they wrote.
    stopTimeout: 10,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": logs.group,
        "awslogs-region": logs.region,
        "awslogs-stream-prefix": logRouterName,
      },
    },
  };
}

/**
 * The task's containers with the router: the application container (the first) logs through it and
 * starts once it has, and the router comes last.
 */
export function withLogRouter(
  containers: RegisteredContainer[],
  firelens: EcsFirelens,
  logConfiguration: NonNullable<RegisteredContainer["logConfiguration"]>,
  logs: AwsLogs,
): RegisteredContainer[] {
  const [app, ...others] = containers;
  return [
    {
      ...app,
      logConfiguration,
      dependsOn: [...(app.dependsOn ?? []), { containerName: logRouterName, condition: "START" }],
    },
    ...others,
    logRouterContainer(firelens, logs),
  ];
}

/**
 * The task's size with room for the router's reservation beside the application container's memory:
 * on Fargate the next valid size up when the rendered one is too small; on EC2 a task memory that was set.
 */
export function taskSizeWithRouter(
  size: { cpu?: string; memory?: string },
  app: Pick<RegisteredContainer, "memory" | "memoryReservation">,
  routerMiB: number,
  fargate: boolean,
): { cpu?: string; memory?: string } {
  if (size.memory === undefined) return size;
  const needed = (app.memory ?? app.memoryReservation ?? 0) + routerMiB;
  if (Number(size.memory) >= needed) return size;
  if (!fargate) return { ...size, memory: String(needed) };
  const bigger = fargateTaskSize(Number(size.cpu ?? 256), needed);
  return bigger ? { cpu: String(bigger.cpu), memory: String(bigger.memory) } : size;
}

/**
 * What the task role needs for a CloudWatch Logs sink, which the router writes to with the task's
 * credentials: create streams in and write to that group, and nothing else.
 */
export function firelensTaskPolicy(sink: LogSink, clusterArn: string): PolicyDocument | undefined {
  if (sink.kind !== "cloudwatch") return undefined;
  const place = clusterPlace(clusterArn);
  const account = place?.account ?? "*";
  const group = `arn:${place?.partition ?? "aws"}:logs:${sink.region}:${account}:log-group:${sink.group}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FirelensCloudWatchLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [`${group}:*`, `${group}:log-stream:*`],
      },
    ],
  };
}
