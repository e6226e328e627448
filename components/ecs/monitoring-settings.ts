/** What an ECS cluster makes of a `MonitoringRequest`: the checks and defaults only ECS has. */
import type * as pulumi from "@pulumi/pulumi";
import type { AlertRuleName, MonitoringRequest } from "../observability-contract";
import { type AddIssue, isObject, issueCollector, show, unknownFields } from "../arguments/issues";
import { MonitoringArgumentsError } from "../observability/monitoring-args";
import type { ContainerInsightsLevel } from "./cluster-args";

const insightsRank: Record<ContainerInsightsLevel, number> = { disabled: 0, enabled: 1, enhanced: 2 };

/** The cluster a monitoring is asked of, as the checks need it. */
export interface MonitoredClusterFacts {
  /** The `EcsCluster` component's name, as messages name it. */
  componentName: string;
  /** The cluster's Container Insights setting. */
  containerInsights: ContainerInsightsLevel;
  /** Whether the cluster has EC2 capacity (instances: the only nodes ECS shows). */
  hasEc2Capacity: boolean;
  /** The monitoring that watches the cluster already, if one does. */
  watchedBy?: string;
}

/** The monitoring of an ECS cluster, checked, with every default applied. */
export interface EcsMonitoringSettings {
  /** The Container Insights level asked for (the cluster has at least it). */
  containerInsights: "enabled" | "enhanced";
  /** A service's average CPU above this percent of its reservation raises an alarm. */
  cpuPercent: number;
  /** A service's average memory above this percent of its reservation raises an alarm. */
  memoryPercent: number;
  /** Whether to make the CloudWatch dashboard. */
  dashboard: boolean;
  /** The default rules to install. */
  rules: ReadonlySet<AlertRuleName>;
  /** Whole minutes of each duration, as alarms count them (rounded up). */
  minutes: { belowDesired: number; restartWindow: number; nodeDown: number };
  /** `TaskRestarting`'s threshold: more stopped tasks than this within `restartWindow` alarm. */
  restarts: number;
  /** `NodeMemoryPressure`'s threshold, in percent. */
  memoryUsedPercent: number;
  /** HTTPS URLs that receive alerts through SNS. Secret. */
  webhooks: pulumi.Input<string>[];
  /** E-mail addresses that receive alerts through SNS. */
  emails: string[];
}

/** The longest CloudWatch evaluates an alarm over: one day. */
const longestAlarmMinutes = 24 * 60;

const ecsFields = ["containerInsights", "cpuPercent", "memoryPercent", "dashboard"] as const;

function minutesOf(seconds: number, path: string, add: AddIssue): number {
  const minutes = Math.ceil(seconds / 60);
  if (minutes > longestAlarmMinutes)
    add(path, `is longer than a day: CloudWatch evaluates an alarm over at most one day`);
  return Math.min(minutes, longestAlarmMinutes);
}

function percentOf(value: unknown, path: string, add: AddIssue): number {
  if (value === undefined) return 90;
  if (typeof value !== "number" || !(value > 0 && value <= 100))
    add(path, `${show(value)} is not a percentage above 0 and at most 100`);
  return value as number;
}

function insightsLevel(asked: unknown, facts: MonitoredClusterFacts, add: AddIssue): "enabled" | "enhanced" {
  const level = asked ?? "enhanced";
  if (level !== "enabled" && level !== "enhanced") {
    add("ecs.containerInsights", `must be "enhanced" or "enabled", not ${show(level)}`);
    return "enhanced";
  }
  const has = facts.containerInsights;
  if (insightsRank[has] < insightsRank[level])
    add(
      "ecs.containerInsights",
      `${asked === undefined ? "(default) " : ""}asks for Container Insights "${level}", and EcsCluster ` +
        `${facts.componentName} has "${has}": the setting belongs to the ECS cluster, which exists before ` +
        `its monitoring, so set containerInsights: "${level}" on EcsCluster ${facts.componentName}` +
        (level === "enhanced" && has === "enabled"
          ? `, or ecs.containerInsights: "enabled" here (the alarms and dashboard need only that)`
          : ""),
    );
  return level;
}

function receiverIssues(request: MonitoringRequest, add: AddIssue): void {
  const { slack, webhooks } = request.receivers;
  if (slack && slack.length > 0)
    add(
      "receivers.slack",
      "ECS sends alerts through an SNS topic, which cannot post in Slack's format: connect the topic " +
        "to Slack with AWS Chatbot, or give a webhook that accepts SNS notifications",
    );
  (webhooks ?? []).forEach((url, i) => {
    // The URL itself stays out of the message: it carries its token.
    if (typeof url === "string" && !/^https:\/\//i.test(url))
      add(
        `receivers.webhooks[${i}]`,
        "is a plain http URL: SNS would send every alert unencrypted; give an https URL",
      );
  });
}

/** Receivers' fields that only an SMTP client reads: ECS sends e-mail through SNS. */
const smtpFields = ["from", "smarthost", "username", "password"] as const;

/**
 * What ECS ignores in `request`, for a warning: SMTP settings (SNS sends e-mail itself) and published
 * ports (ECS runs no Prometheus, Alertmanager or Grafana).
 */
export function ignoredOnEcs(request: MonitoringRequest): string[] {
  const email = request.receivers.email;
  const smtp = smtpFields.filter((field) => email?.[field] !== undefined);
  const published = Object.entries(request.publish).filter(([, port]) => port !== undefined);
  return [
    ...smtp.map((field) => `receivers.email.${field} (SNS sends e-mail from its own address)`),
    ...published.map(([part]) => `publish.${part} (ECS runs no ${part}: alerts and graphs are CloudWatch's)`),
  ];
}

/**
 * Checks what only ECS refuses in `request` and applies its defaults, before anything is created.
 * @throws {@link MonitoringArgumentsError} listing every problem, each with its field.
 */
export function ecsMonitoringSettings(
  name: string,
  request: MonitoringRequest,
  facts: MonitoredClusterFacts,
): EcsMonitoringSettings {
  const { issues, add } = issueCollector();
  if (facts.watchedBy !== undefined)
    add(
      "cluster",
      `EcsCluster ${facts.componentName} is monitored by Monitoring ${facts.watchedBy} already: one ` +
        "Monitoring per cluster, or every alarm would be made twice",
    );
  receiverIssues(request, add);
  const ecs = request.ecs as Record<string, unknown>;
  unknownFields(ecs, ecsFields, "ecs.", add);
  const containerInsights = insightsLevel(ecs.containerInsights, facts, add);
  const dashboard = ecs.dashboard;
  if (dashboard !== undefined) {
    if (!isObject(dashboard)) add("ecs.dashboard", "must be { skip?: boolean }");
    else {
      unknownFields(dashboard, ["skip"], "ecs.dashboard.", add);
      if (dashboard.skip !== undefined && typeof dashboard.skip !== "boolean")
        add("ecs.dashboard.skip", `must be true or false, not ${show(dashboard.skip)}`);
    }
  }
  const rules = new Set(request.rules.enabled);
  const settings: EcsMonitoringSettings = {
    containerInsights,
    cpuPercent: percentOf(ecs.cpuPercent, "ecs.cpuPercent", add),
    memoryPercent: percentOf(ecs.memoryPercent, "ecs.memoryPercent", add),
    dashboard: !(isObject(dashboard) && dashboard.skip === true),
    rules,
    // Service CPU and memory alarms wait as long as ServiceBelowDesired, so its duration always counts.
    minutes: {
      belowDesired: minutesOf(request.rules.belowDesiredSeconds, "alerts.belowDesiredFor", add),
      restartWindow: rules.has("TaskRestarting")
        ? minutesOf(request.rules.restartWindowSeconds, "alerts.restartWindow", add)
        : 0,
      nodeDown:
        rules.has("NodeDown") && facts.hasEc2Capacity
          ? minutesOf(request.rules.nodeDownSeconds, "alerts.nodeDownFor", add)
          : 0,
    },
    restarts: request.rules.restarts,
    memoryUsedPercent: request.rules.memoryUsedPercent,
    webhooks: request.receivers.webhooks ?? [],
    emails: request.receivers.email?.to ?? [],
  };
  if (issues.length > 0) throw new MonitoringArgumentsError(name, issues);
  return settings;
}
