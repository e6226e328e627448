/**
 * ComposeStack with `build: ./app` on the real engine: the local engine builds, pushes to a real
 * docker-registry with htpasswd, and the stack's Swarm service runs the pushed digest.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { ComposeStack } from "../../components/compose";
import { credentialsFor } from "../../components/registry/credentials";
import { LocalSwarm } from "../../components/swarm";
import { type ProgramRun, runProgram } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { needRegistry, type PrivateRegistry, startPrivateRegistry } from "../support/registry";

const project = testOwner("compose-build").project;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

describe("ComposeStack building a service's image, on the real engine and registry", () => {
  let registry: PrivateRegistry | undefined;
  let up: ProgramRun | undefined;
  let dir = "";

  after(async () => {
    if (up) await up.destroy().catch(() => undefined);
    if (await engineReachable()) await removeLabelled(project);
    if (registry) {
      for (const id of new Set(
        docker("image", "ls", "-q", `${registry.address}/${project}/app`).split("\n"),
      )) {
        if (id) docker("image", "rm", "--force", id);
      }
    }
    await registry?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("builds ./app, pushes it to <registry.repository>/app, and the Swarm service runs the pushed digest", async (t) => {
    if (!(await needEngine(t)) || !needRegistry(t)) return;
    registry = await startPrivateRegistry();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-compose-build-e2e-"));
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(
      path.join(dir, "app", "Dockerfile"),
      'FROM local/busybox:1\nRUN echo "compose-built" > /note.txt\n',
    );
    const content = `
name: ${project}
services:
  app:
    build: ./app
    command: ["sh", "-c", "cat /note.txt; sleep 600"]
    stop_grace_period: 1s
`;
    const reg = registry;
    const repository = `${reg.address}/${project}`;
    up = await runProgram(
      () => {
        const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
        const credentials = credentialsFor({
          server: `http://${reg.address}`,
          username: reg.username,
          password: reg.password,
        });
        const stack = new ComposeStack("stack", {
          cluster,
          project: { content, workingDir: dir, env: {} },
          registry: { repository, credentials },
          timeoutSeconds: 120,
        });
        return { serviceIds: stack.serviceIds };
      },
      { project },
    );
    const image = up.resources.find((r) => r.type === "pulumi-nodejs:dynamic/berth/docker:Image");
    const repoDigest = String(image?.outputs.repoDigest);
    assert.match(repoDigest, new RegExp(`^${repository.replace(/\./g, "\\.")}/app@sha256:[0-9a-f]{64}$`));
    const running = docker(
      "service",
      "inspect",
      `${project}_app`,
      "--format",
      "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
    );
    assert.equal(running, repoDigest, "the service runs the pushed digest");
    const service = up.resources.find((r) => r.type === "pulumi-nodejs:dynamic/berth/swarm:SwarmService");
    assert.ok(service?.secretInputs.includes("registryAuth"), "pull credentials are secret in state");
    const deadline = Date.now() + 20_000;
    let log = "";
    while (!log.includes("compose-built") && Date.now() < deadline) {
      log = docker("service", "logs", "--raw", `${project}_app`);
      execFileSync("sleep", ["0.5"]);
    }
    assert.match(log, /compose-built/, "the task runs the built image");

    // Destroying removes the service and then the image's local tag, though a stopped container of the
    // service may still refer to the image.
    const destroyed = up;
    up = undefined;
    await destroyed.destroy();
    assert.equal(docker("image", "ls", "-q", `${repository}/app`), "", "the local tag is gone");
  });
});
