import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService, type ContainerServiceArgs, ServiceSpecError } from "../../components";
import { LocalSwarm, type LocalSwarmArgs } from "../../components/swarm";
import { runProgram, type ProgramRun, type RunOptions } from "../support/harness";
import type { ProviderServiceSpec } from "../../provider/swarm";

const dynamic = (kind: string) => `pulumi-nodejs:dynamic/berth/swarm:${kind}`;

/** Engine names for secrets and configs, as the provider would produce them. */
const stackIdOfTests = "0123456789abcdef0123456789abcdef";

function mockOutputs({ type, inputs }: { type: string; inputs: Record<string, unknown> }) {
  if (type === dynamic("SwarmSecret") || type === dynamic("SwarmConfig")) {
    return { objectName: `${inputs.name}-0123456789ab`, contentHash: "0123456789ab" };
  }
  if (type === dynamic("SwarmMode")) return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  if (type.endsWith(":RandomStackId")) return { stackId: stackIdOfTests };
  return {};
}

type ServiceArgs = Omit<ContainerServiceArgs, "cluster">;

function deploy(
  services: Record<string, ServiceArgs>,
  clusterArgs: LocalSwarmArgs = {},
  options: RunOptions = {},
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new LocalSwarm("local", clusterArgs);
      const outputs: Record<string, unknown> = {};
      for (const [name, args] of Object.entries(services)) {
        const service = new ContainerService(name, { cluster, ...args });
        outputs[name] = { endpoints: service.endpoints, replicas: service.replicas, id: service.serviceId };
      }
      return outputs;
    },
    { mockDynamic: mockOutputs, ...options },
  );
}

/** The first error a failed program run threw, and the resources it had registered by then. */
async function failureOf(run: Promise<unknown>): Promise<{ error: Error; registered: string[] }> {
  const err = await run.then(
    () => assert.fail("the program should have failed"),
    (e: Error & { resources?: { type: string }[] }) => e,
  );
  return { error: (err.cause as Error) ?? err, registered: (err.resources ?? []).map((r) => r.type) };
}

describe("ContainerService on LocalSwarm (under mocks)", () => {
  it("builds the resource graph: cluster, swarm mode, default network, workload, files and service", async () => {
    const run = await deploy({
      api: {
        image: "local/busybox:1",
        ports: [{ target: 8080 }],
        secrets: [{ source: "token", data: pulumi.secret("s3cret") }, { source: "existing-cert" }],
        configs: [{ source: "index", target: "/srv/index.html", data: "hello" }],
        secretEnv: { API_KEY: pulumi.secret("k-123") },
        env: { MODE: "prod" },
        registryAuth: { server: "registry.example.com", username: "ci", password: "pw-456" },
      },
    });
    // Registration order follows Pulumi's asynchronous serialization; the set of resources is what counts.
    const shape = run.resources.map((r) => [r.type, r.name]).sort();
    assert.deepEqual(
      shape,
      [
        ["pulumi:pulumi:Stack", "berth-test-test"],
        ["berth:swarm:LocalSwarm", "local"],
        [dynamic("SwarmMode"), "local-swarm"],
        [dynamic("SwarmNetwork"), "local-default"],
        ["berth:index:ContainerService", "api"],
        ["berth:swarm:SwarmWorkload", "api"],
        [dynamic("SwarmSecret"), "api-secret-token"],
        [dynamic("SwarmConfig"), "api-config-index"],
        [dynamic("SwarmService"), "api"],
        // The stack's identity, once per program, at the stack's root: every Swarm object carries it.
        ["pulumi-nodejs:dynamic/berth/random:RandomStackId", "berth-stack-id"],
      ].sort(),
    );
    assert.match(run.byName("berth-stack-id").parent ?? "", /pulumi:pulumi:Stack::berth-test-test$/);
    const stackId = run.byName("berth-stack-id").outputs.stackId;
    assert.equal(stackId, stackIdOfTests);
    for (const [name, type] of [
      ["local-default", "SwarmNetwork"],
      ["api-secret-token", "SwarmSecret"],
      ["api-config-index", "SwarmConfig"],
      ["api", "SwarmService"],
    ]) {
      assert.equal(
        (run.byName(name, dynamic(type)).inputs.owner as { stackId?: string }).stackId,
        stackId,
        name,
      );
    }
    assert.equal((run.byName("local-swarm").inputs.owner as { stackId?: string }).stackId, undefined);
    const parentOf = (name: string, type: string) => run.byName(name, type).parent;
    assert.match(parentOf("local-swarm", dynamic("SwarmMode")), /berth:swarm:LocalSwarm::local$/);
    assert.match(parentOf("api", "berth:swarm:SwarmWorkload"), /berth:index:ContainerService::api$/);
    assert.match(parentOf("api", dynamic("SwarmService")), /berth:swarm:SwarmWorkload::api$/);
    assert.match(parentOf("api-secret-token", dynamic("SwarmSecret")), /berth:swarm:SwarmWorkload::api$/);

    const secret = run.byName("api-secret-token");
    assert.equal(secret.inputs.name, "api-token");
    assert.ok(secret.secretInputs.includes("data"));
    assert.equal(run.byName("local-default").inputs.name, "local-default");

    const service = run.byName("api", dynamic("SwarmService"));
    const spec = service.inputs.spec as ProviderServiceSpec & {
      TaskTemplate: { Networks: { Target: string }[] };
    };
    assert.equal(spec.Name, "api");
    assert.deepEqual(spec.TaskTemplate.Networks, [{ Target: "local-default" }]);
    assert.deepEqual(
      spec.TaskTemplate.ContainerSpec.Secrets?.map((s) => s.SecretName),
      ["api-token-0123456789ab", "existing-cert"],
    );
    assert.deepEqual(
      spec.TaskTemplate.ContainerSpec.Configs?.map((c) => [c.ConfigName, (c.File as { Name: string }).Name]),
      [["api-index-0123456789ab", "/srv/index.html"]],
    );
    // Secret values travel only in secretEnv and registryAuth, both Pulumi secrets; the spec has none.
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ["MODE=prod"]);
    assert.deepEqual(service.inputs.secretEnv, { API_KEY: "k-123" });
    assert.deepEqual(service.inputs.registryAuth, {
      serveraddress: "registry.example.com",
      username: "ci",
      password: "pw-456",
    });
    assert.ok(service.secretInputs.includes("secretEnv"));
    assert.ok(service.secretInputs.includes("registryAuth"));
    for (const value of ["s3cret", "k-123", "pw-456"]) {
      assert.equal(JSON.stringify(spec).includes(value), false, `${value} is not in the spec`);
    }
    assert.deepEqual((service.inputs.owner as { component: string }).component, "api");
  });

  it("reports endpoints: the service name for every port, a public address for published ones", async () => {
    const run = await deploy(
      {
        web: {
          image: "local/busybox:1",
          ports: [
            { target: 80, published: 8080 },
            { target: 9090 },
            { target: 53, protocol: "udp", public: true },
          ],
          replicas: 3,
        },
      },
      { publicHost: "127.0.0.1" },
    );
    const web = run.outputs.web as { endpoints: unknown; replicas: number; id: string };
    assert.deepEqual(web.endpoints, [
      { host: "web", port: 80, protocol: "tcp", publicAddress: "127.0.0.1:8080" },
      { host: "web", port: 9090, protocol: "tcp" },
      { host: "web", port: 53, protocol: "udp", publicAddress: "127.0.0.1:53" },
    ]);
    assert.equal(web.replicas, 3);
    assert.equal(web.id, "web-id");
  });

  it("uses serviceName on the cluster, and joins only named networks when the default one is skipped", async () => {
    const run = await deploy(
      { api: { image: "local/busybox:1", serviceName: "shop-api", networks: ["backend"] } },
      { defaultNetwork: { skip: true } },
    );
    assert.equal(
      run.resources.some((r) => r.type === dynamic("SwarmNetwork")),
      false,
    );
    const spec = run.byName("api", dynamic("SwarmService")).inputs.spec as ProviderServiceSpec;
    assert.equal(spec.Name, "shop-api");
    assert.deepEqual(spec.TaskTemplate.Networks, [{ Target: "backend" }]);
  });

  it("fails at preview with every problem of the description at once, before any service resource", async () => {
    const { error: err, registered } = await failureOf(
      deploy(
        {
          api: {
            image: "Not A Valid Image",
            ports: [{ target: 70000 }],
            replica: 2,
          } as unknown as ServiceArgs,
        },
        {},
        { preview: true },
      ),
    );
    assert.ok(err instanceof ServiceSpecError, String(err));
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ["image", "ports[0].target", "replica"]);
    assert.match(err.issues.find((i) => i.path === "replica")?.message ?? "", /did you mean "replicas"/);
    assert.equal(err.resource instanceof ContainerService, true);
    assert.ok(registered.includes("berth:index:ContainerService"));
    const ofTheService = ["berth:swarm:SwarmWorkload", dynamic("SwarmService"), dynamic("SwarmSecret")];
    assert.deepEqual(
      registered.filter((type) => ofTheService.includes(type)),
      [],
    );
  });

  it("refuses at preview what Swarm cannot honour, unless the field is marked ignorable", async () => {
    const { error: refused } = await failureOf(
      deploy({ api: { image: "local/busybox:1", autoscale: { min: 2, max: 5 } } }, {}, { preview: true }),
    );
    assert.ok(refused instanceof ServiceSpecError);
    assert.deepEqual(refused.issues, [
      {
        path: "autoscale",
        message: "is not supported on swarm; set replicas (Swarm does not scale services by load)",
      },
    ]);

    const run = await deploy({
      api: { image: "local/busybox:1", autoscale: { min: 2, max: 5 }, ignoreUnsupported: ["autoscale"] },
    });
    const spec = run.byName("api", dynamic("SwarmService")).inputs.spec as ProviderServiceSpec;
    assert.deepEqual(spec.Mode, { Replicated: { Replicas: 2 } });
  });

  it("takes the image and env values from other resources' outputs", async () => {
    const run = await runProgram(
      () => {
        const cluster = new LocalSwarm("local");
        const source = new LocalSwarm("other");
        new ContainerService("api", {
          cluster,
          image: source.nodeId.apply((id) => `registry.example.com/api:${id}`),
          env: { SWARM: source.swarmId },
        });
      },
      { mockDynamic: mockOutputs },
    );
    const spec = run.byName("api", dynamic("SwarmService")).inputs.spec as ProviderServiceSpec;
    assert.equal(spec.TaskTemplate.ContainerSpec.Image, "registry.example.com/api:node-1");
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ["SWARM=swarm-1"]);
  });

  it("passes the cluster's connection and swarm-mode options to its resources", async () => {
    const connection = { socketPath: "/tmp/other/docker.sock" };
    const run = await deploy(
      { api: { image: "local/busybox:1", secrets: [{ source: "token", data: "t" }] } },
      { connection, advertiseAddr: "10.0.0.5", listenAddr: "10.0.0.5:2377" },
    );
    const swarmMode = run.byName("local-swarm");
    assert.equal(swarmMode.inputs.advertiseAddr, "10.0.0.5");
    assert.equal(swarmMode.inputs.listenAddr, "10.0.0.5:2377");
    for (const name of ["local-swarm", "local-default", "api-secret-token"]) {
      assert.deepEqual(run.byName(name).inputs.connection, connection, name);
    }
    assert.deepEqual(run.byName("api", dynamic("SwarmService")).inputs.connection, connection);
  });
});
