/**
 * How an ECS cluster counts its services' crashed tasks, which ECS keeps no metric of: an EventBridge rule
 * sends the cluster's task-stopped events to a log group, whose metric filter counts them per service.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stoppedTasksMetric } from "./monitoring-alarms";

/** What the count is made for. */
export interface StoppedTaskEventsArgs {
  /** The ECS cluster's name. */
  clusterName: string;
  /** The ECS cluster's ARN: only its tasks are counted. */
  clusterArn: pulumi.Output<string>;
  /** Days the log group keeps the events. */
  retentionDays: number;
  /** Tags on every resource. */
  tags: Record<string, string>;
}

/**
 * The events that count: a service's task stopped because its essential container exited or it never
 * started. Tasks a deployment, a scale-in or the user stopped, and Spot interruptions, do not.
 */
export function stoppedTaskPattern(clusterArn: string): string {
  return JSON.stringify({
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      clusterArn: [clusterArn],
      lastStatus: ["STOPPED"],
      stopCode: ["EssentialContainerExited", "TaskFailedToStart"],
      group: [{ prefix: "service:" }],
    },
  });
}

/** Lets EventBridge write the rule's events into the log group, and nothing else. */
export function eventsLogPolicy(logGroupArn: string, ruleArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeWritesStoppedTasks",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:*`,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ],
  });
}

/**
 * The rule, the log group `/aws/events/<cluster>/stopped-tasks`, the policy that lets the rule write to it,
 * and the metric filter counting `Berth/ECS` `StoppedTasks` by `ClusterArn` and `Group` (`service:<name>`).
 * Returns the filter: alarms on the metric are made once it exists.
 */
export function stoppedTaskEvents(
  name: string,
  args: StoppedTaskEventsArgs,
  parent: pulumi.Resource,
): aws.cloudwatch.LogMetricFilter {
  const child = { parent };
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-stopped-tasks`,
    {
      name: `/aws/events/${args.clusterName}/stopped-tasks`,
      retentionInDays: args.retentionDays,
      tags: args.tags,
    },
    child,
  );
  const rule = new aws.cloudwatch.EventRule(
    `${name}-stopped-tasks`,
    {
      description: `Tasks of ECS cluster ${args.clusterName}'s services that crashed or failed to start`,
      eventPattern: args.clusterArn.apply(stoppedTaskPattern),
      tags: args.tags,
    },
    child,
  );
  const policy = new aws.cloudwatch.LogResourcePolicy(
    `${name}-stopped-tasks`,
    {
      policyName: `${args.clusterName}-stopped-tasks`,
      policyDocument: pulumi
        .all([logGroup.arn, rule.arn])
        .apply(([group, ruleArn]) => eventsLogPolicy(group, ruleArn)),
    },
    child,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-stopped-tasks`,
    { rule: rule.name, arn: logGroup.arn },
    { parent, dependsOn: [policy] },
  );
  return new aws.cloudwatch.LogMetricFilter(
    `${name}-stopped-tasks`,
    {
      logGroupName: logGroup.name,
      pattern: '{ $.detail.lastStatus = "STOPPED" }',
      metricTransformation: {
        namespace: stoppedTasksMetric.namespace,
        name: stoppedTasksMetric.metricName,
        value: "1",
        unit: "Count",
        dimensions: { ClusterArn: "$.detail.clusterArn", Group: "$.detail.group" },
      },
    },
    child,
  );
}
