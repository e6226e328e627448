/**
 * `Monitoring` on Kubernetes under mocks: the Prometheus Operator stack (its CRDs, the chart, the Secrets
 * it reads, Berth's PrometheusRule) on any cluster, Google Cloud Managed Service for Prometheus's part on
 * GKE, the refusals, and the rules checked by the CRDs' schemas and by promtool.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import type { ServiceCluster } from "../../components/cluster";
import { GkeCluster, KubernetesCluster, type KubernetesMonitoring } from "../../components/kubernetes";
import { Monitoring, type MonitoringArgs, MonitoringArgumentsError } from "../../components/observability";
import { berthRuleGroup } from "../../components/kubernetes/monitoring-rules";
import { deployKubernetesMonitoring } from "../../components/kubernetes/monitoring";
import { monitoringRequest } from "../../components/observability/monitoring-args";
import { crdValidator } from "../support/crd-schema";
import { gcpMockInvoke, gcpMockResource, gcpProject, gcpRegion } from "../support/gcp-mocks";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import { CreationOptions, kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";
import { haveImage, promtoolCheckRules } from "../support/prom-tools";

const types = {
  monitoring: "berth:observability:Monitoring",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  crds: "kubernetes:yaml/v2:ConfigFile",
  release: "kubernetes:helm.sh/v3:Release",
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  clusterRules: "kubernetes:monitoring.googleapis.com/v1:ClusterRules",
} as const;

const webhook = "https://hooks.example.com/alerts/token-7d1f";
/** A stand-in cluster for checking arguments alone. */
const anyCluster = { target: "kubernetes", deployWorkload: () => undefined } as unknown as ServiceCluster;
const defaultCluster: KubernetesMonitoring = { scraperNamespace: "monitoring" };

type Args = Omit<MonitoringArgs, "cluster">;

interface Deployed {
  run: ProgramRun;
  capture: CreationOptions;
}

/** A KubernetesCluster with `monitoring`, and a Monitoring of `args` on it, under mocks. */
async function deploy(args: Args = {}, monitoring: KubernetesMonitoring = defaultCluster): Promise<Deployed> {
  const capture = new CreationOptions();
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      const cluster = new KubernetesCluster("prod", {
        kubeconfig: "kubeconfig",
        namespace: "shop",
        monitoring,
      });
      const mon = new Monitoring("mon", { cluster, ...args });
      return {
        prometheusUrl: mon.prometheusUrl,
        alertmanagerUrl: mon.alertmanagerUrl,
        grafanaUrl: mon.grafanaUrl,
        grafanaAdminPassword: mon.grafanaAdminPassword,
        passwordIsSecret: pulumi.isSecret(mon.grafanaAdminPassword),
        alertNames: mon.alertNames,
      };
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      project: "shop",
      stack: "prod",
    },
  );
  return { run, capture };
}

/** A GkeCluster with `monitoring`, and a Monitoring of `args` on it, under mocks. */
function deployOnGke(args: Args = {}, monitoring?: KubernetesMonitoring): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new GkeCluster("gke", {
        authorizedNetworks: [{ cidr: "198.51.100.0/24" }],
        ...(monitoring && { monitoring }),
      });
      const mon = new Monitoring("mon", { cluster, ...args });
      return {
        prometheusUrl: mon.prometheusUrl,
        alertmanagerUrl: mon.alertmanagerUrl,
        grafanaUrl: mon.grafanaUrl,
        alertNames: mon.alertNames,
      };
    },
    {
      config: { "gcp:project": gcpProject, "gcp:region": gcpRegion },
      mockResource: gcpMockResource,
      mockInvoke: gcpMockInvoke,
      mockDynamic: kubernetesMockDynamic,
    },
  );
}

/** What `program` threw, with the run it left. */
async function refusal(program: () => void): Promise<{ error: MonitoringArgumentsError; run: ProgramRun }> {
  let caught: unknown;
  const run = await runProgram(
    () => {
      try {
        program();
      } catch (err) {
        caught = err;
      }
    },
    {
      config: { "gcp:project": gcpProject, "gcp:region": gcpRegion },
      mockResource: gcpMockResource,
      mockInvoke: gcpMockInvoke,
      mockDynamic: kubernetesMockDynamic,
    },
  );
  assert.ok(
    caught instanceof MonitoringArgumentsError,
    `expected a MonitoringArgumentsError, got ${String(caught)}`,
  );
  return { error: caught, run };
}

/** The resources a Monitoring made, below its component. */
function monitoringResources(run: ProgramRun): RecordedResource[] {
  const component = run.resources.find((r) => r.type === types.monitoring);
  return component ? run.resources.filter((r) => r.parent === component.urn) : [];
}

/** An output the deployment does not set: the engine answers null for it. */
const absent = (value: unknown) =>
  assert.ok(value === undefined || value === null, `unexpected ${String(value)}`);

type Values = Record<string, Record<string, Record<string, unknown>>>;
const valuesOf = (run: ProgramRun) =>
  run.byName("mon-kube-prometheus-stack", types.release).inputs.values as Values;
const prometheusSpec = (values: Values) => values.prometheus.prometheusSpec;

interface RuleGroup {
  name: string;
  interval: string;
  rules: {
    alert: string;
    expr: string;
    for?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }[];
}
const groupsOf = (resource: RecordedResource) => (resource.inputs.spec as { groups: RuleGroup[] }).groups;

describe("Monitoring on a KubernetesCluster: the Prometheus Operator stack", () => {
  it("applies the Operator's CRDs of the pinned chart's release, then installs the chart without them", async () => {
    const { run, capture } = await deploy();
    const crds = run.byName("mon-prometheus-operator-crds", types.crds);
    assert.equal(
      crds.inputs.file,
      "https://github.com/prometheus-operator/prometheus-operator/releases/download/v0.93.0/stripped-down-crds.yaml",
    );
    const release = run.byName("mon-kube-prometheus-stack", types.release);
    assert.equal(release.inputs.chart, "kube-prometheus-stack");
    assert.equal(release.inputs.version, "88.3.0");
    assert.deepEqual(release.inputs.repositoryOpts, {
      repo: "https://prometheus-community.github.io/helm-charts",
    });
    assert.equal(release.inputs.name, "berth-monitoring");
    assert.equal(release.inputs.namespace, "monitoring");
    assert.equal(release.inputs.skipCrds, true);
    assert.deepEqual(valuesOf(run).crds, { enabled: false }, "nor from its crds subchart");
    assert.equal(release.inputs.atomic, true, "a failed upgrade rolls back");
    const unwatched = await deploy({ kubernetes: { watch: false } });
    assert.equal(
      unwatched.run.resources.filter((r) => r.type.endsWith(":HelmReleaseWatch")).length,
      0,
      "kubernetes.watch: false follows no release",
    );
    const watch = run.byName(
      "mon-kube-prometheus-stack-watch",
      "pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch",
    );
    assert.deepEqual(
      [watch.inputs.release, watch.inputs.namespace, watch.inputs.chartVersion],
      ["berth-monitoring", "monitoring", "88.3.0"],
      "the stack's workloads are reported while Helm waits",
    );
    assert.ok(
      capture
        .dependsOn(types.release, "mon-kube-prometheus-stack")
        .includes(`${types.crds} mon-prometheus-operator-crds`),
      "the chart waits for the CRDs",
    );
    const namespace = run.byName("mon-namespace", types.namespace);
    assert.equal((namespace.inputs.metadata as { name: string }).name, "monitoring");
    for (const r of [crds, release, namespace])
      assert.equal(
        r.parent,
        run.resources.find((x) => x.type === types.monitoring)?.urn,
        `${r.name} is the Monitoring's`,
      );
  });

  it("takes another chart version with its Operator version, and applies that Operator's CRDs", async () => {
    const { run } = await deploy({ kubernetes: { chartVersion: "87.21.0", operatorVersion: "v0.92.1" } });
    assert.equal(run.byName("mon-kube-prometheus-stack", types.release).inputs.version, "87.21.0");
    assert.match(
      String(run.byName("mon-prometheus-operator-crds", types.crds).inputs.file),
      /\/download\/v0\.92\.1\//,
    );
  });

  it("configures Prometheus from the request and selects every monitor and rule of the cluster", async () => {
    const { run } = await deploy({ retention: "30d", scrapeInterval: "15s" });
    const spec = prometheusSpec(valuesOf(run));
    assert.equal(spec.retention, "30d");
    assert.equal(spec.scrapeInterval, "15s");
    assert.equal(spec.evaluationInterval, "15s");
    for (const selector of ["podMonitor", "serviceMonitor", "rule", "probe", "scrapeConfig"])
      assert.equal(spec[`${selector}SelectorNilUsesHelmValues`], false, selector);
    const values = valuesOf(run);
    assert.equal(values.defaultRules.create, false, "only Berth's rules send alerts");
    for (const part of ["prometheus", "alertmanager"])
      assert.deepEqual(values[part].service, { type: "ClusterIP" }, `${part} is not exposed`);
    assert.deepEqual(values.grafana.service, { type: "ClusterIP" });
  });

  it("scrapes annotated pods unless the cluster makes PodMonitors, which would scrape them twice", async () => {
    const annotated = prometheusSpec(valuesOf((await deploy()).run)).additionalScrapeConfigs as {
      job_name: string;
      kubernetes_sd_configs: unknown;
      relabel_configs: { source_labels: string[]; target_label?: string; action?: string }[];
    }[];
    assert.equal(annotated.length, 1);
    assert.deepEqual(annotated[0].kubernetes_sd_configs, [{ role: "pod" }]);
    const relabels = annotated[0].relabel_configs;
    assert.deepEqual(relabels[0], {
      source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
      regex: "true",
      action: "keep",
    });
    const targets = relabels.filter((r) => r.target_label).map((r) => r.target_label);
    for (const label of ["__address__", "__metrics_path__", "__scheme__", "namespace", "pod", "service"])
      assert.ok(targets.includes(label), label);
    const monitored = await deploy({}, { discovery: "podMonitor", scraperNamespace: "monitoring" });
    assert.deepEqual(prometheusSpec(valuesOf(monitored.run)).additionalScrapeConfigs, []);
  });

  it("keeps Alertmanager's configuration and Grafana's password in Secrets, out of the chart's values", async () => {
    const { run } = await deploy({ receivers: { webhooks: [webhook] } });
    const release = run.byName("mon-kube-prometheus-stack", types.release);
    const text = JSON.stringify(release.inputs.values);
    assert.ok(!text.includes(webhook), "no webhook URL in the values");

    const amSecret = run.byName("mon-alertmanager-config", types.secret);
    assert.deepEqual(amSecret.inputs.metadata, {
      name: "berth-alertmanager-config",
      namespace: "monitoring",
      labels: { "app.kubernetes.io/managed-by": "berth" },
    });
    assert.ok(
      amSecret.secretInputs.some((p) => p.startsWith("stringData")),
      "the configuration is a secret",
    );
    const config = parse((amSecret.inputs.stringData as Record<string, string>)["alertmanager.yaml"]) as {
      receivers: { webhook_configs: { url: string }[] }[];
    };
    assert.equal(config.receivers[0].webhook_configs[0].url, webhook);
    assert.deepEqual(valuesOf(run).alertmanager.alertmanagerSpec, {
      useExistingSecret: true,
      configSecret: "berth-alertmanager-config",
    });

    const password = run.outputs.grafanaAdminPassword as string;
    assert.match(password, /^[A-Za-z0-9]{24}$/);
    assert.equal(run.outputs.passwordIsSecret, true);
    assert.ok(!text.includes(password), "no password in the values");
    const grafanaSecret = run.byName("mon-grafana-admin", types.secret);
    assert.deepEqual(grafanaSecret.inputs.stringData, { "admin-user": "admin", "admin-password": password });
    assert.ok(grafanaSecret.secretInputs.some((p) => p.startsWith("stringData")));
    assert.deepEqual(valuesOf(run).grafana.admin, {
      existingSecret: "berth-grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    assert.ok(!release.secretInputs.includes("values"), "the values hold nothing secret of Berth's");
  });

  it("merges the user's values over Berth's, deeply, and keeps them secret when they are", async () => {
    const { run } = await deploy({
      kubernetes: {
        values: {
          prometheus: { prometheusSpec: { retention: "90d", externalLabels: { cluster: "prod" } } },
          grafana: { "grafana.ini": { server: { root_url: pulumi.secret("https://grafana.example.com") } } },
        },
      },
    });
    const values = valuesOf(run);
    assert.equal(prometheusSpec(values).retention, "90d", "the user wins");
    assert.deepEqual(prometheusSpec(values).externalLabels, { cluster: "prod" });
    assert.equal(prometheusSpec(values).scrapeInterval, "30s", "Berth's other values stay");
    assert.equal(values.grafana.fullnameOverride, "berth-grafana");
    assert.ok(run.byName("mon-kube-prometheus-stack", types.release).secretInputs.includes("values"));
  });

  it("answers with the in-cluster URLs, the Grafana password and the alert names", async () => {
    const { run } = await deploy();
    assert.equal(run.outputs.prometheusUrl, "http://berth-prometheus.monitoring.svc.cluster.local:9090");
    assert.equal(run.outputs.alertmanagerUrl, "http://berth-alertmanager.monitoring.svc.cluster.local:9093");
    assert.equal(run.outputs.grafanaUrl, "http://berth-grafana.monitoring.svc.cluster.local:80");
    assert.deepEqual(run.outputs.alertNames, [
      "BerthServiceBelowDesired",
      "BerthTaskRestarting",
      "BerthNodeDown",
      "BerthNodeDiskPressure",
      "BerthNodeMemoryPressure",
      "BerthTargetDown",
    ]);
  });

  it("leaves out the parts the request skips", async () => {
    const { run } = await deploy(
      {
        alertmanager: { skip: true },
        grafana: { skip: true },
        nodeExporter: { skip: true },
        containerMetrics: { skip: true },
        kubernetes: { namespace: "observability" },
      },
      { scraperNamespace: "observability" },
    );
    const values = valuesOf(run);
    assert.deepEqual(values.alertmanager, { enabled: false });
    assert.deepEqual(values.grafana, { enabled: false });
    assert.deepEqual(values.nodeExporter, { enabled: false });
    assert.deepEqual(values.kubelet, { serviceMonitor: { cAdvisor: false } });
    const made = monitoringResources(run).map((r) => r.name);
    assert.ok(
      !made.includes("mon-alertmanager-config") && !made.includes("mon-grafana-admin"),
      made.join(", "),
    );
    absent(run.outputs.alertmanagerUrl);
    absent(run.outputs.grafanaUrl);
    absent(run.outputs.grafanaAdminPassword);
    const labels = (
      run.byName("mon-namespace", types.namespace).inputs.metadata as { labels: Record<string, string> }
    ).labels;
    assert.equal(
      labels["pod-security.kubernetes.io/enforce"],
      undefined,
      "no privileged pods without node exporter",
    );
    assert.equal(run.byName("mon-kube-prometheus-stack", types.release).inputs.namespace, "observability");
  });

  it("runs node exporter in a namespace that admits it", async () => {
    const { run } = await deploy();
    assert.deepEqual(valuesOf(run).nodeExporter, { enabled: true });
    const labels = (
      run.byName("mon-namespace", types.namespace).inputs.metadata as { labels: Record<string, string> }
    ).labels;
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "privileged");
  });

  it("runs the images the request names instead of the chart's", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const { run } = await deploy({
      prometheus: { image: `registry.example.com/mirror/prometheus:v3.1.0@${digest}` },
      alertmanager: { image: "registry.example.com/mirror/alertmanager:v0.28.0" },
      grafana: { image: "grafana/grafana:11.4.0" },
      nodeExporter: { image: `registry.example.com/mirror/node-exporter:v1.8.2@${digest}` },
    });
    const values = valuesOf(run);
    assert.deepEqual(prometheusSpec(values).image, {
      registry: "registry.example.com",
      repository: "mirror/prometheus",
      tag: "v3.1.0",
      sha: "ab".repeat(32),
    });
    assert.deepEqual(values.alertmanager.alertmanagerSpec.image, {
      registry: "registry.example.com",
      repository: "mirror/alertmanager",
      tag: "v0.28.0",
      sha: "",
    });
    assert.deepEqual(values.grafana.image, {
      registry: "docker.io",
      repository: "grafana/grafana",
      tag: "11.4.0",
      sha: "",
    });
    assert.deepEqual(values["prometheus-node-exporter"].image, {
      registry: "registry.example.com",
      repository: "mirror/node-exporter",
      tag: "v1.8.2",
      digest,
    });
  });

  it("installs Berth's rules as a PrometheusRule the CRD accepts, after the chart", async () => {
    const { run, capture } = await deploy({ alerts: { disable: ["NodeDown"], restarts: 5 } });
    const rule = run.byName("mon-rules", types.prometheusRule);
    assert.deepEqual(crdValidator("monitoring.coreos.com_prometheusrules.yaml", "v1")(rule.inputs), []);
    assert.equal((rule.inputs.metadata as { namespace: string }).namespace, "monitoring");
    const [group] = groupsOf(rule);
    assert.ok(!group.rules.some((r) => r.alert === "BerthNodeDown"), "a disabled rule is left out");
    assert.match(group.rules.find((r) => r.alert === "BerthTaskRestarting")?.expr ?? "", /> 5$/);
    assert.deepEqual(capture.dependsOn(types.prometheusRule, "mon-rules"), [
      `${types.release} mon-kube-prometheus-stack`,
    ]);
  });

  it("would notice a rule the CRD refuses", () => {
    const validate = crdValidator("monitoring.coreos.com_prometheusrules.yaml", "v1");
    const errors = validate({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "x" },
      spec: {
        groups: [
          {
            name: "g",
            partial_response_strategy: "WARN",
            rules: [{ alert: "A", expr: "1", for: "5 minutes" }],
          },
        ],
      },
    });
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], /\/spec\/groups\/0\/rules\/0\/for must match pattern/);
  });

  it("loads a dashboard into Grafana only when one is given", async () => {
    const run = await runProgram(
      () => {
        const cluster = new KubernetesCluster("prod", { kubeconfig: "k", monitoring: defaultCluster });
        const parent = new pulumi.ComponentResource("test:index:Parent", "mon");
        const request = monitoringRequest("mon", { cluster });
        deployKubernetesMonitoring("mon", request, parent, {
          cluster: "KubernetesCluster prod",
          gke: false,
          provider: cluster.provider,
          monitoring: defaultCluster,
          dashboardJson: '{"title":"Berth"}',
        });
      },
      { mockResource: kubernetesMockResource, mockDynamic: kubernetesMockDynamic },
    );
    const dashboard = run.byName("mon-dashboard", types.configMap);
    assert.deepEqual((dashboard.inputs.metadata as { labels: Record<string, string> }).labels, {
      "app.kubernetes.io/managed-by": "berth",
      grafana_dashboard: "1",
    });
    assert.deepEqual(dashboard.inputs.data, { "berth.json": '{"title":"Berth"}' });
    const { run: without } = await deploy();
    assert.equal(without.resources.filter((r) => r.type === types.configMap).length, 0);
  });
});

describe("Monitoring on a GkeCluster: Google Cloud Managed Service for Prometheus", () => {
  it("installs Berth's rules as ClusterRules the CRD accepts, and configures the managed Alertmanager", async () => {
    const run = await deployOnGke({ receivers: { webhooks: [webhook] }, alerts: { belowDesiredFor: "10m" } });
    const rules = run.byName("mon-rules", types.clusterRules);
    assert.deepEqual(crdValidator("monitoring.googleapis.com_clusterrules.yaml", "v1")(rules.inputs), []);
    assert.equal((rules.inputs.metadata as { namespace?: string }).namespace, undefined, "cluster-wide");
    const below = groupsOf(rules)[0].rules.find((r) => r.alert === "BerthServiceBelowDesired");
    assert.equal(below?.for, "600s");

    const secret = run.byName("mon-alertmanager-config", types.secret);
    assert.deepEqual(secret.inputs.metadata, {
      name: "alertmanager",
      namespace: "gmp-public",
      labels: { "app.kubernetes.io/managed-by": "berth" },
    });
    assert.ok(secret.secretInputs.some((p) => p.startsWith("stringData")));
    const config = parse((secret.inputs.stringData as Record<string, string>)["alertmanager.yaml"]) as {
      receivers: { webhook_configs: { url: string }[] }[];
    };
    assert.equal(config.receivers[0].webhook_configs[0].url, webhook);

    assert.equal(run.outputs.alertmanagerUrl, "http://alertmanager.gmp-system.svc.cluster.local:9093");
    absent(run.outputs.prometheusUrl);
    absent(run.outputs.grafanaUrl);
    assert.equal((run.outputs.alertNames as string[]).length, 6);
    const made = monitoringResources(run).map((r) => r.type);
    assert.deepEqual(
      made.sort(),
      [types.secret, types.clusterRules].sort(),
      "no chart, no CRDs, no namespace",
    );
  });

  it("takes the Prometheus Operator stack on GKE when asked, with the cluster's scraper namespace", async () => {
    const run = await deployOnGke(
      { kubernetes: { stack: "kube-prometheus-stack" } },
      { discovery: "podMonitoring", scraperNamespace: "monitoring" },
    );
    assert.equal(run.byName("mon-kube-prometheus-stack", types.release).inputs.skipCrds, true);
  });

  it("refuses managed Prometheus on a GkeCluster that does not switch managed collection on", async () => {
    const { error, run } = await refusal(() => {
      const cluster = new GkeCluster("gke", {
        authorizedNetworks: [{ cidr: "198.51.100.0/24" }],
        monitoring: { discovery: "annotations" },
      });
      new Monitoring("mon", { cluster });
    });
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["kubernetes.stack"],
    );
    assert.match(error.message, /GkeCluster gke's managed collection.*discovery: "podMonitoring"/);
    assert.deepEqual(monitoringResources(run), []);
  });

  it("refuses what managed Prometheus cannot honour: a chart, images, a namespace", async () => {
    const { error } = await refusal(() => {
      const cluster = new GkeCluster("gke", { authorizedNetworks: [{ cidr: "198.51.100.0/24" }] });
      new Monitoring("mon", {
        cluster,
        grafana: { image: "grafana/grafana:11.4.0" },
        kubernetes: { chartVersion: "88.3.0", namespace: "monitoring", watch: false },
      });
    });
    assert.deepEqual(error.issues.map((i) => i.path).sort(), [
      "grafana.image",
      "kubernetes.chartVersion",
      "kubernetes.namespace",
      "kubernetes.watch",
    ]);
  });
});

describe("Monitoring on Kubernetes: refusals before anything is created", () => {
  const onCluster =
    (args: Args, monitoring: KubernetesMonitoring = defaultCluster) =>
    () => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "k", monitoring });
      new Monitoring("mon", { cluster, ...args });
    };

  it("refuses managed Prometheus on a cluster that is not GKE, naming kubernetes.stack", async () => {
    const { error, run } = await refusal(onCluster({ kubernetes: { stack: "managed" } }));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["kubernetes.stack"],
    );
    assert.match(
      error.message,
      /^Monitoring mon:\n {2}kubernetes\.stack: "managed" is Google Cloud Managed Service/,
    );
    assert.match(error.message, /KubernetesCluster prod takes "kube-prometheus-stack"/);
    assert.deepEqual(monitoringResources(run), []);
  });

  it("refuses a namespace that is not a DNS label", async () => {
    const { error, run } = await refusal(onCluster({ kubernetes: { namespace: "Monitoring_1" } }));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["kubernetes.namespace"],
    );
    assert.deepEqual(monitoringResources(run), []);
  });

  it("refuses a cluster whose services would keep this Prometheus from their metrics", async () => {
    const { error } = await refusal(onCluster({}, { discovery: "podMonitor" }));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["cluster"],
    );
    assert.match(error.message, /scraperNamespace: "monitoring"/);
  });

  it("refuses a chart version without the Operator version its CRDs come from", async () => {
    const { error } = await refusal(onCluster({ kubernetes: { chartVersion: "87.21.0" } }));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ["kubernetes.operatorVersion"],
    );
  });

  it("refuses bad versions, unknown options, published ports and images that are not references", async () => {
    const { error } = await refusal(
      onCluster({
        kubernetes: {
          chartVersion: "latest",
          operatorVersion: "0.92",
          stak: "managed",
          watch: "no",
        } as never,
        publish: { grafana: 3000 },
        prometheus: { image: "Registry/Prometheus" },
      }),
    );
    assert.deepEqual(error.issues.map((i) => i.path).sort(), [
      "kubernetes.chartVersion",
      "kubernetes.operatorVersion",
      "kubernetes.stak",
      "kubernetes.watch",
      "prometheus.image",
      "publish.grafana",
    ]);
  });
});

describe("Berth's rule group", () => {
  it("has every enabled rule named Berth<rule>, with a severity, a summary and the service where it applies", () => {
    const request = monitoringRequest("mon", { cluster: anyCluster });
    const group = berthRuleGroup(request.rules, "30s");
    assert.equal(group.interval, "30s");
    assert.deepEqual(
      group.rules.map((r) => r.alert),
      request.rules.enabled.map((r) => `Berth${r}`),
    );
    for (const rule of group.rules) {
      assert.match(rule.labels.severity, /^(critical|warning)$/, rule.alert);
      assert.ok(rule.annotations.summary, rule.alert);
    }
    for (const alert of ["BerthServiceBelowDesired", "BerthTaskRestarting", "BerthTargetDown"])
      assert.ok(group.rules.find((r) => r.alert === alert)?.labels.service, alert);
  });

  it("carries the request's thresholds", () => {
    const request = monitoringRequest("mon", {
      cluster: anyCluster,
      alerts: {
        belowDesiredFor: "2m",
        restarts: 7,
        restartWindow: "1h",
        nodeDownFor: "90s",
        diskUsedPercent: 80,
        memoryUsedPercent: 85,
        targetDownFor: "10m",
      },
    });
    const rules = Object.fromEntries(berthRuleGroup(request.rules, "1m").rules.map((r) => [r.alert, r]));
    assert.equal(rules.BerthServiceBelowDesired.for, "120s");
    assert.equal(
      rules.BerthTaskRestarting.expr,
      "increase(kube_pod_container_status_restarts_total[3600s]) > 7",
    );
    assert.equal(rules.BerthNodeDown.for, "90s");
    assert.match(rules.BerthNodeDiskPressure.expr, /\) > 80\nor\n.*DiskPressure/);
    assert.match(rules.BerthNodeMemoryPressure.expr, /\) > 85\nor\n.*MemoryPressure/);
    assert.equal(rules.BerthTargetDown.for, "600s");
  });

  it("passes promtool check rules", async (t) => {
    if (!(await haveImage("local/prometheus:test"))) {
      if (process.env.CI) assert.fail("local/prometheus:test is missing: run scripts/docker-testbed.sh");
      return t.skip("no local/prometheus:test image (scripts/docker-testbed.sh builds it)");
    }
    const request = monitoringRequest("mon", {
      cluster: anyCluster,
      alerts: { restarts: 2, diskUsedPercent: 75 },
    });
    const output = await promtoolCheckRules(stringify({ groups: [berthRuleGroup(request.rules, "30s")] }));
    assert.match(output, /SUCCESS: 6 rules found/);
    await assert.rejects(
      promtoolCheckRules(stringify({ groups: [{ name: "x", rules: [{ alert: "A", expr: "up ==" }] }] })),
      /refused/,
      "promtool refuses a broken expression (so the check above means something)",
    );
  });
});

describe("Monitoring's Kubernetes code, loaded only when used", () => {
  const built = path.join(__dirname, "..", "..");
  const monitoringModules = [
    "monitoring",
    "monitoring-plan",
    "monitoring-rules",
    "kube-prometheus-stack",
    "kube-prometheus-stack-values",
    "managed-prometheus",
  ].map((m) => `components/kubernetes/${m}.js`);

  /** The Monitoring modules of components/kubernetes a fresh process has loaded after `program`. */
  function loadedAfter(program: string): string[] {
    const code = `
      const pulumi = require("@pulumi/pulumi");
      pulumi.runtime.setMocks({
        newResource: (a) => ({ id: a.name + "-id", state: a.inputs }),
        call: (a) => a.inputs,
      }, "shop", "prod", false);
      const { ContainerService } = require(${JSON.stringify(path.join(built, "components"))});
      const { KubernetesCluster } = require(${JSON.stringify(path.join(built, "components", "kubernetes"))});
      const cluster = new KubernetesCluster("prod", { kubeconfig: "k", monitoring: { scraperNamespace: "monitoring" } });
      new ContainerService("api", { cluster, image: "registry.example.com/api:1", metrics: { port: 9100 } });
      ${program}
      const root = ${JSON.stringify(built + path.sep)};
      console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.startsWith(root)).map((k) => k.slice(root.length))));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", code], { encoding: "utf8" })) as string[];
    return loaded.filter((m) => monitoringModules.includes(m));
  }

  it("is not loaded by a program without Monitoring", () => {
    assert.deepEqual(loadedAfter(""), []);
  });

  it("is loaded by one with Monitoring (so the check would notice)", () => {
    const loaded = loadedAfter(`
      const { Monitoring } = require(${JSON.stringify(path.join(built, "components", "observability"))});
      new Monitoring("mon", { cluster });`);
    for (const m of ["components/kubernetes/monitoring.js", "components/kubernetes/kube-prometheus-stack.js"])
      assert.ok(loaded.includes(m), `${m} in ${loaded.join(", ")}`);
  });
});
