/**
 * examples/registry under the test engine: the Helm release and the Kubernetes objects are mocked,
 * the image's build and push is answered by mockDynamic, and every Harbor resource (the health wait,
 * the project, its retention and immutability rules, the robot) runs in Pulumi's dynamic-provider host
 * against the contract-checked Harbor fake.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DeploymentSpec } from "kubernetes-types/apps/v1";
import path from "path";
import { type MockedResource, runProgram, type ProgramRun } from "../support/harness";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import {
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";
import { descendants, plainHolders } from "../support/state-queries";
import { loadExample } from "../support/example-program";

const dyn = (module: string, kind: string) => `pulumi-nodejs:dynamic/berth/${module}:${kind}`;
const types = {
  registry: "berth:registry:HarborRegistry",
  release: "kubernetes:helm.sh/v3:Release",
  health: dyn("harbor", "HarborHealth"),
  project: dyn("harbor", "HarborProject"),
  retention: dyn("harbor", "HarborRetentionPolicy"),
  immutable: dyn("harbor", "HarborImmutableTagRule"),
  robot: dyn("harbor", "HarborRobotAccount"),
  service: "berth:index:ContainerService",
  image: dyn("docker", "Image"),
} as const;
const digest = `sha256:${"5e".repeat(32)}`;
let fake: HarborFake;

function registryProgram(): unknown {
  return loadExample("registry");
}

function mockResource(resource: MockedResource): Record<string, unknown> {
  if (resource.type === types.release) return { status: { revision: 1, status: "deployed" } };
  return kubernetesMockResource(resource);
}

/** The push, as the registry would answer it; the rollout wait as its mock does; Harbor for real. */
function mockDynamic(resource: MockedResource): Record<string, unknown> | undefined {
  if (resource.type === types.image) {
    return { repoDigest: `${resource.inputs.repository}@${digest}`, digest, contextHash: "c0ffee" };
  }
  return kubernetesMockDynamic(resource);
}

function run(): Promise<ProgramRun> {
  return runProgram(registryProgram, {
    project: "berth-registry",
    stack: "dev",
    config: {
      externalURL: fake.url,
      allowInsecureHttp: "true",
      harborAdminPassword: fake.password,
      appDir: path.resolve("examples", "registry", "app"),
      kubeconfig: "apiVersion: v1\nkind: Config\n",
    },
    secretConfig: ["harborAdminPassword", "kubeconfig"],
    mockResource,
    mockDynamic,
  });
}

describe("examples/registry under mocks, Harbor on the fake", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());
  afterEach(() =>
    assert.deepEqual(fake.violations.splice(0), [], "every Harbor call keeps Harbor's contract"),
  );

  it("installs Harbor, configures the project and robot, and runs the pushed image with the robot's credentials", async () => {
    const r = await run();
    const harbor = r.byName("harbor", types.registry);
    for (const [name, type] of [
      ["harbor-release", types.release],
      ["harbor-health", types.health],
      ["harbor-namespace", t.namespace],
    ]) {
      assert.equal(r.byName(name, type).parent, harbor.urn, `${name} belongs to the registry`);
    }
    assert.equal(r.byName("harbor-release", types.release).inputs.chart, "harbor");

    // Harbor holds what the program asked for.
    const project = [...fake.state.projects.values()].find((p) => p.name === "apps");
    assert.ok(project, "the project exists in Harbor");
    assert.equal(r.byName("apps", types.project).outputs.projectId, project.project_id);
    assert.equal(fake.state.retentions.size, 1, "one retention policy");
    assert.equal(fake.state.immutableRules.size, 1, "one immutability rule");
    const robot = [...fake.state.robots.values()].find((x) => x.name === "robot$apps+deploy");
    assert.ok(robot, "the robot exists in Harbor");
    const firstConfigured = fake.requests.findIndex((q) => q.operationId !== "getHealth");
    assert.ok(
      fake.requests.slice(0, firstConfigured).some((q) => q.operationId === "getHealth"),
      "Harbor's health was checked before anything was configured",
    );

    // The image is built and pushed by the robot; the service runs exactly the pushed digest.
    const service = r.byName("web", types.service);
    const [image] = descendants(r, service, types.image);
    const server = new URL(fake.url).host;
    assert.equal(image.inputs.repository, `${server}/apps/web`);
    assert.deepEqual(image.inputs.registry, {
      serveraddress: server,
      username: "robot$apps+deploy",
      password: robot.secret,
    });
    const [deployment] = descendants(r, service, t.deployment);
    const pod = (deployment.inputs.spec as DeploymentSpec).template.spec!;
    assert.equal(pod.containers[0].image, `${server}/apps/web@${digest}`);
    const [pullSecret] = descendants(r, service, t.secret).filter(
      (s) => s.inputs.type === "kubernetes.io/dockerconfigjson",
    );
    assert.deepEqual(pod.imagePullSecrets, [{ name: (pullSecret.inputs.metadata as { name: string }).name }]);
    const auths = JSON.parse(
      (pullSecret.inputs.stringData as Record<string, string>)[".dockerconfigjson"],
    ).auths;
    assert.equal(auths[server].username, "robot$apps+deploy");

    // Secrets stay secret in state.
    for (const [what, secret] of [
      ["the admin password", fake.password],
      ["the robot's secret", robot.secret],
    ]) {
      assert.deepEqual(plainHolders(r, secret), [], `${what} is in no plain input`);
    }
    assert.ok(r.byName("deploy", types.robot).secretOutputs.includes("secret"));
    assert.ok(r.byName("harbor-release", types.release).secretInputs.includes("values"));
    assert.equal(r.outputs.robotName, "robot$apps+deploy");
    await r.destroy();
    assert.equal(fake.state.projects.size, 0, "destroy removed the project from Harbor");
  });
});
