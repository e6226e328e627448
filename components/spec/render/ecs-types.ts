import type { UlimitName } from "../normalize/runtime";

/**
 * The subset of ECS's RegisterTaskDefinition and CreateService inputs that Berth writes, with the API's
 * own field names. Times are seconds; memory is MiB; CPU is in CPU units (1024 per vCPU).
 */
export interface EcsKeyValue {
  name: string;
  value: string;
}

/** An ECS container definition, as the renderer writes it. */
export interface EcsContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  entryPoint?: string[];
  command?: string[];
  environment?: EcsKeyValue[];
  secrets?: { name: string; valueFrom: string }[];
  portMappings?: { containerPort: number; protocol: "tcp" | "udp"; name: string }[];
  healthCheck?: {
    command: string[];
    interval: number;
    timeout: number;
    retries: number;
    startPeriod: number;
  };
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  user?: string;
  workingDirectory?: string;
  readonlyRootFilesystem: boolean;
  linuxParameters?: {
    capabilities?: { add?: string[]; drop?: string[] };
    initProcessEnabled?: boolean;
    /** EC2 only; `size` in MiB. */
    tmpfs?: { containerPath: string; size: number; mountOptions?: string[] }[];
  };
  interactive?: boolean;
  pseudoTerminal?: boolean;
  systemControls?: { namespace: string; value: string }[];
  ulimits?: { name: UlimitName; softLimit: number; hardLimit: number }[];
  /** EC2 only. */
  dockerSecurityOptions?: string[];
  resourceRequirements?: { type: "GPU"; value: string }[];
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  stopTimeout: number;
  logConfiguration?: { logDriver: EcsLogDriver; options?: Record<string, string> };
  dockerLabels?: Record<string, string>;
  dependsOn?: { containerName: string; condition: "START" | "COMPLETE" | "SUCCESS" | "HEALTHY" }[];
}

/** A log driver ECS accepts. */
export type EcsLogDriver =
  "awslogs" | "awsfirelens" | "fluentd" | "gelf" | "journald" | "json-file" | "splunk" | "syslog";

/** A volume with neither `host` nor `dockerVolumeConfiguration` is the task's own scratch space. */
export interface EcsVolume {
  name: string;
  host?: { sourcePath: string };
  dockerVolumeConfiguration?: { scope: "shared"; autoprovision: boolean; driver: string };
}

/** An ECS task placement constraint. */
export interface EcsPlacementConstraint {
  type: "memberOf" | "distinctInstance";
  expression?: string;
}

/** An ECS task definition, as the renderer writes it. */
export interface EcsTaskDefinition {
  family: string;
  networkMode: "awsvpc";
  requiresCompatibilities: ("FARGATE" | "EC2")[];
  /** CPU units, as a string (the API's form). */
  cpu?: string;
  /** MiB, as a string. */
  memory?: string;
  containerDefinitions: EcsContainerDefinition[];
  volumes?: EcsVolume[];
  /** Set when the service names a platform; Fargate runs X86_64 without it. */
  runtimePlatform?: { cpuArchitecture: "X86_64" | "ARM64"; operatingSystemFamily: "LINUX" };
  /** Task definitions take only `memberOf`; `distinctInstance` belongs to the service. */
  placementConstraints?: { type: "memberOf"; expression: string }[];
  tags?: { key: string; value: string }[];
}

/** An ECS service, as the renderer writes it. */
export interface EcsService {
  serviceName: string;
  launchType: "FARGATE" | "EC2";
  schedulingStrategy: "REPLICA" | "DAEMON";
  desiredCount?: number;
  deploymentConfiguration: {
    minimumHealthyPercent: number;
    maximumPercent: number;
    deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  };
  placementConstraints?: EcsPlacementConstraint[];
  placementStrategy?: { type: "spread"; field: string }[];
  enableECSManagedTags: boolean;
  propagateTags: "SERVICE";
  tags?: { key: string; value: string }[];
}

/** Ports the ECS component exposes through a load balancer (ALB for HTTP routes, NLB otherwise). */
export interface EcsExposure {
  containerPort: number;
  listenerPort: number;
  protocol: "tcp" | "udp";
  http?: { host?: string; path: string; tls: boolean };
  /** The only client blocks the listener accepts; absent means any address. */
  sourceRanges?: string[];
}

/** What {@link renderEcs} returns. */
export interface EcsRendering {
  taskDefinition: EcsTaskDefinition;
  service: EcsService;
  exposure: EcsExposure[];
  /**
   * Application Auto Scaling target tracking, when the service autoscales. `ALBRequestCountPerTarget`
   * is tracked on each target group of the service's Application Load Balancer.
   */
  autoscaling?: {
    minCapacity: number;
    maxCapacity: number;
    policies: {
      metric:
        "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization" | "ALBRequestCountPerTarget";
      targetValue: number;
    }[];
  };
  /** SSM parameters to create for `secretEnv`; the container reads them through `secrets`. */
  secretParameters: { name: string; value: string }[];
  /**
   * SSM parameters to create for secret files (by the secret's `source`); only the init container
   * that writes the files reads them.
   */
  secretFileParameters: { source: string; name: string }[];
}
