import { swarmServiceSeries } from "./swarm-series";

/**
 * The PromQL behind each series of Berth's dashboard, per target: metric names and labels differ
 * between a swarm and a Kubernetes cluster, the panels do not.
 *
 * Service expressions return one series per service, labelled `service`; node expressions one per
 * node, labelled `node`. Expressions may use the dashboard's variables `$service` and `$node` (as
 * regular expressions: they take several values) and Grafana's `$__rate_interval`.
 */
export interface DashboardQueries {
  /** The `service` variable's values: a Grafana `label_values(<metric>, <label>)` query. */
  serviceValues: string;
  /** The `node` variable's values: a Grafana `label_values(<metric>, <label>)` query. */
  nodeValues: string;
  /** Tasks (replicas, pods) each service asks for. */
  desiredTasks: string;
  /** Tasks of each service that run and are available. */
  runningTasks: string;
  /** Restarts of each service's tasks in the last 15 minutes. */
  restarts: string;
  /** CPU each service uses, in cores. */
  cpu: string;
  /** Memory each service uses (its working set), in bytes. */
  memory: string;
  /** Bytes per second each service receives. */
  networkReceive: string;
  /** Bytes per second each service sends. */
  networkTransmit: string;
  /** The share of each node's CPU in use, from 0 to 1. */
  nodeCpu: string;
  /** The share of each node's memory in use, from 0 to 1. */
  nodeMemory: string;
  /** The share of each node's fullest file system in use, from 0 to 1. */
  nodeDisk: string;
}

/** File systems that are not a node's disks: memory-backed, container layers, images. */
const diskFilesystems = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs"';

/** Sums `expr` by service, taking the service's name from the series' `label`. */
const byService = (expr: string, label: string): string =>
  `sum by (service) (label_replace(${expr}, "service", "$1", "${label}", "(.+)"))`;

const swarmService = "container_label_com_docker_swarm_service_name";
const swarmContainers = `{${swarmService}=~"$service"}`;
const swarmDisk = `{node=~"$node", ${diskFilesystems}}`;

/**
 * Berth's dashboard on a swarm: task counts from the recording rules of {@link swarmServiceSeries},
 * container metrics from cAdvisor (a container's swarm service is its
 * `com.docker.swarm.service.name` label), node metrics from node exporter, labelled `node`.
 */
export const swarmDashboardQueries: DashboardQueries = {
  serviceValues: `label_values(${swarmServiceSeries.desiredTasks}, service)`,
  nodeValues: "label_values(node_uname_info, node)",
  desiredTasks: `sum by (service) (${swarmServiceSeries.desiredTasks}{service=~"$service"})`,
  runningTasks: `sum by (service) (${swarmServiceSeries.runningTasks}{service=~"$service"})`,
  restarts: `sum by (service) (${swarmServiceSeries.restarts}{service=~"$service"})`,
  cpu: byService(`rate(container_cpu_usage_seconds_total${swarmContainers}[$__rate_interval])`, swarmService),
  memory: byService(`container_memory_working_set_bytes${swarmContainers}`, swarmService),
  networkReceive: byService(
    `rate(container_network_receive_bytes_total${swarmContainers}[$__rate_interval])`,
    swarmService,
  ),
  networkTransmit: byService(
    `rate(container_network_transmit_bytes_total${swarmContainers}[$__rate_interval])`,
    swarmService,
  ),
  nodeCpu: `1 - avg by (node) (rate(node_cpu_seconds_total{node=~"$node", mode="idle"}[$__rate_interval]))`,
  nodeMemory:
    '1 - sum by (node) (node_memory_MemAvailable_bytes{node=~"$node"}) / sum by (node) (node_memory_MemTotal_bytes{node=~"$node"})',
  nodeDisk: `max by (node) (1 - node_filesystem_avail_bytes${swarmDisk} / node_filesystem_size_bytes${swarmDisk})`,
};

/** The cAdvisor series the kubelet serves, as kube-prometheus-stack labels them. */
const cadvisor = 'job="kubelet", metrics_path="/metrics/cadvisor"';

/**
 * Adds the `node` label to node exporter's series, which kube-prometheus-stack labels with the node
 * exporter pod, not its node: kube-state-metrics's `kube_pod_info` names each pod's node.
 */
const onNode = (expr: string): string =>
  `(${expr} * on (namespace, pod) group_left (node) topk by (namespace, pod) (1, kube_pod_info{node=~"$node"}))`;

/**
 * Adds the `container` label of each pod's container named like a service to a pod-level series
 * (cAdvisor counts network traffic per pod). `topk` keeps one container per pod, as the match needs.
 */
const onServiceContainer = (expr: string): string =>
  `(${expr} * on (namespace, pod) group_left (container) topk by (namespace, pod) (1, kube_pod_container_info{container=~"$service"}))`;

/** A Deployment's or DaemonSet's series summed by service, counting a service's `-canary` Deployment with it. */
const byWorkload = (deployments: string, daemonSets: string): string =>
  "sum by (service) (" +
  `label_replace(${deployments}{deployment=~"($service)(-canary)?"}, "service", "$1", "deployment", "(.+?)(-canary)?")` +
  ` or label_replace(${daemonSets}{daemonset=~"$service"}, "service", "$1", "daemonset", "(.+)"))`;

/**
 * Berth's dashboard on Kubernetes with kube-prometheus-stack: task counts from kube-state-metrics's
 * Deployments and DaemonSets (named after their service), container metrics from the kubelet's
 * cAdvisor (a service's container bears its name), node metrics from node exporter.
 */
export const kubernetesDashboardQueries: DashboardQueries = {
  serviceValues: "label_values(kube_pod_container_info, container)",
  nodeValues: "label_values(kube_node_info, node)",
  desiredTasks: byWorkload("kube_deployment_spec_replicas", "kube_daemonset_status_desired_number_scheduled"),
  runningTasks: byWorkload(
    "kube_deployment_status_replicas_available",
    "kube_daemonset_status_number_available",
  ),
  restarts: byService(
    'increase(kube_pod_container_status_restarts_total{container=~"$service"}[15m])',
    "container",
  ),
  cpu: byService(
    `rate(container_cpu_usage_seconds_total{${cadvisor}, container=~"$service"}[$__rate_interval])`,
    "container",
  ),
  memory: byService(`container_memory_working_set_bytes{${cadvisor}, container=~"$service"}`, "container"),
  networkReceive: byService(
    onServiceContainer(`rate(container_network_receive_bytes_total{${cadvisor}}[$__rate_interval])`),
    "container",
  ),
  networkTransmit: byService(
    onServiceContainer(`rate(container_network_transmit_bytes_total{${cadvisor}}[$__rate_interval])`),
    "container",
  ),
  nodeCpu: `1 - avg by (node) ${onNode('rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval])')}`,
  nodeMemory: `1 - sum by (node) ${onNode("node_memory_MemAvailable_bytes")} / sum by (node) ${onNode("node_memory_MemTotal_bytes")}`,
  nodeDisk: `max by (node) ${onNode(`(1 - node_filesystem_avail_bytes{${diskFilesystems}} / node_filesystem_size_bytes{${diskFilesystems}})`)}`,
};
