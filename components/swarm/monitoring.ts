import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { ServiceCluster, ServiceEndpoint } from "../cluster";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import { ContainerService, type ContainerServiceArgs } from "../service";
import { alertmanagerConfig } from "../observability/alertmanager-config";
import { swarmDashboardQueries } from "../observability/dashboard-queries";
import { berthDashboard, berthDashboardUid } from "../observability/grafana-dashboard";
import { grafanaProvisioning } from "../observability/grafana-provisioning";
import { RandomPassword } from "../../provider/random/password";
import { monitoringImages } from "../observability/images";
import { MonitoringArgumentsError } from "../observability/monitoring-args";
import { dockerSocket, swarmPrometheusConfig } from "./monitoring-config";
import { swarmRuleGroups } from "./monitoring-rules";

/** What the swarm's monitoring needs of its cluster. */
export interface SwarmMonitoringTarget {
  cluster: ServiceCluster;
  /** The cluster's default network's name, which every service joins unless it was skipped. */
  defaultNetwork?: pulumi.Output<string>;
}

const prometheusPort = 9090;
const alertmanagerPort = 9093;
const ruleFile = "/etc/prometheus/berth-rules.yml";
const readOnlyBind = (source: string, target: string) => ({
  type: "bind" as const,
  source,
  target,
  readOnly: true,
});

/** A port only the cluster's services reach, or published on the host port given. */
const port = (target: number, published?: number) => (published ? { target, published } : { target });

/** The address a part is reached at: its published address, else its name on the cluster's networks. */
function url(service: ContainerService, target: number): pulumi.Output<string> {
  return service.endpoints.apply((endpoints: ServiceEndpoint[]) => {
    const endpoint = endpoints.find((e) => e.port === target);
    return `http://${endpoint?.publicAddress ?? `${endpoint?.host}:${target}`}`;
  });
}

/**
 * Monitoring on a swarm, as portable services of the swarm itself: Prometheus on a manager with the
 * Docker API mounted read-only for its Swarm discovery, Alertmanager, node exporter and cAdvisor on
 * every node. Each part's own metrics are scraped as any service's (`metrics`).
 */
export function deploySwarmMonitoring(
  name: string,
  request: MonitoringRequest,
  parent: pulumi.ComponentResource,
  target: SwarmMonitoringTarget,
): MonitoringDeployment {
  const { cluster } = target;
  const extraNetworks = request.swarm.networks ?? [];
  if (!target.defaultNetwork && extraNetworks.length === 0)
    throw new MonitoringArgumentsError(name, [
      {
        path: "swarm.networks",
        message:
          "the cluster has no default network: name the networks Prometheus shares with the services it scrapes",
      },
    ]);
  const socket = request.swarm.dockerSocket ?? dockerSocket;
  if (!/^\/[^,:\s]*[^,:\s/]$/.test(socket))
    throw new MonitoringArgumentsError(name, [
      {
        path: "swarm.dockerSocket",
        message: `must be the absolute path of a socket (no ",", ":" or spaces), not ${JSON.stringify(socket)}`,
      },
    ]);
  const opts = { parent };
  const common: Partial<ContainerServiceArgs> = { cluster, update: { order: "stop-first" } };
  const ruleGroups = swarmRuleGroups(request.rules);
  const managers = request.swarm.constraints ?? ["node.role==manager"];
  const alertmanagerName = `${name}-alertmanager`;

  let alertmanager: ContainerService | undefined;
  if (!request.alertmanager.skip) {
    alertmanager = new ContainerService(
      alertmanagerName,
      {
        ...common,
        cluster,
        image: request.alertmanager.image ?? monitoringImages.alertmanager,
        command: [
          "--config.file=/etc/alertmanager/alertmanager.yml",
          "--storage.path=/alertmanager",
          // One replica: no gossip port for a cluster of Alertmanagers.
          "--cluster.listen-address=",
        ],
        ports: [port(alertmanagerPort, request.publish.alertmanager)],
        // A secret, not a config: webhook URLs and SMTP passwords carry credentials.
        secrets: [
          {
            source: "alertmanager.yml",
            target: "/etc/alertmanager/alertmanager.yml",
            data: alertmanagerConfig(request.receivers),
          },
        ],
        volumes: [{ type: "volume", source: `${name}-alertmanager-data`, target: "/alertmanager" }],
        placement: { constraints: managers },
        resources: { memory: "128Mi" },
        metrics: { port: alertmanagerPort },
      },
      opts,
    );
  }

  const networks = pulumi
    .all([target.defaultNetwork, ...extraNetworks])
    .apply((names) => names.filter((n): n is string => typeof n === "string" && n !== ""));
  const prometheus = new ContainerService(
    `${name}-prometheus`,
    {
      ...common,
      cluster,
      image: request.prometheus.image ?? monitoringImages.prometheus,
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${request.retention}`,
      ],
      ports: [port(prometheusPort, request.publish.prometheus)],
      networks: extraNetworks,
      configs: [
        {
          source: "prometheus.yml",
          target: "/etc/prometheus/prometheus.yml",
          data: networks.apply((shared) =>
            swarmPrometheusConfig({
              scrapeInterval: request.scrapeInterval,
              networks: shared,
              ruleFile,
              alertmanager: alertmanager ? { service: alertmanagerName, port: alertmanagerPort } : undefined,
            }),
          ),
        },
        {
          source: "berth-rules.yml",
          target: ruleFile,
          data: stringify({ groups: ruleGroups }),
        },
      ],
      // Swarm discovery reads the manager's Docker API; the socket is root's.
      volumes: [
        // Inside, at the usual place, where the configuration's discovery looks for it.
        readOnlyBind(socket, dockerSocket),
        { type: "volume", source: `${name}-prometheus-data`, target: "/prometheus" },
      ],
      user: "0",
      placement: { constraints: managers },
      resources: { memory: "2Gi" },
      metrics: { port: prometheusPort },
    },
    opts,
  );

  if (!request.nodeExporter.skip) {
    new ContainerService(
      `${name}-node-exporter`,
      {
        ...common,
        cluster,
        image: request.nodeExporter.image ?? monitoringImages.nodeExporter,
        mode: "global",
        command: [
          "--path.procfs=/host/proc",
          "--path.sysfs=/host/sys",
          "--path.rootfs=/rootfs",
          "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)",
        ],
        volumes: [
          readOnlyBind("/proc", "/host/proc"),
          readOnlyBind("/sys", "/host/sys"),
          readOnlyBind("/", "/rootfs"),
        ],
        resources: { cpu: 0.25, memory: "64Mi" },
        metrics: { port: 9100 },
      },
      opts,
    );
  }

  if (!request.containerMetrics.skip) {
    new ContainerService(
      `${name}-cadvisor`,
      {
        ...common,
        cluster,
        image: request.containerMetrics.image ?? monitoringImages.cadvisor,
        mode: "global",
        command: [
          "--docker_only=true",
          "--housekeeping_interval=30s",
          "--store_container_labels=false",
          "--whitelisted_container_labels=com.docker.swarm.service.name,com.docker.swarm.node.id,com.docker.swarm.task.name",
          // The host's root is mounted at /rootfs: the engine's socket is there wherever it is.
          ...(socket !== dockerSocket ? [`--docker=unix:///rootfs${socket}`] : []),
        ],
        volumes: [
          readOnlyBind("/", "/rootfs"),
          readOnlyBind("/var/run", "/var/run"),
          readOnlyBind("/sys", "/sys"),
          readOnlyBind("/var/lib/docker", "/var/lib/docker"),
        ],
        resources: { cpu: 0.5, memory: "256Mi" },
        metrics: { port: 8080 },
      },
      opts,
    );
  }

  const grafana = request.grafana.skip
    ? undefined
    : deployGrafana(name, request, { ...common, cluster }, opts);

  const alertNames = ruleGroups
    .flatMap((group) => group.rules)
    .flatMap((rule) => ("alert" in rule ? [rule.alert] : []));
  return {
    prometheusUrl: url(prometheus, prometheusPort),
    alertmanagerUrl: alertmanager && url(alertmanager, alertmanagerPort),
    alertNames: pulumi.output(alertNames),
    ...(grafana && {
      grafanaUrl: url(grafana.service, grafanaPort),
      grafanaAdminPassword: grafana.password,
      dashboardUrl: url(grafana.service, grafanaPort).apply((base) => `${base}/d/${berthDashboardUid}`),
    }),
  };
}

const grafanaPort = 3000;
const dashboardFolder = "/var/lib/grafana-dashboards";

/** Grafana with Prometheus as its data source and Berth's dashboard, its `admin` password generated. */
function deployGrafana(
  name: string,
  request: MonitoringRequest,
  common: Partial<ContainerServiceArgs> & { cluster: ServiceCluster },
  opts: pulumi.ComponentResourceOptions,
): { service: ContainerService; password: pulumi.Output<string> } {
  const password = new RandomPassword(`${name}-grafana-admin`, { length: 24 }, opts).result;
  const provisioning = grafanaProvisioning({
    prometheusUrl: `http://${name}-prometheus:${prometheusPort}`,
    dashboardFolder,
    scrapeInterval: request.scrapeInterval,
  });
  const service = new ContainerService(
    `${name}-grafana`,
    {
      ...common,
      image: request.grafana.image ?? monitoringImages.grafana,
      ports: [port(grafanaPort, request.publish.grafana)],
      env: {
        GF_SECURITY_ADMIN_USER: "admin",
        GF_USERS_ALLOW_SIGN_UP: "false",
        GF_AUTH_ANONYMOUS_ENABLED: "false",
        GF_ANALYTICS_REPORTING_ENABLED: "false",
        GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
      },
      secretEnv: { GF_SECURITY_ADMIN_PASSWORD: password },
      configs: [
        {
          source: "grafana-datasources.yaml",
          target: "/etc/grafana/provisioning/datasources/berth.yaml",
          data: provisioning.datasources,
        },
        {
          source: "grafana-dashboards.yaml",
          target: "/etc/grafana/provisioning/dashboards/berth.yaml",
          data: provisioning.dashboards,
        },
        {
          source: "grafana-berth-dashboard.json",
          target: `${dashboardFolder}/berth-services.json`,
          data: JSON.stringify(berthDashboard(swarmDashboardQueries), null, 2),
        },
      ],
      volumes: [{ type: "volume", source: `${name}-grafana-data`, target: "/var/lib/grafana" }],
      resources: { memory: "512Mi" },
      metrics: { port: grafanaPort },
    },
    opts,
  );
  return { service, password };
}
