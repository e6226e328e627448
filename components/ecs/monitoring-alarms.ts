/**
 * The CloudWatch alarms of an ECS cluster's monitoring, as data: Berth's default rules where ECS has an
 * equivalent, and each service's CPU and memory. Creating them is `monitoring.ts`'s job.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AlertRuleName } from "../observability-contract";
import type { NormalizedService } from "../spec";
import type { MonitoredService } from "./monitored-services";
import type { EcsMonitoringSettings } from "./monitoring-settings";

/**
 * The alarms Berth makes on ECS: the default rules ECS has an equivalent of (not `NodeDiskPressure` nor
 * `TargetDown`: see docs/observability.md), and two of its own.
 */
export type EcsAlarmRule =
  Exclude<AlertRuleName, "NodeDiskPressure" | "TargetDown"> | "ServiceCpuHigh" | "ServiceMemoryHigh";

/** One alarm: its rule, its CloudWatch name, and what it watches (actions and tags are added on creation). */
export interface AlarmSpec {
  /** The rule it stands for. */
  rule: EcsAlarmRule;
  /** The alarm's name in CloudWatch: `<cluster>/<service>/<rule>`, or `<cluster>/<rule>` for the cluster's. */
  name: string;
  /** The alarm's metric, threshold and evaluation. */
  args: Omit<aws.cloudwatch.MetricAlarmArgs, "name" | "alarmActions" | "okActions" | "tags">;
}

/** The metric `TaskRestarting` reads: a count of the cluster's tasks that crashed or failed to start. */
export const stoppedTasksMetric = { namespace: "Berth/ECS", metricName: "StoppedTasks" } as const;

/** Container Insights and the ECS service metrics come once a minute. */
const minute = 60;
/** The longest warm-up CloudWatch allows, in minutes. */
const longestWarmUp = 2880;

/**
 * How `ServiceBelowDesired` reads a minute without data. Container Insights sends nothing for a service
 * without running tasks, so silence from a service that must run is the worst case, not a gap:
 * `breaching`. A service of no replicas has nothing to run (`notBreaching`); a daemon runs one task per
 * EC2 instance, so it must run only when the cluster keeps at least one (`ec2MinInstances`), and
 * otherwise keeps its state (`missing`).
 */
export function missingTasksPolicy(
  service: NormalizedService,
  ec2MinInstances: number | undefined,
): "breaching" | "notBreaching" | "missing" {
  if (service.mode === "global") return (ec2MinInstances ?? 0) > 0 ? "breaching" : "missing";
  return service.replicas > 0 || service.autoscale !== undefined ? "breaching" : "notBreaching";
}

const evaluatedOver = (minutes: number) => ({ evaluationPeriods: minutes, datapointsToAlarm: minutes });

/** The alarms of one service of `clusterName`, for the rules `settings` enables. */
export function serviceAlarms(
  clusterName: string,
  clusterArn: pulumi.Input<string>,
  service: MonitoredService,
  settings: EcsMonitoringSettings,
  ec2MinInstances?: number,
): AlarmSpec[] {
  const dimensions = { ClusterName: clusterName, ServiceName: service.deployedName };
  const name = (rule: EcsAlarmRule) => `${clusterName}/${service.name}/${rule}`;
  const what = `Service ${service.name} of ECS cluster ${clusterName}`;
  const { belowDesired, restartWindow } = settings.minutes;
  const specs: AlarmSpec[] = [];
  if (settings.rules.has("ServiceBelowDesired"))
    specs.push({
      rule: "ServiceBelowDesired",
      name: name("ServiceBelowDesired"),
      args: {
        alarmDescription: `${what} has run fewer tasks than it asks for, for ${belowDesired} minutes.`,
        metricQueries: [
          {
            id: "desired",
            metric: {
              namespace: "ECS/ContainerInsights",
              metricName: "DesiredTaskCount",
              dimensions,
              period: minute,
              stat: "Minimum",
            },
            returnData: false,
          },
          {
            id: "running",
            metric: {
              namespace: "ECS/ContainerInsights",
              metricName: "RunningTaskCount",
              dimensions,
              period: minute,
              stat: "Maximum",
            },
            returnData: false,
          },
          // A minute with a desired count and no running count had no task running.
          {
            id: "shortfall",
            expression: "desired - FILL(running, 0)",
            label: "Tasks below desired",
            returnData: true,
          },
        ],
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        ...evaluatedOver(belowDesired),
        treatMissingData: missingTasksPolicy(service.preview, ec2MinInstances),
        // Data starts once the first tasks run: no alarm while the service's first minutes fill the window.
        warmUpConfiguration: { warmUpPeriodDurationInMinutes: Math.min(belowDesired + 10, longestWarmUp) },
      },
    });
  if (settings.rules.has("TaskRestarting"))
    specs.push({
      rule: "TaskRestarting",
      name: name("TaskRestarting"),
      args: {
        alarmDescription:
          `${what} had more than ${settings.restarts} tasks crash or fail to start within ` +
          `${restartWindow} minutes.`,
        ...stoppedTasksMetric,
        dimensions: { ClusterArn: clusterArn, Group: `service:${service.name}` },
        statistic: "Sum",
        period: restartWindow * minute,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: settings.restarts,
        // The metric counts events: a window without any had none.
        treatMissingData: "notBreaching",
      },
    });
  const utilization = (rule: EcsAlarmRule, metricName: string, threshold: number, resource: string) => ({
    rule,
    name: name(rule),
    args: {
      alarmDescription: `${what} has used more than ${threshold}% of its ${resource} reservation on average, for ${belowDesired} minutes.`,
      namespace: "AWS/ECS",
      metricName,
      dimensions,
      statistic: "Average",
      period: minute,
      ...evaluatedOver(belowDesired),
      comparisonOperator: "GreaterThanThreshold",
      threshold,
      // No data means no task running: ServiceBelowDesired tells of that, not a utilisation alarm.
      treatMissingData: "notBreaching",
    },
  });
  specs.push(
    utilization("ServiceCpuHigh", "CPUUtilization", settings.cpuPercent, "CPU"),
    utilization("ServiceMemoryHigh", "MemoryUtilization", settings.memoryPercent, "memory"),
  );
  return specs;
}

/** The EC2 capacity of a cluster, as its alarms need it. */
export interface Ec2CapacityGroup {
  /** The Auto Scaling group's name. */
  name: pulumi.Input<string>;
  /** The fewest instances it keeps. */
  min: number;
}

/**
 * The cluster's own alarms: on EC2 capacity, `NodeDown` (an instance fails its EC2 status checks) and
 * `NodeMemoryPressure` (the tasks use more than the threshold of the instances' memory, on average).
 * Fargate has no nodes to watch.
 */
export function clusterAlarms(
  clusterName: string,
  settings: EcsMonitoringSettings,
  ec2?: Ec2CapacityGroup,
): AlarmSpec[] {
  if (!ec2) return [];
  const specs: AlarmSpec[] = [];
  if (settings.rules.has("NodeDown"))
    specs.push({
      rule: "NodeDown",
      name: `${clusterName}/NodeDown`,
      args: {
        alarmDescription: `An EC2 instance of ECS cluster ${clusterName} has failed its status checks for ${settings.minutes.nodeDown} minutes.`,
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed",
        dimensions: { AutoScalingGroupName: ec2.name },
        statistic: "Maximum",
        period: minute,
        ...evaluatedOver(settings.minutes.nodeDown),
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        // No instance, no check: the group's own size is the capacity provider's business.
        treatMissingData: "notBreaching",
      },
    });
  if (settings.rules.has("NodeMemoryPressure"))
    specs.push({
      rule: "NodeMemoryPressure",
      name: `${clusterName}/NodeMemoryPressure`,
      args: {
        alarmDescription: `The tasks on the EC2 instances of ECS cluster ${clusterName} have used more than ${settings.memoryUsedPercent}% of their memory on average, for 5 minutes.`,
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        dimensions: { ClusterName: clusterName },
        statistic: "Average",
        period: minute,
        ...evaluatedOver(5),
        comparisonOperator: "GreaterThanThreshold",
        threshold: settings.memoryUsedPercent,
        treatMissingData: "notBreaching",
      },
    });
  return specs;
}
