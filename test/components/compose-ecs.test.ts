import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ComposeStack } from "../../components/compose";
import { composeDir } from "../support/compose-dir";
import { envFileProject } from "../support/compose-env-files";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import { awsMockResource, awsTypes as t } from "../support/aws-mocks";
import { ecsTestContext, TestEcsCluster } from "../support/ecs-stand-in";
import { CreationOptions } from "../support/kubernetes-mocks";

const serviceType = "berth:index:ContainerService";
const dbPassword = "s3cret-db-4410";

const shop = `
name: shop
services:
  web:
    image: registry.example.com/shop/web:1
    ports: ["80:8080"]
    secrets: [db_password]
    depends_on:
      worker: { condition: service_healthy }
    x-berth: { public: false, timeoutSeconds: 600 }
  worker:
    image: registry.example.com/shop/worker:1
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
secrets:
  db_password:
    environment: DB_PASSWORD
`;

async function deploy(
  content: string,
  preview = false,
  project: { files?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<{ run: ProgramRun; capture: CreationOptions }> {
  const capture = new CreationOptions();
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      const stack = new ComposeStack("shop", {
        cluster: new TestEcsCluster("prod"),
        project: { content, workingDir: composeDir(project.files ?? {}), env: project.env },
        env: { DB_PASSWORD: dbPassword },
      });
      return { hosts: stack.hosts };
    },
    { mockResource: awsMockResource, preview },
  );
  return { run, capture };
}

async function refusal(content: string): Promise<string> {
  const err = await deploy(content, true).then(
    () => assert.fail("the preview should have failed"),
    (e: Error & { resources?: RecordedResource[] }) => e,
  );
  assert.deepEqual(
    (err.resources ?? []).filter((r) => r.type.startsWith("aws:")).map((r) => r.name),
    [],
    "nothing of AWS was created",
  );
  return String(err.cause instanceof Error ? err.cause.message : err.message);
}

describe("ComposeStack on ECS", () => {
  it("makes each service an ECS service, registered in Cloud Map even without ports", async () => {
    const { run } = await deploy(shop);
    const services = run.resources.filter((r) => r.type === serviceType).map((r) => r.name);
    assert.deepEqual(services, ["shop-worker", "shop-web"], "the dependency first");
    assert.equal(run.byName("shop-worker", t.ecsService).inputs.name, "worker");
    const discovery = run.byName("shop-worker", t.discovery).inputs as { name: string };
    assert.equal(discovery.name, "worker");
    assert.deepEqual(run.outputs.hosts, { web: "web.prod.internal", worker: "worker.prod.internal" });
    const web = run.byName("shop-web", t.ecsService).inputs as { loadBalancers?: unknown[] };
    assert.equal(web.loadBalancers, undefined, "x-berth.public: false keeps the port inside the cluster");
  });

  it("lets the stack's tasks reach every port of a service, as a Compose network does", async () => {
    const { run } = await deploy(shop);
    const rules = run.resources.filter((r) => r.type === t.ingress && r.name.startsWith("shop-worker-"));
    assert.deepEqual(
      rules.map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.referencedSecurityGroupId]),
      [["shop-worker-tasks-from-cluster", "-1", undefined, "sg-cluster-tasks"]],
      "worker declares no port and is reachable on all of them from the cluster's tasks only",
    );
  });

  it("makes the dependent service wait for its dependency's steady state, with its own timeout", async () => {
    const { capture } = await deploy(shop);
    const waits = (type: string, name: string) =>
      capture.dependsOn(type, name).filter((d) => d.startsWith(serviceType));
    assert.deepEqual(waits(t.ecsService, "shop-web"), [`${serviceType} shop-worker`]);
    assert.deepEqual(waits(t.taskDefinition, "shop-web"), [`${serviceType} shop-worker`]);
    assert.deepEqual(waits(t.ecsService, "shop-worker"), []);
    const opts = (name: string) => capture.of(t.ecsService, name) as pulumi.CustomResourceOptions;
    assert.deepEqual(opts("shop-web").customTimeouts, { create: "600s", update: "600s" });
    assert.deepEqual(opts("shop-worker").customTimeouts, { create: "300s", update: "300s" });
  });

  it("stores a Compose secret in a SecureString parameter, secret in state", async () => {
    const { run } = await deploy(shop);
    const holding = run.resources.filter((r) => r.type === t.parameter && r.inputs.value === dbPassword);
    assert.equal(holding.length, 1, "one parameter holds the secret file");
    assert.equal(holding[0].inputs.type, "SecureString");
    assert.deepEqual(holding[0].secretInputs, ["value"]);
    for (const r of run.resources) {
      const plain = JSON.stringify(
        Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !r.secretInputs.includes(k))),
      );
      assert.ok(!plain.includes(dbPassword), `${r.type} ${r.name} holds the secret in plain state`);
    }
  });

  it("gives a container the variables of its env files and environment with Compose's precedence", async () => {
    const { files, content, env, expected } = envFileProject;
    const { run } = await deploy(content, false, { files, env });
    const [container] = JSON.parse(
      run.byName("shop-app", t.taskDefinition).inputs.containerDefinitions as string,
    ) as { environment?: { name: string; value: string }[] }[];
    const variables = Object.fromEntries((container.environment ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual(variables, expected);
  });

  it("refuses aliases and unhealthy conditions at preview, naming service and key", async () => {
    const message = await refusal(`
name: shop
services:
  web:
    image: web:1
    networks: { front: { aliases: [www] } }
    depends_on:
      worker: { condition: service_healthy }
  worker:
    image: worker:1
networks:
  front: {}
`);
    for (const expected of [
      "services.web.networks.front.aliases: ecs has no network aliases",
      'services.web.depends_on.worker.condition: service_healthy needs a healthcheck on "worker"',
    ]) {
      assert.ok(message.includes(expected), `missing: ${expected}\nin: ${message}`);
    }
  });

  it("runs a named volume as a Docker volume of the instance, shared by name, where EC2 capacity exists; Fargate refuses it", async () => {
    const content = `
name: shop
services:
  web: { image: web:1, volumes: ["data:/srv/data"] }
  worker: { image: worker:1, volumes: ["data:/data:ro"] }
volumes:
  data: {}
`;
    const program = (context: ReturnType<typeof ecsTestContext>) => () => {
      const stack = new ComposeStack("shop", {
        cluster: new TestEcsCluster("prod", context),
        project: { content, workingDir: composeDir({}), env: {} },
      });
      return { hosts: stack.hosts };
    };
    const ec2 = ecsTestContext({
      hasEc2Capacity: true,
      capacityProviderStrategy: pulumi.output([{ capacityProvider: "prod-ec2", weight: 1 }]),
    });
    const run = await runProgram(program(ec2), { mockResource: awsMockResource });
    for (const [service, target] of [
      ["web", "/srv/data"],
      ["worker", "/data"],
    ]) {
      const inputs = run.byName(`shop-${service}`, t.taskDefinition).inputs;
      assert.deepEqual(inputs.volumes, [
        // Compose's name for the project's volume, as on a Swarm node.
        {
          name: "shop_data",
          dockerVolumeConfiguration: { scope: "shared", autoprovision: true, driver: "local" },
        },
      ]);
      const [container] = JSON.parse(inputs.containerDefinitions as string) as {
        mountPoints: { sourceVolume: string; containerPath: string }[];
      }[];
      assert.deepEqual(
        container.mountPoints.map((m) => [m.sourceVolume, m.containerPath]),
        [["shop_data", target]],
      );
    }
    const refused = await runProgram(program(ecsTestContext()), {
      mockResource: awsMockResource,
      preview: true,
    }).then(
      () => assert.fail("Fargate has no Docker volumes"),
      (e: Error) => String(e.cause instanceof Error ? e.cause.message : e.message),
    );
    assert.match(
      refused,
      /service web: 1 problem\s+volumes\[0\]: is not supported on ecs; Fargate has no Docker volumes/,
    );
  });

  it("refuses what ECS cannot run, naming the service: config files", async () => {
    const message = await refusal(`
name: shop
services:
  web:
    image: web:1
    configs: [site]
configs:
  site: { content: "x" }
`);
    assert.match(message, /service web: 1 problem\s+configs: is not supported on ecs/);
  });
});
