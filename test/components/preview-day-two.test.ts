/**
 * The day-two components in a fresh stack's preview, as the engine runs it: a GKE cluster not created
 * yet, so its kubeconfig (and everything read through it) is unknown, reaching every dynamic
 * provider's check and diff through Pulumi's provider host. Then an up under mocks, and a second
 * preview that must show no change: nothing Berth computes may differ from one run to the next.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "../../components";
import {
  ArgoCd,
  GitOpsApplication,
  GitOpsProject,
  GkeCluster,
  HelmRelease,
} from "../../components/kubernetes";
import { Logging, Monitoring } from "../../components/observability";
import { Tenant } from "../../components/tenant";
import { gcpMockInvoke, gcpMockResource, gcpProject, gcpRegion } from "../support/gcp-mocks";
import { type MockedResource, runProgram, unknownValue } from "../support/harness";
import {
  chartsDir,
  chartYaml,
  defaultValues,
  plainDeployment,
  valuesSchema,
  widgetCrd,
  writeChartDir,
} from "../support/helm-charts";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";
import { SwarmCluster } from "../../components/swarm";
import { AwsSwarmNodes } from "../../components/swarm/aws";
import { fileObjectOutputs, membershipOutputs } from "../support/swarm-mocks";
import { awsFleetArgs, vmMockDynamic } from "../support/vm-nodes";

const dir = chartsDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const webChart = writeChartDir(dir, "web", {
  "Chart.yaml": chartYaml("web", "1.0.0"),
  "templates/deployment.yaml": plainDeployment,
  "crds/widgets.yaml": widgetCrd("1.0.0"),
  "values.yaml": defaultValues,
  "values.schema.json": valuesSchema,
});

const holdsUnknown = (value: unknown) => JSON.stringify(value ?? null).includes(unknownValue);
const gitUrl = "https://git.example.com/shop/deploy.git";

/** Every day-two component on one GKE cluster, with a tenant's service among them. */
function dayTwo() {
  const cluster = new GkeCluster("gke", { authorizedNetworks: [{ cidr: "198.51.100.0/24" }] });
  new Monitoring("mon", { cluster, receivers: { webhooks: [pulumi.secret("https://hooks.example.com/a")] } });
  new Logging("logs", { cluster, sink: { kind: "loki", url: "https://loki.example.com" } });
  const team = new Tenant("payments", { cluster, quota: { pods: 20 } });
  new ContainerService("api", {
    cluster: team,
    image: "nginx:1.27",
    ports: [{ target: 80 }],
    secretEnv: { TOKEN: pulumi.secret("t0ken") },
  });
  new HelmRelease("web", { cluster, chart: webChart, values: { replicas: 2 } });
  const argo = new ArgoCd("argo", { cluster });
  const project = new GitOpsProject("shop", {
    argoCd: argo,
    repositories: [{ url: gitUrl, credentials: { username: "ci", token: pulumi.secret("git-t0ken") } }],
    destinations: [{ namespace: "shop" }],
  });
  new GitOpsApplication("site", {
    project,
    source: { repoUrl: gitUrl, targetRevision: "v1.0.0", path: "site" },
    destination: { namespace: "shop" },
  });
}

const options = {
  config: { "gcp:project": gcpProject, "gcp:region": gcpRegion },
  mockInvoke: gcpMockInvoke,
  mockResource: (resource: MockedResource) =>
    resource.type.startsWith("gcp:") ? gcpMockResource(resource) : kubernetesMockResource(resource),
  mockDynamic: kubernetesMockDynamic,
};

/** Monitoring, Logging and a tenant with its service on a swarm of machines not created yet. */
function swarmDayTwo() {
  const vms = new AwsSwarmNodes("fleet", awsFleetArgs);
  const cluster = new SwarmCluster("swarm", { nodes: vms.nodes });
  new Monitoring("mon", { cluster, receivers: { slack: [pulumi.secret("https://hooks.slack.com/x")] } });
  new Logging("logs", { cluster, sink: { kind: "loki", url: "https://loki.example.com" } });
  const team = new Tenant("payments", { cluster, nodePool: "gold" });
  new ContainerService("payments-api", {
    cluster: team,
    image: "nginx:1.27",
    resources: { cpu: 0.5, memory: "128Mi" },
    secrets: [{ source: "key", data: pulumi.secret("k3y") }],
  });
}

const swarmOptions = {
  mockResource: ({ type, name }: MockedResource) => {
    if (type !== "aws:ec2/instance:Instance") return {};
    const index = Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
    return { privateIp: `10.0.1.${index}`, publicIp: `198.51.100.${index}` };
  },
  // Random values are made for real; the machines and the swarm reach nothing.
  mockDynamic: (resource: MockedResource) =>
    resource.type.includes("/random:")
      ? undefined
      : resource.type.endsWith(":SwarmMembership")
        ? membershipOutputs(resource.inputs)
        : /:Swarm(Secret|Config)$/.test(resource.type)
          ? fileObjectOutputs(resource)
          : vmMockDynamic(resource),
};

describe("day-two components in previews", () => {
  it("previews them on a swarm whose machines do not exist yet, then shows no change after the up", async () => {
    const preview = await runProgram(swarmDayTwo, { ...swarmOptions, preview: true });
    const services = preview.resources.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/berth/swarm:SwarmService",
    );
    assert.deepEqual(services.map((r) => r.name).sort(), [
      "logs-fluent-bit",
      "mon-alertmanager",
      "mon-cadvisor",
      "mon-grafana",
      "mon-node-exporter",
      "mon-prometheus",
      "payments-api",
    ]);
    for (const service of services) {
      assert.equal(service.operation, "create");
      assert.ok(
        holdsUnknown(service.programInputs),
        `${service.name}: its swarm's connection is not known yet`,
      );
    }
    const up = await runProgram(swarmDayTwo, swarmOptions);
    const again = await runProgram(swarmDayTwo, { ...swarmOptions, preview: true, previous: up });
    const changed = again.resources
      .filter((r) => r.custom && r.operation !== "same")
      .map((r) => `${r.type} ${r.name}: ${r.operation}`);
    assert.deepEqual(changed, []);
  });

  it("previews a fresh stack whose cluster does not exist yet, then shows no change after the up", async () => {
    const preview = await runProgram(dayTwo, { ...options, preview: true });
    const dynamic = preview.resources.filter((r) => r.dynamic);
    assert.deepEqual(
      dynamic.filter((r) => r.operation !== "create").map((r) => r.name),
      [],
      "every dynamic resource is to be created",
    );
    for (const name of ["web-watch", "argo-argo-cd-watch"]) {
      const watch = preview.byName(name, "pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch");
      assert.ok(holdsUnknown(watch.programInputs.kubeconfig), `${name}: the kubeconfig is not known yet`);
    }
    const rollout = preview.byName("api", "pulumi-nodejs:dynamic/berth/kubernetes:KubernetesRollout");
    assert.ok(holdsUnknown(rollout.programInputs.kubeconfig));

    const up = await runProgram(dayTwo, options);
    const again = await runProgram(dayTwo, { ...options, preview: true, previous: up });
    const changed = again.resources
      .filter((r) => r.custom && r.operation !== "same")
      .map((r) => `${r.type} ${r.name}: ${r.operation}`);
    assert.deepEqual(changed, []);
    assert.ok(again.resources.filter((r) => r.custom).length > 40, "the whole stack was compared");
  });
});
