/**
 * ContainerService with `build` + `registry` on the real engine: the local engine builds, pushes to a
 * real docker-registry with htpasswd through `credentialsFor`, and the Swarm service pulls and runs
 * the pushed digest with the same robot-style credentials.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { ContainerService } from "../../components/service";
import { LocalSwarm } from "../../components/swarm";
import { credentialsFor } from "../../components/registry/credentials";
import { type ProgramRun, runProgram } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { needRegistry, type PrivateRegistry, startPrivateRegistry } from "../support/registry";

const project = testOwner("service-build").project;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

describe("ContainerService building its image, on the real engine and registry", () => {
  let registry: PrivateRegistry | undefined;
  let up: ProgramRun | undefined;
  let context = "";

  after(async () => {
    if (up) await up.destroy().catch(() => undefined);
    if (await engineReachable()) await removeLabelled(project);
    const repository = registry && `${registry.address}/berth-e2e/built`;
    if (repository) {
      for (const id of new Set(docker("image", "ls", "-q", repository).split("\n"))) {
        if (id) docker("image", "rm", "--force", id);
      }
    }
    await registry?.stop();
    if (context) fs.rmSync(context, { recursive: true, force: true });
  });

  it("builds, pushes with the registry's credentials, and the service pulls and runs the pushed digest", async (t) => {
    if (!(await needEngine(t)) || !needRegistry(t)) return;
    registry = await startPrivateRegistry();
    context = fs.mkdtempSync(path.join(os.tmpdir(), "berth-service-build-e2e-"));
    fs.writeFileSync(
      path.join(context, "Dockerfile"),
      'FROM local/busybox:1 AS base\nARG NOTE=none\nRUN echo "built-$NOTE" > /note.txt\nFROM base AS runtime\n',
    );
    const reg = registry;
    const repository = `${reg.address}/berth-e2e/built`;
    const program = (generation: string) => () => {
      const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
      const credentials = credentialsFor({
        server: `http://${reg.address}`,
        username: reg.username,
        password: reg.password,
      });
      const service = new ContainerService("built", {
        cluster,
        serviceName: `${project}-built`,
        build: { context, args: { NOTE: "by-berth" }, target: "runtime" },
        registry: { repository, credentials, tag: "v1" },
        command: ["sh", "-c", "cat /note.txt; sleep 600"],
        env: { GENERATION: generation },
        stopGracePeriod: "1s",
        timeoutSeconds: 120,
      });
      return { serviceId: service.serviceId };
    };
    up = await runProgram(program("1"), { project });
    const image = up.resources.find((r) => r.type === "pulumi-nodejs:dynamic/berth/docker:Image");
    const repoDigest = String(image?.outputs.repoDigest);
    assert.match(repoDigest, /@sha256:[0-9a-f]{64}$/);
    assert.ok(repoDigest.startsWith(`${repository}@`));
    const running = docker(
      "service",
      "inspect",
      `${project}-built`,
      "--format",
      "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
    );
    assert.equal(running, repoDigest, "the service runs the pushed digest");
    const swarmService = up.resources.find(
      (r) => r.type === "pulumi-nodejs:dynamic/berth/swarm:SwarmService",
    );
    assert.ok(swarmService?.secretInputs.includes("registryAuth"), "pull credentials are secret in state");
    const deadline = Date.now() + 20_000;
    let log = "";
    while (!log.includes("built-by-berth") && Date.now() < deadline) {
      log = docker("service", "logs", "--raw", `${project}-built`);
      execFileSync("sleep", ["0.5"]);
    }
    assert.match(log, /built-by-berth/, "the task runs the built image");

    // Drop the engine's names for the image: the next task must pull it with the service's credentials.
    const imageId = docker("image", "inspect", repoDigest, "--format", "{{.Id}}");
    docker("image", "rm", "--force", repoDigest, `${repository}:v1`);
    assert.throws(() => docker("image", "inspect", repoDigest));
    up = await runProgram(program("2"), { project, previous: up });
    assert.equal(docker("image", "inspect", repoDigest, "--format", "{{.Id}}"), imageId, "pulled back");
  });
});
