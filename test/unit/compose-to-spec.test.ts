import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCompose } from "../../components/compose/load";
import { composeBytes } from "../../components/compose/map-resources";
import { composeDir } from "../support/compose-dir";
import { ignoredKeys, mappedKeys, refusedKeys } from "../../components/compose/service-keys";
import {
  type ComposeMapping,
  composeOrigin,
  toServiceSpecs,
  type ToServiceSpecsOptions,
} from "../../components/compose/to-service-specs";
import {
  ComposeError,
  type ComposeIssue,
  type ComposeProject,
  type ComposeService,
} from "../../components/compose/types";

/** The service keys of the Compose Specification's schema as Berth follows it (compose-go schema/compose-spec.json, faa67b2). */
const specServiceKeys = `
  annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs
  container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares
  cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices dns dns_opt
  dns_search domainname entrypoint env_file environment expose extends external_links extra_hosts
  gpus group_add healthcheck hostname image init ipc isolation label_file labels links logging
  mac_address mem_limit mem_reservation mem_swappiness memswap_limit models network_mode networks
  oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_start pre_stop privileged
  profiles provider pull_policy pull_refresh_after read_only restart runtime scale secrets
  security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty
  ulimits use_api_socket user userns_mode uts volumes volumes_from working_dir
`
  .trim()
  .split(/\s+/);

const image = "registry.example.com/shop/api:1.4";

function project(services: Record<string, ComposeService>): ComposeProject {
  return { name: "shop", services };
}

function map(services: Record<string, ComposeService>, options?: ToServiceSpecsOptions): ComposeMapping {
  return toServiceSpecs(project(services), options);
}

/** Maps one service named `app`. */
function one(service: ComposeService, options?: ToServiceSpecsOptions) {
  const mapping = map({ app: service }, options);
  return {
    input: mapping.services.app,
    ignored: mapping.ignored.map(({ key, reason }) => ({ key, reason })),
  };
}

function issuesOf(services: Record<string, ComposeService>, options?: ToServiceSpecsOptions): ComposeIssue[] {
  try {
    map(services, options);
  } catch (err) {
    assert.ok(err instanceof ComposeError, String(err));
    return err.issues;
  }
  assert.fail("the project mapped without an error");
}

const port = (target: number, published?: string, extra: object = {}) => ({
  mode: "ingress" as const,
  target,
  protocol: "tcp",
  ...(published !== undefined && { published }),
  ...extra,
});

/** Compose's update defaults, which every non-job service carries. */
const composeUpdate = { order: "stop-first", failureAction: "pause" } as const;

describe("toServiceSpecs: a whole project", () => {
  it("maps a realistic multi-service project in full", () => {
    const shop: ComposeProject = {
      name: "shop",
      services: {
        web: {
          image: "registry.example.com/shop/web:1.4",
          build: { context: "/src/web", dockerfile: "Dockerfile" },
          container_name: "shop-web",
          command: ["serve", "--port", "8080"],
          environment: { NODE_ENV: "production", API_URL: "http://api:3000", SESSION_KEY: "s3cret" },
          ports: [port(8080, "80")],
          labels: { "com.example.tier": "front" },
          depends_on: { api: { condition: "service_healthy", required: true } },
          networks: { front: null, back: null },
          healthcheck: {
            test: ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"],
            interval: "15s",
            timeout: "3s",
            retries: 5,
            start_period: "20s",
          },
          read_only: true,
          tmpfs: ["/tmp"],
          deploy: {
            replicas: 3,
            labels: { "com.example.owner": "storefront" },
            resources: {
              limits: { cpus: "0.5", memory: "512M" },
              reservations: { cpus: "0.25", memory: "128M" },
            },
            update_config: {
              parallelism: 1,
              delay: "10s",
              order: "start-first",
              failure_action: "rollback",
              monitor: "30s",
            },
            rollback_config: { parallelism: 1, failure_action: "pause" },
            placement: { constraints: ["node.role==worker"], preferences: [{ spread: "node.labels.zone" }] },
          },
          "x-berth": { secretEnv: ["SESSION_KEY"] },
        },
        api: {
          image,
          entrypoint: ["/usr/bin/tini", "--"],
          command: ["node", "server.js"],
          environment: { DATABASE_URL: "postgres://db/shop", LOG_LEVEL: null },
          expose: ["3000"],
          secrets: [{ source: "db_password", target: "db_password", mode: 0o400 }],
          configs: [{ source: "api_settings", target: "/etc/api/settings.json" }],
          depends_on: {
            db: { condition: "service_started", required: true },
            migrate: { condition: "service_completed_successfully", required: true },
          },
          networks: { back: null },
          user: "1000:1000",
          working_dir: "/app",
          cap_drop: ["ALL"],
          stop_grace_period: "30s",
          logging: { driver: "json-file", options: { "max-size": "10m" } },
          restart: "unless-stopped",
          deploy: { mode: "replicated", endpoint_mode: "vip" },
          "x-berth": { autoscale: { min: 2, max: 6, cpuPercent: 70 } },
        },
        db: {
          image: "postgres:16",
          environment: { POSTGRES_DB: "shop" },
          volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data", volume: {} }],
          secrets: [{ source: "db_password" }],
          networks: { back: null },
          healthcheck: { test: ["CMD", "pg_isready", "-U", "postgres"] },
          restart: "always",
          deploy: {
            placement: { constraints: ["node.labels.db==true"], max_replicas_per_node: 1 },
            restart_policy: { condition: "any", delay: "5s" },
          },
        },
        migrate: {
          image,
          command: ["node", "migrate.js"],
          networks: { back: null },
          deploy: { mode: "replicated-job", restart_policy: { condition: "on-failure", max_attempts: 3 } },
        },
        agent: {
          image: "example/agent:2",
          profiles: ["monitoring"],
          pull_policy: "always",
          volumes: [
            {
              type: "bind",
              source: "/var/log",
              target: "/host/log",
              read_only: true,
              bind: { create_host_path: true },
            },
          ],
          cap_add: ["SYS_PTRACE"],
          networks: { default: null },
          deploy: { mode: "global" },
          "x-monitoring": { scrape: true },
        },
      },
      networks: { front: {}, back: {}, default: {} },
      volumes: { pgdata: {} },
      secrets: { db_password: { file: "/run/pw" } },
      configs: { api_settings: { file: "/run/settings.json" } },
    };

    const { origins, ...mapped } = toServiceSpecs(shop);
    // Where a renderer's refusal of a Berth field points in the file.
    assert.equal(composeOrigin({ origins }, "web", "ports[0].target"), "services.web.ports[0].target");
    assert.equal(
      composeOrigin({ origins }, "web", "resources.reservations.memory"),
      "services.web.deploy.resources.reservations.memory",
    );
    assert.equal(composeOrigin({ origins }, "web", "readOnlyRootFilesystem"), "services.web.read_only");
    assert.deepEqual(mapped, {
      services: {
        web: {
          image: "registry.example.com/shop/web:1.4",
          command: ["serve", "--port", "8080"],
          env: { NODE_ENV: "production", API_URL: "http://api:3000" },
          secretEnv: { SESSION_KEY: "s3cret" },
          ports: [{ target: 8080, published: 80 }],
          replicas: 3,
          labels: { "com.example.owner": "storefront" },
          resources: { cpu: 0.5, memory: 512 * 2 ** 20, reservations: { cpu: 0.25, memory: 128 * 2 ** 20 } },
          update: {
            parallelism: 1,
            delay: "10s",
            order: "start-first",
            failureAction: "rollback",
            monitor: "30s",
          },
          placement: { constraints: ["node.role==worker"], spread: "node.labels.zone" },
          healthCheck: {
            command: ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"],
            interval: "15s",
            timeout: "3s",
            retries: 5,
            startPeriod: "20s",
          },
          volumes: [{ type: "tmpfs", target: "/tmp" }],
          networks: ["front", "back"],
          readOnlyRootFilesystem: true,
        },
        api: {
          image,
          entrypoint: ["/usr/bin/tini", "--"],
          command: ["node", "server.js"],
          env: { DATABASE_URL: "postgres://db/shop" },
          ports: [{ target: 3000 }],
          mode: "replicated",
          endpointMode: "vip",
          restart: { condition: "any" },
          update: composeUpdate,
          autoscale: { min: 2, max: 6, cpuPercent: 70 },
          secrets: [{ source: "db_password", target: "db_password", mode: 0o400 }],
          configs: [{ source: "api_settings", target: "/etc/api/settings.json" }],
          networks: ["back"],
          user: "1000:1000",
          workingDir: "/app",
          capDrop: ["ALL"],
          stopGracePeriod: "30s",
          logging: { driver: "json-file", options: { "max-size": "10m" } },
        },
        db: {
          image: "postgres:16",
          env: { POSTGRES_DB: "shop" },
          restart: { condition: "any", delay: "5s" },
          update: composeUpdate,
          placement: { constraints: ["node.labels.db==true"], maxPerNode: 1 },
          healthCheck: { command: ["CMD", "pg_isready", "-U", "postgres"], interval: "30s", timeout: "30s" },
          volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data" }],
          secrets: [{ source: "db_password" }],
          networks: ["back"],
        },
        migrate: {
          image,
          command: ["node", "migrate.js"],
          mode: "job",
          restart: { condition: "on-failure", maxAttempts: 3 },
          networks: ["back"],
        },
        agent: {
          image: "example/agent:2",
          mode: "global",
          update: composeUpdate,
          volumes: [{ type: "bind", source: "/var/log", target: "/host/log", readOnly: true }],
          networks: ["default"],
          capAdd: ["SYS_PTRACE"],
        },
      },
      containerLabels: {
        web: { "com.example.tier": "front" },
        api: {},
        db: {},
        migrate: {},
        agent: {},
      },
      timeoutSeconds: {},
      dependsOn: {
        web: { api: { condition: "service_healthy", required: true } },
        api: {
          db: { condition: "service_started", required: true },
          migrate: { condition: "service_completed_successfully", required: true },
        },
        db: {},
        migrate: {},
        agent: {},
      },
      ignored: [
        { service: "web", key: "build", reason: ignoredKeys.build.reason },
        { service: "web", key: "container_name", reason: ignoredKeys.container_name.reason },
        {
          service: "api",
          key: "environment.LOG_LEVEL",
          reason: "LOG_LEVEL has no value: it was not set in the environment the project was loaded with",
        },
        {
          service: "db",
          key: "restart",
          reason: "deploy.restart_policy is set, and takes precedence as with docker stack",
        },
        { service: "agent", key: "pull_policy", reason: ignoredKeys.pull_policy.reason },
        {
          service: "agent",
          key: "volumes[0].bind.create_host_path",
          reason:
            "a swarm does not create a missing bind source (the engine refuses the task): create the path on every node the service can run on",
        },
      ],
    });
  });

  it("reports every problem of every service in one error", () => {
    assert.deepEqual(
      issuesOf({
        web: { image: "nginx:1.27", network_mode: "host", privileged: true },
        api: { image, hostname: "api_1", deploy: { resources: { limits: { memory: "lots" } } } },
      }),
      [
        {
          path: "services.web.network_mode",
          message:
            '"network_mode" cannot be deployed to a cluster: services join overlay networks; list them in networks',
        },
        {
          path: "services.web.privileged",
          message:
            '"privileged" cannot be deployed to a cluster: services cannot run privileged; grant capabilities with cap_add',
        },
        {
          path: "services.api.deploy.resources.limits.memory",
          message: '"lots" is not a memory size: bytes, or a number with a unit b, k, m or g ("512m", "1g")',
        },
        {
          path: "services.api.hostname",
          message: '"api_1" is not a host name: dot-separated labels of letters, digits and "-"',
        },
      ],
    );
  });
});

describe("toServiceSpecs: x-berth, read in one place", () => {
  it("takes every x-berth key a stack takes, timeoutSeconds included, and refuses a bad one at its path", () => {
    const mapping = toServiceSpecs(
      project({
        web: { image, "x-berth": { timeoutSeconds: 600, public: false } },
        db: { image },
      }),
    );
    assert.deepEqual(mapping.timeoutSeconds, { web: 600 });
    assert.equal(mapping.services.web.ports, undefined);
    assert.throws(
      () => toServiceSpecs(project({ web: { image, "x-berth": { timeoutSeconds: 1.5, timeout: 3 } } })),
      (err: ComposeError) => {
        assert.deepEqual(
          err.issues.map((i) => [i.path, i.message]),
          [
            ["services.web.x-berth.timeoutSeconds", "must be a whole number of seconds, at least 1, not 1.5"],
            [
              "services.web.x-berth.timeout",
              'is not an x-berth key; did you mean "timeoutSeconds"? (known: autoscale, metrics, public, sourceRanges, timeoutSeconds, ignoreUnsupported, secretEnv)',
            ],
          ],
        );
        return true;
      },
    );
  });
});

describe("toServiceSpecs: numbers beyond what a target holds", () => {
  it("refuses a stop grace period that overflows the engine's int64 nanoseconds, and absurd counts", () => {
    const dir = composeDir({});
    const loaded = loadCompose({
      workingDir: dir,
      env: {},
      content: [
        "services:",
        "  web:",
        "    image: nginx",
        "    stop_grace_period: 99999999999999999999h",
        "    pids_limit: 1e308",
        "    deploy:",
        "      replicas: 3000000000",
        "      update_config: { parallelism: 99999999999 }",
        "",
      ].join("\n"),
    });
    let issues: ComposeIssue[] = [];
    try {
      toServiceSpecs(loaded);
    } catch (err) {
      assert.ok(err instanceof ComposeError, String(err));
      issues = err.issues;
    }
    const found = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    assert.match(found["services.web.stop_grace_period"] ?? "", /at most 2147483647 seconds/);
    assert.match(found["services.web.deploy.replicas"] ?? "", /at most 2147483647/);
    assert.match(found["services.web.deploy.update_config.parallelism"] ?? "", /at most 2147483647/);
    assert.ok(
      issues.some((i) => i.path.startsWith("services.web.pids_limit")),
      JSON.stringify(issues),
    );
  });
});

describe("toServiceSpecs: the key tables", () => {
  it("covers every service key of the Compose Specification exactly once", () => {
    const tables = [Object.keys(mappedKeys), Object.keys(ignoredKeys), Object.keys(refusedKeys)];
    const all = tables.flat().filter((k) => k !== "x-berth");
    assert.equal(new Set(all).size, all.length, "a key is in more than one table");
    assert.deepEqual([...all].sort(), specServiceKeys);
  });

  it("refuses each key of the refused table at its path, with its message", () => {
    for (const [key, message] of Object.entries(refusedKeys)) {
      assert.deepEqual(
        issuesOf({ app: { image, [key]: "x" } }),
        [{ path: `services.app.${key}`, message }],
        key,
      );
    }
  });

  it("lists each reported key of the ignored table, and stays quiet about those honoured elsewhere", () => {
    const reported = Object.entries(ignoredKeys).filter(([, rule]) => !rule.quiet);
    const service: ComposeService = { image };
    for (const key of Object.keys(ignoredKeys)) service[key] = key === "depends_on" ? {} : "x";
    service["x-tool"] = { any: "thing" };
    assert.deepEqual(
      one(service).ignored,
      reported.map(([key, rule]) => ({ key, reason: rule.reason })),
    );
    assert.deepEqual(
      reported.map(([key]) => key),
      [
        "build",
        "container_name",
        "develop",
        "attach",
        "links",
        "external_links",
        "pull_policy",
        "pull_refresh_after",
      ],
    );
  });

  it("makes ignored keys errors with strict, but not the quiet ones", () => {
    assert.deepEqual(
      issuesOf(
        {
          app: {
            image,
            container_name: "app-1",
            profiles: ["debug"],
            depends_on: { db: { condition: "service_started", required: true } },
            environment: { TOKEN: null },
          },
          db: { image: "postgres:16" },
        },
        { strict: true },
      ),
      [
        {
          path: "services.app.container_name",
          message: `would be ignored (${ignoredKeys.container_name.reason}), and strict is set`,
        },
        {
          path: "services.app.environment.TOKEN",
          message:
            "would be ignored (TOKEN has no value: it was not set in the environment the project was loaded with), and strict is set",
        },
      ],
    );
  });

  it("ignores build when image is set, and refuses it when image is not", () => {
    assert.deepEqual(one({ image, build: { context: "/src" } }).ignored, [
      { key: "build", reason: ignoredKeys.build.reason },
    ]);
    assert.deepEqual(issuesOf({ app: { build: { context: "/src" } } }), [
      {
        path: "services.app.build",
        message: "a cluster cannot build images: build and push the image, then name it in image",
      },
    ]);
    assert.deepEqual(issuesOf({ app: {} }), [{ path: "services.app.image", message: "is required" }]);
  });

  it("refuses a key outside the specification, with a suggestion", () => {
    assert.deepEqual(issuesOf({ app: { image, enviroment: { A: "1" } } }), [
      {
        path: "services.app.enviroment",
        message: 'is not a Compose service key; did you mean "environment"?',
      },
    ]);
  });

  it("leaves alone a key set to a value that asks for nothing", () => {
    const { input, ignored } = one({
      image,
      privileged: false,
      tty: false,
      dns: [],
      sysctls: {},
      container_name: "",
      healthcheck: {},
    });
    assert.deepEqual(input, { image, update: composeUpdate });
    assert.deepEqual(ignored, []);
  });
});

describe("toServiceSpecs: x-berth", () => {
  it("moves the variables secretEnv names from env to secretEnv", () => {
    const { input } = one({
      image,
      environment: { MODE: "prod", API_TOKEN: "t0k3n", DB_PASSWORD: "pw" },
      "x-berth": { secretEnv: ["API_TOKEN", "DB_PASSWORD"] },
    });
    assert.deepEqual(input.env, { MODE: "prod" });
    assert.deepEqual(input.secretEnv, { API_TOKEN: "t0k3n", DB_PASSWORD: "pw" });
  });

  it("refuses a secret variable that is missing or has no value", () => {
    assert.deepEqual(
      issuesOf({
        app: { image, environment: { KEY: null }, "x-berth": { secretEnv: ["KEY", "OTHER"] } },
      }),
      [
        {
          path: "services.app.environment.KEY",
          message:
            "is a secret (x-berth.secretEnv) without a value: set it in the environment the project is loaded with",
        },
        {
          path: "services.app.x-berth.secretEnv[1]",
          message: '"OTHER" is not in environment',
        },
      ],
    );
  });

  it("refuses unknown x-berth keys with a suggestion, and values of the wrong type", () => {
    assert.deepEqual(issuesOf({ app: { image, "x-berth": { autoscal: {}, public: "yes" } } }), [
      {
        path: "services.app.x-berth.autoscal",
        message:
          'is not an x-berth key; did you mean "autoscale"? (known: autoscale, metrics, public, sourceRanges, timeoutSeconds, ignoreUnsupported, secretEnv)',
      },
      { path: "services.app.x-berth.public", message: "must be true or false" },
    ]);
  });

  it("passes autoscale and ignoreUnsupported through, reporting their problems under x-berth", () => {
    const { input } = one({
      image,
      "x-berth": { autoscale: { min: 1, max: 3 }, ignoreUnsupported: ["autoscale"] },
    });
    assert.deepEqual(input.autoscale, { min: 1, max: 3 });
    assert.deepEqual(input.ignoreUnsupported, ["autoscale"]);
    assert.deepEqual(
      issuesOf({
        app: { image, "x-berth": { autoscale: { min: 4, max: 2 }, ignoreUnsupported: ["autoscal"] } },
      }),
      [
        { path: "services.app.x-berth.autoscale.max", message: "must be at least autoscale.min (4)" },
        {
          path: "services.app.x-berth.ignoreUnsupported[0]",
          message: '"autoscal" is not a service field; did you mean "autoscale"?',
        },
      ],
    );
  });

  it("gives every public port the sourceRanges, and reports their problems under x-berth", () => {
    const office = ["203.0.113.0/24"];
    const { input } = one({
      image,
      ports: [port(80, "8080")],
      expose: ["9000"],
      "x-berth": { sourceRanges: office },
    });
    assert.deepEqual(input.ports, [{ target: 80, published: 8080, sourceRanges: office }, { target: 9000 }]);
    assert.deepEqual(
      issuesOf({ app: { image, ports: [port(80, "8080")], "x-berth": { sourceRanges: ["10.0.0.1/8"] } } }),
      [
        {
          path: "services.app.x-berth.sourceRanges[0]",
          message: '"10.0.0.1/8" has host bits set; did you mean "10.0.0.0/8"?',
        },
      ],
    );
    assert.deepEqual(issuesOf({ app: { image, expose: ["9000"], "x-berth": { sourceRanges: office } } }), [
      {
        path: "services.app.x-berth.sourceRanges",
        message: "restricts the clients of public ports, and no port is public",
      },
    ]);
  });

  it("makes every port public with public: true, and none with public: false", () => {
    const ports = [port(80, "8080", { mode: "host" }), port(9000)];
    assert.deepEqual(one({ image, ports, "x-berth": { public: true } }), {
      input: {
        image,
        ports: [
          { target: 80, published: 8080, publishMode: "host" },
          { target: 9000, public: true },
        ],
        update: composeUpdate,
      },
      ignored: [],
    });
    assert.deepEqual(
      one({
        image,
        ports: [...ports, port(53, "53", { host_ip: "127.0.0.1" })],
        "x-berth": { public: false },
      }),
      {
        input: { image, ports: [{ target: 80 }, { target: 9000 }, { target: 53 }], update: composeUpdate },
        ignored: [],
      },
    );
  });
});

describe("toServiceSpecs: ports", () => {
  it("publishes ports with published, in host mode when asked, and keeps the others inside", () => {
    assert.deepEqual(
      one({
        image,
        ports: [
          port(80, "8080"),
          port(443, "8443", { mode: "host" }),
          port(53, "5353", { protocol: "udp" }),
          port(9000),
        ],
      }),
      {
        input: {
          image,
          ports: [
            { target: 80, published: 8080 },
            { target: 443, published: 8443, publishMode: "host" },
            { target: 53, published: 5353, protocol: "udp" },
            { target: 9000 },
          ],
          update: composeUpdate,
        },
        ignored: [
          {
            key: "ports[3]",
            reason:
              "has no published port: Compose publishes it on a port the engine picks, Berth keeps it inside the cluster (give published, or set x-berth.public)",
          },
        ],
      },
    );
  });

  it("refuses a published range for one target and a host address, and takes a range of one port", () => {
    assert.deepEqual(one({ image, ports: [port(80, "8080-8080")] }).input.ports, [
      { target: 80, published: 8080 },
    ]);
    assert.deepEqual(
      issuesOf({
        app: { image, ports: [port(80, "8000-8001"), port(5432, "5432", { host_ip: "127.0.0.1" })] },
      }),
      [
        {
          path: "services.app.ports[0].published",
          message:
            '"8000-8001" is a range for one container port; a cluster publishes each container port on exactly one port: give one',
        },
        {
          path: "services.app.ports[1].host_ip",
          message:
            "a cluster publishes ports on every address of its nodes, not only 127.0.0.1; remove host_ip, or set x-berth.public: false to keep the ports inside the cluster",
        },
      ],
    );
  });

  it("adds expose as ports inside the cluster, once per port", () => {
    assert.deepEqual(
      one({ image, ports: [port(80, "8080")], expose: ["80", "9100-9101", "53/udp"] }).input.ports,
      [{ target: 80, published: 8080 }, { target: 9100 }, { target: 9101 }, { target: 53, protocol: "udp" }],
    );
  });

  it("reports the spec's port problems at the Compose port they came from", () => {
    assert.deepEqual(
      issuesOf({
        a: { image, ports: [port(80, "8080"), port(81, "8080")], expose: ["3000", "3000", "3001"] },
        b: { image, ports: [port(82, "8082", { protocol: "sctp" })] },
        c: { image, ports: [port(80, "8080")], expose: ["70000"] },
      }),
      [
        {
          path: "services.a.ports[1].published",
          message: "published port 8080/tcp is already used by ports[0]",
        },
        { path: "services.b.ports[0].protocol", message: '"sctp" is not one of "tcp", "udp"' },
        { path: "services.c.expose[0]", message: "must be at most 65535" },
      ],
    );
  });
});

describe("toServiceSpecs: resources", () => {
  it("reads Compose sizes as Docker does, in powers of 1024", () => {
    assert.equal(composeBytes("512M"), 512 * 2 ** 20);
    assert.equal(composeBytes("1g"), 2 ** 30);
    assert.equal(composeBytes("1.5GiB"), 1.5 * 2 ** 30);
    assert.equal(composeBytes("100k"), 102_400);
    assert.equal(composeBytes("64mb"), 64 * 2 ** 20);
    assert.equal(composeBytes("2048"), 2048);
    assert.equal(composeBytes(1_000_000), 1_000_000);
    assert.equal(composeBytes("1Gi"), 2 ** 30);
    assert.equal(composeBytes("12x"), undefined);
  });

  it("maps limits and reservations to cores and bytes; 0 means no limit", () => {
    const { input } = one({
      image,
      deploy: {
        resources: { limits: { cpus: 1.5, memory: "1g" }, reservations: { cpus: "0", memory: "256m" } },
      },
    });
    assert.deepEqual(input.resources, { cpu: 1.5, memory: 2 ** 30, reservations: { memory: 256 * 2 ** 20 } });
  });

  it("takes cpus, mem_limit and mem_reservation when deploy does not say otherwise", () => {
    assert.deepEqual(one({ image, cpus: "0.5", mem_limit: "64m", mem_reservation: "32m" }).input.resources, {
      cpu: 0.5,
      memory: 64 * 2 ** 20,
      reservations: { memory: 32 * 2 ** 20 },
    });
    assert.deepEqual(
      one({ image, mem_limit: "1g", deploy: { resources: { limits: { memory: "1024m" } } } }).input.resources,
      { memory: 2 ** 30 },
    );
    assert.deepEqual(
      issuesOf({ app: { image, cpus: 2, deploy: { resources: { limits: { cpus: "0.5" } } } } }),
      [
        {
          path: "services.app.cpus",
          message: 'is 2 but deploy.resources.limits.cpus is "0.5"; give one of them',
        },
      ],
    );
  });

  it("refuses what Berth cannot reserve or limit, and reports spec limits at the Compose key", () => {
    assert.deepEqual(
      issuesOf({
        app: {
          image,
          deploy: {
            resources: {
              limits: { memory: "4m", pids: 0.5 as unknown as number, cpus: "half" },
              reservations: { memory: "8m", devices: [{ capabilities: ["gpu"] }] },
            },
          },
        },
      }),
      [
        {
          path: "services.app.deploy.resources.reservations.devices",
          message: '"devices" is not supported by Berth yet',
        },
        {
          path: "services.app.deploy.resources.limits.pids",
          message: "0.5 is not a number of processes",
        },
        {
          path: "services.app.deploy.resources.limits.cpus",
          message: '"half" is not a number of CPUs such as 0.5 or "1.5"',
        },
        {
          path: "services.app.deploy.resources.limits.memory",
          message: "must be at least 6Mi (Docker's minimum)",
        },
        {
          path: "services.app.deploy.resources.reservations.memory",
          message: "exceeds the memory limit (8Mi > 4Mi)",
        },
      ],
    );
  });
});

describe("toServiceSpecs: restart, update and placement", () => {
  it("maps restart as docker stack does, except that no means never", () => {
    const restart = (value: string) => one({ image, restart: value }).input.restart;
    assert.deepEqual(restart("no"), { condition: "none" });
    assert.deepEqual(restart("always"), { condition: "any" });
    assert.deepEqual(restart("unless-stopped"), { condition: "any" });
    assert.deepEqual(restart("on-failure"), { condition: "on-failure" });
    assert.deepEqual(restart("on-failure:3"), { condition: "on-failure", maxAttempts: 3 });
    assert.deepEqual(issuesOf({ app: { image, restart: "sometimes" } }), [
      {
        path: "services.app.restart",
        message:
          '"sometimes" is not a restart policy: no, always, on-failure[:max-retries] or unless-stopped',
      },
    ]);
  });

  it("prefers deploy.restart_policy and ignores restart beside it", () => {
    assert.deepEqual(
      one({
        image,
        restart: "always",
        deploy: { restart_policy: { condition: "on-failure", delay: "2s", max_attempts: 5, window: "1m" } },
      }),
      {
        input: {
          image,
          restart: { condition: "on-failure", delay: "2s", maxAttempts: 5, window: "1m" },
          update: composeUpdate,
        },
        ignored: [
          {
            key: "restart",
            reason: "deploy.restart_policy is set, and takes precedence as with docker stack",
          },
        ],
      },
    );
  });

  it("maps update_config over Compose's defaults, and refuses a rollback_config Berth cannot follow", () => {
    const update_config = {
      parallelism: 2,
      delay: "5s",
      failure_action: "continue",
      monitor: "10s",
      max_failure_ratio: 0.1,
    };
    assert.deepEqual(one({ image, deploy: { update_config } }).input.update, {
      order: "stop-first",
      parallelism: 2,
      delay: "5s",
      failureAction: "continue",
      monitor: "10s",
      maxFailureRatio: 0.1,
    });
    assert.deepEqual(
      one({
        image,
        deploy: { update_config, rollback_config: { parallelism: 2, delay: "5000ms", order: "stop-first" } },
      }).input.update?.parallelism,
      2,
    );
    assert.deepEqual(
      issuesOf({
        app: {
          image,
          deploy: {
            update_config,
            rollback_config: { parallelism: 1, failure_action: "continue", monitor: "10s" },
          },
        },
      }),
      [
        {
          path: "services.app.deploy.rollback_config.parallelism",
          message:
            "is 1, but Berth rolls back with the update's parallelism (2); remove it or make the two match",
        },
        {
          path: "services.app.deploy.rollback_config.failure_action",
          message: 'Berth pauses a rollback that fails; only "pause" can be expressed, not "continue"',
        },
      ],
    );
  });

  it("maps placement constraints, one spread preference and max_replicas_per_node", () => {
    const placement = {
      constraints: ["node.labels.zone==a", "node.role!=manager"],
      preferences: [{ spread: "node.labels.rack" }],
      max_replicas_per_node: 2,
    };
    assert.deepEqual(one({ image, deploy: { placement } }).input.placement, {
      constraints: ["node.labels.zone==a", "node.role!=manager"],
      spread: "node.labels.rack",
      maxPerNode: 2,
    });
    assert.deepEqual(
      issuesOf({
        app: {
          image,
          deploy: {
            placement: {
              constraints: ["node.labels.zone==a", "zone=a"],
              preferences: [{ spread: "node.labels.rack" }, { spread: "node.labels.zone" }],
            },
          },
        },
      }),
      [
        {
          path: "services.app.deploy.placement.preferences[1]",
          message: "Berth spreads over one node label; give one preference",
        },
        {
          path: "services.app.deploy.placement.constraints[1]",
          message: '"zone=a" is not a constraint; use "<attribute>==<value>" or "<attribute>!=<value>"',
        },
      ],
    );
  });

  it("takes scale as replicas and refuses it beside different deploy.replicas", () => {
    assert.equal(one({ image, scale: 4 }).input.replicas, 4);
    assert.equal(one({ image, scale: 0 }).input.replicas, 0);
    assert.deepEqual(issuesOf({ app: { image, scale: 3, deploy: { replicas: 2 } } }), [
      { path: "services.app.scale", message: "is 3 but deploy.replicas is 2; give one of them" },
    ]);
    assert.deepEqual(issuesOf({ app: { image, scale: 2, deploy: { mode: "global" } } }), [
      {
        path: "services.app.scale",
        message: 'has no meaning with mode "global", which runs one task per node; remove it',
      },
    ]);
  });
});

describe("toServiceSpecs: modes", () => {
  it("runs replicated-job as a job with its replicas as completions, and no update policy", () => {
    assert.deepEqual(
      one({ image, command: ["migrate"], deploy: { mode: "replicated-job", replicas: 3 } }).input,
      {
        image,
        command: ["migrate"],
        mode: "job",
        replicas: 3,
      },
    );
  });

  it("refuses global-job, unknown modes, and rolling settings on a job", () => {
    assert.deepEqual(
      issuesOf({
        a: { image, deploy: { mode: "global-job" } },
        b: { image, deploy: { mode: "daemon" } } as unknown as ComposeService,
        c: {
          image,
          deploy: {
            mode: "replicated-job",
            update_config: { parallelism: 2 },
            rollback_config: { parallelism: 2 },
          },
        },
      }),
      [
        {
          path: "services.a.deploy.mode",
          message: '"global-job" is not supported by Berth yet; use replicated-job with replicas',
        },
        {
          path: "services.b.deploy.mode",
          message: '"daemon" is not a mode: replicated, global, replicated-job or global-job',
        },
        {
          path: "services.c.deploy.rollback_config",
          message: 'has no meaning with mode "replicated-job": jobs are not rolled back',
        },
        {
          path: "services.c.deploy.update_config",
          message: 'has no meaning with mode "job": jobs run to completion and are not rolled',
        },
      ],
    );
  });

  it("reports dnsrr beside ingress ports at deploy.endpoint_mode", () => {
    assert.deepEqual(
      issuesOf({ app: { image, ports: [port(80, "80")], deploy: { endpoint_mode: "dnsrr" } } }),
      [
        {
          path: "services.app.deploy.endpoint_mode",
          message:
            'dnsrr cannot be combined with ingress-published ports (ports[0]); publish with publishMode "host" or use vip',
        },
      ],
    );
  });
});

describe("toServiceSpecs: health checks", () => {
  it("maps disable: true and a NONE test to NONE", () => {
    assert.deepEqual(one({ image, healthcheck: { disable: true } }).input.healthCheck, { command: ["NONE"] });
    assert.deepEqual(one({ image, healthcheck: { test: ["NONE"], interval: "5s" } }).input.healthCheck, {
      command: ["NONE"],
    });
  });

  it("fills Docker's 30s interval and timeout, and leaves retries 0 to the default", () => {
    assert.deepEqual(
      one({ image, healthcheck: { test: ["CMD", "true"], retries: 0, start_period: "5s" } }).input
        .healthCheck,
      { command: ["CMD", "true"], interval: "30s", timeout: "30s", startPeriod: "5s" },
    );
  });

  it("refuses a check without a test, disable beside a test, and reports bad values", () => {
    assert.deepEqual(
      issuesOf({
        a: { image, healthcheck: { interval: "5s" } },
        b: { image, healthcheck: { test: ["CMD", "true"], disable: true } },
        c: { image, healthcheck: { test: ["CMD", "true"], start_interval: "never", timeout: "soon" } },
        d: { image, healthcheck: { test: ["SHELL", "true"] } },
      }),
      [
        {
          path: "services.a.healthcheck.test",
          message:
            "is required: Berth cannot change only the timing of the image's own health check; give the test too",
        },
        {
          path: "services.b.healthcheck.disable",
          message: "cannot be combined with a test; remove one of them",
        },
        {
          path: "services.c.healthcheck.timeout",
          message:
            '"soon" is not a duration; use a number of seconds or a string like "10s", "1m30s", "500ms"',
        },
        {
          path: "services.c.healthcheck.start_interval",
          message:
            '"never" is not a duration; use a number of seconds or a string like "10s", "1m30s", "500ms"',
        },
        {
          path: "services.d.healthcheck.test[0]",
          message: 'must be "CMD", "CMD-SHELL" or "NONE" (a plain string means CMD-SHELL), not "SHELL"',
        },
      ],
    );
  });
});

describe("toServiceSpecs: volumes, secrets, configs, networks, logging", () => {
  it("maps volume, bind and tmpfs mounts and the tmpfs key", () => {
    const { input, ignored } = one({
      image,
      volumes: [
        { type: "volume", source: "data", target: "/data", read_only: false, volume: { nocopy: false } },
        {
          type: "bind",
          source: "/etc/ssl",
          target: "/ssl",
          read_only: true,
          bind: { propagation: "rprivate" },
        },
        { type: "tmpfs", target: "/scratch" },
        { type: "bind", source: "/srv/app", target: "/app", consistency: "cached" },
      ],
      tmpfs: ["/run"],
    });
    assert.deepEqual(input.volumes, [
      { type: "volume", source: "data", target: "/data" },
      { type: "bind", source: "/etc/ssl", target: "/ssl", readOnly: true },
      { type: "tmpfs", target: "/scratch" },
      { type: "bind", source: "/srv/app", target: "/app" },
      { type: "tmpfs", target: "/run" },
    ]);
    assert.deepEqual(ignored, [
      { key: "volumes[3].consistency", reason: "it only tunes file sharing on Docker Desktop" },
    ]);
  });

  it("refuses mounts Berth cannot express, and reports spec problems at the Compose mount", () => {
    assert.deepEqual(
      issuesOf({
        app: {
          image,
          volumes: [
            { type: "volume", target: "/cache", volume: { subpath: "x" } },
            { type: "volume", source: "data", target: "/data", volume: { nocopy: true } },
            { type: "npipe", source: "\\\\.\\pipe\\docker_engine", target: "\\\\.\\pipe\\docker_engine" },
            { type: "tmpfs", target: "/tmp", tmpfs: { size: "lots" } },
            { type: "bind", source: "/srv", target: "/srv", bind: { selinux: "z" } },
            { type: "volume", source: "logs", target: "relative/logs" },
          ],
          tmpfs: ["/run:size=64m,noexec"],
        },
      }),
      [
        {
          path: "services.app.volumes[0].volume.subpath",
          message: '"subpath" is not supported by Berth yet',
        },
        { path: "services.app.volumes[1].volume.nocopy", message: '"nocopy" is not supported by Berth yet' },
        { path: "services.app.volumes[2].type", message: "Windows named pipes are not supported by Berth" },
        { path: "services.app.volumes[3].tmpfs.size", message: '"lots" is not a size such as "64m"' },
        { path: "services.app.volumes[4].bind.selinux", message: '"selinux" is not supported by Berth yet' },
        {
          path: "services.app.tmpfs[0]",
          message: 'tmpfs option "noexec" is not supported by Berth; it takes size and mode',
        },
        { path: "services.app.volumes[5].target", message: 'must be an absolute path, not "relative/logs"' },
      ],
    );
  });

  it("maps secrets and configs, placing a relative config target under /", () => {
    const { input } = one({
      image,
      secrets: [{ source: "token", target: "api-token", uid: "0", gid: "0", mode: 0o400 }],
      configs: [
        { source: "settings", target: "app.conf", mode: "0440" as unknown as number },
        { source: "motd" },
      ],
    });
    assert.deepEqual(input.secrets, [
      { source: "token", target: "api-token", mode: 0o400, uid: "0", gid: "0" },
    ]);
    assert.deepEqual(input.configs, [
      { source: "settings", target: "/app.conf", mode: 0o440 },
      { source: "motd" },
    ]);
  });

  it("maps file owners, and reports bad owners and sources at the Compose reference", () => {
    assert.deepEqual(one({ image, secrets: [{ source: "token", uid: "1000", gid: "1001" }] }).input.secrets, [
      { source: "token", uid: "1000", gid: "1001" },
    ]);
    assert.deepEqual(
      issuesOf({ app: { image, secrets: [{ source: "token", uid: "www" }, { source: "bad name!" }] } }),
      [
        { path: "services.app.secrets[0].uid", message: 'must be a numeric id, not "www"' },
        {
          path: "services.app.secrets[1].source",
          message:
            '"bad name!" is not a secret name: 1-64 letters, digits, "_", "." or "-", starting and ending with a letter or digit',
        },
      ],
    );
  });

  it("maps network names and aliases, ignores priorities and refuses addresses", () => {
    assert.deepEqual(one({ image, networks: { front: { priority: 10 }, back: null } }), {
      input: { image, networks: ["front", "back"], update: composeUpdate },
      ignored: [{ key: "networks.front.priority", reason: "a task joins all its networks when it starts" }],
    });
    assert.deepEqual(
      one({ image, networks: { front: null, back: { aliases: ["database", "db"] } } }).input.networks,
      ["front", { name: "back", aliases: ["database", "db"] }],
    );
    assert.deepEqual(
      issuesOf({ app: { image, networks: { back: { aliases: ["data base"], ipv4_address: "10.0.0.5" } } } }),
      [
        {
          path: "services.app.networks.back.ipv4_address",
          message: '"ipv4_address" cannot be deployed to a cluster: the cluster assigns addresses',
        },
        {
          path: "services.app.networks.back.aliases[0]",
          message: '"data base" is not a DNS name: letters, digits, "_", "." or "-"',
        },
      ],
    );
  });

  it("maps logging, and refuses options without a driver", () => {
    assert.deepEqual(
      one({ image, logging: { driver: "local", options: { "max-file": 3 as unknown as string } } }).input
        .logging,
      {
        driver: "local",
        options: { "max-file": "3" },
      },
    );
    assert.deepEqual(issuesOf({ app: { image, logging: { options: { "max-size": "1m" } } } }), [
      {
        path: "services.app.logging.driver",
        message: "is required by Berth when options are given: name the engine's driver",
      },
    ]);
  });
});

describe("toServiceSpecs: labels and the spec's checks", () => {
  it("puts labels on containers and deploy.labels on the service", () => {
    const mapping = map({
      app: { image, labels: { tier: "back" }, deploy: { labels: { owner: "team-a" } } },
    });
    assert.deepEqual(mapping.services.app.labels, { owner: "team-a" });
    assert.deepEqual(mapping.containerLabels.app, { tier: "back" });
  });

  it("reports the spec's problems at the Compose keys they came from", () => {
    assert.deepEqual(
      issuesOf({
        My_App: {
          image: "Shop/API",
          cap_add: ["NET_ADMN"],
          user: "bad user",
          working_dir: "app",
          stop_grace_period: "forever",
          environment: { "A=B": "1" },
          deploy: { labels: { "berth.owner": "x" }, restart_policy: { condition: "sometimes" } },
        },
      }),
      [
        {
          path: "services.My_App",
          message:
            '"My_App" must be a DNS label: 1-63 lowercase letters, digits or "-", starting with a letter and ending with a letter or digit',
        },
        {
          path: "services.My_App.deploy.restart_policy.condition",
          message: '"sometimes" is not one of "any", "on-failure", "none"',
        },
        {
          path: "services.My_App.image",
          message: '"Shop/API" is not a valid image reference: repository path must be lowercase',
        },
        {
          path: "services.My_App.environment.A=B",
          message: "variable names must be non-empty and contain no '=' or NUL",
        },
        {
          path: "services.My_App.deploy.labels.berth.owner",
          message: 'keys starting with "berth." are reserved for Berth',
        },
        { path: "services.My_App.user", message: '"bad user" is not user, uid, user:group or uid:gid' },
        { path: "services.My_App.working_dir", message: 'must be an absolute path, not "app"' },
        {
          path: "services.My_App.cap_add[0]",
          message: '"NET_ADMN" is not a Linux capability; did you mean "NET_ADMIN"?',
        },
        {
          path: "services.My_App.stop_grace_period",
          message:
            '"forever" is not a duration; use a number of seconds or a string like "10s", "1m30s", "500ms"',
        },
      ],
    );
  });
});

describe("toServiceSpecs: messages that name the file's own keys", () => {
  it("calls a CPU amount below one millicore too small for Berth, not a non-amount", () => {
    for (const [key, service] of [
      ["cpus", { image, cpus: "0.0001" }],
      ["deploy.resources.limits.cpus", { image, deploy: { resources: { limits: { cpus: 0.0004 } } } }],
      [
        "deploy.resources.reservations.cpus",
        { image, deploy: { resources: { reservations: { cpus: "0.0001" } } } },
      ],
    ] as const) {
      const issues = issuesOf({ app: service as ComposeService });
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0].path, `services.app.${key}`);
      assert.match(issues[0].message, /is below Berth's resolution of one millicore \(0\.001 CPU\)/);
    }
    // Half a millicore and more is one millicore, as the spec rounds.
    assert.equal(one({ image, cpus: "0.0005" }).input.resources?.cpu, 0.0005);
  });

  it("cites the file's list index for a duplicate mount after a refused entry", () => {
    const issues = issuesOf({
      app: {
        image,
        volumes: [
          { type: "npipe", source: "p", target: "/p" },
          { type: "bind", source: "/b", target: "/x" },
          { type: "bind", source: "/c", target: "/x" },
        ],
        tmpfs: ["/x"],
      },
    });
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [
        ["services.app.volumes[0].type", "Windows named pipes are not supported by Berth"],
        ["services.app.volumes[2].target", "/x is already the target of volumes[1]"],
        ["services.app.tmpfs[0]", "/x is already the target of volumes[1]"],
      ],
    );
  });
});

describe("toServiceSpecs: what docker stack deploy handles", () => {
  it("maps the container's process and name-resolution keys", () => {
    const { input } = one({
      image,
      stop_signal: "SIGINT",
      hostname: "api-{{.Task.Slot}}",
      stdin_open: true,
      tty: "true" as unknown as boolean,
      sysctls: { "net.core.somaxconn": "1024" },
      ulimits: { nofile: { soft: 1024, hard: "2048" }, nproc: 512 },
      dns: ["10.0.0.2"],
      dns_search: ["corp.example"],
      dns_opt: ["ndots:2"],
      extra_hosts: ["db:10.0.0.5", "cache=10.0.0.6", "v6:::1", "gw=host-gateway"],
      init: true,
      security_opt: ["no-new-privileges:true", "seccomp=unconfined", "apparmor:unconfined"],
      pids_limit: 200,
      healthcheck: { test: ["CMD", "true"], start_period: "30s", start_interval: "2s" },
      deploy: {
        resources: {
          reservations: { generic_resources: [{ discrete_resource_spec: { kind: "gpu", value: 2 } }] },
        },
      },
      volumes: [
        { type: "volume", target: "/cache" },
        { type: "tmpfs", target: "/scratch", tmpfs: { size: "64m", mode: "1770" as unknown as number } },
      ],
      tmpfs: ["/run:size=1m,mode=0700"],
    } as ComposeService);
    assert.equal(input.stopSignal, "SIGINT");
    assert.equal(input.hostname, "api-{{.Task.Slot}}");
    assert.equal(input.stdinOpen, true);
    assert.equal(input.tty, true);
    assert.deepEqual(input.sysctls, { "net.core.somaxconn": "1024" });
    assert.deepEqual(input.ulimits, { nofile: { soft: 1024, hard: 2048 }, nproc: 512 });
    assert.deepEqual(
      [input.dns, input.dnsSearch, input.dnsOptions],
      [["10.0.0.2"], ["corp.example"], ["ndots:2"]],
    );
    assert.deepEqual(input.extraHosts, { db: "10.0.0.5", cache: "10.0.0.6", v6: "::1", gw: "host-gateway" });
    assert.equal(input.init, true);
    assert.deepEqual(input.securityOpt, {
      noNewPrivileges: true,
      seccomp: "unconfined",
      appArmor: "unconfined",
    });
    assert.equal(input.resources?.pids, 200);
    assert.deepEqual(input.resources?.reservations, { genericResources: { gpu: 2 } });
    assert.equal(input.healthCheck?.startInterval, "2s");
    assert.deepEqual(input.volumes, [
      { type: "volume", target: "/cache" },
      { type: "tmpfs", target: "/scratch", tmpfs: { size: 64 * 2 ** 20, mode: 0o1770 } },
      { type: "tmpfs", target: "/run", tmpfs: { size: 2 ** 20, mode: 0o700 } },
    ]);
  });

  it("reads the list and mapping forms of sysctls and extra_hosts, and dns as one string, from a file", () => {
    const workingDir = composeDir({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: busybox",
        "    sysctls: [net.ipv4.ip_forward=1]",
        "    extra_hosts: [db=10.0.0.5]",
        "    dns: 10.0.0.2",
        "    ulimits: { nofile: 1024 }",
        "  b:",
        "    image: busybox",
        "    sysctls: { net.core.somaxconn: 1024 }",
        "    extra_hosts: { db: 10.0.0.5, v6: '::1' }",
        "    dns_search: corp.example",
        "    ulimits: { nofile: { soft: 1024, hard: 4096 } }",
      ].join("\n"),
    });
    const { services } = toServiceSpecs(loadCompose({ workingDir, env: {} }));
    assert.deepEqual(services.a.sysctls, { "net.ipv4.ip_forward": "1" });
    assert.deepEqual(services.a.extraHosts, { db: "10.0.0.5" });
    assert.deepEqual(services.a.dns, ["10.0.0.2"]);
    assert.deepEqual(services.a.ulimits, { nofile: 1024 });
    assert.deepEqual(services.b.sysctls, { "net.core.somaxconn": "1024" });
    assert.deepEqual(services.b.extraHosts, { db: "10.0.0.5", v6: "::1" });
    assert.deepEqual(services.b.dnsSearch, ["corp.example"]);
    assert.deepEqual(services.b.ulimits, { nofile: { soft: 1024, hard: 4096 } });
  });

  it("refuses security options Swarm cannot carry, a second address for a host, and conflicting pids", () => {
    assert.deepEqual(
      issuesOf({
        app: {
          image,
          security_opt: ["label=type:svirt_t", "seccomp=/etc/profile.json", "apparmor=my-profile"],
          extra_hosts: ["db:10.0.0.5", "db:10.0.0.6"],
          pids_limit: 100,
          deploy: { resources: { limits: { pids: 200 } } },
          ulimits: { nofiles: 10 },
          stop_signal: "SIGTREM",
        } as ComposeService,
      }),
      [
        {
          path: "services.app.pids_limit",
          message: "is 100 but deploy.resources.limits.pids is 200; give one of them",
        },
        {
          path: "services.app.extra_hosts[1]",
          message: "gives db a second address (10.0.0.6, besides 10.0.0.5); Berth takes one per host",
        },
        {
          path: "services.app.security_opt[0]",
          message:
            '"label" is not supported on a cluster; Berth takes no-new-privileges, seccomp=unconfined and apparmor=unconfined',
        },
        {
          path: "services.app.security_opt[1]",
          message:
            'a seccomp profile file cannot be read from a Compose file by Berth; give its JSON as securityOpt.seccomp.profile of a ContainerService, or use "seccomp=unconfined"',
        },
        {
          path: "services.app.security_opt[2]",
          message:
            'Swarm runs the default AppArmor profile or none: use "apparmor=unconfined" or leave it out',
        },
        { path: "services.app.stop_signal", message: '"SIGTREM" is not a signal; did you mean "SIGTERM"?' },
        { path: "services.app.ulimits.nofiles", message: 'is not a resource limit; did you mean "nofile"?' },
      ],
    );
  });
});

describe("toServiceSpecs: keys reported, not dropped", () => {
  const fromFile = (content: string, options?: ToServiceSpecsOptions) =>
    toServiceSpecs(loadCompose({ content, workingDir: composeDir({}), env: {} }), options);
  const issuesFromFile = (content: string): ComposeIssue[] => {
    try {
      fromFile(content, { strict: true });
    } catch (err) {
      assert.ok(err instanceof ComposeError, String(err));
      return err.issues;
    }
    assert.fail("the project mapped without an error");
  };

  const dependents = `
services:
  web:
    image: web
    depends_on:
      db: { condition: service_started, restart: true }
      cache: { condition: service_started, restart: false }
    links: [queue]
  db: { image: db }
  cache: { image: cache }
  queue: { image: queue }
`;
  const restartReason =
    'updating "db" does not restart this service on a cluster, as with docker stack deploy; redeploy it yourself when it must restart';

  it("reports depends_on restart: true, but not restart: false nor the restart links imply", () => {
    assert.deepEqual(fromFile(dependents).ignored, [
      { service: "web", key: "links", reason: ignoredKeys.links.reason },
      { service: "web", key: "depends_on.db.restart", reason: restartReason },
    ]);
    assert.deepEqual(
      issuesFromFile(dependents).map((i) => i.path),
      ["services.web.links", "services.web.depends_on.db.restart"],
    );
  });

  const models = `
services:
  app: { image: app }
models:
  llm: { model: ai/smollm2 }
`;
  const modelsReason =
    "model runners are a docker compose feature; a cluster runs no models (services that use them are refused)";

  it("reports top-level models once, without a service, and makes them an error with strict", () => {
    assert.deepEqual(fromFile(models).ignored, [{ key: "models", reason: modelsReason }]);
    assert.deepEqual(issuesFromFile(models), [
      { path: "models", message: `would be ignored (${modelsReason}), and strict is set` },
    ]);
    assert.deepEqual(fromFile("services:\n  app: { image: app }\nmodels: {}\n").ignored, []);
  });

  it("refuses service models naming the key", () => {
    assert.deepEqual(issuesOf({ app: { image, models: ["llm"] } }), [
      { path: "services.app.models", message: refusedKeys.models },
    ]);
  });

  it("reports create_host_path: true written in the long syntax, also when extended, and not Compose's default", () => {
    const mapping = fromFile(`
services:
  app:
    image: app
    volumes:
      - ./data:/data
      - ./conf:/conf:ro,rprivate
      - type: bind
        source: ./logs
        target: /logs
        bind: { create_host_path: true }
      - type: bind
        source: ./etc
        target: /etc/app
        bind: { create_host_path: false }
  worker:
    extends: app
`);
    const reason =
      "a swarm does not create a missing bind source (the engine refuses the task): create the path on every node the service can run on";
    assert.deepEqual(mapping.ignored, [
      { service: "app", key: "volumes[2].bind.create_host_path", reason },
      { service: "worker", key: "volumes[2].bind.create_host_path", reason },
    ]);
    assert.deepEqual(
      mapping.services.worker.volumes?.map((v) => v.target),
      ["/data", "/conf", "/logs", "/etc/app"],
    );
  });
});
