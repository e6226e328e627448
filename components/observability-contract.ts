import type * as pulumi from "@pulumi/pulumi";

/**
 * Where alerts go. Every URL and password is kept secret: a webhook URL carries its token. At least one
 * receiver is needed for anyone to be told; without one, alerts fire and are only shown.
 */
export interface AlertReceivers {
  /**
   * URLs that receive every alert as a JSON `POST`: Alertmanager's webhook payload on Swarm and
   * Kubernetes, an SNS HTTPS subscription on ECS (which must confirm it). Secret.
   */
  webhooks?: pulumi.Input<string>[];
  /**
   * Slack incoming-webhook URLs (or a service that speaks Slack's format: Mattermost, Rocket.Chat).
   * Secret. ECS refuses them: SNS cannot post in Slack's format (use AWS Chatbot, or a webhook).
   */
  slack?: pulumi.Input<string>[];
  /** E-mail. */
  email?: EmailReceiver;
}

/** Alerts by e-mail. */
export interface EmailReceiver {
  /** Addresses that receive the alerts. */
  to: string[];
  /** The sender's address (Swarm and Kubernetes; SNS sends from its own). */
  from?: string;
  /** `host:port` of the SMTP server (Swarm and Kubernetes; ECS sends through SNS). */
  smarthost?: string;
  /** The SMTP user name. */
  username?: pulumi.Input<string>;
  /** The SMTP password. Secret. */
  password?: pulumi.Input<string>;
}

/** Berth's default alert rules, by name. */
export type AlertRuleName =
  | "ServiceBelowDesired"
  | "TaskRestarting"
  | "NodeDown"
  | "NodeDiskPressure"
  | "NodeMemoryPressure"
  | "TargetDown";

/** The thresholds of Berth's default alert rules. Durations are Prometheus durations (`"90s"`, `"5m"`, `"1h"`). */
export interface AlertRuleSettings {
  /**
   * `ServiceBelowDesired`: a service runs fewer tasks than it asks for, for this long.
   * @default "5m"
   */
  belowDesiredFor?: string;
  /**
   * `TaskRestarting`: a service's tasks restarted more than this many times within `restartWindow`.
   * @default 3
   */
  restarts?: number;
  /** @default "15m" */
  restartWindow?: string;
  /**
   * `NodeDown`: a node is down or not ready for this long.
   * @default "2m"
   */
  nodeDownFor?: string;
  /**
   * `NodeDiskPressure`: a node's file system is fuller than this, in percent.
   * @default 90
   */
  diskUsedPercent?: number;
  /**
   * `NodeMemoryPressure`: a node uses more of its memory than this, in percent.
   * @default 90
   */
  memoryUsedPercent?: number;
  /**
   * `TargetDown`: a metrics endpoint cannot be scraped for this long.
   * @default "5m"
   */
  targetDownFor?: string;
  /** Default rules to leave out. */
  disable?: AlertRuleName[];
}

/** The alert rules' thresholds with every default applied; durations in seconds. */
export interface NormalizedAlertRules {
  /** The rules to install. */
  enabled: AlertRuleName[];
  /** `ServiceBelowDesired`'s duration. */
  belowDesiredSeconds: number;
  /** `TaskRestarting`'s count of failed tasks. */
  restarts: number;
  /** `TaskRestarting`'s window. */
  restartWindowSeconds: number;
  /** `NodeDown`'s duration. */
  nodeDownSeconds: number;
  /** `NodeDiskPressure`'s threshold. */
  diskUsedPercent: number;
  /** `NodeMemoryPressure`'s threshold. */
  memoryUsedPercent: number;
  /** `TargetDown`'s duration. */
  targetDownSeconds: number;
}

/** An optional part of the monitoring, as awsx shapes them: left out with `skip`. */
export interface MonitoringPart {
  /** Leave this part out. @default false */
  skip?: boolean;
  /** The image to run instead of the default (which is pinned by digest). */
  image?: string;
}

/** Monitoring options that only Swarm reads. */
export interface SwarmMonitoringOptions {
  /**
   * The swarm networks Prometheus joins to scrape services' tasks; a service's metrics are scraped on
   * the first of these it is attached to.
   * @default the cluster's default network
   */
  networks?: pulumi.Input<string>[];
  /**
   * Placement constraints of Prometheus and Alertmanager. Prometheus reads the Docker API of the
   * engine it runs on, which must be a manager's.
   * @default `["node.role==manager"]`
   */
  constraints?: string[];
  /**
   * Where the engine's API socket is on the nodes: Prometheus's Swarm discovery and cAdvisor read the
   * engine through it. A rootless engine's is `/run/user/<uid>/docker.sock`.
   * @default `"/var/run/docker.sock"`
   */
  dockerSocket?: string;
}

/** Monitoring options that only Kubernetes reads. */
export interface KubernetesMonitoringOptions {
  /**
   * `"managed"`: Google Cloud Managed Service for Prometheus (GKE only: `GkeCluster`'s default);
   * `"kube-prometheus-stack"`: the Prometheus Operator stack installed by its chart (any other cluster).
   */
  stack?: "managed" | "kube-prometheus-stack";
  /**
   * The namespace the monitoring runs in.
   * @default `"monitoring"`
   */
  namespace?: string;
  /**
   * The kube-prometheus-stack chart version; its CRDs are applied from the same version.
   * @default the version Berth is tested with
   */
  chartVersion?: string;
  /**
   * The Prometheus Operator version `chartVersion` ships (the chart's `appVersion`, such as `"v0.93.0"`):
   * the Operator's CRDs are applied from its release. Needed with `chartVersion`, which alone does not say.
   * @default the version of the default chart
   */
  operatorVersion?: string;
  /** Values merged over Berth's for the chart. Secrets allowed. */
  values?: pulumi.Input<Record<string, unknown>>;
  /**
   * Follow the chart's release while Helm installs or upgrades it (`HelmRelease`'s `watch`). Turn it off
   * when the cluster's provider keeps Helm releases other than in Secrets (`helmReleaseSettings.driver`).
   * @default true
   */
  watch?: boolean;
}

/** Monitoring options that only ECS reads. */
export interface EcsMonitoringOptions {
  /**
   * The cluster's Container Insights setting.
   * @default `"enhanced"`
   */
  containerInsights?: "enhanced" | "enabled";
  /**
   * A service's average CPU above this percent of its reservation, for `belowDesiredFor`, raises an alarm.
   * @default 90
   */
  cpuPercent?: number;
  /**
   * A service's average memory above this percent of its reservation raises an alarm.
   * @default 90
   */
  memoryPercent?: number;
  /** The CloudWatch dashboard. */
  dashboard?: {
    /** Leave the dashboard out. @default false */
    skip?: boolean;
  };
}

/** Host ports that parts of the monitoring are published on (Swarm). */
export interface MonitoringPublish {
  /** Prometheus's HTTP port (9090 inside). */
  prometheus?: number;
  /** Alertmanager's HTTP port (9093 inside). */
  alertmanager?: number;
  /** Grafana's HTTP port (3000 inside). */
  grafana?: number;
}

/** What a cluster needs to deploy monitoring: the `Monitoring` component's arguments, checked and defaulted. */
export interface MonitoringRequest {
  /** The alert rules. */
  rules: NormalizedAlertRules;
  /** Where alerts go (secret values as given). */
  receivers: AlertReceivers;
  /** How long Prometheus keeps samples, as a Prometheus duration. */
  retention: string;
  /** How often Prometheus scrapes and evaluates rules, as a Prometheus duration. */
  scrapeInterval: string;
  /** Prometheus. */
  prometheus: MonitoringPart;
  /** Alertmanager. */
  alertmanager: MonitoringPart;
  /** Grafana, with a Prometheus data source and Berth's dashboard. */
  grafana: MonitoringPart;
  /** Node metrics (node exporter). */
  nodeExporter: MonitoringPart;
  /** Container metrics (cAdvisor on Swarm). */
  containerMetrics: MonitoringPart;
  /** Host ports to publish, by part; nothing is published unless named. */
  publish: MonitoringPublish;
  /** Options only a swarm reads. */
  swarm: SwarmMonitoringOptions;
  /** Options only a Kubernetes cluster reads. */
  kubernetes: KubernetesMonitoringOptions;
  /** Options only an ECS cluster reads. */
  ecs: EcsMonitoringOptions;
}

/** What a cluster made of a {@link MonitoringRequest}. Addresses are the cluster's own, unless published. */
export interface MonitoringDeployment {
  /** Prometheus's HTTP API, where it runs one. */
  prometheusUrl?: pulumi.Output<string>;
  /** Alertmanager's HTTP API, where it runs one. */
  alertmanagerUrl?: pulumi.Output<string>;
  /** Grafana, where it runs one. */
  grafanaUrl?: pulumi.Output<string>;
  /** Grafana's `admin` password, generated. Secret. */
  grafanaAdminPassword?: pulumi.Output<string>;
  /** Where Berth's dashboard is: a Grafana path or a CloudWatch console URL. */
  dashboardUrl?: pulumi.Output<string>;
  /** The alert rules installed, as the target names them (Prometheus alerts or CloudWatch alarm names). */
  alertNames: pulumi.Output<string[]>;
}

/**
 * Grafana Loki (or a service that speaks its push API, such as Grafana Cloud Logs). Each container's
 * lines become a stream labelled `job="berth"` and its service (and namespace on Kubernetes).
 */
export interface LokiSink {
  /** The sink's kind. */
  kind: "loki";
  /**
   * Loki's URL, `https://` for TLS: `https://logs.example.com`, `http://loki.monitoring:3100`. Without a
   * path, lines are pushed to `/loki/api/v1/push`; a path given is the push endpoint itself.
   */
  url: pulumi.Input<string>;
  /** The tenant (`X-Scope-OrgID`) of a multi-tenant Loki. @default none */
  tenant?: string;
  /** The basic-auth user (a Grafana Cloud stack's user ID). Kept secret. @default none */
  username?: pulumi.Input<string>;
  /** The basic-auth password or API token. Secret. @default none */
  password?: pulumi.Input<string>;
}

/**
 * Elasticsearch or OpenSearch, through their bulk API (`_type` left out, as Elasticsearch 8 and
 * OpenSearch 2 require).
 */
export interface ElasticsearchSink {
  /** The sink's kind. */
  kind: "elasticsearch";
  /** The cluster's URL, `https://` for TLS: `https://search.example.com:9200`. A path is kept as a prefix. */
  url: pulumi.Input<string>;
  /** The index every line is written to. @default `"berth"` */
  index?: string;
  /** The basic-auth user. Kept secret. @default none */
  username?: pulumi.Input<string>;
  /** The basic-auth password. Secret. @default none */
  password?: pulumi.Input<string>;
}

/**
 * Amazon CloudWatch Logs. The agent signs its requests with the AWS credentials of where it runs (an
 * EC2 instance profile, a Kubernetes service account's role), or with `credentials` when given.
 */
export interface CloudWatchSink {
  /** The sink's kind. */
  kind: "cloudwatch";
  /** The log group's region: `eu-west-1`. */
  region: string;
  /** The log group, which must exist: the agent does not create it. */
  group: string;
  /** The prefix of each stream's name; the rest names the container. @default `"berth-"` */
  streamPrefix?: string;
  /** An access key, for agents that run outside AWS. Secret. @default the environment's credentials */
  credentials?: {
    /** The access key's ID. Secret. */
    accessKeyId: pulumi.Input<string>;
    /** The secret access key. Secret. */
    secretAccessKey: pulumi.Input<string>;
  };
}

/** Any HTTP endpoint that accepts lines of JSON (`POST`, one JSON object per line). */
export interface HttpSink {
  /** The sink's kind. */
  kind: "http";
  /** The endpoint, `https://` for TLS: `https://intake.example.com/v1/logs`. */
  url: pulumi.Input<string>;
  /** Headers sent with every request (`Authorization`, an API key's header). Values are secret. @default none */
  headers?: Record<string, pulumi.Input<string>>;
}

/** The agent's own standard output, one JSON object per line: to see what it ships, or for `docker logs`. */
export interface StdoutSink {
  /** The sink's kind. */
  kind: "stdout";
}

/** Where logs are shipped. Credentials are kept secret: they reach the agent as secret environment variables. */
export type LogSink = LokiSink | ElasticsearchSink | CloudWatchSink | HttpSink | StdoutSink;

/** What a cluster needs to ship its containers' logs: the `Logging` component's arguments, checked and defaulted. */
export interface LoggingRequest {
  /** Where logs go. */
  sink: LogSink;
  /**
   * The agent's buffer for logs not yet shipped, in bytes; when it is full, the agent pauses reading the
   * log files (which the container runtime keeps rotating), never the containers.
   */
  bufferBytes: number;
  /** The log agent's image: Fluent Bit, pinned by digest unless given. */
  image: string;
}

/** What a cluster made of a {@link LoggingRequest}. */
export interface LoggingDeployment {
  /** The agent's configuration, as rendered: no secret values, which reach the agent through its environment. */
  agentConfig: pulumi.Output<string>;
  /** The image the agent runs. */
  image: string;
}
