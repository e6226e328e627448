/**
 * ComposeStack with services that `build:`, under mocks: one Image per built service, pushed to the
 * service's `image` or `<registry.repository>/<service>`, and each service running the pushed digest
 * with the registry's credentials, on a swarm and through ContainerService on Kubernetes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import { ComposeStack, type ComposeStackArgs } from "../../components/compose";
import { KubernetesCluster } from "../../components/kubernetes";
import { LocalSwarm } from "../../components/swarm";
import type { ProviderServiceSpec } from "../../provider/swarm";
import { composeDir } from "../support/compose-dir";
import { type MockedResource, runProgram, type RecordedResource } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource, kubernetesTypes } from "../support/kubernetes-mocks";

const imageType = "pulumi-nodejs:dynamic/berth/docker:Image";
const swarmServiceType = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";
const digest = `sha256:${"cd34".repeat(16)}`;
const credentials = { server: "127.0.0.1:5000", username: "ci", password: "push-pw-8812" };
const stackAuth = { server: "other.example.com", username: "puller", password: "pull-pw-1290" };

const compose = `
name: shop
services:
  web:
    build: ./web
    ports: ["8080:80"]
  api:
    image: 127.0.0.1:5000/team/api:v2
    build:
      context: ./api
      dockerfile: Dockerfile.prod
      args: [VERSION=1.2]
      target: runtime
  db:
    image: other.example.com/postgres:16
`;

const files = {
  "web/Dockerfile": "FROM local/busybox:1\n",
  "api/Dockerfile.prod": "FROM local/busybox:1 AS runtime\n",
};

/** The image as a push answers it (its repository at a digest); the rest as the targets' mocks do. */
function mockDynamic(resource: MockedResource): Record<string, unknown> | undefined {
  if (resource.type === imageType)
    return { repoDigest: `${resource.inputs.repository}@${digest}`, digest, contextHash: "c0ffee" };
  if (resource.type.endsWith(":SwarmMode"))
    return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  // A service's spec version, which the stack's convergence wait checks for.
  if (resource.type.endsWith(":SwarmService")) return { version: 1 };
  if (resource.type.startsWith("pulumi-nodejs:dynamic/berth/swarm:")) return {};
  return kubernetesMockDynamic(resource);
}

function deploy(
  cluster: "swarm" | "kubernetes",
  args: Partial<ComposeStackArgs>,
  options: { preview?: boolean; content?: string } = {},
) {
  const workingDir = composeDir(files);
  return runProgram(
    () => {
      const target =
        cluster === "swarm"
          ? new LocalSwarm("local", { defaultNetwork: { skip: true } })
          : new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace: "shop" });
      new ComposeStack("shop", {
        cluster: target,
        project: { content: options.content ?? compose, workingDir, env: {} },
        registryAuth: stackAuth,
        ...args,
      });
    },
    { mockDynamic, mockResource: kubernetesMockResource, preview: options.preview },
  ).then((run) => ({ run, workingDir }));
}

function assertImages(resources: RecordedResource[], workingDir: string, stackUrn: string): void {
  const components = resources.filter((r) => r.type === "berth:registry:Image");
  assert.deepEqual(components.map((c) => c.name).sort(), ["shop-api-image", "shop-web-image"]);
  for (const c of components) assert.equal(c.parent, stackUrn, "each Image is the stack's child");
  const image = (name: string) => resources.find((r) => r.type === imageType && r.name === name)!;
  const web = image("shop-web-image");
  assert.equal(web.inputs.context, `${workingDir}/web`);
  assert.equal(web.inputs.repository, "127.0.0.1:5000/shop/web");
  const api = image("shop-api-image");
  assert.equal(api.inputs.context, `${workingDir}/api`);
  assert.equal(api.inputs.dockerfile, "Dockerfile.prod");
  assert.equal(api.inputs.target, "runtime");
  assert.deepEqual(api.inputs.buildArgs, { VERSION: "1.2" });
  assert.equal(api.inputs.repository, "127.0.0.1:5000/team/api");
  assert.equal(api.inputs.tag, "v2");
  assert.ok(api.secretInputs.includes("registry"), "push credentials are secret in state");
  assert.equal(resources.filter((r) => r.type === imageType).length, 2, "nothing built for db");
}

describe("ComposeStack building services' images (under mocks)", () => {
  it("on a swarm: pushes each build and runs the pushed digest with the registry's credentials", async () => {
    const { run, workingDir } = await deploy("swarm", {
      registry: { repository: "127.0.0.1:5000/shop", credentials },
    });
    assertImages(run.resources, workingDir, run.byName("shop", "berth:compose:ComposeStack").urn);
    const service = (key: string) => run.byName(`shop-${key}`, swarmServiceType);
    const imageOf = (key: string) =>
      (service(key).inputs.spec as ProviderServiceSpec).TaskTemplate.ContainerSpec.Image;
    assert.equal(imageOf("web"), `127.0.0.1:5000/shop/web@${digest}`);
    assert.equal(imageOf("api"), `127.0.0.1:5000/team/api@${digest}`);
    assert.equal(imageOf("db"), "other.example.com/postgres:16");
    const push = {
      serveraddress: credentials.server,
      username: credentials.username,
      password: credentials.password,
    };
    assert.deepEqual(service("web").inputs.registryAuth, push);
    assert.deepEqual(service("api").inputs.registryAuth, push);
    assert.equal((service("db").inputs.registryAuth as { username: string }).username, stackAuth.username);
    assert.ok(service("web").secretInputs.includes("registryAuth"));
  });

  it("on Kubernetes: each ContainerService runs the pushed digest and pulls with the registry's credentials", async () => {
    const { run, workingDir } = await deploy("kubernetes", {
      registry: { repository: "127.0.0.1:5000/shop", credentials },
    });
    assertImages(run.resources, workingDir, run.byName("shop", "berth:compose:ComposeStack").urn);
    const containerOf = (key: string) => {
      const deployment = run.resources.find(
        (r) => r.type === kubernetesTypes.deployment && r.name.startsWith(`shop-${key}`),
      );
      assert.ok(deployment, `a Deployment for ${key}`);
      const spec = deployment.inputs.spec as Deployment["spec"];
      return spec!.template.spec!;
    };
    assert.equal(containerOf("web").containers[0].image, `127.0.0.1:5000/shop/web@${digest}`);
    assert.equal(containerOf("api").containers[0].image, `127.0.0.1:5000/team/api@${digest}`);
    const pullServer = (key: string) => {
      const secret = run.byName(`shop-${key}-registry`, kubernetesTypes.secret);
      const config = JSON.parse((secret.inputs.stringData as Record<string, string>)[".dockerconfigjson"]);
      return config.auths;
    };
    const webAuth = pullServer("web")[credentials.server];
    assert.equal(webAuth.username, credentials.username);
    assert.equal(webAuth.password, credentials.password);
    assert.deepEqual(Object.keys(pullServer("web")), [credentials.server]);
    assert.deepEqual(Object.keys(pullServer("api")), [credentials.server]);
    assert.deepEqual(
      Object.keys(pullServer("db")),
      [stackAuth.server],
      "db pulls with the stack's registryAuth",
    );
    assert.ok(containerOf("web").imagePullSecrets?.length, "web pulls with a secret");
  });

  it("without registry, runs a service's named image unbuilt, says so, and refuses a build with no image", async () => {
    const err = await deploy("swarm", {}, { preview: true }).then(
      () => assert.fail("the preview should have failed"),
      (e: Error) => e,
    );
    assert.match(err.message, /services\.web\.build: service web builds its image: pass registry/);
    assert.doesNotMatch(err.message, /services\.api/, "api has an image to run");
    assert.doesNotMatch(err.message, /cannot build images/, "reported once");

    // The file as deployment files usually are: every built service also names its image.
    const content = compose.replace(
      "    build: ./web\n",
      "    image: 127.0.0.1:5000/team/web:v1\n    build: ./web\n",
    );
    for (const target of ["swarm", "kubernetes"] as const) {
      const { run } = await deploy(target, {}, { preview: true, content });
      assert.deepEqual(
        run.resources.filter((r) => r.type === "berth:registry:Image"),
        [],
        `${target}: nothing is built`,
      );
      const skipped = run.logs.filter((l) => l.message.includes("build skipped")).map((l) => l.message);
      assert.deepEqual(
        skipped.sort(),
        [
          "service api: build skipped, running its image 127.0.0.1:5000/team/api:v2 (give registry to build and push it)",
          "service web: build skipped, running its image 127.0.0.1:5000/team/web:v1 (give registry to build and push it)",
        ],
        target,
      );
    }
    const swarm = await deploy("swarm", {}, { preview: true, content });
    const images = swarm.run.resources
      .filter((r) => r.type === swarmServiceType)
      .map((r) => (r.inputs.spec as ProviderServiceSpec).TaskTemplate.ContainerSpec.Image)
      .sort();
    assert.deepEqual(images, [
      "127.0.0.1:5000/team/api:v2",
      "127.0.0.1:5000/team/web:v1",
      "other.example.com/postgres:16",
    ]);
  });

  it("refuses build keys it cannot honour, naming them, on Kubernetes too", async () => {
    const content = `
name: shop
services:
  web:
    build:
      context: ./web
      cache_from: [127.0.0.1:5000/shop/web:cache]
`;
    const err = await deploy(
      "kubernetes",
      { registry: { repository: "127.0.0.1:5000/shop", credentials } },
      { preview: true, content },
    ).then(
      () => assert.fail("the preview should have failed"),
      (e: Error) => e,
    );
    assert.match(err.message, /services\.web\.build\.cache_from: is not supported/);
  });
});
