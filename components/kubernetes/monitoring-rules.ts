/**
 * Berth's default alert rules on Kubernetes, as one Prometheus rule group: PromQL over kube-state-metrics,
 * node exporter and `up`. The same group goes into a Prometheus Operator `PrometheusRule` and into a
 * Google Cloud Managed Service for Prometheus `ClusterRules`.
 */
import type { AlertRuleName, NormalizedAlertRules } from "../observability-contract";
import { prometheusDuration } from "../observability/durations";

/** One alerting rule, as a Prometheus rules file writes it. */
export interface PrometheusAlertingRule {
  /** The alert's name. */
  alert: string;
  /** The PromQL expression; every series it returns is an alert. */
  expr: string;
  /** How long the expression must hold before the alert fires. */
  for?: string;
  /** Labels added to the alert: `severity`, and `service` where the alert is about one. */
  labels: Record<string, string>;
  /** `summary`: one line saying what is wrong, with the alert's labels filled in. */
  annotations: Record<string, string>;
}

/** A Prometheus rule group, as in a rules file's `groups` (and in `PrometheusRule` and `ClusterRules`). */
export interface PrometheusRuleGroup {
  /** The group's name. */
  name: string;
  /** How often the rules are evaluated. */
  interval: string;
  /** The alerting rules. */
  rules: PrometheusAlertingRule[];
}

/** The name of the rule group Berth installs. */
export const berthRuleGroupName = "berth";

/**
 * How long a node must be short of disk or memory before it is told of: the request has no threshold
 * for it, and one bad scrape should not page anyone.
 */
const pressureForSeconds = 300;

/** File systems that are not a node's disks: memory-backed, container layers, images. */
const ignoredFileSystems = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"';

/** The node an alert is about: node exporter's targets name it in `node` or only in `instance`. */
const nodeOfAlert = "{{ with $labels.node }}{{ . }}{{ else }}{{ $labels.instance }}{{ end }}";

/** The alert name Berth gives a default rule: `Berth` and the rule's name (`BerthNodeDown`). */
export function berthAlertName(rule: AlertRuleName): string {
  return `Berth${rule}`;
}

/** The alerting rule of each default rule, with the request's thresholds. */
function alertingRule(
  rule: AlertRuleName,
  rules: NormalizedAlertRules,
): Omit<PrometheusAlertingRule, "alert"> {
  switch (rule) {
    case "ServiceBelowDesired":
      return {
        // Exactly one of the workload labels is set on each series, so the service is their concatenation.
        expr: [
          "kube_deployment_status_replicas_available < kube_deployment_spec_replicas",
          "kube_statefulset_status_replicas_available < kube_statefulset_replicas",
          "kube_daemonset_status_number_available < kube_daemonset_status_desired_number_scheduled",
        ].join("\nor\n"),
        for: prometheusDuration(rules.belowDesiredSeconds),
        labels: {
          severity: "critical",
          service: "{{ $labels.deployment }}{{ $labels.statefulset }}{{ $labels.daemonset }}",
        },
        annotations: {
          summary:
            "{{ $labels.namespace }}/{{ $labels.deployment }}{{ $labels.statefulset }}{{ $labels.daemonset }} " +
            `has {{ $value }} available, fewer than it asks for, for ${prometheusDuration(rules.belowDesiredSeconds)}`,
        },
      };
    case "TaskRestarting":
      return {
        expr: `increase(kube_pod_container_status_restarts_total[${prometheusDuration(rules.restartWindowSeconds)}]) > ${rules.restarts}`,
        // A service's container carries the service's name.
        labels: { severity: "warning", service: "{{ $labels.container }}" },
        annotations: {
          summary:
            "{{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times " +
            `in ${prometheusDuration(rules.restartWindowSeconds)}`,
        },
      };
    case "NodeDown":
      return {
        expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
        for: prometheusDuration(rules.nodeDownSeconds),
        labels: { severity: "critical" },
        annotations: {
          summary: `node {{ $labels.node }} has not been ready for ${prometheusDuration(rules.nodeDownSeconds)}`,
        },
      };
    case "NodeDiskPressure":
      return {
        expr: [
          `100 * (1 - node_filesystem_avail_bytes{${ignoredFileSystems}} / node_filesystem_size_bytes{${ignoredFileSystems}}) > ${rules.diskUsedPercent}`,
          'kube_node_status_condition{condition="DiskPressure",status="true"} == 1',
        ].join("\nor\n"),
        for: prometheusDuration(pressureForSeconds),
        labels: { severity: "warning" },
        annotations: {
          summary: `node ${nodeOfAlert} is short of disk{{ with $labels.mountpoint }} on {{ . }}{{ end }} (over ${rules.diskUsedPercent}% used, or DiskPressure)`,
        },
      };
    case "NodeMemoryPressure":
      return {
        expr: [
          `100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > ${rules.memoryUsedPercent}`,
          'kube_node_status_condition{condition="MemoryPressure",status="true"} == 1',
        ].join("\nor\n"),
        for: prometheusDuration(pressureForSeconds),
        labels: { severity: "warning" },
        annotations: {
          summary: `node ${nodeOfAlert} is short of memory (over ${rules.memoryUsedPercent}% used, or MemoryPressure)`,
        },
      };
    case "TargetDown":
      return {
        expr: "up == 0",
        for: prometheusDuration(rules.targetDownSeconds),
        // Berth's annotation scrape job labels targets with their service; others have at least a job.
        labels: {
          severity: "warning",
          service: "{{ with $labels.service }}{{ . }}{{ else }}{{ $labels.job }}{{ end }}",
        },
        annotations: {
          summary: `{{ $labels.job }} target {{ $labels.instance }} could not be scraped for ${prometheusDuration(rules.targetDownSeconds)}`,
        },
      };
  }
}

/**
 * Berth's default alert rules that `rules` enables, as one Prometheus rule group evaluated every
 * `interval` (a Prometheus duration). Plain data: a rules file holds it as `groups: [group]`.
 */
export function berthRuleGroup(rules: NormalizedAlertRules, interval: string): PrometheusRuleGroup {
  return {
    name: berthRuleGroupName,
    interval,
    rules: rules.enabled.map((rule) => ({ alert: berthAlertName(rule), ...alertingRule(rule, rules) })),
  };
}
