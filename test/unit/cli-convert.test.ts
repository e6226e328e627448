import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import {
  fromMarathonApp,
  fromMarathonGroup,
  type MarathonApp,
  type MarathonHealthCheck,
} from "../../components/marathon";
import { berth } from "../support/cli-run";
import { composeDir } from "../support/compose-dir";
import { hello, shopDb, shopGroup, shopWeb } from "../support/marathon-fixtures";

const notePaths = (notes: { path: string }[]) => notes.map((n) => n.path);

describe("fromMarathonApp", () => {
  it("converts what has an equivalent and reports the rest, never dropping a key", () => {
    const c = fromMarathonApp(shopWeb, "/shop");
    assert.equal(c.id, "/shop/web");
    assert.equal(c.name, "shop-web");
    assert.deepEqual(c.service, {
      image: "local/busybox:1",
      entrypoint: ["/bin/sh", "-c"],
      command: ["httpd -f -p 8080 -h /www"],
      replicas: 2,
      resources: { cpu: 0.1, memory: "64Mi", reservations: { cpu: 0.1, memory: "64Mi" } },
      ports: [{ target: 8080 }],
      healthCheck: {
        http: { path: "/", port: 8080 },
        interval: "10s",
        timeout: "3s",
        retries: 3,
        startPeriod: "5s",
      },
      placement: { constraints: ["node.labels.rack==r1"], spread: "node.labels.zone", maxPerNode: 1 },
      env: { LOG: "info" },
      secretEnv: { DB_PASSWORD: "" },
      labels: { team: "shop", HAPROXY_GROUP: "external" },
      update: { order: "stop-first", parallelism: 1 },
    });
    assert.deepEqual(c.dependsOn, ["shop-db"]);
    assert.deepEqual(c.secretSources, { DB_PASSWORD: "/shop/db-password" });
    assert.deepEqual(notePaths(c.notes).sort(), [
      "backoffSeconds",
      "constraints[2]",
      "container.portMappings[0].hostPort",
      "container.portMappings[0].servicePort",
      "disk",
      "env.DB_PASSWORD",
      "fetch",
      "labels.HAPROXY_GROUP",
    ]);
    assert.match(
      c.notes.find((n) => n.path === "disk")?.message ?? "",
      /has no equivalent; clusters reserve no scratch disk/,
    );
    assert.match(c.notes.find((n) => n.path === "constraints[2]")?.message ?? "", /regular expression/);
  });

  it("maps legacy Docker port mappings, volumes and a TCP check", () => {
    const c = fromMarathonApp(shopDb, "/shop");
    assert.deepEqual(c.service.command, ["-c", "max_connections=50"]);
    assert.equal(c.service.entrypoint, undefined);
    assert.deepEqual(c.service.ports, [{ target: 5432, published: 15432, public: true }]);
    assert.deepEqual(c.service.healthCheck, {
      tcp: { port: 5432 },
      interval: "60s",
      timeout: "20s",
      retries: 3,
      startPeriod: "300s",
    });
    assert.deepEqual(c.service.volumes, [
      { type: "volume", source: "db-0", target: "/pgdata" },
      { type: "bind", source: "/etc/ssl/certs", target: "/etc/ssl/certs", readOnly: true },
    ]);
    assert.deepEqual(c.service.update, { order: "stop-first", parallelism: 1 });
    assert.deepEqual(notePaths(c.notes), [
      "container.volumes[0].containerPath",
      "container.volumes[0].persistent",
      "container.volumes[1].hostPath",
    ]);
  });

  it("converts every health check protocol", () => {
    const check = (h: MarathonHealthCheck) =>
      fromMarathonApp({
        ...hello,
        healthChecks: [{ intervalSeconds: 5, timeoutSeconds: 2, gracePeriodSeconds: 1, ...h }],
      });
    const timing = { interval: "5s", timeout: "2s", retries: 3, startPeriod: "1s" };
    for (const protocol of ["HTTP", "MESOS_HTTP"] as const)
      assert.deepEqual(check({ protocol, path: "/up" }).service.healthCheck, {
        http: { path: "/up", port: 8080 },
        ...timing,
      });
    for (const protocol of ["TCP", "MESOS_TCP"] as const)
      assert.deepEqual(check({ protocol, port: 9000 }).service.healthCheck, {
        tcp: { port: 9000 },
        ...timing,
      });
    for (const protocol of ["HTTPS", "MESOS_HTTPS"] as const) {
      const c = check({ protocol, path: "/" });
      assert.deepEqual(c.service.healthCheck, { tcp: { port: 8080 }, ...timing });
      assert.match(
        c.notes.find((n) => n.path === "healthChecks[0].protocol")?.message ?? "",
        /converted to a TCP check/,
      );
    }
    assert.deepEqual(check({ protocol: "COMMAND", command: { value: "test -f /ok" } }).service.healthCheck, {
      command: "test -f /ok",
      ...timing,
    });
    const defaulted = check({ path: "/" });
    assert.deepEqual(defaulted.service.healthCheck, { http: { path: "/", port: 8080 }, ...timing });
    const variables = check({ protocol: "COMMAND", command: { value: "curl -f http://$HOST:$PORT0/" } });
    assert.match(
      variables.notes[0].message,
      /uses \$HOST, \$PORT0, which Marathon sets and no other cluster does/,
    );
  });

  it("turns upgradeStrategy into update order and parallelism", () => {
    const update = (minimumHealthCapacity: number, maximumOverCapacity: number, instances = 4) =>
      fromMarathonApp({
        ...hello,
        instances,
        upgradeStrategy: { minimumHealthCapacity, maximumOverCapacity },
      }).service.update;
    assert.deepEqual(update(1, 1), { order: "start-first", parallelism: 4 });
    assert.deepEqual(update(1, 0.5), { order: "start-first", parallelism: 2 });
    assert.deepEqual(update(0.5, 0), { order: "stop-first", parallelism: 2 });
    assert.deepEqual(update(0, 0), { order: "stop-first", parallelism: 4 });
    assert.deepEqual(update(0.75, 0), { order: "stop-first", parallelism: 1 });
  });

  it("turns constraints into placement, reporting those without an equivalent", () => {
    const c = fromMarathonApp({
      ...hello,
      constraints: [
        ["hostname", "MAX_PER", "2"],
        ["hostname", "LIKE", "node-1"],
        ["disk", "UNLIKE", "hdd"],
        ["zone", "IS", "a"],
        ["rack", "CLUSTER"],
        ["zone", "UNIQUE"],
      ],
    } as MarathonApp);
    assert.deepEqual(c.service.placement, {
      constraints: ["node.hostname==node-1", "node.labels.disk!=hdd", "node.labels.zone==a"],
      maxPerNode: 2,
    });
    assert.deepEqual(notePaths(c.notes), ["constraints[4]", "constraints[5]"]);
  });

  it("reports keys it does not know instead of dropping them", () => {
    const c = fromMarathonApp({
      ...hello,
      gpus: 1,
      someFutureKey: true,
      version: "2020-07-01T00:00:00Z",
    } as MarathonApp);
    assert.deepEqual(notePaths(c.notes), ["gpus", "someFutureKey"]);
  });
});

describe("fromMarathonGroup", () => {
  it("names apps by their ids and resolves dependencies relative to their group", () => {
    const g = fromMarathonGroup(shopGroup);
    assert.deepEqual(
      g.apps.map((a) => [a.id, a.name, a.dependsOn]),
      [
        ["/shop/web", "shop-web", ["shop-db"]],
        ["/shop/db", "shop-db", []],
      ],
    );
    const plain = fromMarathonGroup({ apps: [hello], dependencies: ["/x"] });
    assert.deepEqual(notePaths(plain.notes), ["dependencies"]);
  });
});

describe("berth convert marathon", () => {
  it("writes a Compose file that berth check accepts, listing the notes on stderr", async () => {
    const dir = composeDir({});
    writeFileSync(join(dir, "shop.json"), JSON.stringify(shopGroup));
    const run = await berth(["convert", "marathon", "shop.json"], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^shop\.json: \/shop\/web: disk: has no equivalent/m);
    assert.match(run.stderr, /^shop\.json: \/shop\/web: healthChecks\[0\]: Compose has no HTTP check/m);
    const compose = parse(run.stdout) as { services: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(compose.services), ["shop-web", "shop-db"]);
    assert.deepEqual(compose.services["shop-web"].depends_on, ["shop-db"]);
    assert.deepEqual(compose.services["shop-web"].deploy, {
      replicas: 2,
      labels: { team: "shop", HAPROXY_GROUP: "external" },
      resources: { limits: { cpus: "0.1", memory: "64m" }, reservations: { cpus: "0.1", memory: "64m" } },
      update_config: { parallelism: 1, order: "stop-first" },
      placement: {
        constraints: ["node.labels.rack==r1"],
        preferences: [{ spread: "node.labels.zone" }],
        max_replicas_per_node: 1,
      },
    });
    writeFileSync(join(dir, "compose.yaml"), run.stdout);
    // The secret variable must be set when deploying, as the file says.
    const unset = await berth(["check", "compose.yaml", "--target", "swarm"], dir);
    assert.equal(unset.status, 1);
    assert.match(unset.stdout, /set DB_PASSWORD to the value of the Marathon secret \/shop\/db-password/);
    const env = { DB_PASSWORD: "s3cret" };
    const swarm = await berth(["check", "compose.yaml", "--target", "swarm"], dir, env);
    assert.equal(swarm.status, 0, swarm.stdout);
    assert.match(swarm.stdout, /^0 errors, 0 warnings for swarm$/m);
    // Marathon's persistent volume is a named volume, which Berth cannot create on Kubernetes yet.
    const kubernetes = await berth(["check", "compose.yaml", "--target", "kubernetes"], dir, env);
    assert.equal(kubernetes.status, 1);
    assert.match(
      kubernetes.stdout,
      /^compose\.yaml:\d+:9: error: services\.shop-db\.volumes\[0\]: the named volume "shop-db-0" cannot be created on kubernetes/m,
    );
    assert.match(kubernetes.stdout, /^1 error, 0 warnings for kubernetes$/m);
  });

  it("writes service descriptions with --to spec that berth check accepts", async () => {
    const dir = composeDir({});
    writeFileSync(join(dir, "hello.json"), JSON.stringify(hello));
    const run = await berth(["convert", "marathon", "hello.json", "--to", "spec"], dir);
    assert.equal(run.status, 0, run.stderr);
    const list = parse(run.stdout) as { name: string; image: string }[];
    assert.deepEqual(
      list.map((s) => [s.name, s.image]),
      [["hello", "local/busybox:1"]],
    );
    writeFileSync(join(dir, "services.yaml"), run.stdout);
    for (const target of ["swarm", "kubernetes", "ecs"]) {
      const checked = await berth(["check", "services.yaml", "--target", target], dir);
      assert.equal(checked.status, 0, `${target}: ${checked.stdout}`);
    }
  });

  it("exits 2 for a file that is not JSON", async () => {
    const dir = composeDir({ "app.json": "{ nope" });
    const run = await berth(["convert", "marathon", "app.json"], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^app\.json: not JSON/);
  });
});
