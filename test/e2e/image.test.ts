/**
 * Images built and pushed from a program: the local engine builds (BuildKit through the Engine API),
 * pushes to a real docker-registry with htpasswd, and a Swarm service runs the pushed digest.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import fs from "fs";
import os from "os";
import path from "path";
import { ContainerService } from "../../components/service";
import { LocalSwarm } from "../../components/swarm";
import { Image } from "../../components/registry";
import * as pulumi from "@pulumi/pulumi";
import { type ProgramRun, runProgram, unknownValue } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { needRegistry, type PrivateRegistry, startPrivateRegistry } from "../support/registry";

const project = testOwner("image").project;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const imageType = "pulumi-nodejs:dynamic/berth/docker:Image";
/** The build secret's value: read by the build from this variable, it must appear nowhere else. */
const buildToken = `tok-${process.pid}-${Date.now()}`;
const tokenVariable = "BERTH_E2E_BUILD_TOKEN";

/** A resource of a provider the test engine mocks: `value` is computed, so unknown at preview. */
class ComputedLater extends pulumi.CustomResource {
  declare readonly value: pulumi.Output<string>;
  constructor(name: string) {
    super("berthtest:index:Computed", name, { value: undefined });
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

let registry: PrivateRegistry | undefined;
let context = "";

function writeContext(appText: string): void {
  fs.writeFileSync(path.join(context, "app.txt"), appText);
}

/** The digest the registry itself reports for `repository:tag` (its `Docker-Content-Digest`). */
async function registryDigest(reg: PrivateRegistry, repository: string, tag: string): Promise<string> {
  const name = repository.slice(reg.address.length + 1);
  const response = await fetch(`http://${reg.address}/v2/${name}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      authorization: `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString("base64")}`,
      accept: [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
      ].join(", "),
    },
  });
  assert.equal(response.status, 200, `the registry has ${name}:${tag}`);
  return response.headers.get("docker-content-digest") ?? "";
}

function credentials(reg: PrivateRegistry, password = reg.password) {
  return { server: reg.address, username: reg.username, password };
}

/** The app: an image built from `context` and a service on the local swarm that runs it. */
function appProgram(reg: PrivateRegistry, generation = "1") {
  return () => {
    const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
    const image = new Image("app", {
      context,
      args: { GREETING: "hello-from-arg" },
      secrets: { token: { env: tokenVariable } },
      repository: `${reg.address}/berth-e2e/app`,
      tag: "v1",
      registry: credentials(reg),
    });
    new ContainerService("app", {
      cluster,
      serviceName: `${project}-app`,
      image: image.repoDigest,
      registryAuth: credentials(reg),
      command: ["sh", "-c", "cat /app.txt /greeting.txt /secret-checked; sleep 600"],
      env: { GENERATION: generation },
      stopGracePeriod: "1s",
      timeoutSeconds: 120,
    });
    return { repoDigest: image.repoDigest, digest: image.digest, contextHash: image.contextHash };
  };
}

/** The image the service's spec names, and what its running task printed. */
function serviceImageAndLog(): { image: string; log: string } {
  const image = docker(
    "service",
    "inspect",
    `${project}-app`,
    "--format",
    "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const log = docker("service", "logs", "--raw", `${project}-app`);
    if (log.includes("checked") || Date.now() > deadline) return { image, log };
    execFileSync("sleep", ["0.5"]);
  }
}

describe("Image: build, push by digest, run on Swarm", () => {
  let up: ProgramRun | undefined;
  let ready = false;

  before(async () => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), "berth-image-e2e-"));
    fs.writeFileSync(
      path.join(context, "Dockerfile"),
      [
        "FROM local/busybox:1",
        "ARG GREETING=none",
        "COPY app.txt /app.txt",
        'RUN echo "$GREETING" > /greeting.txt',
        // The secret is only mounted for this step; the step proves it got the right value.
        `RUN --mount=type=secret,id=token test "$(sha256sum < /run/secrets/token | cut -c1-64)" = ${sha256(buildToken)} && echo checked > /secret-checked`,
        "",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(context, ".dockerignore"), "ignored.txt\n");
    fs.writeFileSync(path.join(context, "ignored.txt"), "one");
    writeContext("app-version-1");
    process.env[tokenVariable] = buildToken;
  });

  after(async () => {
    if (up) await up.destroy().catch(() => undefined);
    if (await engineReachable()) await removeLabelled(project);
    // Pulled and superseded images keep only digest references, which no tag removal reaches.
    for (const id of new Set(docker("image", "ls", "-q", `${registry?.address}/berth-e2e/*`).split("\n"))) {
      if (id) docker("image", "rm", "--force", id);
    }
    await registry?.stop();
    if (context) fs.rmSync(context, { recursive: true, force: true });
  });

  it("builds with an argument and a secret, pushes, and the service runs the pushed digest", async (t) => {
    if (!(await needEngine(t)) || !needRegistry(t)) return;
    registry = await startPrivateRegistry();
    up = await runProgram(appProgram(registry), { project });
    ready = true;
    const repository = `${registry.address}/berth-e2e/app`;
    const repoDigest = String(up.outputs.repoDigest);
    assert.match(repoDigest, new RegExp(`^${repository.replace(/\./g, "\\.")}@sha256:[0-9a-f]{64}$`));
    assert.equal(up.outputs.digest, await registryDigest(registry, repository, "v1"));
    assert.equal(repoDigest.split("@")[1], up.outputs.digest);

    const image = up.resources.find((r) => r.type === imageType);
    assert.ok(image, "the image is a dynamic resource");
    assert.ok(image.secretOutputs.includes("registry"), "the registry credentials are secret in state");
    const state = JSON.stringify(up.state);
    assert.equal(state.includes(buildToken), false, "the build secret is not in state");
    assert.equal(
      docker("history", "--no-trunc", repoDigest).includes(buildToken),
      false,
      "nor in the history",
    );

    const running = serviceImageAndLog();
    assert.equal(running.image, repoDigest, "the service names the pushed image by digest");
    assert.match(running.log, /app-version-1\s*hello-from-arg\s+checked/);
  });

  it("previews no change while the context is unchanged, even when an ignored file changes", async (t) => {
    if (!ready || !registry || !up) return t.skip("needs the first test's stack");
    fs.writeFileSync(path.join(context, "ignored.txt"), "two");
    const preview = await runProgram(appProgram(registry), { project, preview: true, previous: up });
    const changed = preview.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
  });

  it("pulls the pushed digest through the given credentials when the engine has no copy", async (t) => {
    if (!ready || !registry || !up) return t.skip("needs the first test's stack");
    const repoDigest = String(up.outputs.repoDigest);
    const imageId = docker("image", "inspect", repoDigest, "--format", "{{.Id}}");
    // Drop the engine's names for the image (the running task keeps the image itself): a new task
    // must fetch the manifest from the registry, with the credentials the service was given.
    docker("image", "rm", "--force", repoDigest, `${registry.address}/berth-e2e/app:v1`);
    assert.throws(() => docker("image", "inspect", repoDigest));
    up = await runProgram(appProgram(registry, "2"), { project, previous: up });
    assert.equal(up.outputs.repoDigest, repoDigest, "the image did not change");
    assert.equal(docker("image", "inspect", repoDigest, "--format", "{{.Id}}"), imageId, "pulled back");
    assert.equal(serviceImageAndLog().image, repoDigest);
  });

  it("builds again when a sent file changes, and the service follows the new digest", async (t) => {
    if (!ready || !registry || !up) return t.skip("needs the first test's stack");
    const before = up;
    writeContext("app-version-2");
    const preview = await runProgram(appProgram(registry, "2"), { project, preview: true, previous: before });
    assert.equal(preview.resources.find((r) => r.type === imageType)?.operation, "update");
    up = await runProgram(appProgram(registry, "2"), { project, previous: before });
    assert.notEqual(up.outputs.contextHash, before.outputs.contextHash);
    assert.notEqual(up.outputs.digest, before.outputs.digest);
    const repository = `${registry.address}/berth-e2e/app`;
    assert.equal(up.outputs.digest, await registryDigest(registry, repository, "v1"));
    const running = serviceImageAndLog();
    assert.equal(running.image, up.outputs.repoDigest);
    assert.match(running.log, /app-version-2/);
  });

  it("fails clearly on a wrong registry password, without showing it", async (t) => {
    if (!ready || !registry) return t.skip("needs the registry");
    const reg = registry;
    const wrong = "wrong-password-e2e";
    const failed = runProgram(
      () =>
        new Image("denied", {
          context,
          secrets: { token: { env: tokenVariable } },
          repository: `${reg.address}/berth-e2e/denied`,
          registry: credentials(reg, wrong),
        }),
      { project },
    );
    await assert.rejects(failed, (err: Error) => {
      assert.match(err.message, /image .*berth-e2e\/denied:latest: push of .* failed/);
      assert.match(err.message, /refused the credentials of user berth/);
      assert.equal(err.message.includes(wrong), false, "the password is not in the message");
      return true;
    });
    docker("image", "rm", `${reg.address}/berth-e2e/denied:latest`);
  });

  it("reports the failing step's output when the build fails", async (t) => {
    if (!(await needEngine(t))) return;
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "berth-image-broken-"));
    t.after(() => fs.rmSync(broken, { recursive: true, force: true }));
    fs.writeFileSync(
      path.join(broken, "Dockerfile"),
      "FROM local/busybox:1\nRUN echo 'missing-config: /etc/app.conf' >&2 && exit 3\n",
    );
    const failed = runProgram(
      () => new Image("broken", { context: broken, repository: "127.0.0.1:1/berth-e2e/broken" }),
      { project },
    );
    await assert.rejects(failed, (err: Error) => {
      assert.match(
        err.message,
        /image 127\.0\.0\.1:1\/berth-e2e\/broken:latest: build failed: .*exit code: 3/,
      );
      assert.match(err.message, /missing-config: \/etc\/app\.conf/);
      return true;
    });
  });

  it("previews with inputs not known yet, building nothing", async (t) => {
    if (!(await needEngine(t))) return;
    const repository = "127.0.0.1:1/berth-e2e/unknown";
    const dir = context || fs.mkdtempSync(path.join(os.tmpdir(), "berth-image-unknown-"));
    const preview = await runProgram(
      () => {
        // A resource to be created: what it computes is not known at preview, nor anything made from it.
        const later = new ComputedLater("later");
        const image = new Image("pending", {
          context: later.value.apply(() => dir),
          repository,
          tag: later.value.apply((v) => `t-${v}`),
        });
        return { repoDigest: image.repoDigest };
      },
      { project, preview: true },
    );
    const image = preview.resources.find((r) => r.type === imageType);
    assert.equal(image?.operation, "create");
    assert.equal(image?.programInputs.context, unknownValue);
    assert.equal(image?.programInputs.tag, unknownValue);
    assert.equal(docker("image", "ls", "-q", repository), "", "nothing was built");
  });
});
