import { stringify } from "yaml";
import { swarmJobs } from "./monitoring-rules";

/** Where a swarm's Prometheus finds what it needs. */
export interface SwarmPrometheusSettings {
  /** How often to scrape, evaluate rules and refresh the swarm's task list (a Prometheus duration). */
  scrapeInterval: string;
  /** The networks Prometheus shares with the services it scrapes: a task is scraped on the first. */
  networks: string[];
  /** Alertmanager's service name and port, when one runs. */
  alertmanager?: { service: string; port: number };
  /** Where the rules file is mounted. */
  ruleFile: string;
}

/** The Docker API of the manager Prometheus runs on, mounted read-only. */
export const dockerSocket = "/var/run/docker.sock";

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function discovery(role: "tasks" | "nodes", refresh: string) {
  return [{ host: `unix://${dockerSocket}`, role, refresh_interval: refresh }];
}

const copy = (source: string, target: string) => ({ source_labels: [source], target_label: target });

/**
 * A scrape job that turns Swarm's own lists into series: one target per task (or node), labelled, each
 * scraped at Prometheus's own `/federate` with no selector (an empty, valid answer), so that `up` counts
 * what Swarm lists. Targets with the same labels are one target (a task is listed once per network).
 */
function inventoryJob(name: string, role: "tasks" | "nodes", refresh: string, labels: [string, string][]) {
  return {
    job_name: name,
    metrics_path: "/federate",
    dockerswarm_sd_configs: discovery(role, refresh),
    relabel_configs: [
      ...labels.map(([source, target]) => copy(source, target)),
      { target_label: "__address__", replacement: "127.0.0.1:9090" },
      { target_label: "instance", replacement: "swarm" },
    ],
  };
}

/**
 * Prometheus's configuration on a swarm: every task of a service that asks to be scraped (the
 * `prometheus.io/*` labels Berth sets from `metrics`), on a network Prometheus shares with it, labelled
 * with its service and node; Swarm's task and node lists as series for the alerts; Alertmanager.
 */
export function swarmPrometheusConfig(settings: SwarmPrometheusSettings): string {
  const { scrapeInterval, networks } = settings;
  const config = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    rule_files: [settings.ruleFile],
    ...(settings.alertmanager && {
      // Every Alertmanager task by its own address (`tasks.<service>`), as Prometheus should send alerts:
      // not through the service's virtual IP, which picks one.
      alerting: {
        alertmanagers: [
          {
            dns_sd_configs: [
              {
                names: [`tasks.${settings.alertmanager.service}`],
                type: "A",
                port: settings.alertmanager.port,
              },
            ],
          },
        ],
      },
    }),
    scrape_configs: [
      {
        job_name: swarmJobs.services,
        dockerswarm_sd_configs: discovery("tasks", scrapeInterval),
        relabel_configs: [
          {
            source_labels: ["__meta_dockerswarm_service_label_prometheus_io_scrape"],
            regex: "true",
            action: "keep",
          },
          { source_labels: ["__meta_dockerswarm_task_desired_state"], regex: "running", action: "keep" },
          {
            source_labels: ["__meta_dockerswarm_network_name"],
            regex: networks.map(escapeRegex).join("|"),
            action: "keep",
          },
          {
            source_labels: ["__address__", "__meta_dockerswarm_service_label_prometheus_io_port"],
            regex: "(.+):\\d+;(\\d+)",
            replacement: "$1:$2",
            target_label: "__address__",
          },
          copy("__meta_dockerswarm_service_label_prometheus_io_path", "__metrics_path__"),
          copy("__meta_dockerswarm_service_label_prometheus_io_scheme", "__scheme__"),
          copy("__meta_dockerswarm_service_name", "service"),
          copy("__meta_dockerswarm_node_hostname", "node"),
          copy("__meta_dockerswarm_task_slot", "slot"),
        ],
      },
      inventoryJob(swarmJobs.tasks, "tasks", scrapeInterval, [
        ["__meta_dockerswarm_service_name", "service"],
        ["__meta_dockerswarm_node_hostname", "node"],
        ["__meta_dockerswarm_task_id", "task_id"],
        ["__meta_dockerswarm_task_state", "task_state"],
        ["__meta_dockerswarm_task_desired_state", "desired_state"],
      ]),
      inventoryJob(swarmJobs.nodes, "nodes", scrapeInterval, [
        ["__meta_dockerswarm_node_hostname", "node"],
        ["__meta_dockerswarm_node_status", "node_status"],
        ["__meta_dockerswarm_node_availability", "availability"],
      ]),
    ],
  };
  return stringify(config);
}
