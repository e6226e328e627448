import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runProgram, unknownValue, type ProgramRun } from "../support/harness";
import { descendants, plainHolders } from "../support/state-queries";
import { awsMockInvoke, awsMockResource, awsTypes } from "../support/aws-mocks";
import { loadExample } from "../support/example-program";

const apiToken = "tok-example-4711";
const image = "registry.example.com/tools/busybox:1.36";
const types = {
  ...awsTypes,
  cluster: "berth:ecs:EcsCluster",
  service: "berth:index:ContainerService",
  workload: "berth:ecs:EcsWorkload",
} as const;

/** Loads the example's program afresh from the build, as each `pulumi up` does. */
function ecsProgram(): unknown {
  return loadExample("ecs");
}

function run(preview: boolean, previous?: ProgramRun): Promise<ProgramRun> {
  return runProgram(ecsProgram, {
    previous,
    project: "berth-ecs",
    stack: "dev",
    config: { image, apiToken },
    secretConfig: ["apiToken"],
    preview,
    mockResource: awsMockResource,
    mockInvoke: awsMockInvoke,
  });
}

const ofType = (r: ProgramRun, type: string) =>
  r.resources.filter((x) => x.type === type).sort((a, b) => a.name.localeCompare(b.name));

interface Container {
  command?: string[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  healthCheck?: { command: string[] };
}
const containerOf = (r: ProgramRun, service: string): Container =>
  JSON.parse(r.byName(service, types.taskDefinition).inputs.containerDefinitions as string)[0];
const envOf = (c: Container) => Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));

/** The graph both a preview and an up must have: one cluster, three workloads, one ALB, for web. */
function assertGraph(r: ProgramRun) {
  const clusters = ofType(r, types.cluster);
  assert.deepEqual(
    clusters.map((c) => c.name),
    ["berth"],
  );
  assert.equal(ofType(r, types.ecsCluster).length, 1);
  const workloads = ofType(r, types.workload);
  assert.deepEqual(
    workloads.map((w) => w.name),
    ["api", "web", "worker"],
  );
  for (const workload of workloads) {
    const service = descendants(r, workload, types.ecsService);
    assert.equal(service.length, 1, `${workload.name} has one ECS service`);
    assert.equal(service[0].inputs.name, workload.name);
  }
  const balancers = ofType(r, types.lb);
  assert.equal(balancers.length, 1, "exactly one load balancer");
  const [web] = workloads.filter((w) => w.name === "web");
  assert.deepEqual(descendants(r, web, types.lb), balancers, "the load balancer is the web's");
  assert.equal(balancers[0].inputs.loadBalancerType, "application");
  assert.equal(balancers[0].inputs.internal, false);
  for (const name of ["api", "worker"]) {
    const [workload] = workloads.filter((w) => w.name === name);
    assert.deepEqual(descendants(r, workload, types.lb), [], `${name} has no load balancer`);
    assert.equal(r.byName(name, types.ecsService).inputs.loadBalancers, undefined);
  }
  assert.deepEqual(
    ["web", "api"].map((name) => r.byName(name, types.ecsService).inputs.desiredCount),
    [2, 2],
  );
}

/** The token reaches the tasks only through SSM SecureString parameters, and stays secret everywhere. */
function assertTokenSecret(r: ProgramRun) {
  const parameters = ofType(r, types.parameter);
  assert.deepEqual(
    parameters.map((p) => [p.name, p.inputs.type, p.inputs.value, p.secretInputs]),
    [
      ["api-env-API_TOKEN", "SecureString", apiToken, ["value"]],
      ["worker-env-API_TOKEN", "SecureString", apiToken, ["value"]],
    ],
  );
  assert.deepEqual(plainHolders(r, apiToken), [], "the token is in no plain input");
  assert.equal(JSON.stringify(r.outputs).includes(apiToken), false, "no token in stack outputs");
}

describe("examples/ecs under mocks", () => {
  it("previews the app: the cluster, three workloads, one ALB for web, the token only in secrets", async () => {
    const r = await run(true);
    assertGraph(r);
    assertTokenSecret(r);
    assert.equal(
      r.resources.some((x) => x.custom && x.operation !== "create"),
      false,
    );
    assert.deepEqual(r.outputs.services, { web: "web", api: "api", worker: "worker" });
    assert.equal(r.outputs.apiEndpoint, "api.berth.local:8080");
    assert.equal(r.outputs.url, unknownValue, "the ALB's DNS name is not known before it exists");
  });

  it("deploys the app: files through variables, the api by its Cloud Map name, the web's public URL", async () => {
    const r = await run(false);
    assertGraph(r);
    assertTokenSecret(r);

    // ECS mounts no files: each page travels in a variable and the shell writes it before httpd starts.
    const web = containerOf(r, "web");
    const webEnv = envOf(web);
    assert.match(webEnv.INDEX_HTML, /Served by Berth's web service/);
    assert.match(webEnv.API_CGI, /wget -qO- "http:\/\/api\.berth\.local:8080\/"/);
    assert.deepEqual(web.command?.slice(0, 2), ["sh", "-c"]);
    assert.match(web.command?.[2] ?? "", /printf '%s' "\$INDEX_HTML" > \/srv\/www\/index\.html/);
    assert.match(web.command?.[2] ?? "", /printf '%s' "\$API_CGI" > \/srv\/www\/cgi-bin\/api/);
    assert.match(web.command?.[2] ?? "", /&& exec httpd -f -p 80 -h \/srv\/www$/);
    assert.ok(web.healthCheck, "web has a health check");
    const api = containerOf(r, "api");
    assert.equal(envOf(api).API_PAGE, "api: ok\n");
    assert.match(api.command?.[2] ?? "", /exec httpd -f -p 8080 -h \/srv\/api$/);
    const worker = containerOf(r, "worker");
    assert.equal(envOf(worker).API_HOST, "api.berth.local");
    assert.match(worker.command?.[2] ?? "", /wget -qO \/tmp\/last "http:\/\/\$API_HOST:8080\/"/);
    assert.deepEqual(worker.healthCheck?.command, ["CMD-SHELL", "test -f /tmp/healthy"]);
    assert.deepEqual(
      worker.secrets?.map((s) => s.name),
      ["API_TOKEN"],
    );
    assert.equal(envOf(worker).API_TOKEN, undefined, "the token is no plain variable");

    // The api is registered in Cloud Map under its service name, and that is its endpoint.
    assert.equal(r.byName("api", types.discovery).inputs.name, "api");
    assert.equal(r.outputs.apiEndpoint, "api.berth.local:8080");
    assert.equal(r.outputs.clusterName, "berth");
    assert.deepEqual(r.outputs.services, { web: "web", api: "api", worker: "worker" });
    assert.equal(r.outputs.url, "http://web-alb.elb.example:80/");
  });

  it("shows no changes on a second preview after the up", async () => {
    const up = await run(false);
    const again = await run(true, up);
    const changed = again.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
    assert.equal(again.resources.filter((r) => r.custom).length, up.resources.filter((r) => r.custom).length);
  });
});
