import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import type { RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { parseAllDocuments } from "yaml";
import { analyze } from "../../cli/analyze";
import type { EcsTaskDefinition } from "../../components/spec";
import { berth } from "../support/cli-run";
import { composeDir } from "../support/compose-dir";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

const compose = `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    environment: { LOG: info }
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1/"]
      interval: 10s
    deploy:
      replicas: 3
      resources:
        limits: { cpus: "0.5", memory: 256m }
        reservations: { cpus: "0.25", memory: 128m }
  worker:
    image: busybox:1
    command: ["sleep", "3600"]
`;

// What `aws ecs register-task-definition --cli-input-json` takes: Berth's task definition must fit it.
const asRegisterInput = (t: EcsTaskDefinition): RegisterTaskDefinitionCommandInput => t;

describe("berth render", () => {
  it("prints every Kubernetes object as multi-document YAML, each valid strictly", async () => {
    const dir = composeDir({ "compose.yaml": compose });
    const run = await berth(["render", "compose.yaml", "--target", "kubernetes"], dir);
    assert.equal(run.status, 0, run.stderr);
    const docs = parseAllDocuments(run.stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string } },
    );
    assert.ok(docs.length >= 6, run.stdout);
    assert.deepEqual(
      docs.filter((d) => d.kind === "Deployment").map((d) => d.metadata.name),
      ["web", "worker"],
    );
    await assertValidKubernetesObjects(docs);
  });

  it("writes one file per Kubernetes object with --out", async () => {
    const dir = composeDir({ "compose.yaml": compose });
    const run = await berth(["render", "compose.yaml", "-t", "kubernetes", "--out", "k8s"], dir);
    assert.equal(run.status, 0, run.stderr);
    const files = readdirSync(join(dir, "k8s")).sort();
    assert.ok(files.includes("web-deployment-web.yaml"), files.join(" "));
    assert.equal(files.length, run.stdout.trim().split("\n").length);
    const objects = files.map(
      (f) => parseAllDocuments(readFileSync(join(dir, "k8s", f), "utf8"))[0].toJS() as object,
    );
    await assertValidKubernetesObjects(objects);
  });

  it("prints ECS task definitions in register-task-definition's input shape", async () => {
    const dir = composeDir({ "compose.yaml": compose });
    const run = await berth(["render", "compose.yaml", "--target", "ecs", "--out", "ecs"], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(join(dir, "ecs")).sort(), ["web.json", "worker.json"]);
    const web = JSON.parse(readFileSync(join(dir, "ecs", "web.json"), "utf8")) as EcsTaskDefinition;
    const input = asRegisterInput(web);
    assert.equal(input.family, "web");
    assert.deepEqual(input.requiresCompatibilities, ["FARGATE"]);
    const container = input.containerDefinitions?.[0];
    assert.equal(container?.image, "nginx:1.27");
    assert.equal(container?.memory, 256);
    assert.deepEqual(container?.environment, [{ name: "LOG", value: "info" }]);
    // The same object the renderer returns, as printed.
    const analysis = analyze(join(dir, "compose.yaml"), { target: "ecs" });
    const rendered = analysis.services.find((s) => s.name === "web")?.rendered;
    assert.ok(rendered?.target === "ecs");
    assert.deepEqual(web, JSON.parse(JSON.stringify(asRegisterInput(rendered.ecs.taskDefinition))));
  });

  it("prints Swarm service specs in the Engine API's shape", async () => {
    const dir = composeDir({ "compose.yaml": compose });
    const run = await berth(["render", "compose.yaml", "--target", "swarm"], dir);
    assert.equal(run.status, 0, run.stderr);
    const specs = JSON.parse(run.stdout) as {
      Name: string;
      Mode: unknown;
      TaskTemplate: { ContainerSpec: { Image: string; Env?: string[] }; Resources: unknown };
      EndpointSpec: { Ports: unknown[] };
    }[];
    assert.deepEqual(
      specs.map((s) => s.Name),
      ["web", "worker"],
    );
    assert.deepEqual(specs[0].Mode, { Replicated: { Replicas: 3 } });
    assert.equal(specs[0].TaskTemplate.ContainerSpec.Image, "nginx:1.27");
    assert.deepEqual(specs[0].TaskTemplate.ContainerSpec.Env, ["LOG=info"]);
    assert.deepEqual(specs[0].EndpointSpec.Ports, [
      { Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "ingress" },
    ]);
  });

  it("renders nothing and exits 1 when the file has problems, listing them", async () => {
    const dir = composeDir({
      "compose.yaml":
        "services:\n  web:\n    image: nginx:1.27\n    x-berth:\n      autoscale: { min: 1, max: 2, cpuPercent: 50 }\n",
    });
    const run = await berth(["render", "compose.yaml", "--target", "swarm"], dir);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^compose\.yaml:5:7: error: services\.web\.x-berth\.autoscale: is not supported on swarm/m,
    );
  });
});
