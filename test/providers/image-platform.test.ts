/**
 * Image platform and cache settings, against the local engine's BuildKit and a real docker-registry
 * (Debian's distribution 2.8 with htpasswd): what the registry holds is read back from the registry.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "crypto";
import fs from "fs";
import os from "os";
import path from "path";
import * as pulumi from "@pulumi/pulumi";
import { imageProvider, type ImageInputs, type ImageOutputs } from "../../provider/docker/image";
import { needEngine } from "../support/engine";
import { needRegistry, type PrivateRegistry, startPrivateRegistry } from "../support/registry";

let registry: PrivateRegistry | undefined;
const made: ImageOutputs[] = [];
const context = fs.mkdtempSync(path.join(os.tmpdir(), "berth-image-platform-"));
const stamp = randomBytes(6).toString("hex");
fs.writeFileSync(
  path.join(context, "Dockerfile"),
  // A slow step whose cache key is this run's own, so that reuse shows in the time taken.
  `FROM local/busybox:1\nRUN echo ${stamp} > /stamp && sleep 3\nCOPY app.txt /app.txt\n`,
);
fs.writeFileSync(path.join(context, "app.txt"), "one\n");

/** Build lines the provider writes to the Pulumi log, collected while `fn` runs. */
async function withBuildLog<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const log = pulumi.log as unknown as { info: (message: string) => void };
  const original = log.info;
  const lines: string[] = [];
  log.info = (message: string) => void lines.push(message);
  try {
    return { result: await fn(), lines };
  } finally {
    log.info = original;
  }
}

async function inputs(reg: PrivateRegistry, extra: Partial<ImageInputs>): Promise<ImageInputs> {
  const news: ImageInputs = {
    connection: {},
    context,
    dockerfile: "Dockerfile",
    target: "",
    buildArgs: {},
    secrets: {},
    repository: `${reg.address}/berth-platform/app`,
    tag: "v1",
    registry: { serveraddress: reg.address, username: reg.username, password: reg.password },
    platform: "",
    cacheFrom: [],
    noCache: false,
    contextHash: "",
    ...extra,
  };
  const checked = await imageProvider.check!({} as never, news);
  assert.deepEqual(checked.failures, []);
  return checked.inputs as ImageInputs;
}

/** The image config the registry holds for `repository:tag`, read through the registry's API. */
async function pushedConfig(reg: PrivateRegistry, repository: string, tag: string) {
  const name = repository.slice(reg.address.length + 1);
  const headers = {
    authorization: `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString("base64")}`,
    accept: "application/vnd.docker.distribution.manifest.v2+json",
  };
  const manifest = (await (
    await fetch(`http://${reg.address}/v2/${name}/manifests/${tag}`, { headers })
  ).json()) as { config: { digest: string } };
  const response = await fetch(`http://${reg.address}/v2/${name}/blobs/${manifest.config.digest}`, {
    headers,
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("Image platform and cache (real engine and registry)", () => {
  after(async () => {
    for (const outs of made) await imageProvider.delete?.(`${outs.repository}:${outs.tag}`, outs);
    await registry?.stop();
    fs.rmSync(context, { recursive: true, force: true });
  });

  it("builds for linux/amd64 and pushes an amd64 image carrying inline cache metadata", async (t) => {
    if (!(await needEngine(t)) || !needRegistry(t)) return;
    registry = await startPrivateRegistry();
    const news = await inputs(registry, {
      platform: "linux/amd64",
      cacheFrom: [`${registry.address}/berth-platform/app:v1`],
    });
    const { outs } = await imageProvider.create!(news);
    made.push(outs as ImageOutputs);
    const config = await pushedConfig(registry, news.repository, "v1");
    assert.equal(config.architecture, "amd64");
    assert.equal(config.os, "linux");
    assert.ok("moby.buildkit.cache.v0" in config, "the pushed image carries BuildKit's inline cache");
  });

  it("reports the steps it reuses from cache, and builds everything again with noCache", async (t) => {
    if (!registry) return t.skip("needs the first test's registry");
    fs.writeFileSync(path.join(context, "app.txt"), "two\n");
    const cacheRef = `${registry.address}/berth-platform/app:v1`;
    const cached = await inputs(registry, { tag: "v2", platform: "linux/amd64", cacheFrom: [cacheRef] });
    let started = Date.now();
    const reused = await withBuildLog(() => imageProvider.create!(cached));
    const reusedMs = Date.now() - started;
    made.push(reused.result.outs as ImageOutputs);
    const log = reused.lines.join("\n");
    assert.match(log, /CACHED \[2\/3\] RUN echo/, log);
    assert.match(log, /\[3\/3\] COPY app.txt/, log);
    const fresh = await inputs(registry, { tag: "v3", platform: "linux/amd64", noCache: true });
    started = Date.now();
    const rebuilt = await withBuildLog(() => imageProvider.create!(fresh));
    const rebuiltMs = Date.now() - started;
    made.push(rebuilt.result.outs as ImageOutputs);
    const rebuiltLog = rebuilt.lines.join("\n");
    assert.doesNotMatch(rebuiltLog, /CACHED \[2\/3\] RUN echo/, "noCache reuses no step");
    assert.match(rebuiltLog, /\[2\/3\] RUN echo/, rebuiltLog);
    assert.ok(rebuiltMs >= 3000, `the 3 s step ran again (${rebuiltMs} ms)`);
    assert.ok(
      reusedMs < rebuiltMs,
      `reusing layers (${reusedMs} ms) is faster than building them (${rebuiltMs} ms)`,
    );
    console.log(`cache: build with cacheFrom ${reusedMs} ms; with noCache ${rebuiltMs} ms`);
  });

  it("refuses a linux/arm64 build on this amd64 engine, saying what to install, and pushes nothing", async (t) => {
    if (!registry) return t.skip("needs the first test's registry");
    const news = await inputs(registry, { tag: "arm", platform: "linux/arm64" });
    await assert.rejects(imageProvider.create!(news), (err: Error) => {
      assert.match(err.message, /cannot build for linux\/arm64: it needs QEMU user emulation for arm64/);
      assert.match(err.message, /qemu-user-static binfmt-support/);
      return true;
    });
    const name = news.repository.slice(registry.address.length + 1);
    const auth = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString("base64")}`;
    const response = await fetch(`http://${registry.address}/v2/${name}/manifests/arm`, {
      headers: { authorization: auth },
    });
    assert.equal(response.status, 404, "nothing was pushed under the arm tag");
  });

  it("refuses other platforms and cache settings at check, every one at once", async () => {
    const checked = await imageProvider.check!(
      {} as never,
      {
        platform: "linux/s390x",
        cacheFrom: ["ok/ref:1", "has space"],
        noCache: true,
      } as never,
    );
    assert.deepEqual(
      (checked.failures ?? []).filter((f) => ["platform", "cacheFrom[1]", "noCache"].includes(f.property)),
      [
        { property: "platform", reason: '"linux/s390x" is not one of linux/amd64, linux/arm64' },
        {
          property: "cacheFrom[1]",
          reason: 'must be an image reference such as registry.example.com/team/app:latest, not "has space"',
        },
        { property: "noCache", reason: "reuses no layer, so cacheFrom would be ignored: give one of them" },
      ],
    );
  });
});
