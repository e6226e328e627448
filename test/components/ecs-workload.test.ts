import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type {
  ContainerDefinition,
  CreateServiceCommandInput,
  RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { ContainerService, type ContainerServiceArgs, ServiceSpecError } from "../../components";
import type { EcsClusterContext } from "../../components/ecs/context";
import type { RegisteredContainer } from "../../components/ecs/task-definition";
import { fargateTaskSize } from "../../components/spec/render/ecs-sizing";
import { runProgram, type ProgramRun, type RecordedResource } from "../support/harness";
import { awsAccount as account, awsMockResource, awsRegion as region, awsTypes } from "../support/aws-mocks";
import { ecsTestContext, TestEcsCluster } from "../support/ecs-stand-in";

const types = { ...awsTypes, workload: "berth:ecs:EcsWorkload" } as const;

/** The stand-in's context with a Spot-heavy strategy and the platform team's tags. */
const context = (overrides: Partial<EcsClusterContext> = {}) =>
  ecsTestContext({
    capacityProviderStrategy: pulumi.output([
      { capacityProvider: "FARGATE", weight: 1, base: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ]),
    tags: { team: "platform" },
    // Most tests publish plain HTTP: the cluster allows it by name (the refusal has its own test).
    allowPlainHttp: true,
    ...overrides,
  });

type ServiceArgs = Omit<ContainerServiceArgs, "cluster">;

function deploy(
  services: Record<string, ServiceArgs>,
  ctx: Partial<EcsClusterContext> = {},
  preview = false,
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new TestEcsCluster("prod", context(ctx));
      return Object.fromEntries(
        Object.entries(services).map(([name, args]) => {
          const s = new ContainerService(name, { cluster, ...args });
          return [name, { endpoints: s.endpoints, name: s.serviceName }];
        }),
      );
    },
    { mockResource: awsMockResource, preview },
  );
}

const ofType = (run: ProgramRun, type: string, prefix = "") =>
  run.resources
    .filter((r) => r.type === type && r.name.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));

const api: ServiceArgs = {
  image: `${account}.dkr.ecr.${region}.amazonaws.com/shop/api:1.2.3`,
  env: { MODE: "prod" },
  secretEnv: { DB_PASSWORD: pulumi.secret("pw-db-123"), API_TOKEN: pulumi.secret("tok-456") },
  registryAuth: { server: "registry.example.com", username: "ci", password: "reg-pw-789" },
  ports: [{ target: 8080, published: 80, http: { path: "/" } }, { target: 9090 }],
  healthCheck: { http: { path: "/healthz", port: 8080 }, interval: "15s", timeout: "5s", retries: 4 },
  resources: { cpu: 0.5, memory: "1536Mi" },
  replicas: 2,
  autoscale: { min: 2, max: 6, cpuPercent: 60, memoryPercent: 75 },
};
const secretValues = ["pw-db-123", "tok-456", "reg-pw-789"];

interface PolicyDoc {
  Statement: { Sid?: string; Effect: string; Action: string[]; Resource: string[] }[];
}

const containersOf = (run: ProgramRun, name: string): RegisteredContainer[] =>
  JSON.parse(run.byName(name, types.taskDefinition).inputs.containerDefinitions as string);

/** Every field of the ECS API's ContainerDefinition: the compiler keeps this list complete. */
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

/** The recorded ecs.Service inputs as the CreateService call the provider makes of them. */
function asCreateService(i: Record<string, unknown>): CreateServiceCommandInput {
  const net = i.networkConfiguration as {
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: boolean;
  };
  return {
    serviceName: i.name as string,
    cluster: i.cluster as string,
    taskDefinition: i.taskDefinition as string,
    desiredCount: i.desiredCount as number | undefined,
    launchType: i.launchType as CreateServiceCommandInput["launchType"],
    capacityProviderStrategy:
      i.capacityProviderStrategies as CreateServiceCommandInput["capacityProviderStrategy"],
    schedulingStrategy: i.schedulingStrategy as CreateServiceCommandInput["schedulingStrategy"],
    deploymentConfiguration: {
      minimumHealthyPercent: i.deploymentMinimumHealthyPercent as number,
      maximumPercent: i.deploymentMaximumPercent as number,
      deploymentCircuitBreaker: i.deploymentCircuitBreaker as { enable: boolean; rollback: boolean },
    },
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: net.subnets,
        securityGroups: net.securityGroups,
        assignPublicIp: net.assignPublicIp ? "ENABLED" : "DISABLED",
      },
    },
    loadBalancers: i.loadBalancers as CreateServiceCommandInput["loadBalancers"],
    serviceRegistries: [i.serviceRegistries as { registryArn: string }],
    enableECSManagedTags: i.enableEcsManagedTags as boolean,
    propagateTags: i.propagateTags as CreateServiceCommandInput["propagateTags"],
  };
}

const ruleText = (r: RecordedResource) => {
  const i = r.inputs;
  const from = i.referencedSecurityGroupId ?? i.cidrIpv4 ?? i.cidrIpv6;
  return `${String(i.securityGroupId)} ${String(i.ipProtocol)}/${String(i.fromPort)} ${r.type === types.egress ? "to" : "from"} ${String(from)}`;
};

async function refusalOf(services: Record<string, ServiceArgs>, ctx: Partial<EcsClusterContext> = {}) {
  const err = await deploy(services, ctx, true).then(
    () => assert.fail("the preview should have failed"),
    (e: Error & { resources?: RecordedResource[] }) => e,
  );
  const cause = err.cause;
  assert.ok(cause instanceof ServiceSpecError, String(cause));
  const created = (err.resources ?? []).filter((r) => r.type.startsWith("aws:"));
  assert.deepEqual(
    created.map((r) => r.name),
    [],
    "nothing was created",
  );
  return cause;
}

/** Each scaling policy as name, type, scaled resource and target tracking configuration. */
const policyRows = (run: ProgramRun) =>
  ofType(run, types.scalingPolicy).map((p) => [
    p.name,
    p.inputs.policyType,
    p.inputs.resourceId,
    p.inputs.targetTrackingScalingPolicyConfiguration,
  ]);

describe("EcsWorkload under mocks", () => {
  it("builds the graph: every resource a child of the workload, the workload a child of the service", async () => {
    const run = await deploy({ api });
    const workload = run.byName("api", types.workload);
    assert.match(workload.parent, /berth:index:ContainerService::api$/);
    const children = run.resources.filter((r) => r.parent === workload.urn);
    assert.deepEqual(
      children.map((r) => `${r.type} ${r.name}`).sort(),
      [
        `${types.logGroup} api`,
        `${types.parameter} api-env-API_TOKEN`,
        `${types.parameter} api-env-DB_PASSWORD`,
        `${types.secret} api-registry`,
        `${types.secretVersion} api-registry`,
        `${types.role} api-task`,
        `${types.role} api-execution`,
        `${types.rolePolicy} api-execution`,
        `${types.taskDefinition} api`,
        `${types.securityGroup} api-tasks`,
        `${types.ingress} api-tasks-from-cluster-tcp-8080`,
        `${types.ingress} api-tasks-from-cluster-tcp-9090`,
        `${types.securityGroup} api-alb`,
        `${types.ingress} api-alb-in-tcp-80`,
        `${types.egress} api-alb-to-tasks-tcp-8080`,
        `${types.ingress} api-tasks-from-alb-tcp-8080`,
        `${types.lb} api-alb`,
        `${types.targetGroup} api-tg-tcp-8080`,
        `${types.listener} api-http-80`,
        `${types.discovery} api`,
        `${types.ecsService} api`,
        `${types.scalingTarget} api-scaling`,
        `${types.scalingPolicy} api-cpu`,
        `${types.scalingPolicy} api-memory`,
      ].sort(),
    );
    const others = run.resources.filter((r) => r.type.startsWith("aws:") && r.parent !== workload.urn);
    assert.deepEqual(
      others.map((r) => r.name),
      [],
      "no AWS resource outside the workload",
    );
    assert.deepEqual(run.outputs.api, {
      name: "api",
      endpoints: [
        { host: "api.prod.internal", port: 8080, protocol: "tcp", publicAddress: "api-alb.elb.example:80" },
        { host: "api.prod.internal", port: 9090, protocol: "tcp" },
      ],
    });
  });

  it("lets the execution role read exactly the service's parameters and registry secret, and nothing else", async () => {
    const run = await deploy({ api });
    const policy = run.byName("api-execution", types.rolePolicy);
    assert.equal(policy.inputs.role, "api-execution-1a2b3c");
    const doc = JSON.parse(policy.inputs.policy as string) as PolicyDoc;
    const arn = (s: string, rest: string) => `arn:aws:${s}:${region}:${account}:${rest}`;
    assert.deepEqual(doc.Statement, [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${arn("logs", "log-group:/ecs/prod/api")}:log-stream:*`],
      },
      {
        Sid: "SecretEnv",
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: [
          arn("ssm", "parameter/berth/prod/api/API_TOKEN"),
          arn("ssm", "parameter/berth/prod/api/DB_PASSWORD"),
        ],
      },
      {
        Sid: "RegistryCredentials",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [arn("secretsmanager", "secret:api-registry-AbCdEf")],
      },
      { Sid: "EcrToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
      {
        Sid: "EcrPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: [arn("ecr", "repository/shop/api")],
      },
    ]);
    // Only ECS tasks of the cluster's own account may assume the roles (the confused deputy); the task
    // role also names the source: ECS in the cluster's region and account.
    const trust = (role: string) =>
      JSON.parse(run.byName(role, types.role).inputs.assumeRolePolicy as string).Statement;
    const statement = {
      Effect: "Allow",
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Action: "sts:AssumeRole",
    };
    assert.deepEqual(trust("api-task"), [
      {
        ...statement,
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": `arn:aws:ecs:${region}:${account}:*` },
        },
      },
    ]);
    assert.deepEqual(trust("api-execution"), [
      { ...statement, Condition: { StringEquals: { "aws:SourceAccount": account } } },
    ]);
    assert.equal(ofType(run, types.rolePolicy).length, 1, "the task role has no policy of its own");
    assert.equal(ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    // A public image pulls from no ECR repository: no ECR statement at all.
    const plain = await deploy({ web: { image: "nginx:1.27" } });
    const plainDoc = JSON.parse(
      plain.byName("web-execution", types.rolePolicy).inputs.policy as string,
    ) as PolicyDoc;
    assert.deepEqual(
      plainDoc.Statement.map((s) => s.Sid),
      ["Logs"],
    );
  });

  it("keeps secret values out of plain inputs: only secret inputs hold them", async () => {
    const run = await deploy({ api });
    const db = run.byName("api-env-DB_PASSWORD", types.parameter);
    assert.deepEqual(
      [db.inputs.name, db.inputs.type, db.inputs.value],
      ["/berth/prod/api/DB_PASSWORD", "SecureString", "pw-db-123"],
    );
    assert.deepEqual(db.secretInputs, ["value"]);
    const version = run.byName("api-registry", types.secretVersion);
    assert.deepEqual(JSON.parse(version.inputs.secretString as string), {
      username: "ci",
      password: "reg-pw-789",
    });
    assert.deepEqual(version.secretInputs, ["secretString"]);
    for (const r of run.resources) {
      for (const [key, value] of Object.entries(r.inputs)) {
        const text = JSON.stringify(value);
        for (const secret of secretValues) {
          if (text?.includes(secret))
            assert.ok(
              r.secretInputs.includes(key),
              `${r.type} ${r.name}.${key} holds a secret in plain state`,
            );
        }
      }
    }
    const [container] = containersOf(run, "api");
    assert.deepEqual(container.secrets, [
      { name: "API_TOKEN", valueFrom: `arn:aws:ssm:${region}:${account}:parameter/berth/prod/api/API_TOKEN` },
      {
        name: "DB_PASSWORD",
        valueFrom: `arn:aws:ssm:${region}:${account}:parameter/berth/prod/api/DB_PASSWORD`,
      },
    ]);
    assert.deepEqual(container.repositoryCredentials, {
      credentialsParameter: `arn:aws:secretsmanager:${region}:${account}:secret:api-registry-AbCdEf`,
    });
  });

  it("writes secret files from an init container onto a task volume: the value only in secret inputs, read only by exact ARN", async () => {
    const tlsKey = "-----BEGIN KEY----- file-secret-321";
    const run = await deploy({
      api: {
        ...api,
        secrets: [
          { source: "tls-key", data: pulumi.secret(tlsKey) },
          {
            source: "token",
            target: "/run/secrets/api-token",
            mode: 0o400,
            data: pulumi.secret("tok-file-654"),
          },
        ],
      },
    });
    const arn = (rest: string) => `arn:aws:ssm:${region}:${account}:parameter/berth/prod/api/${rest}`;
    const file = run.byName("api-file-tls-key", types.parameter);
    assert.deepEqual(
      [file.inputs.name, file.inputs.type, file.inputs.value],
      ["/berth/prod/api/files/tls-key", "SecureString", tlsKey],
    );
    assert.deepEqual(file.secretInputs, ["value"]);
    for (const r of run.resources) {
      for (const [key, value] of Object.entries(r.inputs)) {
        const text = JSON.stringify(value) ?? "";
        if (text.includes(tlsKey) || text.includes("tok-file-654"))
          assert.ok(
            r.secretInputs.includes(key),
            `${r.type} ${r.name}.${key} holds a secret file in plain state`,
          );
      }
    }

    const td = run.byName("api", types.taskDefinition).inputs;
    assert.deepEqual(td.volumes, [{ name: "berth-secrets" }], "task-scoped, no host path");
    const [app, init, ...more] = containersOf(run, "api");
    assert.deepEqual(more, []);
    assert.deepEqual(app.mountPoints, [
      { sourceVolume: "berth-secrets", containerPath: "/run/secrets", readOnly: true },
    ]);
    assert.deepEqual(app.dependsOn, [{ containerName: "berth-secrets", condition: "SUCCESS" }]);
    assert.deepEqual(
      app.secrets?.map((s) => s.name),
      ["API_TOKEN", "DB_PASSWORD"],
      "the service's container reads only its secretEnv",
    );
    assert.ok(!JSON.stringify(app).includes("files/"), "no file parameter reaches the service's container");
    assert.deepEqual(
      [init.name, init.image, init.essential, init.repositoryCredentials],
      [
        "berth-secrets",
        "public.ecr.aws/docker/library/busybox@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662",
        false,
        undefined,
      ],
    );
    assert.deepEqual(init.secrets, [
      { name: "BERTH_SECRET_0", valueFrom: arn("files/tls-key") },
      { name: "BERTH_SECRET_1", valueFrom: arn("files/token") },
    ]);
    assert.match(
      init.command?.[0] ?? "",
      /printf '%s' "\$BERTH_SECRET_1" > '\/run\/secrets\/api-token'\nchmod 400 /,
    );
    assert.deepEqual(init.logConfiguration, {
      logDriver: "awslogs",
      options: {
        "awslogs-stream-prefix": "berth-secrets",
        "awslogs-group": "/ecs/prod/api",
        "awslogs-region": region,
      },
    });
    for (const c of [app, init]) {
      for (const key of Object.keys(c))
        assert.ok(key in containerFields, `${c.name}.${key} is a field of the ECS API's ContainerDefinition`);
    }
    const registered: RegisterTaskDefinitionCommandInput = {
      family: td.family as string,
      containerDefinitions: [app, init],
      volumes: td.volumes as { name: string }[],
    };
    assert.equal(registered.containerDefinitions?.[0].dependsOn?.[0].condition, "SUCCESS");

    const doc = JSON.parse(
      run.byName("api-execution", types.rolePolicy).inputs.policy as string,
    ) as PolicyDoc;
    const reads = doc.Statement.filter((s) => s.Action.includes("ssm:GetParameters"));
    assert.deepEqual(
      reads.map((s) => [s.Sid, s.Resource]),
      [
        ["SecretEnv", [arn("API_TOKEN"), arn("DB_PASSWORD")]],
        ["SecretFiles", [arn("files/tls-key"), arn("files/token")]],
      ],
    );
  });

  it("refuses at preview a secret file outside /run/secrets/, naming service, field and target", async () => {
    const err = await refusalOf({
      svc: {
        image: "a",
        secrets: [
          { source: "ok", data: pulumi.secret("x") },
          { source: "tls", target: "/etc/ssl/private/tls.key", data: pulumi.secret("k") },
        ],
      },
    });
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["secrets[1].target"],
    );
    assert.match(err.message, /service svc/);
    assert.match(err.message, /secrets\[1\]\.target/);
    assert.match(err.message, /\/etc\/ssl\/private\/tls\.key.*\/run\/secrets\/tls\.key/);
  });

  it("opens 0.0.0.0/0 only on the load balancers' listener ports; tasks accept the cluster's tasks and their LB only", async () => {
    const run = await deploy({
      api,
      dns: {
        image: "coredns/coredns:1.11",
        ports: [
          { target: 53, published: 53, protocol: "udp" },
          { target: 5353, published: 853 },
        ],
        healthCheck: { tcp: { port: 8181 } },
      },
    });
    const rules = [...ofType(run, types.ingress), ...ofType(run, types.egress)].map(ruleText).sort();
    assert.deepEqual(rules, [
      "api-alb-id tcp/80 from 0.0.0.0/0",
      "api-alb-id tcp/8080 to api-tasks-id",
      "api-tasks-id tcp/8080 from api-alb-id",
      "api-tasks-id tcp/8080 from sg-cluster-tasks",
      "api-tasks-id tcp/9090 from sg-cluster-tasks",
      "dns-nlb-id tcp/5353 to dns-tasks-id",
      "dns-nlb-id tcp/8181 to dns-tasks-id",
      "dns-nlb-id tcp/853 from 0.0.0.0/0",
      "dns-nlb-id udp/53 from 0.0.0.0/0",
      "dns-nlb-id udp/53 to dns-tasks-id",
      "dns-tasks-id tcp/5353 from dns-nlb-id",
      "dns-tasks-id tcp/5353 from sg-cluster-tasks",
      "dns-tasks-id tcp/8181 from dns-nlb-id",
      "dns-tasks-id udp/53 from dns-nlb-id",
      "dns-tasks-id udp/53 from sg-cluster-tasks",
    ]);
    for (const g of ofType(run, types.securityGroup)) {
      assert.equal(g.inputs.ingress, undefined, `${g.name}: no inline rules`);
      assert.equal(g.inputs.egress, undefined);
      assert.equal(g.inputs.vpcId, "vpc-1");
    }
    const nlb = run.byName("dns-nlb", types.lb).inputs;
    assert.deepEqual(
      [nlb.loadBalancerType, nlb.internal, nlb.subnets, nlb.securityGroups],
      ["network", false, ["subnet-public-a", "subnet-public-b"], ["dns-nlb-id"]],
    );
    const tgs = Object.fromEntries(
      ofType(run, types.targetGroup, "dns").map((t) => [
        t.name,
        [t.inputs.protocol, t.inputs.targetType, t.inputs.port, t.inputs.healthCheck],
      ]),
    );
    assert.deepEqual(tgs, {
      "dns-tg-tcp-5353": [
        "TCP",
        "ip",
        5353,
        { protocol: "TCP", port: "8181", interval: 10, timeout: 5, unhealthyThreshold: 3 },
      ],
      "dns-tg-udp-53": [
        "UDP",
        "ip",
        53,
        { protocol: "TCP", port: "8181", interval: 10, timeout: 5, unhealthyThreshold: 3 },
      ],
    });
    assert.deepEqual(
      ofType(run, types.listener, "dns").map((l) => [l.name, l.inputs.protocol, l.inputs.port]),
      [
        ["dns-listen-tcp-853", "TCP", 853],
        ["dns-listen-udp-53", "UDP", 53],
      ],
    );
    assert.deepEqual((run.outputs.dns as { endpoints: unknown }).endpoints, [
      { host: "dns.prod.internal", port: 53, protocol: "udp", publicAddress: "dns-nlb.elb.example:53" },
      { host: "dns.prod.internal", port: 5353, protocol: "tcp", publicAddress: "dns-nlb.elb.example:853" },
    ]);
  });

  it("checks ALB targets with the service's HTTP check, and listens with HTTPS plus a redirect when a certificate is given", async () => {
    const http = await deploy({ api });
    const tg = http.byName("api-tg-tcp-8080", types.targetGroup).inputs;
    assert.deepEqual([tg.protocol, tg.targetType, tg.port, tg.vpcId], ["HTTP", "ip", 8080, "vpc-1"]);
    assert.deepEqual(tg.healthCheck, {
      protocol: "HTTP", path: "/healthz", port: "traffic-port", matcher: "200-399", interval: 15, timeout: 5, unhealthyThreshold: 4,
    }); // prettier-ignore
    const listener = http.byName("api-http-80", types.listener).inputs;
    assert.deepEqual([listener.protocol, listener.port, listener.certificateArn], ["HTTP", 80, undefined]);
    assert.deepEqual(listener.defaultActions, [
      {
        type: "forward",
        targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/api-tg-tcp-8080`,
      },
    ]);

    const cert = `arn:aws:acm:${region}:${account}:certificate/abc`;
    const tls = await deploy(
      {
        web: {
          image: "nginx:1.27",
          ports: [
            { target: 80, published: 80, http: { host: "shop.example.com", tls: true } },
            { target: 81, published: 8443, http: { path: "/admin" } },
          ],
        },
      },
      { certificateArn: cert },
    );
    const ls = ofType(tls, types.listener).map((l) => [
      l.name,
      l.inputs.protocol,
      l.inputs.port,
      l.inputs.certificateArn ?? null,
    ]);
    assert.deepEqual(ls, [
      ["web-http-redirect", "HTTP", 80, null],
      ["web-https-443", "HTTPS", 443, cert],
      ["web-https-8443", "HTTPS", 8443, cert],
    ]);
    assert.deepEqual(tls.byName("web-http-redirect", types.listener).inputs.defaultActions, [
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    assert.deepEqual(tls.byName("web-https-443", types.listener).inputs.defaultActions, [
      {
        type: "fixed-response",
        fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" },
      },
    ]);
    assert.deepEqual(
      ofType(tls, types.listenerRule).map((r) => [r.name, r.inputs.conditions]),
      [
        [
          "web-route-80",
          [{ hostHeader: { values: ["shop.example.com"] } }, { pathPattern: { values: ["/*"] } }],
        ],
        ["web-route-81", [{ pathPattern: { values: ["/admin", "/admin/*"] } }]],
      ],
    );
    assert.deepEqual(ofType(tls, types.ingress, "web-alb").map(ruleText), [
      "web-alb-id tcp/443 from 0.0.0.0/0",
      "web-alb-id tcp/80 from 0.0.0.0/0",
      "web-alb-id tcp/8443 from 0.0.0.0/0",
    ]);
    assert.deepEqual(
      (tls.outputs.web as { endpoints: { publicAddress?: string }[] }).endpoints.map((e) => e.publicAddress),
      ["web-alb.elb.example:443", "web-alb.elb.example:8443"],
    );
  });

  it("refuses a public plain-HTTP listener at preview unless the cluster has a certificate or allows it by name", async () => {
    const web: ServiceArgs = {
      image: "nginx:1.27",
      ports: [
        { target: 8080, published: 80, http: { path: "/" } },
        { target: 9000, published: 9000 },
      ],
    };
    const err = await refusalOf({ web }, { allowPlainHttp: undefined });
    assert.match(err.message, /service web/);
    assert.deepEqual(err.issues, [
      {
        path: "ports[0].http",
        message:
          "would listen with plain HTTP on port 80, open to the internet: give the ECS cluster a certificateArn (HTTPS), or set allowPlainHttp: true on the ECS cluster",
      },
    ]);
    // ignoreUnsupported does not drop it: it is no target limit.
    const ignored = await refusalOf(
      { web: { ...web, ignoreUnsupported: ["ports"] } },
      { allowPlainHttp: false },
    );
    assert.deepEqual(
      ignored.issues.map((i) => i.path),
      ["ports[0].http"],
    );
    const cert = `arn:aws:acm:${region}:${account}:certificate/abc`;
    const tls = await deploy({ web }, { allowPlainHttp: undefined, certificateArn: cert });
    assert.deepEqual(
      ofType(tls, types.listener, "web-http").map((l) => [l.name, l.inputs.protocol]),
      [
        ["web-http-redirect", "HTTP"],
        ["web-https-443", "HTTPS"],
      ],
    );
    const plain = await deploy({ web }, { allowPlainHttp: true });
    assert.equal(plain.byName("web-http-80", types.listener).inputs.protocol, "HTTP");
  });

  it("opens public listeners only to the port's sourceRanges, IPv4 and IPv6, redirect included", async () => {
    const office = "203.0.113.0/24";
    const vpn = "2001:db8::/32";
    const cert = `arn:aws:acm:${region}:${account}:certificate/abc`;
    const run = await deploy(
      {
        web: {
          image: "nginx:1.27",
          ports: [
            { target: 8080, published: 80, http: { path: "/" }, sourceRanges: [office, vpn] },
            { target: 9000, published: 9000, sourceRanges: [office] },
            { target: 9001, published: 9001 },
          ],
        },
      },
      { certificateArn: cert },
    );
    assert.deepEqual(ofType(run, types.ingress, "web-alb").map(ruleText).sort(), [
      "web-alb-id tcp/443 from 2001:db8::/32",
      "web-alb-id tcp/443 from 203.0.113.0/24",
      "web-alb-id tcp/80 from 2001:db8::/32",
      "web-alb-id tcp/80 from 203.0.113.0/24",
    ]);
    assert.deepEqual(ofType(run, types.ingress, "web-nlb").map(ruleText).sort(), [
      "web-nlb-id tcp/9000 from 203.0.113.0/24",
      "web-nlb-id tcp/9001 from 0.0.0.0/0",
    ]);
    const v6 = ofType(run, types.ingress, "web-alb").find((r) => r.inputs.cidrIpv6 !== undefined);
    assert.equal(v6?.inputs.cidrIpv4, undefined, "an IPv6 block goes in cidrIpv6 only");

    // With HTTPS, ports published on 80 and 443 share the 443 listener: they cannot accept different
    // clients. Refused, naming both.
    const err = await refusalOf(
      {
        two: {
          image: "nginx:1.27",
          ports: [
            { target: 8080, published: 80, http: { path: "/a" }, sourceRanges: [office] },
            { target: 8081, published: 443, http: { path: "/b" } },
          ],
        },
      },
      { certificateArn: cert },
    );
    assert.deepEqual(err.issues, [
      {
        path: "ports[1].sourceRanges",
        message:
          "shares the load balancer's listener on port 443 with ports[0], which accepts 203.0.113.0/24: give both the same sourceRanges, or publish on another port",
      },
    ]);
  });

  it("runs the init container from the cluster's initImage when given", async () => {
    const image = `${account}.dkr.ecr.${region}.amazonaws.com/mirror/busybox@sha256:${"a".repeat(64)}`;
    const run = await deploy(
      { api: { image: "nginx:1.27", secrets: [{ source: "key", data: pulumi.secret("k") }] } },
      { initImage: image },
    );
    const [, init] = containersOf(run, "api");
    assert.deepEqual([init.name, init.image], ["berth-secrets", image]);
  });

  it("runs the service in the private subnets on the Fargate capacity providers, with circuit breaker, rollback and Cloud Map", async () => {
    const run = await deploy({ api });
    const svc = run.byName("api", types.ecsService);
    const call = asCreateService(svc.inputs);
    assert.deepEqual(call, {
      serviceName: "api",
      cluster: `arn:aws:ecs:${region}:${account}:cluster/prod`,
      taskDefinition: `arn:aws:ecs:${region}:${account}:task-definition/prod-api:1`,
      desiredCount: 2,
      launchType: undefined,
      capacityProviderStrategy: [
        { capacityProvider: "FARGATE", weight: 1, base: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 3 },
      ],
      schedulingStrategy: "REPLICA",
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 150,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-private-a", "subnet-private-b"],
          securityGroups: ["sg-cluster-tasks", "api-tasks-id"],
          assignPublicIp: "DISABLED",
        },
      },
      loadBalancers: [
        {
          targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/api-tg-tcp-8080`,
          containerName: "api",
          containerPort: 8080,
        },
      ],
      serviceRegistries: [{ registryArn: `arn:aws:servicediscovery:${region}:${account}:service/srv-api` }],
      enableECSManagedTags: true,
      propagateTags: "SERVICE",
    });
    assert.equal(svc.inputs.waitForSteadyState, true);
    assert.deepEqual(svc.inputs.tags, { team: "platform", "berth:cluster": "prod", "berth:service": "api" });
    const discovery = run.byName("api", types.discovery).inputs;
    assert.deepEqual(
      [discovery.name, discovery.namespaceId, discovery.dnsConfig],
      [
        "api",
        "ns-1",
        { namespaceId: "ns-1", routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
      ],
    );

    const paused = await deploy({
      w: { image: "nginx:1.27", update: { failureAction: "pause", order: "stop-first" }, replicas: 4 },
    });
    const pausedCall = asCreateService(paused.byName("w", types.ecsService).inputs);
    assert.deepEqual(pausedCall.deploymentConfiguration, {
      minimumHealthyPercent: 75,
      maximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: false },
    });
  });

  it("registers a task definition the ECS API accepts, sized from the Fargate table, logging to a log group with retention", async () => {
    const run = await deploy({ api });
    const td = run.byName("api", types.taskDefinition).inputs;
    const [container] = containersOf(run, "api");
    const registered: RegisterTaskDefinitionCommandInput = {
      family: td.family as string,
      networkMode: td.networkMode as "awsvpc",
      requiresCompatibilities: td.requiresCompatibilities as "FARGATE"[],
      cpu: td.cpu as string,
      memory: td.memory as string,
      executionRoleArn: td.executionRoleArn as string,
      taskRoleArn: td.taskRoleArn as string,
      containerDefinitions: [container],
    };
    assert.deepEqual(
      [
        registered.family,
        registered.networkMode,
        registered.requiresCompatibilities,
        registered.cpu,
        registered.memory,
      ],
      ["prod-api", "awsvpc", ["FARGATE"], "512", "2048"],
    );
    assert.deepEqual(fargateTaskSize(512, 1536), { cpu: 512, memory: 2048 }, "the smallest size that fits");
    assert.deepEqual(
      [registered.executionRoleArn, registered.taskRoleArn],
      [`arn:aws:iam::${account}:role/api-execution`, `arn:aws:iam::${account}:role/api-task`],
    );
    for (const key of Object.keys(container))
      assert.ok(key in containerFields, `${key} is a field of the ECS API's ContainerDefinition`);
    assert.deepEqual(container.environment, [{ name: "MODE", value: "prod" }]);
    assert.equal(container.image, api.image);
    assert.deepEqual(container.portMappings, [
      { containerPort: 8080, protocol: "tcp", name: "tcp-8080" },
      { containerPort: 9090, protocol: "tcp", name: "tcp-9090" },
    ]);
    assert.deepEqual(container.logConfiguration, {
      logDriver: "awslogs",
      options: { "awslogs-stream-prefix": "api", "awslogs-group": "/ecs/prod/api", "awslogs-region": region },
    });
    const logs = run.byName("api", types.logGroup).inputs;
    assert.deepEqual([logs.name, logs.retentionInDays], ["/ecs/prod/api", 14]);
    // A service logging elsewhere has no log group and no log grant.
    const splunk = await deploy({
      s: { image: "nginx:1.27", logging: { driver: "splunk", options: { "splunk-url": "https://s" } } },
    });
    assert.equal(ofType(splunk, types.logGroup).length, 0);
    assert.deepEqual(containersOf(splunk, "s")[0].logConfiguration, {
      logDriver: "splunk",
      options: { "splunk-url": "https://s" },
    });
  });

  it("scales on CPU and memory between the spec's bounds, and leaves the task count to the autoscaler", async () => {
    const run = await deploy({ api });
    const target = run.byName("api-scaling", types.scalingTarget).inputs;
    assert.deepEqual(
      [
        target.serviceNamespace,
        target.scalableDimension,
        target.resourceId,
        target.minCapacity,
        target.maxCapacity,
      ],
      ["ecs", "ecs:service:DesiredCount", "service/prod/api", 2, 6],
    );
    assert.deepEqual(policyRows(run), [
      [
        "api-cpu",
        "TargetTrackingScaling",
        "service/prod/api",
        {
          targetValue: 60,
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        },
      ],
      [
        "api-memory",
        "TargetTrackingScaling",
        "service/prod/api",
        {
          targetValue: 75,
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
        },
      ],
    ]);
    const fixed = await deploy({ w: { image: "nginx:1.27" } });
    assert.equal(ofType(fixed, types.scalingTarget).length + ofType(fixed, types.scalingPolicy).length, 0);
  });

  it("scales on requests per target with one policy per ALB target group, labelled by the ARN suffixes", async () => {
    const run = await deploy({
      web: {
        image: "nginx:1.27",
        ports: [{ target: 8080, published: 80, http: { path: "/" } }, { target: 9090 }],
        autoscale: { min: 1, max: 5, requestsPerTarget: 1200 },
      },
    });
    assert.deepEqual(policyRows(run), [
      [
        "web-requests-8080",
        "TargetTrackingScaling",
        "service/prod/web",
        {
          targetValue: 1200,
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: "app/web-alb/50dc6c495c0c9188/targetgroup/web-tg-tcp-8080/73e2d6bc24d8a067",
          },
        },
      ],
    ]);
  });

  it("refuses scaling on requests at preview for a service without an ALB, saying what it needs", async () => {
    const err = await refusalOf({
      db: {
        image: "postgres:16",
        ports: [{ target: 5432, published: 5432 }],
        autoscale: { min: 1, max: 3, requestsPerTarget: 100 },
      },
    });
    assert.match(err.message, /service db/);
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["autoscale.requestsPerTarget"],
    );
    assert.match(err.issues[0].message, /Application Load Balancer: publish a public port with http/);
  });

  it("runs on EC2 capacity providers when the service needs EC2 and the cluster has it", async () => {
    const run = await deploy(
      { vol: { image: "nginx:1.27", volumes: [{ type: "bind", source: "/srv/data", target: "/data" }] } },
      {
        hasEc2Capacity: true,
        capacityProviderStrategy: pulumi.output([
          { capacityProvider: "FARGATE", weight: 1 },
          { capacityProvider: "prod-ec2", weight: 1 },
        ]),
      },
    );
    const svc = run.byName("vol", types.ecsService).inputs;
    assert.deepEqual(svc.capacityProviderStrategies, [{ capacityProvider: "prod-ec2", weight: 1 }]);
    assert.equal(svc.launchType, undefined);
    const td = run.byName("vol", types.taskDefinition).inputs;
    assert.deepEqual(td.requiresCompatibilities, ["EC2"]);
    assert.deepEqual(td.volumes, [{ name: "volume-0", hostPath: "/srv/data" }]);
  });

  it("fails the preview, before creating anything, naming the service and each field ECS refuses", async () => {
    const cases: [ServiceArgs, string, Partial<EcsClusterContext>?][] = [
      [{ image: "a", mode: "job" }, "mode"],
      [{ image: "a", mode: "global" }, "mode"],
      [{ image: "a", restart: { condition: "none" } }, "restart.condition"],
      [{ image: "a", update: { delay: "5s" } }, "update.delay"],
      [{ image: "a", networks: ["backend"] }, "networks"],
      [{ image: "a", ports: [{ target: 80, published: 80, publishMode: "host" }] }, "ports[0].publishMode"],
      [
        { image: "a", secrets: [{ source: "tls", data: pulumi.secret("k"), target: "/etc/tls.key" }] },
        "secrets[0].target",
      ],
      [{ image: "a", secrets: [{ source: "existing" }] }, "secrets[0]"],
      [{ image: "a", configs: [{ source: "conf", data: "x" }] }, "configs"],
      [{ image: "a", volumes: [{ type: "volume", source: "v", target: "/v" }] }, "volumes[0]"],
      [{ image: "a", capAdd: ["NET_ADMIN"] }, "capAdd[0]"],
      [{ image: "a", logging: { driver: "json-file" } }, "logging.driver"],
      [{ image: "a", placement: { constraints: ["node.labels.zone==a"] } }, "placement.constraints[0]"],
      [{ image: "a", resources: { cpu: 32 } }, "resources"],
      [{ image: "a", stopGracePeriod: "5m" }, "stopGracePeriod"],
      [{ image: "a", healthCheck: { command: "true", interval: "1s" } }, "healthCheck.interval"],
      [
        { image: "a", ports: [{ target: 443, published: 443, http: { host: "a.example.com", tls: true } }] },
        "ports[0].http.tls",
      ],
      [{ image: "a", ports: [{ target: 53, published: 53, protocol: "udp" }] }, "ports[0]"],
    ];
    // The same program with a service ECS can run previews without a problem.
    const preview = await deploy({ api }, {}, true);
    assert.ok(preview.resources.some((r) => r.type === types.ecsService));
    for (const [args, field, ctx] of cases) {
      const err = await refusalOf({ svc: args }, ctx);
      assert.match(err.message, /service svc/, field);
      assert.deepEqual(
        err.issues.map((i) => i.path),
        [field],
        JSON.stringify(err.issues),
      );
    }
  });

  it("registers the task definition with the service's runtimePlatform, and none without a platform", async () => {
    const run = await deploy({
      arm: { image: "registry.example.com/api:1", platform: "linux/arm64" },
      any: { image: "registry.example.com/api:1" },
    });
    assert.deepEqual(run.byName("arm", types.taskDefinition).inputs.runtimePlatform, {
      cpuArchitecture: "ARM64",
      operatingSystemFamily: "LINUX",
    });
    assert.equal(run.byName("any", types.taskDefinition).inputs.runtimePlatform, undefined);
  });
});
