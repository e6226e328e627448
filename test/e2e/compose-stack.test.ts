import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { randomBytes } from "crypto";
import { ComposeStack } from "../../components/compose";
import { LocalSwarm } from "../../components/swarm";
import { engineClient } from "../../provider/shared/engine";
import { engineReachable, needEngine } from "../support/engine";
import { composeDir } from "../support/compose-dir";
import { type ProgramRun, runProgram } from "../support/harness";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const project = `e2e-compose-${randomBytes(3).toString("hex")}`;
const inStack = `label=com.docker.stack.namespace=${project}`;

const compose = (withWorker: boolean) => `
name: ${project}
services:
  web:
    image: local/busybox:1
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    configs:
      - source: page
        target: /www/index.html
    networks: [front]
    stop_grace_period: 1s
    deploy:
      replicas: 2
      endpoint_mode: dnsrr
    depends_on:
      api:
        condition: service_healthy
  api:
    image: local/busybox:1
    command: ["sh", "-c", "mkdir -p /www && cp /run/secrets/token /www/token && exec httpd -f -p 8080 -h /www"]
    secrets: [token]
    networks: [front]
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/token"]
      interval: 1s
      timeout: 1s
      retries: 3
    deploy:
      endpoint_mode: dnsrr
${
  withWorker
    ? `  worker:
    image: local/busybox:1
    command: ["sleep", "3600"]
    networks: [back]
    stop_grace_period: 1s
`
    : ""
}networks:
  front:
    attachable: true
  back: {}
secrets:
  token:
    file: ./token.txt
configs:
  page:
    content: hello from compose
`;

function fetchInside(network: string, url: string): string {
  return docker("run", "--rm", "--network", network, "local/busybox:1", "wget", "-qO-", url);
}

function stackObjects(): Record<string, string[]> {
  return Object.fromEntries(
    ["service", "secret", "config", "network"].map((kind) => [
      kind,
      docker(kind, "ls", "--filter", inStack, "--format", "{{.Name}}").split("\n").filter(Boolean).sort(),
    ]),
  );
}

describe("ComposeStack on the real swarm", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    for (const kind of ["service", "secret", "config", "network"]) {
      const ids = docker(kind, "ls", "-q", "--filter", inStack);
      if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
    }
  });

  it("deploys a compose project, applies an edit, and removes everything on destroy", async (t) => {
    if (!(await needEngine(t))) return;
    const dir = composeDir({ "token.txt": "first-token", "compose.yaml": compose(true) });
    const program = () => {
      const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
      const stack = new ComposeStack("shop", { cluster, project: { workingDir: dir, env: {} } });
      return { serviceIds: stack.serviceIds };
    };
    const up = (previous?: ProgramRun) => runProgram(program, { project: "berth", stack: project, previous });

    const first = await up();
    const ids = first.outputs.serviceIds as Record<string, string>;
    assert.deepEqual(Object.keys(ids).sort(), ["api", "web", "worker"]);
    // Docker's own tools see a stack.
    assert.deepEqual(
      docker("stack", "services", project, "--format", "{{.Name}} {{.Replicas}}").split("\n").sort(),
      [`${project}_api 1/1`, `${project}_web 2/2`, `${project}_worker 1/1`],
    );
    const front = `${project}_front`;
    assert.equal(fetchInside(front, "http://web/"), "hello from compose");
    assert.equal(fetchInside(front, "http://api:8080/token"), "first-token");
    // depends_on: the web service was created after the API was healthy.
    const created = (id: string) =>
      Date.parse(docker("service", "inspect", id, "--format", "{{.CreatedAt}}").replace(/ \+0000 UTC$/, "Z"));
    assert.ok(created(ids.web) > created(ids.api), "web after api");
    const objects = stackObjects();
    assert.deepEqual(objects.network, [`${project}_back`, front]);
    assert.match(objects.secret.join(), new RegExp(`^${project}_token-[0-9a-f]{12}$`));

    // The edit: the worker leaves the file (and with it the only user of "back"), the secret changes.
    writeFileSync(join(dir, "compose.yaml"), compose(false));
    writeFileSync(join(dir, "token.txt"), "second-token");
    const second = await up(first);
    assert.deepEqual(second.deleted.map((r) => r.name).sort(), [
      "shop-network-back",
      "shop-secret-token",
      "shop-worker",
    ]);
    assert.equal(second.byName("shop-api").operation, "update");
    assert.equal(second.byName("shop-web").operation, "same");
    const after = stackObjects();
    assert.deepEqual(after.service, [`${project}_api`, `${project}_web`]);
    assert.deepEqual(after.network, [front]);
    assert.equal(after.secret.length, 1);
    assert.notEqual(after.secret[0], objects.secret[0]);
    assert.equal(fetchInside(front, "http://api:8080/token"), "second-token");
    const apiTasks = (await engineClient().listTasks({
      filters: JSON.stringify({ service: [ids.api], "desired-state": ["running"] }),
    })) as { Status: { State: string } }[];
    assert.deepEqual(
      apiTasks.map((task) => task.Status.State),
      ["running"],
    );

    await second.destroy();
    assert.deepEqual(stackObjects(), { service: [], secret: [], config: [], network: [] });
  });
});
