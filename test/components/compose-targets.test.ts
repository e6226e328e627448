import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ComposeStack } from "../../components/compose";
import type { ServiceCluster, ServiceEndpoint } from "../../components/cluster";
import { KubernetesCluster } from "../../components/kubernetes";
import { LocalSwarm } from "../../components/swarm";
import { composeDir } from "../support/compose-dir";
import { type MockedResource, runProgram } from "../support/harness";
import { awsMockResource } from "../support/aws-mocks";
import { TestEcsCluster } from "../support/ecs-stand-in";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";

/** One Compose file, deployed unchanged to every target through the cluster contract. */
const shop = `
name: shop
services:
  web:
    image: registry.example.com/shop/web:1
    ports: ["80:8080"]
    depends_on:
      api: { condition: service_healthy }
  api:
    image: registry.example.com/shop/api:1
    expose: ["9000"]
    secrets: [token]
    healthcheck: { test: ["CMD", "true"] }
  worker:
    image: registry.example.com/shop/worker:1
secrets:
  token: { environment: TOKEN }
`;

function mockDynamic(resource: MockedResource): Record<string, unknown> | undefined {
  if (resource.type.endsWith(":SwarmMode"))
    return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  if (resource.type.endsWith(":SwarmSecret") || resource.type.endsWith(":SwarmConfig"))
    return { objectName: resource.inputs.name };
  // A service's spec version, which the stack's convergence wait checks for.
  if (resource.type.endsWith(":SwarmService")) return { version: 1 };
  if (resource.type.startsWith("pulumi-nodejs:dynamic/berth/swarm:")) return {};
  return kubernetesMockDynamic(resource);
}

const targets: Record<string, { cluster: () => ServiceCluster; hosts: Record<string, string> }> = {
  swarm: {
    cluster: () => new LocalSwarm("local", { defaultNetwork: { skip: true } }),
    hosts: { web: "web", api: "api", worker: "worker" },
  },
  kubernetes: {
    cluster: () => new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace: "shop" }),
    hosts: {
      web: "web.shop.svc.cluster.local",
      api: "api.shop.svc.cluster.local",
      worker: "worker.shop.svc.cluster.local",
    },
  },
  ecs: {
    cluster: () => new TestEcsCluster("prod"),
    hosts: { web: "web.prod.internal", api: "api.prod.internal", worker: "worker.prod.internal" },
  },
};

describe("one Compose file on every target, through the cluster contract", () => {
  for (const [target, expected] of Object.entries(targets)) {
    it(`${target}: a workload per service, the cluster's host names, endpoints, and dependencies first`, async () => {
      const run = await runProgram(
        () => {
          const stack = new ComposeStack("shop", {
            cluster: expected.cluster(),
            project: { content: shop, workingDir: composeDir({}), env: {} },
            env: { TOKEN: "t0ken-5512" },
          });
          return {
            hosts: stack.hosts,
            endpoints: stack.endpoints,
            serviceIds: stack.serviceIds,
            workloads: Object.keys(stack.workloads),
          };
        },
        {
          mockDynamic,
          mockResource: (r) => ({ ...kubernetesMockResource(r), ...awsMockResource(r) }),
        },
      );
      assert.deepEqual(run.outputs.hosts, expected.hosts);
      assert.deepEqual([...(run.outputs.workloads as string[])].sort(), ["api", "web", "worker"]);
      const ids = run.outputs.serviceIds as Record<string, string>;
      assert.deepEqual(Object.keys(ids).sort(), ["api", "web", "worker"]);
      for (const id of Object.values(ids)) assert.ok(typeof id === "string" && id.length > 0);
      const endpoints = run.outputs.endpoints as Record<string, ServiceEndpoint[]>;
      assert.deepEqual(
        endpoints.web.map((e) => [e.port, e.protocol, e.publicAddress !== undefined]),
        [[8080, "tcp", true]],
        "web's published port is public",
      );
      assert.deepEqual(
        endpoints.api.map((e) => [e.port, e.publicAddress]),
        [[9000, undefined]],
        "an exposed port stays inside the cluster",
      );
      if (target === "swarm") {
        // api converges before web is created; web and worker are waited for together, once.
        const services = (name: string) =>
          run.resources.find((r) => r.name === name)?.inputs as { awaitConvergence?: boolean } | undefined;
        assert.equal(services("shop-api")?.awaitConvergence, true);
        assert.equal(services("shop-web")?.awaitConvergence, false);
        const wait = run.resources.find((r) => r.name === "shop-converged");
        assert.deepEqual((wait?.inputs.services as { name: string }[]).map((s) => s.name).sort(), [
          "shop_web",
          "shop_worker",
        ]);
      }
      // The dependency is registered (and so created) before its dependent.
      const registered = run.resources.map((r) => r.name);
      assert.ok(registered.indexOf("shop-api") < registered.indexOf("shop-web"), registered.join(", "));
    });
  }
});
