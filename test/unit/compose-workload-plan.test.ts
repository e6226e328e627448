import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCompose, toServiceSpecs } from "../../components/compose";
import { planWorkloads } from "../../components/compose/stack-workload-plan";
import { ecsStackSupport } from "../../components/ecs/stack-support";
import { kubernetesStackSupport } from "../../components/kubernetes/stack-support";
import { composeDir } from "../support/compose-dir";

function plan(content: string, target: "kubernetes" | "ecs", env: Record<string, string> = {}) {
  const project = loadCompose({ content, workingDir: composeDir({}), env: {} });
  const support = target === "kubernetes" ? kubernetesStackSupport : ecsStackSupport;
  return planWorkloads(project, toServiceSpecs(project), { target, support, env });
}

const clusterNetwork = {
  kubernetes: "Kubernetes has one pod network",
  ecs: "ECS tasks share the cluster's VPC",
};

describe("Compose networks on clusters without Swarm's networks", () => {
  for (const target of ["kubernetes", "ecs"] as const) {
    it(`${target}: a network's engine settings are reported for each service on it, not dropped`, () => {
      const result = plan(
        `
services:
  web: { image: web, networks: [back] }
  db: { image: db, networks: [back] }
  cache: { image: cache }
networks:
  back:
    driver: overlay
    driver_opts: { com.docker.network.driver.mtu: "1400" }
    ipam: { config: [{ subnet: 10.9.0.0/24 }] }
    labels: { team: shop }
`,
        target,
      );
      assert.deepEqual(
        result.ignored.filter((i) => i.key.startsWith("networks.")),
        ["web", "db"].map((service) => ({
          service,
          key: "networks.back",
          reason: `driver, driver_opts, ipam, labels of network "back" have no effect on ${target}: ${clusterNetwork[target]}`,
        })),
      );
      assert.deepEqual(result.issues, []);
    });
  }

  it("a network declared without settings is nothing to report", () => {
    const result = plan(
      "services:\n  web: { image: web, networks: [back] }\nnetworks:\n  back: {}\n",
      "kubernetes",
    );
    assert.deepEqual(
      result.ignored.filter((i) => i.key.startsWith("networks.")),
      [],
    );
  });
});

describe("Compose keys a workload cluster cannot apply are reported", () => {
  for (const target of ["kubernetes", "ecs"] as const) {
    it(`${target}: secret and config labels and a name of their own, for each service using them`, () => {
      const result = plan(
        `
services:
  web: { image: web, secrets: [token], configs: [settings] }
  worker: { image: worker, secrets: [plain, token] }
secrets:
  token: { environment: TOKEN, name: shop-token, labels: { team: shop } }
  plain: { environment: PLAIN }
configs:
  settings: { content: s, labels: [team=shop] }
`,
        target,
        { TOKEN: "t", PLAIN: "p" },
      );
      const created = `it is created with each service that uses it, under a name of Berth's choosing and without the file's labels`;
      assert.deepEqual(
        result.ignored.filter((i) => /^(secrets|configs)\[/.test(i.key)),
        [
          {
            service: "web",
            key: "secrets[0]",
            reason: `name, labels of secret "token" have no effect on ${target}: ${created}`,
          },
          {
            service: "web",
            key: "configs[0]",
            reason: `labels of config "settings" has no effect on ${target}: ${created}`,
          },
          {
            service: "worker",
            key: "secrets[1]",
            reason: `name, labels of secret "token" have no effect on ${target}: ${created}`,
          },
        ],
      );
      assert.deepEqual(result.issues, []);
    });
  }

  it("an external secret's name and labels are not reported: the name finds the object", () => {
    const result = plan(
      `
services:
  web: { image: web, secrets: [token] }
secrets:
  token: { external: true, name: shop-token, labels: { team: shop } }
`,
      "kubernetes",
    );
    assert.deepEqual(result.ignored, []);
    assert.equal(result.workloads.web.input.secrets?.[0].source, "shop-token");
  });

  it("ecs: an explicit endpoint_mode vip is reported; dnsrr is what Cloud Map does", () => {
    const result = plan(
      `
services:
  web: { image: web, deploy: { endpoint_mode: vip } }
  db: { image: db, deploy: { endpoint_mode: dnsrr } }
`,
      "ecs",
    );
    assert.deepEqual(result.ignored, [
      {
        service: "web",
        key: "deploy.endpoint_mode",
        reason:
          "ECS has no virtual IP inside the cluster: Cloud Map answers the service's name with the address of each task, as dnsrr does",
      },
    ]);
    assert.equal(result.workloads.db.input.endpointMode, "dnsrr");
    const kubernetes = plan(
      "services:\n  web: { image: web, deploy: { endpoint_mode: vip } }\n",
      "kubernetes",
    );
    assert.deepEqual(kubernetes.ignored, []);
  });

  it("service labels: ECS is told to move them to deploy.labels, Kubernetes that it has no container labels", () => {
    const file = "services:\n  web: { image: web, labels: { tier: front } }\n";
    assert.deepEqual(plan(file, "ecs").ignored, [
      {
        service: "web",
        key: "labels",
        reason:
          "Berth gives an ECS container only deploy.labels as dockerLabels (they also tag the service); move these labels to deploy.labels",
      },
    ]);
    assert.deepEqual(plan(file, "kubernetes").ignored, [
      {
        service: "web",
        key: "labels",
        reason: "kubernetes has no container labels; deploy.labels label the workload",
      },
    ]);
  });
});
