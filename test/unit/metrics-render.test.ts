/**
 * `metrics` in the portable spec: its defaults and checks, and what each target's scraper finds: Swarm
 * service labels, Kubernetes pod annotations, a named port, the NetworkPolicy's opening for the scraper
 * and the cluster's PodMonitor or PodMonitoring, and ECS docker labels for the CloudWatch agent.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import {
  normalizeService,
  renderEcs,
  renderKubernetes,
  renderSwarm,
  SpecError,
  type KubernetesMonitoring,
  type ServiceInput,
} from "../../components/spec";
import { toServiceSpecs } from "../../components/compose";
import { crdValidator } from "../support/crd-schema";

const podMonitorProblems = crdValidator("monitoring.coreos.com_podmonitors.yaml", "v1");
const podMonitoringProblems = crdValidator("monitoring.googleapis.com_podmonitorings.yaml", "v1");

const withMetrics = (extra: Partial<ServiceInput> = {}) =>
  normalizeService("api", { image: "registry.example.com/api:1", metrics: { port: 9100 }, ...extra });

const prometheusKeys = {
  "prometheus.io/scrape": "true",
  "prometheus.io/port": "9100",
  "prometheus.io/path": "/metrics",
  "prometheus.io/scheme": "http",
};

describe("metrics in the portable spec", () => {
  it("fills in path /metrics and scheme http, and keeps what is given", () => {
    assert.deepEqual(withMetrics().metrics, { port: 9100, path: "/metrics", scheme: "http" });
    assert.deepEqual(withMetrics({ metrics: { port: 8443, path: "/stats/prom", scheme: "https" } }).metrics, {
      port: 8443,
      path: "/stats/prom",
      scheme: "https",
    });
    assert.equal(normalizeService("api", { image: "x" }).metrics, undefined);
  });

  it("refuses a port out of range, a relative path and an unknown scheme, each at its path", () => {
    const issues = (metrics: unknown) => {
      try {
        normalizeService("api", { image: "x", metrics: metrics as ServiceInput["metrics"] });
      } catch (err) {
        assert.ok(err instanceof SpecError);
        return err.issues.map((i) => i.path).sort();
      }
      return [];
    };
    assert.deepEqual(issues({ port: 0 }), ["metrics.port"]);
    assert.deepEqual(issues({ port: 9100, path: "metrics" }), ["metrics.path"]);
    assert.deepEqual(issues({ port: 9100, path: "/m etrics" }), ["metrics.path"]);
    assert.deepEqual(issues({ port: 9100, scheme: "ftp" }), ["metrics.scheme"]);
    assert.deepEqual(issues({ path: "/metrics" }), ["metrics.port"]);
  });
});

describe("metrics on Swarm", () => {
  it("labels the service for Prometheus's Swarm discovery, beside the service's own labels", () => {
    const spec = renderSwarm(withMetrics({ labels: { team: "core" } }));
    assert.deepEqual(spec.Labels, { team: "core", ...prometheusKeys });
  });

  it("labels nothing for a service without metrics", () => {
    assert.deepEqual(renderSwarm(normalizeService("api", { image: "x" })).Labels, {});
  });
});

describe("metrics on ECS", () => {
  it("sets the docker labels the CloudWatch agent's ECS Prometheus discovery reads", () => {
    const { taskDefinition } = renderEcs(withMetrics({ metrics: { port: 9100, path: "/stats" } }));
    assert.deepEqual(taskDefinition.containerDefinitions[0].dockerLabels, {
      ECS_PROMETHEUS_EXPORTER_PORT: "9100",
      ECS_PROMETHEUS_METRICS_PATH: "/stats",
      ECS_PROMETHEUS_JOB_NAME: "api",
    });
  });
});

describe("metrics on Kubernetes", () => {
  const render = (extra: Partial<ServiceInput> = {}, monitoring?: KubernetesMonitoring) =>
    renderKubernetes(withMetrics(extra), { monitoring });
  const deployment = (objects: ReturnType<typeof render>) =>
    objects.find((o) => o.kind === "Deployment") as Deployment;
  const policy = (objects: ReturnType<typeof render>) =>
    objects.find((o) => o.kind === "NetworkPolicy") as NetworkPolicy;

  it("annotates the pods and names the metrics port, adding it when it is not declared", () => {
    const objects = render({ ports: [{ target: 8080 }] });
    const pod = deployment(objects).spec!.template;
    assert.deepEqual(pod.metadata?.annotations, prometheusKeys);
    assert.deepEqual(pod.spec!.containers[0].ports, [
      { containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9100, protocol: "TCP" },
    ]);
    const declared = deployment(render({ ports: [{ target: 9100 }] })).spec!.template.spec!.containers[0];
    assert.deepEqual(declared.ports, [{ name: "metrics", containerPort: 9100, protocol: "TCP" }]);
  });

  it("admits the service's peers to an undeclared metrics port, and the scraper's namespace when given", () => {
    const peersOnly = policy(render({ ports: [{ target: 8080 }] })).spec!.ingress;
    assert.deepEqual(peersOnly, [
      { from: [{ podSelector: {} }], ports: [{ port: 8080, protocol: "TCP" }] },
      { from: [{ podSelector: {} }], ports: [{ port: 9100, protocol: "TCP" }] },
    ]);
    const withScraper = policy(
      render({ ports: [{ target: 9100 }] }, { discovery: "podMonitor", scraperNamespace: "monitoring" }),
    ).spec!.ingress;
    assert.deepEqual(withScraper, [
      { from: [{ podSelector: {} }], ports: [{ port: 9100, protocol: "TCP" }] },
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
        ports: [{ port: 9100, protocol: "TCP" }],
      },
    ]);
  });

  it("adds a PodMonitor or a PodMonitoring only where the cluster's monitoring uses one", () => {
    const kinds = (monitoring?: KubernetesMonitoring) => render({}, monitoring).map((o) => o.kind);
    assert.ok(!kinds().includes("PodMonitor") && !kinds().includes("PodMonitoring"));
    assert.ok(!kinds({ discovery: "annotations" }).some((k) => k?.startsWith("PodMonitor")));

    const monitor = render({}, { discovery: "podMonitor" }).find((o) => o.kind === "PodMonitor");
    assert.deepEqual(monitor, {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: monitor?.metadata,
      spec: {
        selector: { matchLabels: { "app.kubernetes.io/name": "api" } },
        podMetricsEndpoints: [{ port: "metrics", path: "/metrics", scheme: "http" }],
      },
    });
    assert.equal(monitor?.metadata?.name, "api");
    assert.deepEqual(podMonitorProblems(monitor), [], "valid against the Prometheus Operator's CRD");

    const gmp = render({}, { discovery: "podMonitoring" });
    const monitoring = gmp.find((o) => o.kind === "PodMonitoring");
    assert.deepEqual(monitoring && "spec" in monitoring && monitoring.spec, {
      selector: { matchLabels: { "app.kubernetes.io/name": "api" } },
      endpoints: [{ port: "metrics", path: "/metrics", scheme: "http", interval: "30s" }],
    });
    assert.deepEqual(podMonitoringProblems(monitoring), [], "valid against GMP's CRD");
    // GMP's collectors run in gmp-system: they are admitted to the metrics port without being named.
    const ingress = policy(gmp).spec!.ingress!;
    assert.deepEqual(ingress[ingress.length - 1].from, [
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gmp-system" } } },
    ]);
  });

  it("leaves a service without metrics as it was: no annotations, no named port, no monitor", () => {
    const objects = renderKubernetes(normalizeService("api", { image: "x", ports: [{ target: 8080 }] }), {
      monitoring: { discovery: "podMonitor", scraperNamespace: "monitoring" },
    });
    const pod = deployment(objects).spec!.template;
    assert.equal(pod.metadata?.annotations, undefined);
    assert.deepEqual(pod.spec!.containers[0].ports, [{ containerPort: 8080, protocol: "TCP" }]);
    assert.ok(!objects.some((o) => o.kind === "PodMonitor"));
    assert.equal(policy(objects).spec!.ingress!.length, 1);
  });
});

describe("metrics in Compose", () => {
  it("reads x-berth.metrics into the service's metrics, and reports its problems under x-berth", () => {
    const project = {
      name: "shop",
      services: { api: { image: "api:1", "x-berth": { metrics: { port: 9100, path: "/prom" } } } },
    };
    const { services } = toServiceSpecs(project as never);
    assert.deepEqual(services.api.metrics, { port: 9100, path: "/prom" });
  });
});
