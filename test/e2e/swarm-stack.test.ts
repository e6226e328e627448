import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { normalizeService, renderSwarm } from "../../components/spec";
import { SwarmNetwork, SwarmSecret, SwarmService } from "../../provider/swarm";
import { runProgram } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";

const project = testOwner().project;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

describe("Swarm providers together, through Pulumi's serialization", () => {
  after(async () => {
    if (await engineReachable()) await removeLabelled(project);
  });

  it("deploys a service on its own network with a secret, then destroys everything", async (t) => {
    if (!(await needEngine(t))) return;
    const run = await runProgram(
      () => {
        const network = new SwarmNetwork("backend", { name: `${project}-backend`, attachable: true });
        const secret = new SwarmSecret("token", { data: "e2e-token" });
        const spec = pulumi.all([network.name, secret.objectName]).apply(([net, secretName]) => {
          const service = normalizeService(`${project}-api`, {
            image: "local/busybox:1",
            command: ["httpd", "-f", "-p", "8080", "-h", "/www"],
            replicas: 2,
            networks: [net],
            secrets: [{ source: secretName, target: "token" }],
            endpointMode: "dnsrr",
            stopGracePeriod: "1s",
          });
          return renderSwarm(service);
        });
        const api = new SwarmService("api", { spec, secretEnv: { SESSION_KEY: "k-e2e" } });
        return { version: api.version };
      },
      { project },
    );
    const api = run.byName("api");
    assert.equal(api.dynamic, true);
    assert.ok(api.secretInputs.includes("secretEnv"), "secret variables travel as a Pulumi secret");
    assert.equal(typeof run.outputs.version, "number");

    const inspected = JSON.parse(docker("service", "inspect", api.id ?? "", "--format", "{{json .Spec}}"));
    assert.equal(inspected.Mode.Replicated.Replicas, 2);
    assert.equal(inspected.TaskTemplate.Networks[0].Target, run.byName("backend").id);
    assert.ok(inspected.TaskTemplate.ContainerSpec.Env.includes("SESSION_KEY=k-e2e"));

    // Service discovery by DNS round robin on the overlay network, from a container attached to it.
    const probe = docker(
      "run",
      "--rm",
      "--network",
      `${project}-backend`,
      "local/busybox:1",
      "wget",
      "-qO-",
      `http://${project}-api:8080/`,
    );
    assert.equal(probe, "ok");

    await run.destroy();
    assert.equal(docker("service", "ls", "-q", "--filter", `label=berth.project=${project}`), "");
    assert.equal(docker("secret", "ls", "-q", "--filter", `label=berth.project=${project}`), "");
    assert.equal(docker("network", "ls", "-q", "--filter", `label=berth.project=${project}`), "");
  });
});
