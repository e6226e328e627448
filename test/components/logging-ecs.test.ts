/**
 * FireLens on an EcsCluster under mocks: every service that names no log driver gets a log router in
 * its task, its logs go through it to the sink, the sink's credentials reach ECS only as parameter ARNs,
 * and awslogs stays the default without it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerDefinition, LogConfiguration } from "@aws-sdk/client-ecs";
import { ContainerService, type ContainerServiceArgs } from "../../components";
import { EcsCluster, type EcsClusterArgs, EcsClusterError } from "../../components/ecs/cluster";
import { awsForFluentBitImage } from "../../components/ecs/firelens-args";
import type { RegisteredContainer } from "../../components/ecs/task-definition";
import { fluentBitVersion } from "../../components/observability/fluent-bit-config";
import { runProgram, type ProgramRun } from "../support/harness";
import { awsArn, awsMockInvoke, awsMockResource, awsTypes as t } from "../support/aws-mocks";
import { fluentBitSchema } from "../support/fluent-bit-schema";

type ServiceArgs = Omit<ContainerServiceArgs, "cluster">;

const lokiSink = {
  kind: "loki" as const,
  url: "https://logs.example.com",
  username: "4711",
  password: pulumi.secret("LOKI-TOKEN"),
};

function deploy(
  logging: EcsClusterArgs["logging"],
  services: Record<string, ServiceArgs>,
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new EcsCluster("shop", { logging });
      for (const [name, args] of Object.entries(services)) new ContainerService(name, { cluster, ...args });
    },
    { mockResource: awsMockResource, mockInvoke: awsMockInvoke },
  );
}

const containersOf = (run: ProgramRun, name: string): RegisteredContainer[] =>
  JSON.parse(run.byName(name, t.taskDefinition).inputs.containerDefinitions as string);

const api: ServiceArgs = { image: "registry.example.com/shop/api:1", resources: { memory: "512Mi" } };

/** The ECS API's own field names: the compiler keeps these lists complete. */
const containerFields: Record<keyof ContainerDefinition, true> = {
  name: true, image: true, repositoryCredentials: true, cpu: true, memory: true, memoryReservation: true,
  links: true, portMappings: true, essential: true, restartPolicy: true, entryPoint: true, command: true,
  environment: true, environmentFiles: true, mountPoints: true, volumesFrom: true, linuxParameters: true,
  secrets: true, dependsOn: true, startTimeout: true, stopTimeout: true, versionConsistency: true,
  hostname: true, user: true, workingDirectory: true, disableNetworking: true, privileged: true,
  readonlyRootFilesystem: true, dnsServers: true, dnsSearchDomains: true, extraHosts: true,
  dockerSecurityOptions: true, interactive: true, pseudoTerminal: true, dockerLabels: true, ulimits: true,
  logConfiguration: true, healthCheck: true, systemControls: true, resourceRequirements: true,
  firelensConfiguration: true, credentialSpecs: true,
}; // prettier-ignore
const logConfigurationFields: Record<keyof LogConfiguration, true> = {
  logDriver: true,
  options: true,
  secretOptions: true,
};

describe("FireLens on an EcsCluster (under mocks)", () => {
  it("adds a log router to the task and sends the service's logs through it to the sink", async () => {
    const run = await deploy({ firelens: { sink: lokiSink, bufferLimit: 4096 } }, { api });
    const [app, router] = containersOf(run, "api");
    assert.equal(router.name, "log-router");
    assert.equal(router.image, awsForFluentBitImage);
    assert.equal(router.essential, true);
    assert.deepEqual(router.firelensConfiguration, {
      type: "fluentbit",
      options: { "enable-ecs-log-metadata": "true" },
    });
    assert.equal(router.memoryReservation, 50);
    assert.equal(router.memory, undefined, "no hard limit: the task's memory bounds it");
    assert.deepEqual(router.logConfiguration, {
      logDriver: "awslogs",
      options: {
        "awslogs-group": "/ecs/shop/api",
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "log-router",
      },
    });
    assert.equal(app.logConfiguration?.logDriver, "awsfirelens");
    const options = app.logConfiguration?.options ?? {};
    assert.deepEqual(
      [options.Name, options.host, options.port, options.tls, options["tls.verify"], options.uri],
      ["loki", "logs.example.com", "443", "on", "on", "/loki/api/v1/push"],
    );
    assert.equal(options["log-driver-buffer-limit"], "4096");
    assert.equal(options.retry_limit, "no_limits");
    assert.deepEqual(app.dependsOn, [{ containerName: "log-router", condition: "START" }]);
    for (const container of [app, router]) {
      for (const key of Object.keys(container))
        assert.ok(key in containerFields, `${container.name}.${key} is a field of the ECS API`);
      for (const key of Object.keys(container.logConfiguration ?? {}))
        assert.ok(
          key in logConfigurationFields,
          `${container.name}.logConfiguration.${key} is a field of the ECS API`,
        );
    }
  });

  it("names only properties of the Loki output in the router's options", async () => {
    const run = await deploy({ firelens: { sink: lokiSink } }, { api });
    const schema = fluentBitSchema(fluentBitVersion);
    const loki = schema.outputs.find((p) => p.name === "loki");
    const known = Object.values(loki?.properties ?? {}).flatMap((list) => (list ?? []).map((o) => o.name));
    const [app] = containersOf(run, "api");
    const properties = [
      ...Object.keys(app.logConfiguration?.options ?? {}),
      ...(app.logConfiguration?.secretOptions ?? []).map((o) => o.name),
    ].filter((key) => key !== "Name" && key !== "log-driver-buffer-limit");
    for (const key of properties) assert.ok(known.includes(key), `loki takes ${key}`);
  });

  it("keeps the sink's credentials in SSM parameters that ECS passes to the router, never in the task definition", async () => {
    const run = await deploy({ firelens: { sink: lokiSink } }, { api });
    const parameters = run.resources.filter((r) => r.type === t.parameter && r.name.includes("firelens"));
    assert.deepEqual(parameters.map((p) => [p.inputs.name, p.inputs.type, p.inputs.value]).sort(), [
      ["/berth/shop/_firelens/BERTH_SINK_PASSWORD", "SecureString", "LOKI-TOKEN"],
      ["/berth/shop/_firelens/BERTH_SINK_USERNAME", "SecureString", "4711"],
    ]);
    for (const p of parameters)
      assert.ok(p.secretInputs.includes("value"), `${String(p.inputs.name)} is secret`);
    const [app] = containersOf(run, "api");
    assert.deepEqual(app.logConfiguration?.secretOptions, [
      { name: "http_user", valueFrom: awsArn("ssm", "parameter/berth/shop/_firelens/BERTH_SINK_USERNAME") },
      { name: "http_passwd", valueFrom: awsArn("ssm", "parameter/berth/shop/_firelens/BERTH_SINK_PASSWORD") },
    ]);
    const text = String(run.byName("api", t.taskDefinition).inputs.containerDefinitions);
    for (const value of ["LOKI-TOKEN", "4711"]) assert.equal(text.includes(value), false, value);
    const policy = JSON.parse(String(run.byName("api-execution", t.rolePolicy).inputs.policy)) as {
      Statement: { Sid: string; Resource: string[] }[];
    };
    const readable = policy.Statement.find((s) => s.Sid === "SecretEnv")?.Resource ?? [];
    for (const o of app.logConfiguration?.secretOptions ?? [])
      assert.ok(readable.includes(o.valueFrom), `the execution role reads ${o.valueFrom}`);
  });

  it("grows a Fargate task that has no room for the router's reservation", async () => {
    const run = await deploy({ firelens: { sink: lokiSink, memoryReservation: 100 } }, { api });
    const task = run.byName("api", t.taskDefinition).inputs;
    assert.deepEqual([task.cpu, task.memory], ["256", "1024"]);
    const roomy = await deploy(
      { firelens: { sink: lokiSink } },
      { api: { image: "x/api:1", resources: { memory: "256Mi" } } },
    );
    assert.deepEqual([roomy.byName("api", t.taskDefinition).inputs.memory], ["512"]);
  });

  it("leaves a service that names its own log driver alone", async () => {
    const run = await deploy(
      { firelens: { sink: lokiSink } },
      { worker: { image: "x/worker:1", logging: { driver: "awslogs" } } },
    );
    const containers = containersOf(run, "worker");
    assert.deepEqual(
      containers.map((c) => [c.name, c.logConfiguration?.logDriver]),
      [["worker", "awslogs"]],
    );
  });

  it("keeps awslogs without FireLens", async () => {
    const run = await deploy(undefined, { api });
    const containers = containersOf(run, "api");
    assert.deepEqual(
      containers.map((c) => [c.name, c.logConfiguration?.logDriver]),
      [["api", "awslogs"]],
    );
  });

  it("lets the task role write to a CloudWatch Logs sink's group, and to nothing else", async () => {
    const run = await deploy(
      { firelens: { sink: { kind: "cloudwatch", region: "eu-west-1", group: "/shop/logs" } } },
      { api },
    );
    const policy = JSON.parse(String(run.byName("api-firelens", t.rolePolicy).inputs.policy)) as {
      Statement: { Action: string[]; Resource: string[] }[];
    };
    const group = "arn:aws:logs:eu-west-1:123456789012:log-group:/shop/logs";
    assert.deepEqual(
      policy.Statement.map((s) => [s.Action, s.Resource]),
      [
        [
          ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
          [`${group}:*`, `${group}:log-stream:*`],
        ],
      ],
    );
    const [app] = containersOf(run, "api");
    assert.deepEqual(
      [app.logConfiguration?.options?.Name, app.logConfiguration?.options?.log_group_name],
      ["cloudwatch_logs", "/shop/logs"],
    );
  });

  it("refuses what FireLens cannot carry, before anything is created", async () => {
    let caught: unknown;
    await runProgram(() => {
      try {
        new EcsCluster("shop", {
          logging: {
            firelens: {
              sink: { kind: "http", url: "https://x.example.com", headers: { A: "1", B: "2" } },
              memoryReservation: 2,
              bufferLimit: -1,
            },
          },
        });
      } catch (err) {
        caught = err;
      }
    });
    assert.ok(caught instanceof EcsClusterError, String(caught));
    assert.deepEqual(
      caught.issues.map((i) => i.path),
      ["logging.firelens.sink.headers", "logging.firelens.memoryReservation", "logging.firelens.bufferLimit"],
    );
    let keys: unknown;
    await runProgram(() => {
      try {
        new EcsCluster("shop", {
          logging: {
            firelens: {
              sink: {
                kind: "cloudwatch",
                region: "eu-west-1",
                group: "g",
                credentials: { accessKeyId: "a", secretAccessKey: "b" },
              },
            },
          },
        });
      } catch (err) {
        keys = err;
      }
    });
    assert.ok(keys instanceof EcsClusterError, String(keys));
    assert.deepEqual(
      keys.issues.map((i) => i.path),
      ["logging.firelens.sink.credentials"],
    );
  });
});
