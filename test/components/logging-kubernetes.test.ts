/**
 * Logging on a KubernetesCluster under mocks: a DaemonSet on every node reading /var/log read-only,
 * RBAC to read pod metadata and nothing else, the configuration in a ConfigMap and the credentials
 * in a Secret, each object checked field by field and against Kubernetes' schema.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { DaemonSetSpec } from "kubernetes-types/apps/v1";
import { Logging, LoggingArgumentsError, type LoggingArgs } from "../../components/observability";
import { fluentBitImage } from "../../components/observability/fluent-bit-config";
import { KubernetesCluster } from "../../components/kubernetes";
import { runProgram, type ProgramRun } from "../support/harness";
import {
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";
import type { RenderedConfig } from "../support/fluent-bit-schema";

const clusterRole = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const clusterRoleBinding = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

function deploy(args: Omit<LoggingArgs, "cluster">, name = "logs"): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace: "shop" });
      const logging = new Logging(name, { cluster, ...args });
      return { agentConfig: logging.agentConfig };
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      project: "shop",
      stack: "prod",
    },
  );
}

const esSink = {
  kind: "elasticsearch" as const,
  url: "https://search.example.com",
  username: "shipper",
  password: pulumi.secret("ES-PASSWORD"),
};

const podSpecOf = (run: ProgramRun) =>
  (run.byName("logs-fluent-bit", t.daemonSet).inputs.spec as DaemonSetSpec).template.spec!;

describe("Logging on a KubernetesCluster (under mocks)", () => {
  it("runs a DaemonSet on every node that reads /var/log read-only and keeps its state on the node", async () => {
    const run = await deploy({ sink: esSink, bufferLimit: "16Mi" });
    const daemonSet = run.byName("logs-fluent-bit", t.daemonSet);
    assert.equal((daemonSet.inputs.metadata as { namespace: string }).namespace, "shop");
    const pod = podSpecOf(run);
    assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
    assert.equal(pod.serviceAccountName, "logs-fluent-bit");
    const [container] = pod.containers;
    assert.equal(container.image, fluentBitImage);
    assert.deepEqual(container.args, ["-c", "/fluent-bit/etc/berth/fluent-bit.yaml"]);
    assert.deepEqual(
      container.volumeMounts?.map((m) => [m.name, m.mountPath, m.readOnly ?? false]),
      [
        ["varlog", "/var/log", true],
        ["config", "/fluent-bit/etc/berth", true],
        ["state", "/fluent-bit/state", false],
      ],
    );
    const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
    assert.deepEqual(volumes.varlog.hostPath, { path: "/var/log", type: "Directory" });
    assert.deepEqual(volumes.state.hostPath, {
      path: "/var/lib/berth-logging/shop/logs",
      type: "DirectoryOrCreate",
    });
    assert.deepEqual(container.resources?.limits, { cpu: "1", memory: "96Mi" });
    assert.deepEqual(container.livenessProbe?.httpGet, { path: "/", port: "http" });
    await assertValidKubernetesObjects([daemonSet.inputs]);
  });

  it("runs the agent as tightly as reading root's log files allows", async () => {
    const run = await deploy({ sink: { kind: "stdout" } });
    const pod = podSpecOf(run);
    assert.deepEqual(pod.securityContext, { seccompProfile: { type: "RuntimeDefault" } });
    assert.deepEqual(pod.containers[0].securityContext, {
      runAsUser: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("lets the agent read pods and namespaces, and nothing else, through its own ServiceAccount", async () => {
    const run = await deploy({ sink: { kind: "stdout" } });
    const account = run.byName("logs-fluent-bit", t.serviceAccount);
    assert.deepEqual(account.inputs.metadata, {
      name: "logs-fluent-bit",
      namespace: "shop",
      labels: {
        "app.kubernetes.io/name": "fluent-bit",
        "app.kubernetes.io/instance": "logs",
        "app.kubernetes.io/component": "logging",
        "app.kubernetes.io/part-of": "shop-prod",
        "app.kubernetes.io/managed-by": "berth",
      },
    });
    const role = run.byName("logs-fluent-bit", clusterRole);
    assert.equal((role.inputs.metadata as { name: string }).name, "shop-logs-fluent-bit");
    assert.deepEqual(role.inputs.rules, [
      { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = run.byName("logs-fluent-bit", clusterRoleBinding);
    assert.deepEqual(binding.inputs.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "shop-logs-fluent-bit",
    });
    assert.deepEqual(binding.inputs.subjects, [
      { kind: "ServiceAccount", name: "logs-fluent-bit", namespace: "shop" },
    ]);
    await assertValidKubernetesObjects([account.inputs, role.inputs, binding.inputs]);
  });

  it("mounts the configuration from a ConfigMap, tailing the kubelet's files without the agent's own", async () => {
    const run = await deploy({ sink: { kind: "stdout" } });
    const configMap = run.resources.find((r) => r.type === t.configMap);
    assert.ok(configMap, "a ConfigMap");
    const name = (configMap.inputs.metadata as { name: string }).name;
    assert.match(name, /^logs-fluent-bit-fluent-bit\.yaml-[0-9a-f]{10}$/);
    const config = parse((configMap.inputs.data as { value: string }).value) as RenderedConfig;
    assert.equal(config.pipeline.inputs[0].path, "/var/log/containers/*.log");
    assert.equal(config.pipeline.inputs[0].exclude_path, "/var/log/containers/*_shop_fluent-bit-*.log");
    assert.equal(config.pipeline.filters[0].name, "kubernetes");
    assert.equal(config.service.http_server, "on");
    const volume = podSpecOf(run).volumes?.find((v) => v.name === "config");
    assert.deepEqual(volume?.configMap, { name, items: [{ key: "value", path: "fluent-bit.yaml" }] });
    await assertValidKubernetesObjects([configMap.inputs]);
  });

  it("keeps the sink's credentials in a Secret the pods read as variables, and out of the ConfigMap", async () => {
    const run = await deploy({ sink: esSink });
    const secret = run.resources.find((r) => r.type === t.secret);
    assert.ok(secret, "a Secret");
    assert.deepEqual(secret.inputs.stringData, {
      BERTH_SINK_USERNAME: "shipper",
      BERTH_SINK_PASSWORD: "ES-PASSWORD",
    });
    assert.ok(secret.secretInputs.includes("stringData"), "its data is a secret in state");
    const secretName = (secret.inputs.metadata as { name: string }).name;
    assert.deepEqual(podSpecOf(run).containers[0].env, [
      {
        name: "BERTH_SINK_USERNAME",
        valueFrom: { secretKeyRef: { name: secretName, key: "BERTH_SINK_USERNAME" } },
      },
      {
        name: "BERTH_SINK_PASSWORD",
        valueFrom: { secretKeyRef: { name: secretName, key: "BERTH_SINK_PASSWORD" } },
      },
    ]);
    const configMap = run.resources.find((r) => r.type === t.configMap);
    const text =
      JSON.stringify(configMap?.inputs) + JSON.stringify(run.byName("logs-fluent-bit", t.daemonSet).inputs);
    for (const value of ["ES-PASSWORD", "shipper"]) assert.equal(text.includes(value), false, value);
    assert.match(JSON.stringify(configMap?.inputs), /http_passwd: \$\{BERTH_SINK_PASSWORD\}/);
  });

  it("creates no Secret for a sink without credentials", async () => {
    const run = await deploy({ sink: { kind: "stdout" } });
    assert.equal(run.resources.filter((r) => r.type === t.secret).length, 0);
    assert.deepEqual(podSpecOf(run).containers[0].env, []);
  });

  it("refuses a name its objects cannot carry", async () => {
    await assert.rejects(deploy({ sink: { kind: "stdout" } }, "Shop Logs"), (err: Error) => {
      const cause = (err.cause ?? err) as Error;
      assert.ok(cause instanceof LoggingArgumentsError, String(cause));
      assert.deepEqual(
        cause.issues.map((i) => i.path),
        ["name"],
      );
      return true;
    });
  });
});
