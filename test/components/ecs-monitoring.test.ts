/**
 * `Monitoring` of an `EcsCluster` under mocks: the alarms of every service whichever comes first in the
 * program, the cluster's own alarms on EC2 capacity, the alert topic and its secret subscriptions, the
 * dashboard's body, Container Insights, and the refusals made before anything is created.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService, type ContainerServiceArgs } from "../../components";
import { EcsCluster, type EcsClusterArgs } from "../../components/ecs";
import { Monitoring, type MonitoringArgs, MonitoringArgumentsError } from "../../components/observability";
import { runProgram, type MockedResource, type ProgramRun, type RecordedResource } from "../support/harness";
import { awsArn, awsMockInvoke, awsMockResource, awsRegion, awsTypes } from "../support/aws-mocks";
import { dashboardBodyIssues } from "../support/cloudwatch-dashboard";

const t = {
  ...awsTypes,
  monitoring: "berth:observability:Monitoring",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  key: "aws:kms/key:Key",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  logPolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
} as const;

const clusterArn = awsArn("ecs", "cluster/shop");
const topicArn = awsArn("sns", "shop-alerts");
const asgName = "shop-ec2-asg-4d5e6f";

/** What AWS computes for the monitoring's resources, besides what the shared mocks answer. */
function mockResource(resource: MockedResource): Record<string, unknown> {
  const { type, name, inputs } = resource;
  switch (type) {
    case t.topic:
      return { arn: awsArn("sns", String(inputs.name)) };
    case t.key:
      return { arn: awsArn("kms", `key/${name}-0f1e`), keyId: `${name}-0f1e` };
    case t.eventRule:
      return { arn: awsArn("events", `rule/${name}-7a8b`), name: `${name}-7a8b` };
    case t.autoscalingGroup:
      return { ...awsMockResource(resource), name: asgName };
    default:
      return awsMockResource(resource);
  }
}

type ServiceArgs = Omit<ContainerServiceArgs, "cluster">;
const image = "public.ecr.aws/docker/library/nginx:1.27";
/** Three services: two that must run (fixed and autoscaled) and one of no replicas. */
const services: Record<string, ServiceArgs> = {
  api: { image, ports: [{ target: 8080 }], replicas: 2 },
  worker: { image, autoscale: { min: 1, max: 4, cpuPercent: 70 } },
  idle: { image, replicas: 0 },
};

interface Scenario {
  cluster?: EcsClusterArgs;
  monitoring?: Omit<MonitoringArgs, "cluster">;
  services?: Record<string, ServiceArgs>;
  /** Services first, then the monitoring; by default the monitoring comes first. */
  servicesFirst?: boolean;
  preview?: boolean;
}

function deploy(scenario: Scenario = {}): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new EcsCluster("shop", scenario.cluster ?? {});
      const deployServices = () => {
        for (const [name, args] of Object.entries(scenario.services ?? services))
          new ContainerService(name, { cluster, ...args });
      };
      if (scenario.servicesFirst) deployServices();
      const monitoring = new Monitoring("mon", { cluster, ...scenario.monitoring });
      if (!scenario.servicesFirst) deployServices();
      return {
        alertNames: monitoring.alertNames,
        dashboardUrl: monitoring.dashboardUrl,
        prometheusUrl: monitoring.prometheusUrl,
        grafanaUrl: monitoring.grafanaUrl,
      };
    },
    { mockResource, mockInvoke: awsMockInvoke, preview: scenario.preview ?? false },
  );
}

const ofType = (run: ProgramRun, type: string) =>
  run.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
const alarmsOf = (run: ProgramRun) => ofType(run, t.alarm);
const alarm = (run: ProgramRun, name: string) => {
  const found = alarmsOf(run).find((r) => r.inputs.name === name);
  assert.ok(
    found,
    `an alarm named ${name}; there are ${alarmsOf(run)
      .map((r) => String(r.inputs.name))
      .join(", ")}`,
  );
  return found;
};
const ruleOf = (name: string) => name.split("/").slice(-1)[0];

/** The service alarms' names: `shop/<service>/<rule>` for every service and every rule. */
const serviceAlarmNames = (names: string[], rules: string[]) =>
  names.flatMap((s) => rules.map((rule) => `shop/${s}/${rule}`)).sort();
const allServiceRules = ["ServiceBelowDesired", "TaskRestarting", "ServiceCpuHigh", "ServiceMemoryHigh"];

/** The MonitoringArgumentsError the program threw, after checking the monitoring created nothing. */
async function refusal(scenario: Scenario): Promise<MonitoringArgumentsError> {
  let caught: unknown;
  const run = await runProgram(
    () => {
      const cluster = new EcsCluster("shop", scenario.cluster ?? {});
      try {
        new Monitoring("mon", { cluster, ...scenario.monitoring });
      } catch (err) {
        caught = err;
      }
    },
    { mockResource, mockInvoke: awsMockInvoke },
  );
  assert.ok(
    caught instanceof MonitoringArgumentsError,
    `expected a MonitoringArgumentsError, got ${String(caught)}`,
  );
  const monitoring = run.byName("mon", t.monitoring);
  assert.deepEqual(
    run.resources.filter((r) => r.parent === monitoring.urn).map((r) => `${r.type} ${r.name}`),
    [],
    "the monitoring created nothing",
  );
  return caught;
}

const issueAt = (err: MonitoringArgumentsError, path: string) => {
  const issue = err.issues.find((i) => i.path === path);
  assert.ok(issue, `an issue at ${path}; got ${err.message}`);
  return issue.message;
};

describe("Monitoring on an EcsCluster", () => {
  it("gives every service of the cluster one set of alarms, children of the Monitoring, whichever comes first", async () => {
    for (const servicesFirst of [false, true]) {
      const run = await deploy({ servicesFirst });
      const monitoring = run.byName("mon", t.monitoring);
      const alarms = alarmsOf(run);
      assert.deepEqual(
        alarms.map((a) => String(a.inputs.name)).sort(),
        serviceAlarmNames(Object.keys(services), allServiceRules),
        `servicesFirst: ${servicesFirst}`,
      );
      for (const a of alarms) assert.equal(a.parent, monitoring.urn, `${a.name} belongs to the Monitoring`);
      assert.deepEqual(
        [...(run.outputs.alertNames as string[])].sort(),
        alarms.map((a) => String(a.inputs.name)).sort(),
        "alertNames lists every alarm",
      );
    }
  });

  it("alarms on a service running fewer tasks than it asks for, from Container Insights' counts", async () => {
    const run = await deploy({ monitoring: { alerts: { belowDesiredFor: "90s" } } });
    const below = alarm(run, "shop/api/ServiceBelowDesired");
    const dimensions = { ClusterName: "shop", ServiceName: "api" };
    const i = below.inputs;
    assert.deepEqual(i.metricQueries, [
      {
        id: "desired",
        metric: {
          namespace: "ECS/ContainerInsights",
          metricName: "DesiredTaskCount",
          dimensions,
          period: 60,
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
          period: 60,
          stat: "Maximum",
        },
        returnData: false,
      },
      {
        id: "shortfall",
        expression: "desired - FILL(running, 0)",
        label: "Tasks below desired",
        returnData: true,
      },
    ]);
    assert.equal(i.comparisonOperator, "GreaterThanThreshold");
    assert.equal(i.threshold, 0);
    assert.equal(i.evaluationPeriods, 2, "90s rounds up to 2 one-minute periods");
    assert.equal(i.datapointsToAlarm, 2, "every minute of the window below desired");
    assert.equal(
      i.treatMissingData,
      "breaching",
      "no data: Container Insights sends none without running tasks",
    );
    assert.deepEqual(i.warmUpConfiguration, { warmUpPeriodDurationInMinutes: 12 });
    assert.deepEqual(i.alarmActions, [topicArn]);
    assert.deepEqual(i.okActions, [topicArn]);
    assert.equal(i.namespace, undefined, "a metric-math alarm names no single metric");
    assert.equal(
      alarm(run, "shop/worker/ServiceBelowDesired").inputs.treatMissingData,
      "breaching",
      "an autoscaled service must run at least its minimum",
    );
    assert.equal(
      alarm(run, "shop/idle/ServiceBelowDesired").inputs.treatMissingData,
      "notBreaching",
      "a service of no replicas is silent on purpose",
    );
  });

  it("alarms on a service's CPU and memory above the thresholds, from the ECS service metrics", async () => {
    const run = await deploy({ monitoring: { ecs: { cpuPercent: 75 } } });
    for (const [rule, metricName, threshold] of [
      ["ServiceCpuHigh", "CPUUtilization", 75],
      ["ServiceMemoryHigh", "MemoryUtilization", 90],
    ] as const) {
      const i = alarm(run, `shop/worker/${rule}`).inputs;
      assert.equal(i.namespace, "AWS/ECS");
      assert.equal(i.metricName, metricName);
      assert.deepEqual(i.dimensions, { ClusterName: "shop", ServiceName: "worker" });
      assert.equal(i.statistic, "Average");
      assert.equal(i.period, 60);
      assert.equal(i.evaluationPeriods, 5, "as long as belowDesiredFor, 5m by default");
      assert.equal(i.datapointsToAlarm, 5);
      assert.equal(i.comparisonOperator, "GreaterThanThreshold");
      assert.equal(i.threshold, threshold);
      assert.equal(i.treatMissingData, "notBreaching");
      assert.deepEqual(i.alarmActions, [topicArn]);
      assert.deepEqual(i.okActions, [topicArn]);
    }
  });

  it("counts a service's crashed tasks through EventBridge and a log metric filter, and alarms above the restarts", async () => {
    const run = await deploy({ monitoring: { alerts: { restarts: 5, restartWindow: "10m" } } });
    const [rule] = ofType(run, t.eventRule);
    assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: {
        clusterArn: [clusterArn],
        lastStatus: ["STOPPED"],
        stopCode: ["EssentialContainerExited", "TaskFailedToStart"],
        group: [{ prefix: "service:" }],
      },
    });
    const [logGroup] = ofType(run, t.logGroup).filter((g) =>
      String(g.inputs.name).startsWith("/aws/events/"),
    );
    assert.equal(logGroup.inputs.name, "/aws/events/shop/stopped-tasks");
    assert.equal(logGroup.inputs.retentionInDays, 30, "the cluster's log retention");
    const [target] = ofType(run, t.eventTarget);
    assert.equal(target.inputs.rule, rule.outputs.name);
    assert.equal(target.inputs.arn, logGroup.outputs.arn);
    const [policy] = ofType(run, t.logPolicy);
    assert.deepEqual(JSON.parse(String(policy.inputs.policyDocument)).Statement, [
      {
        Sid: "EventBridgeWritesStoppedTasks",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${String(logGroup.outputs.arn)}:*`,
        Condition: { ArnEquals: { "aws:SourceArn": rule.outputs.arn } },
      },
    ]);
    const [filter] = ofType(run, t.metricFilter);
    assert.equal(filter.inputs.logGroupName, "/aws/events/shop/stopped-tasks");
    assert.equal(filter.inputs.pattern, '{ $.detail.lastStatus = "STOPPED" }');
    assert.deepEqual(filter.inputs.metricTransformation, {
      name: "StoppedTasks",
      namespace: "Berth/ECS",
      value: "1",
      unit: "Count",
      dimensions: { ClusterArn: "$.detail.clusterArn", Group: "$.detail.group" },
    });
    const i = alarm(run, "shop/api/TaskRestarting").inputs;
    assert.equal(i.namespace, "Berth/ECS");
    assert.equal(i.metricName, "StoppedTasks");
    assert.deepEqual(i.dimensions, { ClusterArn: clusterArn, Group: "service:api" });
    assert.equal(i.statistic, "Sum");
    assert.equal(i.period, 600, "one period of restartWindow");
    assert.equal(i.evaluationPeriods, 1);
    assert.equal(i.comparisonOperator, "GreaterThanThreshold");
    assert.equal(i.threshold, 5);
    assert.equal(i.treatMissingData, "notBreaching", "no event, no crash");
    assert.deepEqual(i.alarmActions, [topicArn]);
  });

  it("leaves out the rules disabled, with the resources they alone need", async () => {
    const run = await deploy({
      monitoring: { alerts: { disable: ["ServiceBelowDesired", "TaskRestarting"] } },
    });
    assert.deepEqual(
      alarmsOf(run)
        .map((a) => String(a.inputs.name))
        .sort(),
      serviceAlarmNames(Object.keys(services), ["ServiceCpuHigh", "ServiceMemoryHigh"]),
    );
    for (const type of [t.eventRule, t.eventTarget, t.logPolicy, t.metricFilter])
      assert.deepEqual(ofType(run, type), [], `no ${type}`);
  });

  it("alarms on EC2 capacity's instances: status checks (NodeDown) and the cluster's memory (NodeMemoryPressure)", async () => {
    const ec2 = { instanceType: "m7i.large", min: 1, max: 3 };
    const run = await deploy({
      cluster: { ec2 },
      monitoring: { alerts: { nodeDownFor: "3m", memoryUsedPercent: 85 } },
      services: { api: services.api },
    });
    const down = alarm(run, "shop/NodeDown").inputs;
    assert.equal(down.namespace, "AWS/EC2");
    assert.equal(down.metricName, "StatusCheckFailed");
    assert.deepEqual(down.dimensions, { AutoScalingGroupName: asgName });
    assert.equal(down.statistic, "Maximum");
    assert.equal(down.period, 60);
    assert.equal(down.evaluationPeriods, 3);
    assert.equal(down.datapointsToAlarm, 3);
    assert.equal(down.comparisonOperator, "GreaterThanThreshold");
    assert.equal(down.threshold, 0);
    assert.equal(down.treatMissingData, "notBreaching");
    assert.deepEqual(down.alarmActions, [topicArn]);
    const memory = alarm(run, "shop/NodeMemoryPressure").inputs;
    assert.equal(memory.namespace, "AWS/ECS");
    assert.equal(memory.metricName, "MemoryUtilization");
    assert.deepEqual(memory.dimensions, { ClusterName: "shop" });
    assert.equal(memory.statistic, "Average");
    assert.equal(memory.evaluationPeriods, 5);
    assert.equal(memory.threshold, 85);
    assert.deepEqual(memory.okActions, [topicArn]);
    assert.ok((run.outputs.alertNames as string[]).includes("shop/NodeDown"));

    const fargate = await deploy({ services: { api: services.api } });
    assert.deepEqual(
      alarmsOf(fargate).filter((a) => !String(a.inputs.name).startsWith("shop/api/")),
      [],
      "Fargate has no nodes to alarm on",
    );
  });

  it("sends alerts through a topic encrypted with its own key, one secret subscription per receiver", async () => {
    const hook = "https://hooks.example.com/alerts?token=hook-secret-123";
    const run = await deploy({
      monitoring: {
        receivers: {
          webhooks: [hook, pulumi.secret("https://pager.example.com/in/pager-secret-456")],
          email: { to: ["ops@example.com", "oncall@example.com"] },
        },
      },
    });
    const [key] = ofType(run, t.key);
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.deepEqual(JSON.parse(String(key.inputs.policy)).Statement, [
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ]);
    const [topic] = ofType(run, t.topic);
    assert.equal(topic.inputs.name, "shop-alerts");
    assert.equal(
      topic.inputs.kmsMasterKeyId,
      key.outputs.arn,
      "not the AWS-managed key: alarms cannot use it",
    );
    const subscriptions = ofType(run, t.subscription);
    assert.deepEqual(
      subscriptions.map((s) => [s.name, s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]),
      [
        ["mon-email-0", "email", "ops@example.com", topicArn],
        ["mon-email-1", "email", "oncall@example.com", topicArn],
        ["mon-webhook-0", "https", hook, topicArn],
        ["mon-webhook-1", "https", "https://pager.example.com/in/pager-secret-456", topicArn],
      ],
    );
    for (const s of subscriptions) {
      assert.deepEqual(s.secretInputs, ["endpoint"], `${s.name}'s endpoint is a secret input`);
      assert.ok(s.secretOutputs.includes("endpoint"), `${s.name}'s endpoint is a secret output`);
    }
  });

  it("draws a dashboard of every service and of the one chosen, in the documented body structure", async () => {
    const run = await deploy({ monitoring: { ecs: { cpuPercent: 80, memoryPercent: 85 } } });
    const [dashboard] = ofType(run, t.dashboard);
    assert.equal(dashboard.inputs.dashboardName, "shop-services");
    const body = String(dashboard.inputs.dashboardBody);
    assert.deepEqual(dashboardBodyIssues(body), []);
    const parsed = JSON.parse(body) as {
      widgets: { type: string; properties: Record<string, unknown> }[];
      variables: Record<string, unknown>[];
    };
    const graphs = parsed.widgets.filter((w) => w.type === "metric").map((w) => w.properties);
    for (const g of graphs)
      assert.equal(g.region, awsRegion, `${String(g.title)} reads the cluster's region`);
    const byTitle = (title: string) => {
      const found = graphs.find((g) => g.title === title);
      assert.ok(found, `a graph titled ${title}`);
      return found;
    };
    const search = (namespace: string, metric: string, stat: string) =>
      `SEARCH('{${namespace},ClusterName,ServiceName} MetricName="${metric}" ClusterName="shop"', '${stat}', 60)`;
    const expressionsOf = (title: string) =>
      (byTitle(title).metrics as { expression: string; label: string }[][]).map(([m]) => [
        m.expression,
        m.label,
      ]);
    const perService = "${PROP('Dim.ServiceName')}";
    assert.deepEqual(expressionsOf("Running tasks, per service"), [
      [search("ECS/ContainerInsights", "RunningTaskCount", "Maximum"), perService],
    ]);
    assert.deepEqual(expressionsOf("CPU utilization (%), per service"), [
      [search("AWS/ECS", "CPUUtilization", "Average"), perService],
    ]);
    assert.deepEqual(expressionsOf("Memory utilization (%), per service"), [
      [search("AWS/ECS", "MemoryUtilization", "Average"), perService],
    ]);
    const chosen = (title: string) =>
      (byTitle(title).metrics as unknown[][]).map((m): Record<string, unknown> => {
        const [namespace, metric, d1, cluster, d2, service, render] = m as [
          string,
          string,
          string,
          string,
          string,
          string,
          Record<string, unknown>,
        ];
        assert.deepEqual(
          [d1, cluster, d2],
          ["ClusterName", "shop", "ServiceName"],
          `${title}: the cluster's service`,
        );
        return { namespace, metric, service, ...render };
      });
    const service = "chosen-service";
    assert.deepEqual(chosen("Desired and running tasks"), [
      {
        namespace: "ECS/ContainerInsights",
        metric: "DesiredTaskCount",
        service,
        label: "desired",
        stat: "Minimum",
      },
      {
        namespace: "ECS/ContainerInsights",
        metric: "RunningTaskCount",
        service,
        label: "running",
        stat: "Maximum",
      },
      {
        namespace: "ECS/ContainerInsights",
        metric: "PendingTaskCount",
        service,
        label: "pending",
        stat: "Maximum",
      },
    ]);
    assert.deepEqual(chosen("Network (bytes/s)"), [
      {
        namespace: "ECS/ContainerInsights",
        metric: "NetworkRxBytes",
        service,
        label: "received",
        stat: "Average",
      },
      {
        namespace: "ECS/ContainerInsights",
        metric: "NetworkTxBytes",
        service,
        label: "sent",
        stat: "Average",
      },
    ]);
    assert.deepEqual(
      chosen("CPU utilization (%)").map((m) => [m.namespace, m.metric, m.stat]),
      [
        ["AWS/ECS", "CPUUtilization", "Average"],
        ["AWS/ECS", "CPUUtilization", "Maximum"],
      ],
    );
    const thresholdOf = (title: string) =>
      (byTitle(title).annotations as { horizontal: { value: number }[] }).horizontal.map((h) => h.value);
    assert.deepEqual(thresholdOf("CPU utilization (%)"), [80]);
    assert.deepEqual(thresholdOf("CPU utilization (%), per service"), [80]);
    assert.deepEqual(thresholdOf("Memory utilization (%)"), [85]);
    assert.deepEqual(thresholdOf("Memory utilization (%), per service"), [85]);
    assert.deepEqual(parsed.variables, [
      {
        type: "property",
        property: "ServiceName",
        inputType: "select",
        id: "service",
        label: "Service",
        search:
          '{ECS/ContainerInsights,ClusterName,ServiceName} MetricName="DesiredTaskCount" ClusterName="shop"',
        populateFrom: "ServiceName",
        defaultValue: "__FIRST",
        visible: true,
      },
    ]);
    assert.equal(
      run.outputs.dashboardUrl,
      `https://${awsRegion}.console.aws.amazon.com/cloudwatch/home?region=${awsRegion}#dashboards/dashboard/shop-services`,
    );
    assert.equal(run.outputs.prometheusUrl, undefined, "ECS runs no Prometheus");
    assert.equal(run.outputs.grafanaUrl, undefined, "nor Grafana");
  });

  it("finds bodies that depart from the documented structure", () => {
    const widget = {
      type: "metric",
      x: 20,
      y: 0,
      width: 6,
      properties: { metrics: [["AWS/ECS"]], period: 30 },
    };
    assert.deepEqual(dashboardBodyIssues(JSON.stringify({ widgets: [widget] })), [
      "widgets[0]: reaches past the 24-column grid",
      "widgets[0].properties.region: required",
      "widgets[0].properties.period: not a multiple of 60",
      "widgets[0].properties.metrics[0]: [namespace, metricName, (dimensionName, dimensionValue)...]",
    ]);
  });

  it("draws no dashboard when told to skip it", async () => {
    const run = await deploy({ monitoring: { ecs: { dashboard: { skip: true } } } });
    assert.deepEqual(ofType(run, t.dashboard), []);
    assert.equal(run.outputs.dashboardUrl, undefined);
  });

  it("turns Container Insights to enhanced by default, and refuses a monitoring asking more than the cluster has", async () => {
    const run = await deploy({ services: {} });
    assert.deepEqual(ofType(run, t.ecsCluster)[0].inputs.settings, [
      { name: "containerInsights", value: "enhanced" },
    ]);

    const weaker = await refusal({ cluster: { containerInsights: "enabled" } });
    const message = issueAt(weaker, "ecs.containerInsights");
    assert.match(
      message,
      /\(default\) asks for Container Insights "enhanced", and EcsCluster shop has "enabled"/,
    );
    assert.match(message, /set containerInsights: "enhanced" on EcsCluster shop/);
    assert.match(message, /or ecs\.containerInsights: "enabled" here/);

    const disabled = await refusal({
      cluster: { containerInsights: "disabled" },
      monitoring: { ecs: { containerInsights: "enabled" } },
    });
    assert.match(
      issueAt(disabled, "ecs.containerInsights"),
      /asks for Container Insights "enabled", and EcsCluster shop has "disabled"/,
    );

    const matched = await deploy({
      cluster: { containerInsights: "enabled" },
      monitoring: { ecs: { containerInsights: "enabled" } },
      services: {},
    });
    assert.equal(
      ofType(matched, t.topic).length,
      1,
      "a monitoring asking no more than the cluster has is made",
    );
  });

  it("refuses Slack receivers and plain http webhooks before creating anything, without showing the URL", async () => {
    const err = await refusal({
      monitoring: {
        receivers: {
          slack: ["https://hooks.slack.com/services/T0/B0/slack-secret"],
          webhooks: ["https://ok.example.com/a", "http://plain.example.com/hook?token=plain-secret"],
        },
      },
    });
    assert.match(
      issueAt(err, "receivers.slack"),
      /cannot post in Slack's format: connect the topic to Slack with AWS Chatbot, or give a webhook/,
    );
    assert.match(
      issueAt(err, "receivers.webhooks[1]"),
      /plain http URL: SNS would send every alert unencrypted; give an https URL/,
    );
    assert.equal(err.issues.length, 2, err.message);
    assert.doesNotMatch(err.message, /secret/);
  });

  it("fails a plain http webhook known only at deployment, naming it without its URL, and subscribes nothing to it", async () => {
    const err = await deploy({
      monitoring: {
        receivers: { webhooks: [pulumi.secret("http://plain.example.com/hook?token=late-secret")] },
      },
      services: {},
    }).then(
      () => assert.fail("the deployment should have failed"),
      (e: Error & { resources?: RecordedResource[] }) => e,
    );
    assert.match(String(err.message), /receivers\.webhooks\[0\] is not an https URL/);
    assert.doesNotMatch(String(err.message), /late-secret/);
    assert.deepEqual(
      (err.resources ?? []).filter((r) => r.type === t.subscription),
      [],
    );
  });

  it("refuses ECS options and durations CloudWatch cannot honour, each by its field", async () => {
    const err = await refusal({
      monitoring: {
        alerts: { belowDesiredFor: "2d" },
        ecs: { cpuPercent: 0, dashbord: {} } as MonitoringArgs["ecs"],
      },
    });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["ecs.dashbord", "ecs.cpuPercent", "alerts.belowDesiredFor"],
    );
    assert.match(issueAt(err, "ecs.dashbord"), /did you mean "dashboard"/);
    assert.match(issueAt(err, "ecs.cpuPercent"), /0 is not a percentage above 0 and at most 100/);
    assert.match(issueAt(err, "alerts.belowDesiredFor"), /longer than a day/);
  });

  it("refuses a second Monitoring of the same cluster", async () => {
    let caught: unknown;
    await runProgram(
      () => {
        const cluster = new EcsCluster("shop", {});
        new Monitoring("mon", { cluster });
        try {
          new Monitoring("mon2", { cluster });
        } catch (err) {
          caught = err;
        }
      },
      { mockResource, mockInvoke: awsMockInvoke },
    );
    assert.ok(caught instanceof MonitoringArgumentsError, String(caught));
    assert.match(issueAt(caught, "cluster"), /monitored by Monitoring mon already/);
  });

  it("still alarms on a service declared after alertNames was resolved, and says it is not listed", async () => {
    const run = await runProgram(
      async () => {
        const cluster = new EcsCluster("shop", {});
        const monitoring = new Monitoring("mon", { cluster });
        new ContainerService("api", { cluster, ...services.api });
        await new Promise((resolve) => monitoring.alertNames.apply(resolve));
        new ContainerService("late", { cluster, ...services.api });
        return { alertNames: monitoring.alertNames };
      },
      { mockResource, mockInvoke: awsMockInvoke },
    );
    assert.deepEqual(
      [...(run.outputs.alertNames as string[])].sort(),
      serviceAlarmNames(["api"], allServiceRules),
    );
    assert.deepEqual(
      alarmsOf(run)
        .map((a) => String(a.inputs.name))
        .filter((n) => n.startsWith("shop/late/"))
        .map(ruleOf)
        .sort(),
      [...allServiceRules].sort(),
    );
    assert.ok(
      run.logs.some(
        (l) => l.severity === "warning" && l.message.includes("service late was deployed after alertNames"),
      ),
      run.logs.map((l) => l.message).join("\n"),
    );
  });

  it("knows its alarms' names and the dashboard's address at preview", async () => {
    const run = await deploy({ preview: true });
    assert.deepEqual(
      [...(run.outputs.alertNames as string[])].sort(),
      serviceAlarmNames(Object.keys(services), allServiceRules),
    );
    assert.match(String(run.outputs.dashboardUrl), /#dashboards\/dashboard\/shop-services$/);
  });
});
