import type { NormalizedAlertRules } from "../observability-contract";
import { prometheusDuration } from "../observability/durations";
import { swarmServiceSeries } from "../observability/swarm-series";

/** The scrape jobs of a swarm's Prometheus, by what they scrape. */
export const swarmJobs = {
  /** Services that ask to be scraped (`metrics`), Berth's own exporters included. */
  services: "swarm-services",
  /** Every task of the swarm, one series per task: Swarm's task list as metrics. */
  tasks: "berth-swarm-tasks",
  /** Every node of the swarm, with its status. */
  nodes: "berth-swarm-nodes",
} as const;

/** The recording rules a swarm's Prometheus keeps, which alerts and Berth's dashboard read. */
const swarmSeries = swarmServiceSeries;

/** A Prometheus rule group, as a rules file holds it. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

interface RecordingRule {
  record: string;
  expr: string;
}

interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const tasks = (matchers: string) => `up{job="${swarmJobs.tasks}"${matchers}}`;
/** One series per task (a task is listed once per network it is on). */
const perTask = (matchers: string) => `count by (service, task_id) (${tasks(matchers)})`;
const failed = `, task_state=~"failed|rejected"`;

/** Tasks that failed within `seconds`: failed now, and not failed `seconds` ago. */
function failedWithin(seconds: number): string {
  const window = prometheusDuration(seconds);
  return (
    `count by (service) (${perTask(failed)} unless on (service, task_id) ` +
    `count by (service, task_id) (${tasks(failed)} offset ${window}))`
  );
}

/** Counts of desired, running and recently failed tasks per service. */
function recordingRules(): RecordingRule[] {
  const desired = `count by (service) (${perTask(', desired_state="running"')})`;
  return [
    { record: swarmSeries.desiredTasks, expr: desired },
    {
      record: swarmSeries.runningTasks,
      expr: `count by (service) (${perTask(', desired_state="running", task_state="running"')}) or (${desired} * 0)`,
    },
    // Each failed task was replaced by a new one: a restart.
    { record: swarmSeries.restarts, expr: failedWithin(900) },
  ];
}

const fileSystems = `fstype!~"tmpfs|overlay|squashfs|nsfs|ramfs|autofs"`;

/** Berth's default alerts on a swarm, with the thresholds given. */
function alertingRules(rules: NormalizedAlertRules): AlertingRule[] {
  const all: Record<NormalizedAlertRules["enabled"][number], AlertingRule> = {
    ServiceBelowDesired: {
      alert: "BerthServiceBelowDesired",
      expr: `${swarmSeries.runningTasks} < ${swarmSeries.desiredTasks}`,
      for: prometheusDuration(rules.belowDesiredSeconds),
      labels: { severity: "critical" },
      annotations: {
        summary: "Service {{ $labels.service }} runs {{ $value }} tasks, fewer than it asks for",
        description:
          "Swarm cannot place or keep its tasks running: see `docker service ps {{ $labels.service }}`.",
      },
    },
    TaskRestarting: {
      alert: "BerthTaskRestarting",
      // Only once Prometheus has seen the whole window: older failures in Swarm's task history are not restarts.
      expr:
        `${failedWithin(rules.restartWindowSeconds)} > ${rules.restarts} ` +
        `and on () count(${tasks("")} offset ${prometheusDuration(rules.restartWindowSeconds)}) > 0`,
      labels: { severity: "warning" },
      annotations: {
        summary: `Service {{ $labels.service }} had {{ $value }} tasks fail within ${prometheusDuration(rules.restartWindowSeconds)}`,
        description:
          "Its tasks keep failing and being replaced: see `docker service ps --no-trunc {{ $labels.service }}`.",
      },
    },
    NodeDown: {
      alert: "BerthNodeDown",
      expr: `up{job="${swarmJobs.nodes}", node_status!="ready"}`,
      for: prometheusDuration(rules.nodeDownSeconds),
      labels: { severity: "critical" },
      annotations: {
        summary: "Node {{ $labels.node }} is {{ $labels.node_status }}",
        description: "Swarm moves the node's replicated tasks elsewhere; its global tasks do not run.",
      },
    },
    NodeDiskPressure: {
      alert: "BerthNodeDiskPressure",
      expr:
        `100 * (1 - node_filesystem_avail_bytes{${fileSystems}} / node_filesystem_size_bytes{${fileSystems}}) ` +
        `> ${rules.diskUsedPercent}`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Node {{ $labels.node }}: {{ $labels.mountpoint }} is {{ $value | humanize }}% full",
        description: `More than ${rules.diskUsedPercent}% used.`,
      },
    },
    NodeMemoryPressure: {
      alert: "BerthNodeMemoryPressure",
      expr: `100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > ${rules.memoryUsedPercent}`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Node {{ $labels.node }} uses {{ $value | humanize }}% of its memory",
        description: `More than ${rules.memoryUsedPercent}% used.`,
      },
    },
    TargetDown: {
      alert: "BerthTargetDown",
      expr: `up{job="${swarmJobs.services}"} == 0`,
      for: prometheusDuration(rules.targetDownSeconds),
      labels: { severity: "warning" },
      annotations: {
        summary: "Metrics of {{ $labels.service }} on {{ $labels.node }} cannot be scraped",
        description: "Prometheus cannot reach {{ $labels.instance }}.",
      },
    },
  };
  return rules.enabled.map((name) => all[name]);
}

/** The rule groups of a swarm's Prometheus: Berth's task counts, then the default alerts given. */
export function swarmRuleGroups(rules: NormalizedAlertRules): RuleGroup[] {
  return [
    { name: "berth-swarm-tasks", rules: recordingRules() },
    { name: "berth-alerts", rules: alertingRules(rules) },
  ];
}
