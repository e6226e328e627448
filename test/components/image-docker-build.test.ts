/**
 * `Image` with several platforms or a cache export, under mocks: delegated to a `@pulumi/docker-build`
 * `Image` with every input passed through, the manifest list's digest read back as `repoDigest`, and a
 * single-platform image still built by the engine (Berth's own dynamic resource, no docker-build).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import Module from "module";
import os from "os";
import path from "path";
import { Image, type ImageArgs } from "../../components/registry";
import { type MockedResource, runProgram, type ProgramRun } from "../support/harness";
import { descendants, plainHolders } from "../support/state-queries";

const dockerBuildType = "docker-build:index:Image";
const engineImageType = "pulumi-nodejs:dynamic/berth/docker:Image";
const componentType = "berth:registry:Image";
const listDigest = `sha256:${"ab12".repeat(16)}`;
const engineDigest = `sha256:${"cd34".repeat(16)}`;
const credentials = { server: "registry.example.com", username: "ci", password: "push-pw-5521" };

/** docker-build answers with the digest of the manifest list it pushed; the engine path with its own. */
function mockResource(resource: MockedResource): Record<string, unknown> {
  if (resource.type === dockerBuildType) return { digest: listDigest, contextHash: "hash-1", ref: "unused" };
  return {};
}

function mockDynamic(resource: MockedResource): Record<string, unknown> | undefined {
  if (resource.type === engineImageType)
    return {
      repoDigest: `${resource.inputs.repository}@${engineDigest}`,
      digest: engineDigest,
      contextHash: "c0",
    };
  return undefined;
}

const madeDirs: string[] = [];
after(() => madeDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A build context with a Dockerfile, which the engine path's check reads. */
function contextDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "berth-ctx-"));
  madeDirs.push(dir);
  writeFileSync(path.join(dir, "Dockerfile"), "FROM local/busybox:1\n");
  return dir;
}

function build(args: Partial<ImageArgs>, options: { preview?: boolean } = {}): Promise<ProgramRun> {
  return runProgram(
    () => {
      const image = new Image("app", {
        context: args.context ?? contextDir(),
        repository: "registry.example.com/team/app",
        ...args,
      });
      return { repoDigest: image.repoDigest, digest: image.digest, imageName: image.imageName };
    },
    { mockResource, mockDynamic, preview: options.preview },
  );
}

const errorText = (err: unknown): string => String((err as Error).message ?? err);

describe("Image for several platforms, through @pulumi/docker-build", () => {
  it("passes every input to a docker-build Image and runs the manifest list's digest", async () => {
    const context = contextDir();
    const run = await build({
      context,
      dockerfile: "docker/Dockerfile.prod",
      target: "runtime",
      args: { VERSION: "1.2" },
      tag: "v3",
      platforms: ["linux/amd64", "linux/arm64"],
      cacheFrom: ["registry.example.com/team/app:buildcache"],
      cacheTo: ["registry.example.com/team/app:buildcache"],
      noCache: false,
      registry: credentials,
    });
    const component = run.byName("app", componentType);
    const [built] = descendants(run, component, dockerBuildType);
    assert.ok(built, "a docker-build Image below the component");
    assert.deepEqual(built.inputs, {
      context: { location: context },
      dockerfile: { location: path.join(context, "docker", "Dockerfile.prod") },
      platforms: ["linux/amd64", "linux/arm64"],
      buildArgs: { VERSION: "1.2" },
      target: "runtime",
      cacheFrom: [{ registry: { ref: "registry.example.com/team/app:buildcache" } }],
      cacheTo: [{ registry: { ref: "registry.example.com/team/app:buildcache", mode: "max" } }],
      noCache: false,
      push: true,
      tags: ["registry.example.com/team/app:v3"],
      registries: [{ address: "registry.example.com", username: "ci", password: "push-pw-5521" }],
      // The SDK's own defaults.
      buildOnPreview: true,
      network: "default",
    });
    assert.ok(built.secretInputs.length > 0, "the password is a secret input");
    assert.deepEqual(plainHolders(run, "push-pw-5521"), [], "the password is never plain in state");
    assert.equal(run.outputs.repoDigest, `registry.example.com/team/app@${listDigest}`);
    assert.equal(run.outputs.digest, listDigest);
    assert.equal(run.outputs.imageName, "registry.example.com/team/app:v3");
    assert.deepEqual(
      run.resources.filter((r) => r.type === engineImageType),
      [],
      "the engine builds nothing",
    );
  });

  it("takes a cache export alone, with the one platform, and leaves out what was not given", async () => {
    const run = await build({ platform: "linux/arm64", cacheTo: ["registry.example.com/team/app:cache"] });
    const built = run.byName("app", dockerBuildType);
    assert.deepEqual(built.inputs.platforms, ["linux/arm64"]);
    assert.deepEqual(built.inputs.cacheTo, [
      { registry: { ref: "registry.example.com/team/app:cache", mode: "max" } },
    ]);
    for (const absent of ["dockerfile", "buildArgs", "target", "cacheFrom", "registries", "noCache"])
      assert.equal(built.inputs[absent], undefined, absent);
    assert.deepEqual(built.inputs.tags, ["registry.example.com/team/app:latest"]);
    assert.equal(run.outputs.repoDigest, `registry.example.com/team/app@${listDigest}`);
  });

  it("writes inline cache metadata when it reads a cache and exports none, as the engine path does", async () => {
    const run = await build({
      platforms: ["linux/amd64", "linux/arm64"],
      cacheFrom: ["registry.example.com/team/app:latest"],
    });
    assert.deepEqual(run.byName("app", dockerBuildType).inputs.cacheTo, [{ inline: {} }]);
  });

  it("builds one platform with the engine: Berth's own image, no docker-build resource", async () => {
    const run = await build({ platform: "linux/arm64", cacheFrom: ["registry.example.com/team/app:latest"] });
    assert.deepEqual(
      run.resources.filter(
        (r) => r.type === dockerBuildType || r.type.startsWith("pulumi:providers:docker-build"),
      ),
      [],
    );
    const engine = run.byName("app", engineImageType);
    assert.equal(engine.inputs.platform, "linux/arm64");
    assert.equal(run.outputs.repoDigest, `registry.example.com/team/app@${engineDigest}`);
  });

  it("refuses at preview every wrong choice at once, naming each field", async () => {
    await assert.rejects(
      build(
        {
          platform: "linux/amd64",
          platforms: ["linux/amd64", "linux/s390x", "linux/amd64"] as ImageArgs["platforms"],
          secrets: { token: { env: "TOKEN" } },
          connection: { socketPath: "/var/run/docker.sock" },
        },
        { preview: true },
      ),
      (err: unknown) => {
        const text = errorText(err);
        assert.match(text, /Image app:/);
        assert.match(text, /platforms\[1\]: "linux\/s390x" is not one of linux\/amd64, linux\/arm64/);
        assert.match(text, /platforms\[2\]: "linux\/amd64" is listed twice/);
        assert.match(text, /platforms: give either platform or platforms, not both/);
        assert.match(text, /secrets: not with platforms or cacheTo/);
        assert.match(text, /connection: not with platforms or cacheTo/);
        return true;
      },
    );
    await assert.rejects(build({ platforms: [] }, { preview: true }), /platforms: must list one or more of/);
  });

  it("says what to install when @pulumi/docker-build is missing", async () => {
    const resolver = Module as unknown as {
      _resolveFilename: (request: string, ...rest: unknown[]) => string;
    };
    const original = resolver._resolveFilename;
    resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
      if (request === "@pulumi/docker-build")
        throw Object.assign(new Error("not found"), { code: "MODULE_NOT_FOUND" });
      return original.call(this, request, ...rest);
    };
    try {
      await assert.rejects(
        build({ platforms: ["linux/amd64", "linux/arm64"] }, { preview: true }),
        (err: unknown) => {
          assert.match(
            errorText(err),
            /Image app needs @pulumi\/docker-build, which Berth leaves to programs that use this target: npm install @pulumi\/docker-build/,
          );
          return true;
        },
      );
    } finally {
      resolver._resolveFilename = original;
    }
  });
});
