import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import {
  normalizeService,
  renderSwarm,
  SpecError,
  type ServiceInput,
  type SpecIssue,
} from "../../components/spec";

const render = (input: ServiceInput, name = "svc", onIgnored?: (i: SpecIssue) => void) =>
  renderSwarm(normalizeService(name, input), { onIgnored });
const second = 1e9;

describe("renderSwarm", () => {
  it("web front: published port, replicas, start-first update with rollback", () => {
    const s = render({ image: "nginx:1.27", ports: [{ target: 80, published: 8080 }], replicas: 3 }, "web");
    assert.equal(s.Name, "web");
    assert.deepEqual(s.Mode, { Replicated: { Replicas: 3 } });
    assert.deepEqual(s.EndpointSpec, {
      Mode: "vip",
      Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "ingress" }],
    });
    assert.deepEqual(s.UpdateConfig, {
      Parallelism: 1,
      Delay: 0,
      FailureAction: "rollback",
      Monitor: 5 * second,
      MaxFailureRatio: 0,
      Order: "start-first",
    });
    assert.equal(s.RollbackConfig?.FailureAction, "pause");
    assert.equal(s.RollbackConfig?.Order, "start-first");
  });

  it("internal API: no published ports, secrets and configs by name and target", () => {
    const s = render({
      image: "api:1",
      ports: [{ target: 9000 }],
      secrets: [{ source: "db-pass" }, { source: "tls", target: "/etc/tls.key", mode: 0o400 }],
      configs: [{ source: "api.yaml", target: "/etc/api.yaml" }],
    });
    assert.deepEqual(s.EndpointSpec.Ports, []);
    assert.deepEqual(s.TaskTemplate.ContainerSpec.Secrets, [
      {
        File: { Name: "/run/secrets/db-pass", UID: "0", GID: "0", Mode: 0o444 },
        SecretName: "db-pass",
        SecretID: "",
      },
      { File: { Name: "/etc/tls.key", UID: "0", GID: "0", Mode: 0o400 }, SecretName: "tls", SecretID: "" },
    ]);
    assert.deepEqual(s.TaskTemplate.ContainerSpec.Configs, [
      {
        File: { Name: "/etc/api.yaml", UID: "0", GID: "0", Mode: 0o444 },
        ConfigName: "api.yaml",
        ConfigID: "",
      },
    ]);
  });

  it("worker: entrypoint and command, plain and secret env sorted together, user, dir, read-only root", () => {
    const s = render({
      image: "worker:2",
      entrypoint: ["/bin/worker"],
      command: ["--queue", "jobs"],
      env: { Z: "last", A: "first" },
      secretEnv: { M_TOKEN: "t" },
      user: "1000:1000",
      workingDir: "/srv",
      readOnlyRootFilesystem: true,
    });
    const c = s.TaskTemplate.ContainerSpec;
    assert.deepEqual(c.Command, ["/bin/worker"]);
    assert.deepEqual(c.Args, ["--queue", "jobs"]);
    assert.deepEqual(c.Env, ["A=first", "M_TOKEN=t", "Z=last"]);
    assert.equal(c.User, "1000:1000");
    assert.equal(c.Dir, "/srv");
    assert.equal(c.ReadOnly, true);
  });

  it("global agent with a host-mode port and dnsrr", () => {
    const s = render({
      image: "agent",
      mode: "global",
      endpointMode: "dnsrr",
      ports: [{ target: 9100, public: true, publishMode: "host" }],
    });
    assert.deepEqual(s.Mode, { Global: {} });
    assert.deepEqual(s.EndpointSpec, {
      Mode: "dnsrr",
      Ports: [{ Protocol: "tcp", TargetPort: 9100, PublishedPort: 9100, PublishMode: "host" }],
    });
  });

  it("job: ReplicatedJob with completions, on-failure restarts, no update or rollback config", () => {
    const s = render({ image: "migrate", mode: "job", replicas: 3 });
    assert.deepEqual(s.Mode, { ReplicatedJob: { MaxConcurrent: 3, TotalCompletions: 3 } });
    assert.equal(s.TaskTemplate.RestartPolicy.Condition, "on-failure");
    assert.equal(s.UpdateConfig, undefined);
    assert.equal(s.RollbackConfig, undefined);
  });

  it("health checks in nanoseconds, for every form", () => {
    const exec = render({
      image: "a",
      healthCheck: {
        command: ["CMD", "pg_isready"],
        interval: "15s",
        timeout: "3s",
        retries: 5,
        startPeriod: "1m",
      },
    });
    assert.deepEqual(exec.TaskTemplate.ContainerSpec.Healthcheck, {
      Test: ["CMD", "pg_isready"],
      Interval: 15 * second,
      Timeout: 3 * second,
      Retries: 5,
      StartPeriod: 60 * second,
    });
    const http = render({ image: "a", healthCheck: { http: { path: "/health", port: 8080 } } });
    assert.equal(http.TaskTemplate.ContainerSpec.Healthcheck?.Test[0], "CMD-SHELL");
    assert.match(http.TaskTemplate.ContainerSpec.Healthcheck?.Test[1] ?? "", /127\.0\.0\.1:8080\/health/);
    assert.deepEqual(
      render({ image: "a", healthCheck: { command: ["NONE"] } }).TaskTemplate.ContainerSpec.Healthcheck,
      { Test: ["NONE"] },
    );
    assert.equal(render({ image: "a" }).TaskTemplate.ContainerSpec.Healthcheck, undefined);
  });

  it("resources as NanoCPUs and MemoryBytes", () => {
    const s = render({
      image: "a",
      resources: { cpu: "500m", memory: "512Mi", reservations: { cpu: 0.25, memory: "128Mi" } },
    });
    assert.deepEqual(s.TaskTemplate.Resources, {
      Limits: { NanoCPUs: 500_000_000, MemoryBytes: 536_870_912 },
      Reservations: { NanoCPUs: 250_000_000, MemoryBytes: 134_217_728 },
    });
  });

  it("placement: constraints, spread and max replicas per node", () => {
    const s = render({
      image: "a",
      placement: {
        constraints: ["node.labels.zone == a", "node.role!=manager"],
        spread: "node.labels.zone",
        maxPerNode: 2,
      },
    });
    assert.deepEqual(s.TaskTemplate.Placement, {
      Constraints: ["node.labels.zone==a", "node.role!=manager"],
      Preferences: [{ Spread: { SpreadDescriptor: "node.labels.zone" } }],
      MaxReplicas: 2,
    });
  });

  it("mounts, capabilities, networks, logging, labels and stop grace period", () => {
    const s = render({
      image: "a",
      volumes: [
        { type: "volume", source: "data", target: "/data" },
        { type: "bind", source: "/var/log", target: "/host-log", readOnly: true },
        { type: "tmpfs", target: "/tmp" },
      ],
      capAdd: ["NET_ADMIN"],
      capDrop: ["ALL"],
      networks: ["front", "back"],
      logging: { driver: "json-file", options: { "max-size": "10m" } },
      labels: { team: "core" },
      stopGracePeriod: "30s",
    });
    const c = s.TaskTemplate.ContainerSpec;
    assert.deepEqual(c.Mounts, [
      { Type: "volume", Source: "data", Target: "/data", ReadOnly: false },
      { Type: "bind", Source: "/var/log", Target: "/host-log", ReadOnly: true },
      { Type: "tmpfs", Source: "", Target: "/tmp", ReadOnly: false },
    ]);
    assert.deepEqual(c.CapabilityAdd, ["CAP_NET_ADMIN"]);
    assert.deepEqual(c.CapabilityDrop, ["ALL"]);
    assert.equal(c.StopGracePeriod, 30 * second);
    assert.deepEqual(s.TaskTemplate.Networks, [{ Target: "front" }, { Target: "back" }]);
    // A json-file without a file count is given the default one, so that it rotates within bounds.
    assert.deepEqual(s.TaskTemplate.LogDriver, {
      Name: "json-file",
      Options: { "max-size": "10m", "max-file": "3" },
    });
    assert.deepEqual(s.Labels, { team: "core" });
  });

  it("update and restart policies as given", () => {
    const s = render({
      image: "a",
      update: {
        parallelism: 2,
        delay: "10s",
        order: "stop-first",
        failureAction: "pause",
        monitor: "30s",
        maxFailureRatio: 0.2,
      },
      restart: { condition: "on-failure", delay: "2s", maxAttempts: 5, window: "1m" },
    });
    assert.deepEqual(s.UpdateConfig, {
      Parallelism: 2,
      Delay: 10 * second,
      FailureAction: "pause",
      Monitor: 30 * second,
      MaxFailureRatio: 0.2,
      Order: "stop-first",
    });
    assert.deepEqual(s.TaskTemplate.RestartPolicy, {
      Condition: "on-failure",
      Delay: 2 * second,
      MaxAttempts: 5,
      Window: 60 * second,
    });
  });

  it("refuses autoscale and HTTP routing, all at once", () => {
    assert.throws(
      () =>
        render({
          image: "a",
          autoscale: { min: 1, max: 3 },
          ports: [{ target: 80, public: true, http: { path: "/" } }],
        }),
      (err: SpecError) =>
        err instanceof SpecError &&
        err.issues.length === 2 &&
        /^is not supported on swarm; set replicas/.test(
          err.issues.find((i) => i.path === "autoscale")?.message ?? "",
        ) &&
        /no HTTP router/.test(err.issues.find((i) => i.path === "ports[0].http")?.message ?? ""),
    );
  });

  it("refuses sourceRanges, which a published port cannot honour, unless ports are ignorable", () => {
    const input: ServiceInput = {
      image: "a",
      ports: [{ target: 80, published: 8080, sourceRanges: ["203.0.113.0/24"] }],
    };
    assert.throws(
      () => render(input, "web"),
      (err: SpecError) =>
        err instanceof SpecError &&
        /^service web:/.test(err.message) &&
        err.issues.length === 1 &&
        err.issues[0].path === "ports[0].sourceRanges" &&
        /^is not supported on swarm; .*firewall/.test(err.issues[0].message),
    );
    const ignored: SpecIssue[] = [];
    const s = render({ ...input, ignoreUnsupported: ["ports"] }, "web", (i) => ignored.push(i));
    assert.deepEqual(
      ignored.map((i) => i.path),
      ["ports[0].sourceRanges"],
    );
    assert.equal(s.EndpointSpec?.Ports?.[0].PublishedPort, 8080);
  });

  it("drops ignorable fields with a notice instead", () => {
    const ignored: SpecIssue[] = [];
    const s = render(
      { image: "a", autoscale: { min: 2, max: 3 }, ignoreUnsupported: ["autoscale"] },
      "svc",
      (i) => ignored.push(i),
    );
    assert.deepEqual(s.Mode, { Replicated: { Replicas: 2 } });
    assert.deepEqual(
      ignored.map((i) => i.path),
      ["autoscale"],
    );
    assert.match(ignored[0].message, /ignored: listed in ignoreUnsupported/);
  });

  it("process and name-resolution options as docker stack deploy sets them", () => {
    const s = render({
      image: "a",
      hostname: "api-{{.Task.Slot}}",
      extraHosts: { db: "10.0.0.5", gw: "host-gateway" },
      dns: ["10.0.0.2"],
      dnsSearch: ["corp.example"],
      dnsOptions: ["ndots:2"],
      stopSignal: "SIGINT",
      tty: true,
      stdinOpen: true,
      init: true,
      sysctls: { "net.core.somaxconn": "1024" },
      ulimits: { nproc: 512, nofile: { soft: 1024, hard: 2048 } },
    });
    const c = s.TaskTemplate.ContainerSpec;
    assert.equal(c.Hostname, "api-{{.Task.Slot}}");
    assert.deepEqual(c.Hosts, ["10.0.0.5 db", "host-gateway gw"]);
    assert.deepEqual(c.DNSConfig, {
      Nameservers: ["10.0.0.2"],
      Search: ["corp.example"],
      Options: ["ndots:2"],
    });
    assert.equal(c.StopSignal, "SIGINT");
    assert.equal(c.TTY, true);
    assert.equal(c.OpenStdin, true);
    assert.equal(c.Init, true);
    assert.deepEqual(c.Sysctls, { "net.core.somaxconn": "1024" });
    assert.deepEqual(c.Ulimits, [
      { Name: "nofile", Soft: 1024, Hard: 2048 },
      { Name: "nproc", Soft: 512, Hard: 512 },
    ]);
    assert.equal(c.Privileges, undefined, "default security options send no Privileges");
    const plain = render({ image: "a" }).TaskTemplate.ContainerSpec;
    for (const key of [
      "Hostname",
      "Hosts",
      "DNSConfig",
      "StopSignal",
      "TTY",
      "OpenStdin",
      "Init",
      "Sysctls",
      "Ulimits",
    ])
      assert.ok(!(key in plain), `${key} is left out when the service does not set it`);
    assert.equal(render({ image: "a", init: false }).TaskTemplate.ContainerSpec.Init, false);
  });

  it("security options as Privileges: no-new-privileges, seccomp and AppArmor modes", () => {
    const profile = '{"defaultAction":"SCMP_ACT_ERRNO"}';
    assert.deepEqual(
      render({
        image: "a",
        securityOpt: { noNewPrivileges: true, seccomp: "unconfined", appArmor: "unconfined" },
      }).TaskTemplate.ContainerSpec.Privileges,
      { NoNewPrivileges: true, Seccomp: { Mode: "unconfined" }, AppArmor: { Mode: "disabled" } },
    );
    assert.deepEqual(
      render({ image: "a", securityOpt: { seccomp: { profile } } }).TaskTemplate.ContainerSpec.Privileges,
      {
        Seccomp: { Mode: "custom", Profile: Buffer.from(profile).toString("base64") },
      },
    );
  });

  it("anonymous volumes, tmpfs size and mode, file owners, network aliases, start interval", () => {
    const s = render({
      image: "a",
      volumes: [
        { type: "volume", target: "/cache" },
        { type: "tmpfs", target: "/t", tmpfs: { size: "64Mi", mode: 0o1770 } },
        { type: "tmpfs", target: "/u", tmpfs: { size: "1Mi" } },
      ],
      secrets: [{ source: "key", uid: "1000", gid: "1001", mode: 0o400 }],
      configs: [{ source: "conf", gid: 50 }],
      networks: ["front", { name: "back", aliases: ["db", "primary"] }],
      healthCheck: { command: "true", startPeriod: "30s", startInterval: "500ms" },
    });
    const c = s.TaskTemplate.ContainerSpec;
    assert.deepEqual(c.Mounts, [
      { Type: "volume", Source: "", Target: "/cache", ReadOnly: false },
      {
        Type: "tmpfs",
        Source: "",
        Target: "/t",
        ReadOnly: false,
        TmpfsOptions: { SizeBytes: 64 * 2 ** 20, Mode: 0o1770 },
      },
      {
        Type: "tmpfs",
        Source: "",
        Target: "/u",
        ReadOnly: false,
        TmpfsOptions: { SizeBytes: 2 ** 20, Mode: 0 },
      },
    ]);
    assert.deepEqual(c.Secrets?.[0].File, {
      Name: "/run/secrets/key",
      UID: "1000",
      GID: "1001",
      Mode: 0o400,
    });
    assert.deepEqual(c.Configs?.[0].File, { Name: "/conf", UID: "0", GID: "50", Mode: 0o444 });
    assert.deepEqual(s.TaskTemplate.Networks, [
      { Target: "front" },
      { Target: "back", Aliases: ["db", "primary"] },
    ]);
    assert.equal(c.Healthcheck?.StartInterval, 500e6);
    assert.ok(
      !(
        "StartInterval" in
        (render({ image: "a", healthCheck: { command: "true" } }).TaskTemplate.ContainerSpec.Healthcheck ??
          {})
      ),
    );
  });

  it("pids limit and generic resource reservations", () => {
    const s = render({
      image: "a",
      resources: { memory: "64Mi", pids: 100, reservations: { genericResources: { gpu: 2, fpga: 1 } } },
    });
    assert.deepEqual(s.TaskTemplate.Resources, {
      Limits: { MemoryBytes: 64 * 2 ** 20, Pids: 100 },
      Reservations: {
        GenericResources: [
          { DiscreteResourceSpec: { Kind: "fpga", Value: 1 } },
          { DiscreteResourceSpec: { Kind: "gpu", Value: 2 } },
        ],
      },
    });
  });

  it("produces what dockerode's ServiceSpec type accepts", () => {
    const rendered = render({ image: "a", ports: [{ target: 80, published: 80 }] });
    // dockerode types generic resources flat; the Engine API nests them in DiscreteResourceSpec (the
    // provider test on the real engine covers Resources).
    const { Resources: _resources, ...template } = rendered.TaskTemplate;
    const spec: Dockerode.ServiceSpec = { ...rendered, TaskTemplate: template };
    assert.equal(spec.Name, "svc");
  });

  describe("logs never grow without bound", () => {
    const logDriver = (
      logging?: ServiceInput["logging"],
      clusters?: { driver: string; options?: Record<string, string> },
    ) =>
      renderSwarm(normalizeService("svc", { image: "busybox", logging }), { logging: clusters }).TaskTemplate
        .LogDriver;

    it("gives a service that names no driver json-file rotated at 10 MB, three files", () => {
      assert.deepEqual(logDriver(), { Name: "json-file", Options: { "max-size": "10m", "max-file": "3" } });
    });

    it("takes the cluster's driver, and the service's own over it", () => {
      const clusters = { driver: "local", options: { "max-size": "50m" } };
      assert.deepEqual(logDriver(undefined, clusters), { Name: "local", Options: { "max-size": "50m" } });
      assert.deepEqual(logDriver({ driver: "journald" }, clusters), { Name: "journald", Options: {} });
    });

    it("bounds a json-file that sets no size, and keeps a size or count that is set (-1 for none)", () => {
      assert.deepEqual(logDriver({ driver: "json-file" }), {
        Name: "json-file",
        Options: { "max-size": "10m", "max-file": "3" },
      });
      assert.deepEqual(
        logDriver(undefined, { driver: "json-file", options: { "max-size": "-1", compress: "true" } }),
        {
          Name: "json-file",
          Options: { "max-size": "-1", "max-file": "3", compress: "true" },
        },
      );
    });
  });
});
