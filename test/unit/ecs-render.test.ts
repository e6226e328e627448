import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import {
  fargateTaskSize,
  normalizeService,
  renderEcs,
  SpecError,
  type EcsRenderOptions,
  type ServiceInput,
  type SpecIssue,
} from "../../components/spec";

const render = (input: ServiceInput, options: EcsRenderOptions = {}, name = "svc") =>
  renderEcs(normalizeService(name, input), options);
const ec2 = { launchType: "EC2" } as const;

function refusals(input: ServiceInput, options: EcsRenderOptions = {}): SpecIssue[] {
  try {
    render(input, options);
  } catch (err) {
    assert.ok(err instanceof SpecError);
    return err.issues;
  }
  return assert.fail("expected a refusal");
}

describe("renderEcs", () => {
  it("web on Fargate: the default task size, desired count, circuit breaker with rollback, exposure", () => {
    const r = render(
      {
        image: "nginx",
        ports: [{ target: 80, published: 443, http: { host: "a.example.com", tls: true } }],
        replicas: 2,
      },
      {},
      "web",
    );
    assert.deepEqual([r.taskDefinition.cpu, r.taskDefinition.memory], ["256", "512"]);
    assert.equal(r.taskDefinition.networkMode, "awsvpc");
    assert.deepEqual(r.taskDefinition.requiresCompatibilities, ["FARGATE"]);
    assert.equal(r.service.desiredCount, 2);
    assert.equal(r.service.schedulingStrategy, "REPLICA");
    assert.deepEqual(r.service.deploymentConfiguration, {
      minimumHealthyPercent: 100,
      maximumPercent: 150,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    assert.deepEqual(r.exposure, [
      {
        containerPort: 80,
        listenerPort: 443,
        protocol: "tcp",
        http: { host: "a.example.com", path: "/", tls: true },
      },
    ]);
    assert.deepEqual(r.taskDefinition.containerDefinitions[0].portMappings, [
      { containerPort: 80, protocol: "tcp", name: "tcp-80" },
    ]);
  });

  it("rounds resources up to the smallest valid Fargate size", () => {
    const size = (resources: ServiceInput["resources"]) => {
      const t = render({ image: "a", resources }).taskDefinition;
      return [t.cpu, t.memory];
    };
    assert.deepEqual(size({ cpu: 0.5, memory: "1Gi" }), ["512", "1024"]);
    assert.deepEqual(size({ cpu: 1, memory: "3Gi" }), ["1024", "3072"]);
    assert.deepEqual(size({ cpu: 0.25, memory: "5Gi" }), ["1024", "5120"]);
    assert.deepEqual(size({ cpu: 0.3, memory: "600Mi" }), ["512", "1024"]);
    assert.deepEqual(size({ reservations: { cpu: 2, memory: "20Gi" } }), ["4096", "20480"]);
    assert.deepEqual(fargateTaskSize(8192, 17000), { cpu: 8192, memory: 20480 });
    assert.equal(fargateTaskSize(32768, 1024), undefined);
    assert.deepEqual(
      refusals({ image: "a", resources: { cpu: 32 } }).map((i) => i.path),
      ["resources"],
    );
  });

  it("passes EC2 sizes through as CPU units and MiB, with container limits and reservation", () => {
    const t = render(
      { image: "a", resources: { cpu: "750m", memory: "300Mi", reservations: { memory: "100Mi" } } },
      ec2,
    ).taskDefinition;
    assert.deepEqual([t.cpu, t.memory], ["768", "300"]);
    const c = t.containerDefinitions[0];
    assert.deepEqual([c.cpu, c.memory, c.memoryReservation], [768, 300, 100]);
    assert.deepEqual(t.requiresCompatibilities, ["EC2"]);
  });

  it("health check in seconds with Docker's command form", () => {
    const c = render({
      image: "a",
      healthCheck: {
        command: ["CMD", "pg_isready"],
        interval: "15s",
        timeout: "3s",
        retries: 5,
        startPeriod: "1m",
      },
    }).taskDefinition.containerDefinitions[0];
    assert.deepEqual(c.healthCheck, {
      command: ["CMD", "pg_isready"],
      interval: 15,
      timeout: 3,
      retries: 5,
      startPeriod: 60,
    });
    const none = render({ image: "a", healthCheck: { command: ["NONE"] } }).taskDefinition
      .containerDefinitions[0];
    assert.equal(none.healthCheck, undefined);
  });

  it("deployment percentages and circuit breaker per update policy", () => {
    const conf = (update: ServiceInput["update"], replicas = 4) =>
      render({ image: "a", replicas, update }).service.deploymentConfiguration;
    assert.deepEqual(conf({ order: "stop-first", parallelism: 1, failureAction: "pause" }), {
      minimumHealthyPercent: 75,
      maximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: false },
    });
    assert.deepEqual(conf({ order: "start-first", parallelism: 0, failureAction: "continue" }), {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: false, rollback: false },
    });
  });

  it("secret variables through SSM parameters, plain ones sorted", () => {
    const r = render(
      { image: "a", env: { Z: "1", A: "2" }, secretEnv: { TOKEN: "t", DB: "d" } },
      { secretParameterPrefix: "/prod" },
      "api",
    );
    const c = r.taskDefinition.containerDefinitions[0];
    assert.deepEqual(c.environment, [
      { name: "A", value: "2" },
      { name: "Z", value: "1" },
    ]);
    assert.deepEqual(c.secrets, [
      { name: "DB", valueFrom: "/prod/api/DB" },
      { name: "TOKEN", valueFrom: "/prod/api/TOKEN" },
    ]);
    assert.deepEqual(r.secretParameters, [
      { name: "/prod/api/DB", value: "d" },
      { name: "/prod/api/TOKEN", value: "t" },
    ]);
    assert.equal(render({ image: "a", secretEnv: { K: "v" } }).secretParameters[0].name, "/berth/svc/K");
  });

  it("autoscaling target tracking", () => {
    const r = render({ image: "a", autoscale: { min: 2, max: 8, memoryPercent: 75 } });
    assert.deepEqual(r.autoscaling, {
      minCapacity: 2,
      maxCapacity: 8,
      policies: [{ metric: "ECSServiceAverageMemoryUtilization", targetValue: 75 }],
    });
    assert.equal(r.service.desiredCount, 2);
  });

  it("autoscaling on requests per target through the ALB of an HTTP port", () => {
    const r = render({
      image: "a",
      ports: [{ target: 8080, public: true, http: { path: "/" } }],
      autoscale: { min: 1, max: 6, requestsPerTarget: 500 },
    });
    assert.deepEqual(r.autoscaling?.policies, [{ metric: "ALBRequestCountPerTarget", targetValue: 500 }]);
    const both = render({
      image: "a",
      ports: [{ target: 8080, public: true, http: { path: "/" } }],
      autoscale: { min: 1, max: 6, cpuPercent: 60, requestsPerTarget: 500 },
    });
    assert.deepEqual(
      both.autoscaling?.policies.map((p) => p.metric),
      ["ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"],
    );
  });

  it("refuses scaling on requests without an HTTP port, naming service and field", () => {
    for (const ports of [[], [{ target: 5432, public: true }], [{ target: 80 }]]) {
      assert.throws(
        () => render({ image: "a", ports, autoscale: { min: 1, max: 3, requestsPerTarget: 100 } }, {}, "db"),
        (err: Error) =>
          err instanceof SpecError &&
          /^service db: /.test(err.message) &&
          err.issues.length === 1 &&
          err.issues[0].path === "autoscale.requestsPerTarget" &&
          /is not supported on ecs; .*Application Load Balancer: publish a public port with http/.test(
            err.issues[0].message,
          ),
      );
    }
  });

  it("EC2: daemon scheduling, placement, volumes, capabilities, labels and logs", () => {
    const r = render(
      {
        image: "agent",
        mode: "global",
        placement: {
          constraints: ["node.labels.tier==edge", "node.platform.arch!=arm64"],
          spread: "node.labels.zone",
        },
        volumes: [
          { type: "volume", source: "data", target: "/data" },
          { type: "bind", source: "/var/log", target: "/logs", readOnly: true },
        ],
        capAdd: ["NET_ADMIN"],
        labels: { team: "edge" },
        logging: { driver: "json-file", options: { "max-size": "10m" } },
        stopGracePeriod: "5m",
      },
      ec2,
    );
    assert.equal(r.service.schedulingStrategy, "DAEMON");
    assert.equal(r.service.desiredCount, undefined);
    assert.deepEqual(r.taskDefinition.placementConstraints, [
      { type: "memberOf", expression: "attribute:tier == edge" },
      { type: "memberOf", expression: "attribute:ecs.cpu-architecture != arm64" },
    ]);
    assert.deepEqual(r.service.placementStrategy, [{ type: "spread", field: "attribute:zone" }]);
    assert.deepEqual(r.taskDefinition.volumes, [
      // Named by its source: every task on the instance that mounts "data" shares it.
      {
        name: "data",
        dockerVolumeConfiguration: { scope: "shared", autoprovision: true, driver: "local" },
      },
      { name: "volume-1", host: { sourcePath: "/var/log" } },
    ]);
    const c = r.taskDefinition.containerDefinitions[0];
    assert.deepEqual(c.mountPoints, [
      { sourceVolume: "data", containerPath: "/data", readOnly: false },
      { sourceVolume: "volume-1", containerPath: "/logs", readOnly: true },
    ]);
    assert.deepEqual(c.linuxParameters, { capabilities: { add: ["NET_ADMIN"] } });
    assert.deepEqual(c.dockerLabels, { team: "edge" });
    assert.deepEqual(r.service.tags, [{ key: "team", value: "edge" }]);
    assert.deepEqual(c.logConfiguration, { logDriver: "json-file", options: { "max-size": "10m" } });
    assert.equal(c.stopTimeout, 300);
  });

  it("refuses, all together, what Fargate cannot honour", () => {
    const issues = refusals({
      image: "a",
      mode: "global",
      restart: { condition: "on-failure" },
      update: { delay: "5s", monitor: "1m", maxFailureRatio: 0.1 },
      networks: ["back"],
      ports: [{ target: 80, public: true, publishMode: "host" }],
      secrets: [{ source: "s" }],
      configs: [{ source: "c" }],
      volumes: [
        { type: "tmpfs", target: "/tmp" },
        { type: "volume", source: "d", target: "/d" },
      ],
      capAdd: ["NET_ADMIN", "SYS_PTRACE"],
      logging: { driver: "syslog" },
      placement: { constraints: ["node.labels.a==b"], spread: "node.labels.zone" },
      healthCheck: { command: "true", interval: "1s", timeout: "90s", retries: 20, startPeriod: "10m" },
      stopGracePeriod: "3m",
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "capAdd[0]",
      "configs",
      "healthCheck.interval",
      "healthCheck.retries",
      "healthCheck.startPeriod",
      "healthCheck.timeout",
      "logging.driver",
      "mode",
      "networks",
      "placement.constraints[0]",
      "placement.spread",
      "ports[0].publishMode",
      "restart.condition",
      "secrets[0]",
      "stopGracePeriod",
      "update.delay",
      "update.maxFailureRatio",
      "update.monitor",
      "volumes[0]",
      "volumes[1]",
    ]);
    for (const issue of issues) assert.match(issue.message, /^is not supported on ecs; /);
    assert.match(issues.find((i) => i.path === "healthCheck.interval")?.message ?? "", /5s to 300s, not 1s/);
    assert.match(issues.find((i) => i.path === "capAdd[0]")?.message ?? "", /only SYS_PTRACE/);
  });

  it("holds a replicated EC2 service to one task per instance", () => {
    const r = render({ image: "a", replicas: 3, placement: { maxPerNode: 1 } }, ec2);
    assert.deepEqual(r.service.placementConstraints, [{ type: "distinctInstance" }]);
    assert.equal(r.taskDefinition.placementConstraints, undefined);
    assert.equal(
      render({ image: "a", placement: { maxPerNode: 1 } }).service.placementConstraints,
      undefined,
      "Fargate: always one per host",
    );
  });

  it("refuses jobs, restart limits, other log drivers and maxPerNode above 1 on EC2", () => {
    assert.deepEqual(
      refusals({ image: "a", mode: "job" }, ec2).map((i) => i.path),
      ["mode"],
    );
    assert.deepEqual(
      refusals({ image: "a", restart: { maxAttempts: 3, delay: "1s" } }, ec2).map((i) => i.path),
      ["restart.delay", "restart.maxAttempts"],
    );
    assert.deepEqual(
      refusals({ image: "a", logging: { driver: "local" } }, ec2).map((i) => i.path),
      ["logging.driver"],
    );
    assert.deepEqual(
      refusals({ image: "a", placement: { maxPerNode: 2 } }, ec2).map((i) => i.path),
      ["placement.maxPerNode"],
    );
  });

  it("drops ignorable fields with a notice", () => {
    const ignored: string[] = [];
    const r = render(
      { image: "a", networks: ["x"], secrets: [{ source: "s" }], ignoreUnsupported: ["networks", "secrets"] },
      {
        onIgnored: (i) => ignored.push(i.path),
      },
    );
    assert.deepEqual(ignored, ["networks", "secrets[0]"]);
    assert.equal(r.taskDefinition.containerDefinitions[0].mountPoints, undefined);
  });

  it("produces what the ECS API's RegisterTaskDefinition and CreateService inputs accept", () => {
    const r = render({
      image: "a",
      healthCheck: { command: "true" },
      logging: { driver: "awslogs" },
      labels: { a: "b" },
    });
    const taskDefinition: RegisterTaskDefinitionCommandInput = r.taskDefinition;
    const service: CreateServiceCommandInput = r.service;
    assert.equal(taskDefinition.family, "svc");
    assert.equal(service.serviceName, "svc");
    const withFiles: RegisterTaskDefinitionCommandInput = render(
      { image: "a", secrets: [{ source: "tls" }] },
      { secretFiles: ["tls"] },
    ).taskDefinition;
    assert.equal(withFiles.containerDefinitions?.length, 2);
  });

  it("writes secret files from an init container onto a task volume the service mounts read-only", () => {
    const r = render(
      {
        image: "a",
        logging: { driver: "awslogs", options: { "awslogs-stream-prefix": "app" } },
        secrets: [{ source: "tls-key" }, { source: "token", target: "api's token", mode: 0o400 }],
      },
      { secretFiles: ["tls-key", "token"], secretParameterPrefix: "/berth/prod" },
    );
    const [app, init] = r.taskDefinition.containerDefinitions;
    assert.deepEqual(r.taskDefinition.volumes, [{ name: "berth-secrets" }]);
    assert.deepEqual(app.mountPoints, [
      { sourceVolume: "berth-secrets", containerPath: "/run/secrets", readOnly: true },
    ]);
    assert.deepEqual(app.dependsOn, [{ containerName: "berth-secrets", condition: "SUCCESS" }]);
    assert.equal(app.secrets, undefined, "the service's container reads no secret");
    assert.deepEqual(
      [init.name, init.image, init.essential, init.entryPoint],
      [
        "berth-secrets",
        // Pinned by digest: a moved tag cannot change what reads the secrets.
        "public.ecr.aws/docker/library/busybox@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662",
        false,
        ["sh", "-c"],
      ],
    );
    assert.deepEqual(init.secrets, [
      { name: "BERTH_SECRET_0", valueFrom: "/berth/prod/svc/files/tls-key" },
      { name: "BERTH_SECRET_1", valueFrom: "/berth/prod/svc/files/token" },
    ]);
    assert.deepEqual(init.command, [
      [
        "set -e",
        `printf '%s' "$BERTH_SECRET_0" > '/run/secrets/tls-key'`,
        "chmod 444 '/run/secrets/tls-key'",
        `printf '%s' "$BERTH_SECRET_1" > '/run/secrets/api'\\''s token'`,
        `chmod 400 '/run/secrets/api'\\''s token'`,
      ].join("\n"),
    ]);
    assert.deepEqual(init.mountPoints, [
      { sourceVolume: "berth-secrets", containerPath: "/run/secrets", readOnly: false },
    ]);
    assert.deepEqual(init.logConfiguration, { logDriver: "awslogs" }, "its own stream prefix");
    assert.deepEqual(r.secretFileParameters, [
      { source: "tls-key", name: "/berth/prod/svc/files/tls-key" },
      { source: "token", name: "/berth/prod/svc/files/token" },
    ]);
    assert.equal(
      render({ image: "a", secrets: [{ source: "s" }] }, { secretFiles: ["s"], initImage: "my/sh:1" })
        .taskDefinition.containerDefinitions[1].image,
      "my/sh:1",
    );
    const plain = render({ image: "a" });
    assert.equal(plain.taskDefinition.containerDefinitions.length, 1);
    assert.equal(plain.taskDefinition.volumes, undefined);
    assert.equal(plain.taskDefinition.containerDefinitions[0].dependsOn, undefined);
  });

  it("refuses secret files outside /run/secrets/, secrets without content, and config files", () => {
    const issues = refusals(
      {
        image: "a",
        secrets: [
          { source: "ok" },
          { source: "deep", target: "/run/secrets/tls/key.pem" },
          { source: "etc", target: "/etc/ssl/key.pem" },
          { source: "existing" },
        ],
        configs: [{ source: "c" }],
      },
      { secretFiles: ["ok", "deep", "etc"] },
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ["configs", "secrets[1].target", "secrets[2].target", "secrets[3]"],
    );
    const [configs, deep, etc, existing] = issues.map((i) => i.message);
    assert.match(configs, /hid(e|ing) the image's/);
    assert.match(
      deep,
      /\/run\/secrets\/tls\/key\.pem .*directly under \/run\/secrets\/, such as \/run\/secrets\/key\.pem/,
    );
    assert.match(etc, /\/etc\/ssl\/key\.pem/);
    assert.match(existing, /"existing" names an existing secret.*data/);
  });

  it("maps what ECS has a place for: interactive, terminal, kernel parameters, ulimits, init, security, GPUs", () => {
    const r = render(
      {
        image: "a",
        stdinOpen: true,
        tty: true,
        sysctls: { "net.ipv4.tcp_keepalive_time": "60", "kernel.msgmax": "65536" },
        ulimits: { nofile: { soft: 1024, hard: 4096 }, core: 0 },
        init: true,
        securityOpt: { noNewPrivileges: true, appArmor: "unconfined" },
        resources: { reservations: { genericResources: { gpu: 2 } } },
        volumes: [
          { type: "tmpfs", target: "/scratch", tmpfs: { size: "64Mi", mode: 0o1777 } },
          { type: "tmpfs", target: "/ro", readOnly: true, tmpfs: { size: "1Mi" } },
          { type: "volume", target: "/cache" },
        ],
        secrets: [{ source: "key", uid: 1000, gid: 1000, mode: 0o400 }],
      },
      { ...ec2, secretFiles: ["key"] },
    );
    const [c, init] = r.taskDefinition.containerDefinitions;
    assert.equal(c.interactive, true);
    assert.equal(c.pseudoTerminal, true);
    assert.deepEqual(c.systemControls, [
      { namespace: "kernel.msgmax", value: "65536" },
      { namespace: "net.ipv4.tcp_keepalive_time", value: "60" },
    ]);
    assert.deepEqual(c.ulimits, [
      { name: "core", softLimit: 0, hardLimit: 0 },
      { name: "nofile", softLimit: 1024, hardLimit: 4096 },
    ]);
    assert.deepEqual(c.linuxParameters, {
      initProcessEnabled: true,
      tmpfs: [
        { containerPath: "/scratch", size: 64, mountOptions: ["mode=1777"] },
        { containerPath: "/ro", size: 1, mountOptions: ["ro"] },
      ],
    });
    assert.deepEqual(c.dockerSecurityOptions, ["no-new-privileges", "apparmor:unconfined"]);
    assert.deepEqual(c.resourceRequirements, [{ type: "GPU", value: "2" }]);
    assert.deepEqual(r.taskDefinition.volumes?.[0], { name: "volume-2" });
    assert.deepEqual(c.mountPoints?.[0], {
      sourceVolume: "volume-2",
      containerPath: "/cache",
      readOnly: false,
    });
    assert.match(init.command?.[0] ?? "", /chown 1000:1000 '\/run\/secrets\/key'/);
    const plain = render({ image: "a" }).taskDefinition.containerDefinitions[0];
    for (const key of [
      "interactive",
      "pseudoTerminal",
      "systemControls",
      "ulimits",
      "dockerSecurityOptions",
      "resourceRequirements",
      "linuxParameters",
    ])
      assert.ok(!(key in plain), `${key} is left out when the service does not set it`);
  });

  it("keeps an anonymous volume on Fargate as task storage, and refuses what awsvpc and Fargate cannot do", () => {
    assert.deepEqual(
      render({ image: "a", volumes: [{ type: "volume", target: "/cache" }] }).taskDefinition.volumes,
      [{ name: "volume-0" }],
    );
    const issues = refusals({
      image: "a",
      hostname: "api",
      dns: ["10.0.0.2"],
      dnsSearch: ["corp.example"],
      dnsOptions: ["ndots:2"],
      extraHosts: { db: "10.0.0.5" },
      stopSignal: "SIGINT",
      resources: { pids: 10, reservations: { genericResources: { gpu: 1, fpga: 1 } } },
      healthCheck: { command: "true", startPeriod: "10s", startInterval: "1s" },
      securityOpt: { noNewPrivileges: true, seccomp: "unconfined" },
      volumes: [{ type: "tmpfs", target: "/t", tmpfs: { size: "1Mi" } }],
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "dns",
      "dnsOptions",
      "dnsSearch",
      "extraHosts",
      "healthCheck.startInterval",
      "hostname",
      "resources.pids",
      "resources.reservations.genericResources.fpga",
      "resources.reservations.genericResources.gpu",
      "securityOpt.noNewPrivileges",
      "securityOpt.seccomp",
      "stopSignal",
      "volumes[0]",
    ]);
    for (const issue of issues) assert.match(issue.message, /^is not supported on ecs; /);
    assert.match(issues.find((i) => i.path === "hostname")?.message ?? "", /awsvpc/);
    assert.match(issues.find((i) => i.path === "volumes[0]")?.message ?? "", /Fargate has no tmpfs/);
    assert.deepEqual(
      refusals({ image: "a", volumes: [{ type: "tmpfs", target: "/t" }] }, ec2).map((i) => [
        i.path,
        i.message,
      ]),
      [["volumes[0].tmpfs.size", "is not supported on ecs; ECS tmpfs mounts need a size; set tmpfs.size"]],
    );
  });
});
