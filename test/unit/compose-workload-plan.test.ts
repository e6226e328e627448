import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCompose, toServiceSpecs } from "../../components/compose";
import { planWorkloads } from "../../components/compose/stack-workload-plan";
import { composeDir } from "../support/compose-dir";

function plan(content: string, target: "kubernetes" | "ecs") {
  const project = loadCompose({ content, workingDir: composeDir({}), env: {} });
  return planWorkloads(project, toServiceSpecs(project), { target, env: {} });
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
