/**
 * ContainerService with `build` and `registry` instead of `image`, under mocks: an Image child builds
 * and pushes, the service runs the pushed digest and pulls with the registry's credentials.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "fs";
import os from "os";
import path from "path";
import { ContainerService, type ContainerServiceArgs, ServiceSpecError } from "../../components/service";
import { LocalSwarm } from "../../components/swarm";
import { type MockedResource, runProgram } from "../support/harness";
import type { ProviderServiceSpec } from "../../provider/swarm";

const dynamic = (module: string, kind: string) => `pulumi-nodejs:dynamic/berth/${module}:${kind}`;
const imageType = dynamic("docker", "Image");
const digest = `sha256:${"ab12".repeat(16)}`;
/** The build context: the image's check reads it for real. */
let context = "";
const credentials = { server: "127.0.0.1:5000", username: "ci", password: "push-pw-4471" };

/** The image as a push would answer it (its repository at a digest); swarm resources as their mocks do. */
function mockDynamic({ type, inputs }: MockedResource): Record<string, unknown> | undefined {
  if (type === imageType)
    return { repoDigest: `${inputs.repository}@${digest}`, digest, contextHash: "c0ffee" };
  if (type.endsWith(":SwarmMode")) return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  return {};
}

function deploy(args: Omit<ContainerServiceArgs, "cluster">) {
  return runProgram(
    () => {
      const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
      new ContainerService("api", { cluster, ...args });
    },
    { mockDynamic },
  );
}

async function specError(args: Omit<ContainerServiceArgs, "cluster">): Promise<ServiceSpecError> {
  const err = await deploy(args).then(
    () => assert.fail("the program should fail"),
    (e: Error) => e,
  );
  const cause = (err.cause as Error) ?? err;
  assert.ok(cause instanceof ServiceSpecError, String(cause));
  return cause;
}

describe("ContainerService building its image (under mocks)", () => {
  before(() => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), "berth-service-build-"));
    fs.writeFileSync(path.join(context, "Dockerfile"), "FROM local/busybox:1\n");
    fs.writeFileSync(path.join(context, "Dockerfile.prod"), "FROM local/busybox:1 AS runtime\n");
  });
  after(() => fs.rmSync(context, { recursive: true, force: true }));

  it("builds and pushes with an Image child, runs the pushed digest and pulls with the registry's credentials", async () => {
    const run = await deploy({
      build: { context, dockerfile: "Dockerfile.prod", args: { VERSION: "1.2" }, target: "runtime" },
      registry: { repository: "127.0.0.1:5000/apps/api", credentials, tag: "v1" },
    });
    const service = run.byName("api", "berth:index:ContainerService");
    const component = run.byName("api-image", "berth:registry:Image");
    assert.equal(component.parent, service.urn, "the Image is the service's child");
    const image = run.byName("api-image", imageType);
    assert.equal(image.parent, component.urn);
    assert.equal(image.inputs.context, context);
    assert.equal(image.inputs.dockerfile, "Dockerfile.prod");
    assert.equal(image.inputs.target, "runtime");
    assert.deepEqual(image.inputs.buildArgs, { VERSION: "1.2" });
    assert.equal(image.inputs.repository, "127.0.0.1:5000/apps/api");
    assert.equal(image.inputs.tag, "v1");
    assert.ok(image.secretInputs.includes("registry"), "push credentials are secret in state");

    const swarmService = run.byName("api", dynamic("swarm", "SwarmService"));
    const spec = swarmService.inputs.spec as ProviderServiceSpec;
    assert.equal(spec.TaskTemplate.ContainerSpec.Image, `127.0.0.1:5000/apps/api@${digest}`);
    assert.deepEqual(swarmService.inputs.registryAuth, {
      serveraddress: credentials.server,
      username: credentials.username,
      password: credentials.password,
    });
    assert.ok(swarmService.secretInputs.includes("registryAuth"));
  });

  it("pulls with registryAuth when given, and pushes with the registry's credentials", async () => {
    const pull = { server: "127.0.0.1:5000", username: "robot", password: "pull-pw-9" };
    const run = await deploy({
      build: { context },
      registry: { repository: "127.0.0.1:5000/apps/api", credentials },
      registryAuth: pull,
    });
    const image = run.byName("api-image", imageType);
    assert.equal((image.inputs.registry as { username: string }).username, "ci");
    const swarmService = run.byName("api", dynamic("swarm", "SwarmService"));
    assert.equal((swarmService.inputs.registryAuth as { username: string }).username, "robot");
  });

  it("refuses image together with build, build without registry, and neither, naming the fields", async () => {
    const both = await specError({
      image: "local/busybox:1",
      build: { context },
      registry: { repository: "127.0.0.1:5000/apps/api" },
    });
    assert.deepEqual(
      both.issues.map((i) => i.path),
      ["build"],
    );
    assert.match(both.message, /service api: .*\n {2}build: give either image or build, not both/);
    const noRegistry = await specError({ build: { context } });
    assert.deepEqual(
      noRegistry.issues.map((i) => i.path),
      ["registry"],
    );
    const neither = await specError({});
    assert.deepEqual(
      neither.issues.map((i) => i.path),
      ["image"],
    );
  });

  it("builds for the platform given, with its caches, and runs the service on that platform unless it names its own", async () => {
    const registry = { repository: "127.0.0.1:5000/apps/api", credentials, tag: "v1" };
    const cacheFrom = ["127.0.0.1:5000/apps/api:v0"];
    const run = await deploy({ build: { context, platform: "linux/arm64", cacheFrom }, registry });
    const image = run.byName("api-image", imageType);
    assert.equal(image.inputs.platform, "linux/arm64");
    assert.deepEqual(image.inputs.cacheFrom, cacheFrom);
    assert.equal(image.inputs.noCache, false);
    const placement = (deployed: typeof run) =>
      (
        deployed.byName("api", dynamic("swarm", "SwarmService")).inputs.spec as {
          TaskTemplate: { Placement?: { Constraints?: string[] } };
        }
      ).TaskTemplate.Placement?.Constraints;
    assert.deepEqual(placement(run), ["node.platform.arch==aarch64"]);
    const own = await deploy({
      build: { context, platform: "linux/arm64" },
      registry,
      platform: "linux/amd64",
    });
    assert.deepEqual(placement(own), ["node.platform.arch==x86_64"]);
  });
});
