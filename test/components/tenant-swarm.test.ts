/**
 * `Tenant` on a swarm under mocks: the tenant's network and its services' specs (prefixed name, alias,
 * pool, reservations), and every refusal before anything of the refused service is registered: wrong
 * arguments, a service without limits, one joining another tenant's network, one over a per-container
 * limit, an ECS cluster.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ContainerService, type ContainerServiceArgs, ServiceSpecError } from "../../components";
import type { SwarmServiceSpec } from "../../components/spec/render/swarm-types";
import { LocalSwarm } from "../../components/swarm";
import { Tenant, type TenantArgs, TenantArgumentsError } from "../../components/tenant";
import type { ServiceCluster } from "../../components/cluster";
import { runProgram, type ProgramRun } from "../support/harness";
import { swarmServiceOutputs } from "../support/swarm-mocks";

const dynamic = (kind: string) => `pulumi-nodejs:dynamic/berth/swarm:${kind}`;

const limited: Partial<ContainerServiceArgs> = {
  image: "local/busybox:1",
  resources: { cpu: 0.25, memory: "64Mi" },
};

async function attempt(
  program: (cluster: LocalSwarm) => void,
): Promise<{ caught: unknown; run: ProgramRun }> {
  let caught: unknown;
  const run = await runProgram(
    () => {
      const cluster = new LocalSwarm("local");
      try {
        program(cluster);
      } catch (error) {
        caught = error;
      }
    },
    { mockDynamic: swarmServiceOutputs },
  );
  return { caught, run };
}

const specOf = (run: ProgramRun, name: string) =>
  run.resources.find((r) => r.type === dynamic("SwarmService") && r.name === name)?.inputs
    .spec as SwarmServiceSpec;

describe("Tenant on a swarm (under mocks)", () => {
  it("puts a service on the tenant's encrypted network under a prefixed name, its own as an alias, on its pool", async () => {
    const { caught, run } = await attempt((cluster) => {
      const tenant = new Tenant("payments", { cluster, nodePool: "gold" });
      new ContainerService("payments-api", { ...limited, serviceName: "api", cluster: tenant });
    });
    assert.equal(caught, undefined);
    const network = run.resources.find(
      (r) => r.type === dynamic("SwarmNetwork") && r.name === "tenant-payments",
    );
    assert.deepEqual(
      [network?.inputs.name, network?.inputs.encrypted, network?.inputs.attachable],
      ["tenant-payments", true, false],
    );
    const spec = specOf(run, "payments-api");
    assert.equal(spec.Name, "payments-api");
    assert.deepEqual(
      spec.TaskTemplate.Networks,
      [{ Target: "tenant-payments", Aliases: ["api"] }],
      "not the cluster's default network",
    );
    assert.deepEqual(spec.TaskTemplate.Placement?.Constraints, ["node.labels.berth.tenant-pool==gold"]);
    assert.deepEqual(spec.TaskTemplate.Resources?.Reservations, {
      NanoCPUs: 100_000_000,
      MemoryBytes: 64 * 2 ** 20,
    });
  });

  it("refuses a service without limits, or on another tenant's network, naming the field", async () => {
    const { caught } = await attempt((cluster) => {
      const a = new Tenant("a", { cluster });
      new Tenant("b", { cluster });
      new ContainerService("a-api", { image: "local/busybox:1", cluster: a, networks: ["tenant-b"] });
    });
    assert.ok(caught instanceof ServiceSpecError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["resources.cpu", "resources.memory", "networks[0]"],
    );
    assert.match(caught.issues[2].message, /tenant-b is tenant b's network/);
  });

  it("refuses a container over the tenant's per-container limit, and services over its quota, with the numbers", async () => {
    const { caught, run } = await attempt((cluster) => {
      const tenant = new Tenant("t", {
        cluster,
        quota: { memory: "256Mi", services: 2 },
        limits: { maxCpu: "500m" },
      });
      new ContainerService("t-one", { ...limited, cluster: tenant, replicas: 2 });
      new ContainerService("t-two", {
        ...limited,
        cluster: tenant,
        resources: { cpu: 1, memory: "64Mi" },
        replicas: 3,
      });
    });
    assert.ok(caught instanceof ServiceSpecError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => [i.path, i.message]),
      [
        ["resources.cpu", "tenant t: 1 CPU is more than the tenant's limit of 500m per container"],
        [
          "resources.reservations.memory",
          "tenant t: asks for 192Mi of memory; with the tenant's other services (128Mi) that is 320Mi, over its quota of 256Mi",
        ],
      ],
    );
    assert.equal(specOf(run, "t-two"), undefined, "nothing of the refused service is registered");
  });

  it("refuses wrong arguments all at once, and an ECS cluster with the alternative", async () => {
    const { caught } = await attempt((cluster) => {
      new Tenant("Bad_Name", {
        cluster,
        quota: { cpu: "lots" },
        limits: { defaultCpuRequest: 2, defaultCpu: 1 },
        owners: [{ kind: "team" as never, name: "" }],
        nodePool: "no spaces",
      } as TenantArgs);
    });
    assert.ok(caught instanceof TenantArgumentsError, String(caught));
    assert.deepEqual(caught.issues.map((i) => i.path).sort(), [
      "limits.defaultCpuRequest",
      "name",
      "namespaces[0]",
      "nodePool",
      "owners[0].kind",
      "owners[0].name",
      "quota.cpu",
    ]);
    const ecs = { target: "ecs", deployWorkload: () => undefined } as unknown as ServiceCluster;
    const { caught: refused } = await attempt(() => new Tenant("t", { cluster: ecs }));
    assert.ok(refused instanceof TenantArgumentsError);
    assert.match(refused.message, /give each tenant its own EcsCluster/);
  });
});
