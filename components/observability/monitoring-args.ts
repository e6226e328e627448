import type { ServiceCluster } from "../cluster";
import type {
  AlertReceivers,
  AlertRuleName,
  AlertRuleSettings,
  EcsMonitoringOptions,
  KubernetesMonitoringOptions,
  MonitoringPart,
  MonitoringPublish,
  MonitoringRequest,
  NormalizedAlertRules,
  SwarmMonitoringOptions,
} from "../observability-contract";
import { type AddIssue, isObject, isWhole, issueCollector, show, unknownFields } from "../arguments/issues";
import type { ArgumentIssue } from "../arguments/error";
import { ComponentArgumentsError } from "../arguments/error";
import { parsePrometheusDuration } from "./durations";

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
  /** The cluster to monitor: a swarm, a Kubernetes cluster or an ECS cluster. */
  cluster: ServiceCluster;
  /** Where alerts go. Without receivers, alerts fire and are only shown (in Alertmanager or CloudWatch). */
  receivers?: AlertReceivers;
  /** Thresholds of the default alert rules, and rules to leave out. */
  alerts?: AlertRuleSettings;
  /**
   * How long Prometheus keeps samples (a Prometheus duration).
   * @default `"15d"`
   */
  retention?: string;
  /**
   * How often Prometheus scrapes targets and evaluates rules (a Prometheus duration).
   * @default `"30s"`
   */
  scrapeInterval?: string;
  /** Prometheus: always deployed where the target runs one; its image can be replaced. */
  prometheus?: Omit<MonitoringPart, "skip">;
  /** Alertmanager. */
  alertmanager?: MonitoringPart;
  /** Grafana, with Prometheus as its data source and Berth's dashboard. */
  grafana?: MonitoringPart;
  /** Node metrics: node exporter on every node. */
  nodeExporter?: MonitoringPart;
  /** Container metrics: cAdvisor on every node (Swarm). */
  containerMetrics?: MonitoringPart;
  /**
   * Host ports to publish Prometheus, Alertmanager or Grafana on (Swarm). Nothing is published unless named:
   * reach them from inside the cluster, or through a tunnel.
   */
  publish?: MonitoringPublish;
  /** Options only a swarm reads. */
  swarm?: SwarmMonitoringOptions;
  /** Options only a Kubernetes cluster reads. */
  kubernetes?: KubernetesMonitoringOptions;
  /** Options only an ECS cluster reads. */
  ecs?: EcsMonitoringOptions;
}

/** `Monitoring`'s arguments are wrong: `issues` lists each, with its field. */
export class MonitoringArgumentsError extends ComponentArgumentsError {
  constructor(name: string, issues: ArgumentIssue[]) {
    super("Monitoring", name, issues);
  }
}

const ruleNames: readonly AlertRuleName[] = [
  "ServiceBelowDesired",
  "TaskRestarting",
  "NodeDown",
  "NodeDiskPressure",
  "NodeMemoryPressure",
  "TargetDown",
];

const argFields = [
  "cluster",
  "receivers",
  "alerts",
  "retention",
  "scrapeInterval",
  "prometheus",
  "alertmanager",
  "grafana",
  "nodeExporter",
  "containerMetrics",
  "publish",
  "swarm",
  "kubernetes",
  "ecs",
] as const;

function duration(value: unknown, fallback: string, path: string, add: AddIssue): number {
  const seconds = parsePrometheusDuration(value ?? fallback);
  if (seconds === undefined)
    add(path, `${show(value)} is not a Prometheus duration such as "90s", "5m" or "1h30m"`);
  return seconds ?? (parsePrometheusDuration(fallback) as number);
}

function percent(value: unknown, fallback: number, path: string, add: AddIssue): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0 && value < 100))
    add(path, `${show(value)} is not a percentage above 0 and below 100`);
  return value as number;
}

function normalizeRules(alerts: AlertRuleSettings | undefined, add: AddIssue): NormalizedAlertRules {
  const given = alerts ?? {};
  unknownFields(
    given,
    [
      "belowDesiredFor",
      "restarts",
      "restartWindow",
      "nodeDownFor",
      "diskUsedPercent",
      "memoryUsedPercent",
      "targetDownFor",
      "disable",
    ],
    "alerts.",
    add,
  );
  const disable = given.disable ?? [];
  disable.forEach((rule, i) => {
    if (!ruleNames.includes(rule))
      add(`alerts.disable[${i}]`, `${show(rule)} is not a default rule: ${ruleNames.join(", ")}`);
  });
  if (given.restarts !== undefined && !isWhole(given.restarts, 1))
    add("alerts.restarts", `${show(given.restarts)} is not a whole number of restarts above 0`);
  return {
    enabled: ruleNames.filter((rule) => !disable.includes(rule)),
    belowDesiredSeconds: duration(given.belowDesiredFor, "5m", "alerts.belowDesiredFor", add),
    restarts: given.restarts ?? 3,
    restartWindowSeconds: duration(given.restartWindow, "15m", "alerts.restartWindow", add),
    nodeDownSeconds: duration(given.nodeDownFor, "2m", "alerts.nodeDownFor", add),
    diskUsedPercent: percent(given.diskUsedPercent, 90, "alerts.diskUsedPercent", add),
    memoryUsedPercent: percent(given.memoryUsedPercent, 90, "alerts.memoryUsedPercent", add),
    targetDownSeconds: duration(given.targetDownFor, "5m", "alerts.targetDownFor", add),
  };
}

function checkReceivers(receivers: AlertReceivers | undefined, add: AddIssue): void {
  if (receivers === undefined) return;
  if (!isObject(receivers)) return add("receivers", "must be an object of webhooks, slack and email");
  unknownFields(receivers, ["webhooks", "slack", "email"], "receivers.", add);
  for (const list of ["webhooks", "slack"] as const) {
    const urls = receivers[list];
    if (urls !== undefined && !Array.isArray(urls)) add(`receivers.${list}`, "must be a list of URLs");
    (Array.isArray(urls) ? urls : []).forEach((url, i) => {
      if (typeof url === "string" && !/^https?:\/\/[^\s/]+/.test(url))
        add(`receivers.${list}[${i}]`, "is not an http(s) URL");
    });
  }
  const email = (receivers as AlertReceivers).email;
  if (email === undefined) return;
  unknownFields(email, ["to", "from", "smarthost", "username", "password"], "receivers.email.", add);
  if (!Array.isArray(email.to) || email.to.length === 0)
    add("receivers.email.to", "needs at least one address");
  (email.to ?? []).forEach((to, i) => {
    if (!/^[^@\s]+@[^@\s]+$/.test(to))
      add(`receivers.email.to[${i}]`, `${show(to)} is not an e-mail address`);
  });
  if (email.smarthost !== undefined && !/^[^\s:]+:\d+$/.test(email.smarthost))
    add("receivers.email.smarthost", `${show(email.smarthost)} is not host:port`);
}

function part(
  value: MonitoringPart | undefined,
  path: string,
  add: AddIssue,
  skippable = true,
): MonitoringPart {
  if (value === undefined) return {};
  unknownFields(value, skippable ? ["skip", "image"] : ["image"], `${path}.`, add);
  if (value.image !== undefined && (typeof value.image !== "string" || value.image.trim() === ""))
    add(`${path}.image`, "must name an image");
  return { ...value };
}

/**
 * Checks `Monitoring`'s arguments and applies the defaults, before anything is created.
 * @throws {@link MonitoringArgumentsError} listing every problem, each with its field.
 */
export function monitoringRequest(name: string, args: MonitoringArgs): MonitoringRequest {
  const { issues, add } = issueCollector();
  unknownFields(args, argFields, "", add);
  if (!args.cluster || typeof args.cluster.deployWorkload !== "function")
    add(
      "cluster",
      "must be a cluster: LocalSwarm, SwarmCluster, KubernetesCluster, GkeCluster or EcsCluster",
    );
  checkReceivers(args.receivers, add);
  const rules = normalizeRules(args.alerts, add);
  const retention = args.retention ?? "15d";
  duration(retention, "15d", "retention", add);
  const scrapeInterval = args.scrapeInterval ?? "30s";
  duration(scrapeInterval, "30s", "scrapeInterval", add);
  const publish = args.publish ?? {};
  unknownFields(publish, ["prometheus", "alertmanager", "grafana"], "publish.", add);
  for (const [key, port] of Object.entries(publish)) {
    if (port !== undefined && !isWhole(port, 1, 65535))
      add(`publish.${key}`, `${show(port)} is not a port from 1 to 65535`);
  }
  const request: MonitoringRequest = {
    rules,
    receivers: args.receivers ?? {},
    retention,
    scrapeInterval,
    prometheus: part(args.prometheus, "prometheus", add, false),
    alertmanager: part(args.alertmanager, "alertmanager", add),
    grafana: part(args.grafana, "grafana", add),
    nodeExporter: part(args.nodeExporter, "nodeExporter", add),
    containerMetrics: part(args.containerMetrics, "containerMetrics", add),
    publish,
    swarm: args.swarm ?? {},
    kubernetes: args.kubernetes ?? {},
    ecs: args.ecs ?? {},
  };
  if (
    request.alertmanager.skip &&
    (args.receivers?.webhooks || args.receivers?.slack || args.receivers?.email)
  )
    add("receivers", "alertmanager.skip leaves nothing to send alerts to these receivers");
  if (issues.length > 0) throw new MonitoringArgumentsError(name, issues);
  return request;
}
