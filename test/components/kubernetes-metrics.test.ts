/**
 * A service with `metrics` on a KubernetesCluster under mocks: the cluster's monitoring decides whether a
 * PodMonitor is created beside the service's objects, as a custom resource in the service's namespace.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ContainerService } from "../../components";
import { KubernetesCluster, type KubernetesMonitoring } from "../../components/kubernetes";
import { runProgram } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";

const podMonitorType = "kubernetes:monitoring.coreos.com/v1:PodMonitor";

function deploy(monitoring?: KubernetesMonitoring) {
  return runProgram(
    () => {
      const cluster = new KubernetesCluster("prod", {
        kubeconfig: "kubeconfig-content",
        namespace: "shop",
        monitoring,
      });
      new ContainerService("api", {
        cluster,
        image: "registry.example.com/shop/api:1",
        ports: [{ target: 8080 }],
        metrics: { port: 9100, path: "/prom" },
      });
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      project: "shop",
      stack: "prod",
    },
  );
}

describe("metrics on a KubernetesCluster", () => {
  it("creates a PodMonitor for the service in its namespace when the cluster uses the Prometheus Operator", async () => {
    const run = await deploy({ discovery: "podMonitor", scraperNamespace: "monitoring" });
    const monitor = run.byName("api", podMonitorType);
    assert.equal(monitor.inputs.apiVersion, "monitoring.coreos.com/v1");
    assert.equal(monitor.inputs.kind, "PodMonitor");
    assert.deepEqual(
      monitor.inputs.metadata && (monitor.inputs.metadata as { namespace: string }).namespace,
      "shop",
    );
    assert.deepEqual(monitor.inputs.spec, {
      selector: { matchLabels: { "app.kubernetes.io/name": "api" } },
      podMetricsEndpoints: [{ port: "metrics", path: "/prom", scheme: "http" }],
    });
    const workload = run.resources.find((r) => r.type === "berth:kubernetes:KubernetesWorkload");
    assert.equal(monitor.parent, workload?.urn, "the monitor belongs to the service's workload");
  });

  it("creates none by default: the pods carry the prometheus.io annotations instead", async () => {
    const run = await deploy();
    assert.equal(
      run.resources.filter((r) => r.type.includes("PodMonitor")).length,
      0,
      "no PodMonitor or PodMonitoring",
    );
    const deployment = run.byName("api", "kubernetes:apps/v1:Deployment");
    const template = (
      deployment.inputs.spec as { template: { metadata: { annotations: Record<string, string> } } }
    ).template;
    assert.equal(template.metadata.annotations["prometheus.io/port"], "9100");
    assert.equal(template.metadata.annotations["prometheus.io/path"], "/prom");
  });

  it("refuses a wrong monitoring setting on the cluster before anything is created", async () => {
    let caught: unknown;
    await runProgram(() => {
      try {
        new KubernetesCluster("prod", { kubeconfig: "k", monitoring: { discovery: "prometheus" } as never });
      } catch (err) {
        caught = err;
      }
    });
    assert.match(
      String(caught),
      /monitoring\.discovery: must be one of "annotations", "podMonitor", "podMonitoring"/,
    );
  });
});
