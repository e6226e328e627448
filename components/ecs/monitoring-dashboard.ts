/**
 * The CloudWatch dashboard of an ECS cluster's services, as its JSON body (the structure CloudWatch's
 * `PutDashboard` documents). Search expressions and a service variable find the cluster's services
 * themselves, so the body never lists them: services deployed before or after the monitoring, or by
 * other means, all show.
 */

/** What the dashboard shows and where. */
export interface DashboardInput {
  /** The ECS cluster's name. */
  clusterName: string;
  /** The AWS region of the cluster and its metrics. */
  region: string;
  /** The CPU alarm's threshold, drawn on the CPU graphs. */
  cpuPercent: number;
  /** The memory alarm's threshold, drawn on the memory graphs. */
  memoryPercent: number;
}

/** The service variable's stand-in value: the console replaces it with the service chosen. */
export const chosenServicePlaceholder = "chosen-service";

const insights = "ECS/ContainerInsights";
const ecs = "AWS/ECS";
const minute = 60;
/** The series label a search expression gives each service: its name. */
const serviceLabel = "${PROP('Dim.ServiceName')}";

/** The dashboard's name: `<cluster>-services`. */
export const dashboardName = (clusterName: string) => `${clusterName}-services`;

/** The AWS console's host for `region`: China's and GovCloud's have their own. */
export function consoleHost(region: string): string {
  if (region.startsWith("cn-")) return "console.amazonaws.cn";
  if (region.startsWith("us-gov-")) return "console.amazonaws-us-gov.com";
  return `${region}.console.aws.amazon.com`;
}

/** The console URL of the dashboard `name` in `region`. */
export function dashboardConsoleUrl(region: string, name: string): string {
  return `https://${consoleHost(region)}/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}

/** A search for `metricName` of every service of the cluster, one series per service. */
function perService(namespace: string, metricName: string, stat: string, clusterName: string, id: string) {
  const query = `{${namespace},ClusterName,ServiceName} MetricName="${metricName}" ClusterName="${clusterName}"`;
  return [{ expression: `SEARCH('${query}', '${stat}', ${minute})`, label: serviceLabel, id }];
}

/** One metric of the chosen service. */
function ofChosen(namespace: string, metricName: string, clusterName: string, render: object) {
  return [namespace, metricName, "ClusterName", clusterName, "ServiceName", chosenServicePlaceholder, render];
}

const threshold = (value: number) => ({
  horizontal: [{ value, label: `alarm above ${value}%`, fill: "above" }],
});

function graph(
  region: string,
  title: string,
  metrics: unknown[],
  place: { x: number; y: number; width: number },
  extra: object = {},
) {
  return {
    type: "metric",
    ...place,
    height: 6,
    properties: { view: "timeSeries", stacked: false, region, title, period: minute, metrics, ...extra },
  };
}

/**
 * The dashboard body: a row with every service of the cluster (running tasks, CPU and memory), then the
 * service chosen in the dashboard's `Service` variable (desired against running tasks, CPU and memory
 * against the alarms' thresholds, and network traffic).
 */
export function dashboardBody(input: DashboardInput): string {
  const { clusterName: c, region } = input;
  const percentAxis = { yAxis: { left: { min: 0, max: 100 } } };
  const intro =
    `# ECS cluster ${c}\n` +
    "The first row shows every service of the cluster; the second, the service chosen in **Service** " +
    "above. Task counts and network come from Container Insights, CPU and memory from ECS, as a share " +
    "of each task's reservation.";
  const widgets = [
    { type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: intro } },
    graph(
      region,
      "Running tasks, per service",
      [perService(insights, "RunningTaskCount", "Maximum", c, "running")],
      { x: 0, y: 2, width: 8 },
    ),
    graph(
      region,
      "CPU utilization (%), per service",
      [perService(ecs, "CPUUtilization", "Average", c, "cpu")],
      { x: 8, y: 2, width: 8 },
      { ...percentAxis, annotations: threshold(input.cpuPercent) },
    ),
    graph(
      region,
      "Memory utilization (%), per service",
      [perService(ecs, "MemoryUtilization", "Average", c, "memory")],
      { x: 16, y: 2, width: 8 },
      { ...percentAxis, annotations: threshold(input.memoryPercent) },
    ),
    graph(
      region,
      "Desired and running tasks",
      [
        ofChosen(insights, "DesiredTaskCount", c, { label: "desired", stat: "Minimum" }),
        ofChosen(insights, "RunningTaskCount", c, { label: "running", stat: "Maximum" }),
        ofChosen(insights, "PendingTaskCount", c, { label: "pending", stat: "Maximum" }),
      ],
      { x: 0, y: 8, width: 6 },
    ),
    graph(
      region,
      "CPU utilization (%)",
      [
        ofChosen(ecs, "CPUUtilization", c, { label: "average", stat: "Average" }),
        ofChosen(ecs, "CPUUtilization", c, { label: "busiest task", stat: "Maximum" }),
      ],
      { x: 6, y: 8, width: 6 },
      { ...percentAxis, annotations: threshold(input.cpuPercent) },
    ),
    graph(
      region,
      "Memory utilization (%)",
      [
        ofChosen(ecs, "MemoryUtilization", c, { label: "average", stat: "Average" }),
        ofChosen(ecs, "MemoryUtilization", c, { label: "busiest task", stat: "Maximum" }),
      ],
      { x: 12, y: 8, width: 6 },
      { ...percentAxis, annotations: threshold(input.memoryPercent) },
    ),
    graph(
      region,
      "Network (bytes/s)",
      [
        ofChosen(insights, "NetworkRxBytes", c, { label: "received", stat: "Average" }),
        ofChosen(insights, "NetworkTxBytes", c, { label: "sent", stat: "Average" }),
      ],
      { x: 18, y: 8, width: 6 },
    ),
  ];
  const variables = [
    {
      type: "property",
      property: "ServiceName",
      inputType: "select",
      id: "service",
      label: "Service",
      search: `{${insights},ClusterName,ServiceName} MetricName="DesiredTaskCount" ClusterName="${c}"`,
      populateFrom: "ServiceName",
      defaultValue: "__FIRST",
      visible: true,
    },
  ];
  return JSON.stringify({ start: "-PT3H", widgets, variables });
}
