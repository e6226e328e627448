import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeService, parseImageReference, type ServiceInput } from "../../components/spec";

describe("normalizeService defaults", () => {
  it("fills every documented default for a minimal service", () => {
    assert.deepEqual(normalizeService("web", { image: "nginx" }), {
      name: "web",
      image: "nginx",
      env: {},
      secretEnv: {},
      ports: [],
      endpointMode: "vip",
      mode: "replicated",
      replicas: 1,
      resources: { reservations: { genericResources: {} } },
      update: {
        parallelism: 1,
        delay: 0,
        order: "start-first",
        failureAction: "rollback",
        monitor: 5000,
        maxFailureRatio: 0,
      },
      restart: { condition: "any", delay: 5000, maxAttempts: 0, window: 0 },
      placement: { constraints: [] },
      volumes: [],
      secrets: [],
      configs: [],
      networks: [],
      networkAliases: {},
      labels: {},
      readOnlyRootFilesystem: false,
      capAdd: [],
      capDrop: [],
      stopGracePeriod: 10_000,
      stdinOpen: false,
      tty: false,
      sysctls: {},
      ulimits: {},
      dns: [],
      dnsSearch: [],
      dnsOptions: [],
      extraHosts: {},
      securityOpt: { noNewPrivileges: false, seccomp: "default", appArmor: "default" },
      ignoreUnsupported: [],
    });
  });

  it("gives jobs on-failure restarts, global services no replica count and autoscaled services their minimum", () => {
    assert.equal(normalizeService("j", { image: "a", mode: "job" }).restart.condition, "on-failure");
    assert.equal(normalizeService("g", { image: "a", mode: "global" }).replicas, 0);
    const scaled = normalizeService("s", { image: "a", autoscale: { min: 2, max: 6 } });
    assert.equal(scaled.replicas, 2);
    assert.deepEqual(scaled.autoscale, { min: 2, max: 6, cpuPercent: 80 });
    assert.deepEqual(
      normalizeService("m", { image: "a", autoscale: { min: 1, max: 2, memoryPercent: 70 } }).autoscale,
      {
        min: 1,
        max: 2,
        memoryPercent: 70,
      },
    );
  });

  it("makes published ports public and public ports published on their target", () => {
    const n = normalizeService("p", {
      image: "a",
      ports: [
        { target: 80, published: 8080 },
        { target: 443, public: true, http: { host: "a.example.com", tls: true } },
        { target: 9000 },
        { target: 53, protocol: "udp" },
      ],
    });
    assert.deepEqual(n.ports, [
      { target: 80, published: 8080, protocol: "tcp", public: true, publishMode: "ingress" },
      {
        target: 443,
        published: 443,
        protocol: "tcp",
        public: true,
        publishMode: "ingress",
        http: { path: "/", tls: true, host: "a.example.com" },
      },
      { target: 9000, protocol: "tcp", public: false, publishMode: "ingress" },
      { target: 53, protocol: "udp", public: false, publishMode: "ingress" },
    ]);
  });

  it("places secrets under /run/secrets and configs at the root, mode 0444", () => {
    const n = normalizeService("f", {
      image: "a",
      secrets: [
        { source: "db" },
        { source: "api", target: "keys/api" },
        { source: "tls", target: "/etc/tls/key", mode: 0o400 },
      ],
      configs: [{ source: "app.conf" }],
    });
    assert.deepEqual(n.secrets, [
      { source: "db", target: "/run/secrets/db", mode: 0o444, uid: "0", gid: "0" },
      { source: "api", target: "/run/secrets/keys/api", mode: 0o444, uid: "0", gid: "0" },
      { source: "tls", target: "/etc/tls/key", mode: 0o400, uid: "0", gid: "0" },
    ]);
    assert.deepEqual(n.configs, [
      { source: "app.conf", target: "/app.conf", mode: 0o444, uid: "0", gid: "0" },
    ]);
  });

  it("resolves the container's process options: ulimits, tmpfs sizes, aliases, owners, start interval", () => {
    const n = normalizeService("o", {
      image: "a",
      ulimits: { nofile: 1024, nproc: { soft: 100, hard: -1 } },
      volumes: [
        { type: "volume", target: "/cache" },
        { type: "tmpfs", target: "/t", tmpfs: { size: "64Mi", mode: 0o1770 } },
      ],
      networks: ["front", { name: "back", aliases: ["db", "db"] }],
      secrets: [{ source: "s", uid: 1000, gid: "1001" }],
      healthCheck: { command: "true", startPeriod: "30s", startInterval: "1s" },
      resources: { pids: 100, reservations: { genericResources: { gpu: 1 } } },
      securityOpt: { noNewPrivileges: true, seccomp: { profile: '{"defaultAction":"SCMP_ACT_ALLOW"}' } },
      stopSignal: "sigint",
      hostname: "api-{{.Task.Slot}}",
      extraHosts: { "host.docker.internal": "host-gateway", db: "::1" },
    });
    assert.deepEqual(n.ulimits, { nofile: { soft: 1024, hard: 1024 }, nproc: { soft: 100, hard: -1 } });
    assert.deepEqual(n.volumes, [
      { type: "volume", target: "/cache", readOnly: false },
      { type: "tmpfs", target: "/t", readOnly: false, tmpfs: { size: 64 * 2 ** 20, mode: 0o1770 } },
    ]);
    assert.deepEqual(n.networks, ["front", "back"]);
    assert.deepEqual(n.networkAliases, { back: ["db"] });
    assert.deepEqual(n.secrets[0], {
      source: "s",
      target: "/run/secrets/s",
      mode: 0o444,
      uid: "1000",
      gid: "1001",
    });
    assert.equal(n.healthCheck?.startInterval, 1000);
    assert.equal(n.resources.pids, 100);
    assert.deepEqual(n.resources.reservations.genericResources, { gpu: 1 });
    assert.deepEqual(n.securityOpt, {
      noNewPrivileges: true,
      seccomp: { profile: '{"defaultAction":"SCMP_ACT_ALLOW"}' },
      appArmor: "default",
    });
    assert.equal(n.stopSignal, "sigint");
    assert.equal(n.hostname, "api-{{.Task.Slot}}");
    assert.equal(
      normalizeService("o", { image: "a", healthCheck: { command: "true" } }).healthCheck?.startInterval,
      undefined,
    );
  });

  it("puts every health check in Docker's form, keeping http and tcp probes", () => {
    assert.deepEqual(
      normalizeService("h", { image: "a", healthCheck: { command: "curl -f localhost" } }).healthCheck,
      {
        test: ["CMD-SHELL", "curl -f localhost"],
        interval: 10_000,
        timeout: 5_000,
        retries: 3,
        startPeriod: 0,
      },
    );
    const http = normalizeService("h", {
      image: "a",
      healthCheck: { http: { path: "/up", port: 8080 }, startPeriod: "1m" },
    });
    assert.deepEqual(http.healthCheck?.http, { path: "/up", port: 8080 });
    assert.equal(http.healthCheck?.startPeriod, 60_000);
    assert.match(
      http.healthCheck?.test[1] ?? "",
      /wget -q -O \/dev\/null 'http:\/\/127.0.0.1:8080\/up' \|\| curl/,
    );
    const tcp = normalizeService("h", { image: "a", healthCheck: { tcp: { port: 5432 } } });
    assert.deepEqual(tcp.healthCheck?.test, ["CMD-SHELL", "nc -z 127.0.0.1 5432 || exit 1"]);
  });

  it("resolves units: durations to ms, CPU to millicores, memory to bytes", () => {
    const n = normalizeService("u", {
      image: "a",
      resources: { cpu: 0.5, memory: "512Mi", reservations: { cpu: "250m", memory: 64 * 2 ** 20 } },
      update: { delay: "1m30s", monitor: 2 },
      stopGracePeriod: "250ms",
    });
    assert.deepEqual(n.resources, {
      cpu: 500,
      memory: 512 * 2 ** 20,
      reservations: { cpu: 250, memory: 64 * 2 ** 20, genericResources: {} },
    });
    assert.equal(n.update.delay, 90_000);
    assert.equal(n.update.monitor, 2_000);
    assert.equal(n.stopGracePeriod, 250);
  });

  it("canonicalizes capabilities and leaves the input untouched", () => {
    const input: ServiceInput = {
      image: "a",
      capAdd: ["cap_net_admin", "SYS_TIME"],
      capDrop: ["all"],
      env: { A: "1" },
    };
    const copy = structuredClone(input);
    const n = normalizeService("c", input);
    assert.deepEqual(n.capAdd, ["NET_ADMIN", "SYS_TIME"]);
    assert.deepEqual(n.capDrop, ["ALL"]);
    n.env.B = "2";
    assert.deepEqual(input, copy);
  });

  it("accepts the image references Docker accepts", () => {
    for (const image of [
      "nginx",
      "ubuntu:22.04",
      "localhost:5000/a/b:1",
      `registry.example.com/team/app@sha256:${"a".repeat(64)}`,
      "[::1]:5000/x",
      "a__b/c-d.e:v1_2",
    ]) {
      assert.equal(normalizeService("i", { image }).image, image);
    }
    assert.deepEqual(parseImageReference("localhost:5000/a/b:1"), {
      domain: "localhost:5000",
      path: "a/b",
      tag: "1",
      digest: undefined,
    });
    assert.deepEqual(parseImageReference("library/nginx"), {
      domain: undefined,
      path: "library/nginx",
      tag: undefined,
      digest: undefined,
    });
    assert.deepEqual(parseImageReference(`ghcr.io/o/r:t@sha256:${"b".repeat(64)}`), {
      domain: "ghcr.io",
      path: "o/r",
      tag: "t",
      digest: `sha256:${"b".repeat(64)}`,
    });
  });
});
