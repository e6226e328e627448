/**
 * Monitoring of an ECS cluster, what `EcsCluster.deployMonitoring` makes: CloudWatch alarms for every
 * service of the cluster and for its EC2 capacity, an encrypted SNS topic that tells the receivers, and
 * a CloudWatch dashboard. Container Insights is the cluster's own setting, checked here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import type { EcsClusterContext } from "./context";
import type { MonitoredService, MonitoredServices } from "./monitored-services";
import {
  type AlarmSpec,
  clusterAlarms,
  type Ec2CapacityGroup,
  type EcsAlarmRule,
  serviceAlarms,
} from "./monitoring-alarms";
import { dashboardBody, dashboardConsoleUrl, dashboardName } from "./monitoring-dashboard";
import {
  type EcsMonitoringSettings,
  ecsMonitoringSettings,
  ignoredOnEcs,
  type MonitoredClusterFacts,
} from "./monitoring-settings";
import { stoppedTaskEvents } from "./monitoring-task-events";
import { alertTopic } from "./monitoring-topic";

/** The cluster a monitoring is deployed on, as `EcsCluster` hands it over. */
export interface EcsMonitoringTarget extends Omit<MonitoredClusterFacts, "watchedBy"> {
  /** What the cluster hands its services. */
  context: EcsClusterContext;
  /** The cluster's EC2 capacity, if it has any. */
  ec2Group?: Ec2CapacityGroup;
  /** The cluster's services, those deployed already and those to come. */
  services: MonitoredServices;
}

/** How each alarm's resource name ends, after the monitoring's (and the service's) name. */
const resourceSuffix: Record<EcsAlarmRule, string> = {
  ServiceBelowDesired: "below-desired",
  TaskRestarting: "restarting",
  ServiceCpuHigh: "cpu",
  ServiceMemoryHigh: "memory",
  NodeDown: "node-down",
  NodeMemoryPressure: "node-memory",
};

/**
 * Deploys the monitoring of an ECS cluster as children of `parent`. Every service of the cluster gets its
 * alarms, whether it was deployed before this or is deployed after it.
 *
 * @throws {@link MonitoringArgumentsError} for what ECS cannot honour (Slack receivers, plain http webhooks,
 * a Container Insights level above the cluster's, a second monitoring), before anything is created.
 */
export function deployEcsMonitoring(
  name: string,
  request: MonitoringRequest,
  parent: pulumi.ComponentResource,
  target: EcsMonitoringTarget,
): MonitoringDeployment {
  const settings = ecsMonitoringSettings(name, request, {
    ...target,
    watchedBy: target.services.watchedBy,
  });
  const ignored = ignoredOnEcs(request);
  if (ignored.length > 0) pulumi.log.warn(`ECS ignores ${ignored.join("; ")}`, parent);

  const { context } = target;
  const clusterName = context.clusterName;
  const tags = { ...context.tags, "berth:cluster": clusterName, "berth:monitoring": name };
  const topic = alertTopic(
    name,
    {
      clusterName,
      clusterArn: context.clusterArn,
      webhooks: settings.webhooks,
      emails: settings.emails,
      tags,
    },
    parent,
  );
  const stoppedTasks = settings.rules.has("TaskRestarting")
    ? stoppedTaskEvents(
        name,
        { clusterName, clusterArn: context.clusterArn, retentionDays: context.logRetentionDays, tags },
        parent,
      )
    : undefined;
  const alarm = (spec: AlarmSpec, resourceName: string) =>
    new aws.cloudwatch.MetricAlarm(
      resourceName,
      { ...spec.args, name: spec.name, alarmActions: [topic.arn], okActions: [topic.arn], tags },
      // An alarm on the stopped-task count waits for the filter that makes the count.
      { parent, ...(spec.rule === "TaskRestarting" && stoppedTasks && { dependsOn: [stoppedTasks] }) },
    );

  const names: string[] = [];
  for (const spec of clusterAlarms(clusterName, settings, target.ec2Group)) {
    alarm(spec, `${name}-${resourceSuffix[spec.rule]}`);
    names.push(spec.name);
  }
  // The names are listed once the program has declared its services: the region's lookup answers after
  // the program's synchronous part, in which services are declared.
  let listed = false;
  const alertNames = context.region.apply(() => {
    listed = true;
    return [...names];
  });
  target.services.subscribe(name, (service: MonitoredService) => {
    const specs = serviceAlarms(clusterName, context.clusterArn, service, settings, target.ec2Group?.min);
    for (const spec of specs) alarm(spec, `${name}-${service.name}-${resourceSuffix[spec.rule]}`);
    if (!listed) names.push(...specs.map((s) => s.name));
    else
      pulumi.log.warn(
        `service ${service.name} was deployed after alertNames was resolved: its alarms exist, but ` +
          "alertNames does not list them (declare services before awaiting anything)",
        parent,
      );
  });

  return settings.dashboard
    ? { alertNames, dashboardUrl: servicesDashboard(name, context, settings, parent) }
    : { alertNames };
}

/** The CloudWatch dashboard of the cluster's services; returns its console URL. */
function servicesDashboard(
  name: string,
  context: EcsClusterContext,
  settings: EcsMonitoringSettings,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const dashboard = dashboardName(context.clusterName);
  new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    {
      dashboardName: dashboard,
      dashboardBody: context.region.apply((region) =>
        dashboardBody({
          clusterName: context.clusterName,
          region,
          cpuPercent: settings.cpuPercent,
          memoryPercent: settings.memoryPercent,
        }),
      ),
    },
    { parent },
  );
  return context.region.apply((region) => dashboardConsoleUrl(region, dashboard));
}
