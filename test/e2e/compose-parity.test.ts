import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { join } from "path";
import { randomBytes } from "crypto";
import { ComposeStack } from "../../components/compose";
import { LocalSwarm } from "../../components/swarm";
import { engineReachable, needEngine } from "../support/engine";
import { composeDir } from "../support/compose-dir";
import { runProgram } from "../support/harness";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const run = randomBytes(3).toString("hex");
const viaDocker = `parity-docker-${run}`;
const viaBerth = `parity-berth-${run}`;

/** A file using what both `docker stack deploy` and ComposeStack deploy to Swarm. */
const composeFile = `
version: "3.8"
services:
  app:
    image: local/busybox:1
    entrypoint: ["sh", "-c"]
    command: ["sleep 3600"]
    environment:
      MODE: production
      EMPTY: ""
    labels:
      tier: backend
    working_dir: /tmp
    read_only: true
    stop_grace_period: 2s
    healthcheck:
      test: ["CMD", "true"]
      interval: 5s
      timeout: 2s
      retries: 2
      start_period: 1s
    secrets:
      - source: token
        target: app-token
        mode: 0400
    configs:
      - source: settings
        target: /etc/app.conf
    networks:
      back:
        aliases: [application]
    hostname: app-host
    stop_signal: SIGINT
    stdin_open: true
    tty: true
    init: true
    sysctls:
      net.core.somaxconn: "1024"
    ulimits:
      nofile: { soft: 1024, hard: 2048 }
      nproc: 512
    dns: [10.0.0.53]
    dns_search: [example.internal]
    extra_hosts: ["db.internal:10.0.0.5"]
    volumes:
      - data:/data
      - type: tmpfs
        target: /cache
        tmpfs:
          size: 16777216
    ports:
      - target: 80
        published: 18090
    deploy:
      replicas: 2
      labels:
        svc: app
      resources:
        limits:
          cpus: "0.5"
          memory: 64M
        reservations:
          memory: 16M
      restart_policy:
        condition: on-failure
        delay: 2s
        max_attempts: 3
        window: 10s
      update_config:
        parallelism: 1
        delay: 1s
        order: start-first
        failure_action: rollback
        monitor: 2s
      placement:
        constraints: ["node.role==manager"]
        max_replicas_per_node: 2
  daemon:
    image: local/busybox:1
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    deploy:
      mode: global
      endpoint_mode: dnsrr
networks:
  back: {}
volumes:
  data: {}
secrets:
  token:
    file: ./token.txt
configs:
  settings:
    file: ./app.conf
`;

type Json = Record<string, unknown>;

function specOf(service: string): Json {
  return JSON.parse(docker("service", "inspect", service, "--format", "{{json .Spec}}")) as Json;
}

const isSecretFile = (value: unknown): value is { Name: string } =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Json).Name === "string" &&
  !(value as { Name: string }).Name.startsWith("/");

/** The spec with run-specific names made comparable: the stack's name, object ids and hash suffixes. */
function comparable(spec: Json, stack: string): Json {
  const networkName = (id: string) => docker("network", "inspect", id, "--format", "{{.Name}}");
  const text = JSON.stringify(spec, (key, value: unknown) => {
    if (key === "SecretID" || key === "ConfigID") return undefined;
    // A secret's relative file name lives under /run/secrets; Berth writes the whole path.
    if (key === "File" && isSecretFile(value)) return { ...value, Name: `/run/secrets/${value.Name}` };
    if ((key === "SecretName" || key === "ConfigName") && typeof value === "string")
      return value.replace(/-[0-9a-f]{12}$/, "");
    if (key === "Target" && typeof value === "string" && /^[0-9a-z]{25}$/.test(value))
      return networkName(value);
    return value;
  });
  return JSON.parse(text.replaceAll(stack, "<stack>")) as Json;
}

/** Go's zero values: the CLI sends empty structs that mean the same as leaving them out. */
function isZero(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.values(value as Json).every(isZero);
}

/**
 * Where Berth means to differ from `docker stack deploy`, and why (see docs/compose.md).
 * - Docker leaves the rollback policy to the engine's default (stop-first, 5 s monitor, no delay); Berth
 *   rolls back with the update's own order, monitor and delay, so a start-first service keeps serving
 *   while it rolls back.
 * - A service without `logging:` gets the engine's default driver from Docker, unbounded with json-file;
 *   Berth gives it json-file rotated at 10 MB, three files (checked on its own below).
 */
const deliberate = [
  "Spec.RollbackConfig.Monitor",
  "Spec.RollbackConfig.Order",
  "Spec.RollbackConfig.Delay",
  "Spec.TaskTemplate.LogDriver",
];

/** What only Berth sets, on purpose: its ownership labels (which resource manages the object). */
const berthOnly = (path: string) => /^Spec(\.TaskTemplate\.ContainerSpec)?\.Labels\.berth\./.test(path);

const show = (path: string, dockerValue: unknown, berthValue: unknown) =>
  `${path}: docker ${JSON.stringify(dockerValue)}, berth ${JSON.stringify(berthValue)}`;

/**
 * Every leaf either side set, compared with the other side's value at the same path: a field Docker
 * sets that Berth does not match, and a field Berth sets that Docker does not, are both differences.
 */
function differences(dockerValue: unknown, berthValue: unknown, path = "Spec"): string[] {
  if (deliberate.includes(path)) return [];
  if (dockerValue === undefined && (isZero(berthValue) || berthOnly(path))) return [];
  if (berthValue === undefined && isZero(dockerValue)) return [];
  const isObject = (v: unknown) => typeof v === "object" && v !== null;
  if (isObject(dockerValue) || isObject(berthValue)) {
    if (
      !isObject(dockerValue) ||
      !isObject(berthValue) ||
      Array.isArray(dockerValue) !== Array.isArray(berthValue)
    ) {
      return [show(path, dockerValue, berthValue)];
    }
    if (Array.isArray(dockerValue)) {
      const sort = (xs: unknown[]) =>
        [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      const d = sort(dockerValue);
      const b = sort(berthValue as unknown[]);
      if (d.length !== b.length) return [show(path, d, b)];
      return d.flatMap((item, i) => differences(item, b[i], `${path}[${i}]`));
    }
    const keys = new Set([...Object.keys(dockerValue as Json), ...Object.keys(berthValue as Json)]);
    return [...keys].flatMap((key) =>
      differences((dockerValue as Json)[key], (berthValue as Json)[key], `${path}.${key}`),
    );
  }
  return dockerValue === berthValue ? [] : [show(path, dockerValue, berthValue)];
}

describe("ComposeStack and docker stack deploy give the same engine specs", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    execFileSync("docker", ["stack", "rm", viaDocker], { stdio: "ignore" });
    for (const kind of ["service", "secret", "config", "network"]) {
      const ids = docker(kind, "ls", "-q", "--filter", `label=com.docker.stack.namespace=${viaBerth}`);
      if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
    }
  });

  it("every field either side sets has the same value on the other", async (t) => {
    if (!(await needEngine(t))) return;
    const dir = composeDir({
      "compose.yaml": composeFile,
      "token.txt": "s3cret",
      "app.conf": "level=debug\n",
    });
    docker("stack", "deploy", "--resolve-image", "never", "-c", join(dir, "compose.yaml"), viaDocker);
    const services = ["app", "daemon"];
    const fromDocker = Object.fromEntries(
      services.map((service) => [service, comparable(specOf(`${viaDocker}_${service}`), viaDocker)]),
    );
    // Both stacks publish the same port, so Docker's goes before Berth's comes.
    docker("stack", "rm", viaDocker);
    const berth = await runProgram(
      () => {
        const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
        new ComposeStack("parity", { cluster, project: { workingDir: dir, env: {}, projectName: viaBerth } });
      },
      { project: "berth", stack: viaBerth },
    );
    t.after(() => berth.destroy());

    for (const service of services) {
      const fromBerth = comparable(specOf(`${viaBerth}_${service}`), viaBerth);
      assert.deepEqual(
        differences(fromDocker[service], fromBerth),
        [],
        `${service}: fields set differently by docker and Berth`,
      );
      assert.equal(((fromDocker[service].TaskTemplate as Json).LogDriver as unknown) ?? null, null);
      assert.deepEqual((fromBerth.TaskTemplate as Json).LogDriver, {
        Name: "json-file",
        Options: { "max-size": "10m", "max-file": "3" },
      });
      // Berth adds its ownership labels and nothing hides them.
      assert.equal((fromBerth.Labels as Json)["berth.project"], "berth");
    }
  });
});
