import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { composeServiceKeys } from "../../components/compose";
import { ignoredKeys, mappedKeys, refusedKeys } from "../../components/compose/service-keys";
import { formatPath } from "../../components/compose/types";
import { validateComposeFile } from "../../components/compose/validate";

function problems(file: unknown): string[] {
  const out: string[] = [];
  const count = validateComposeFile(file, (path, message) => out.push(`${formatPath(path)}: ${message}`));
  assert.equal(count, out.length, "the count returned is the number reported");
  return out;
}

const service = (extra: Record<string, unknown>) => ({ services: { app: { image: "app:1", ...extra } } });

describe("validateComposeFile: files the specification accepts", () => {
  const good: [string, unknown][] = [
    ["an empty file's mapping", {}],
    [
      "extension keys at the top, in services and in resources",
      {
        "x-common": { anything: [1, 2] },
        services: { app: { image: "a", "x-berth": { public: true } } },
        networks: { front: { "x-note": 1 } },
      },
    ],
    [
      "numbers and booleans that came from variables as strings",
      service({
        deploy: { replicas: "3", resources: { limits: { cpus: "0.5", memory: "512M" } } },
        init: "true",
        read_only: "no",
        oom_score_adj: "-500",
      }),
    ],
    [
      "both list and mapping forms",
      service({
        environment: ["A=1"],
        labels: { a: "b" },
        depends_on: { db: { condition: "service_healthy" } },
        networks: ["front"],
        command: null,
      }),
    ],
    ["null resources and networks", { services: {}, networks: { front: null }, volumes: { data: null } }],
    [
      "every long port and volume form",
      service({
        ports: [80, "8080:80/udp", { target: 80, published: "8000-8001", mode: "host", protocol: "tcp" }],
        volumes: [
          "data:/data",
          { type: "bind", source: "./src", target: "/src", bind: { create_host_path: true } },
        ],
      }),
    ],
    [
      "durations with several units, and on-failure with a count",
      service({
        stop_grace_period: "1m30s",
        healthcheck: { interval: "1h5m30s20ms", test: ["CMD", "true"] },
        restart: "on-failure:3",
      }),
    ],
    [
      "any ulimit name in either form",
      service({ ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 65535 } }),
    ],
  ];
  for (const [what, file] of good) it(`accepts ${what}`, () => assert.deepEqual(problems(file), []));
});

describe("validateComposeFile: bad files, each with its path and message", () => {
  const bad: [string, unknown, string][] = [
    [
      "an unknown service key",
      service({ imagee: "x" }),
      'services.app.imagee: unknown key "imagee" (did you mean "image"?)',
    ],
    [
      "an unknown top-level key",
      { servics: {} },
      'servics: unknown key "servics" (did you mean "services"?)',
    ],
    [
      "an unknown key far from any known one",
      service({ zzzzzz: 1 }),
      'services.app.zzzzzz: unknown key "zzzzzz"',
    ],
    [
      "an unknown key in a service network",
      service({ networks: { front: { aliasses: ["a"] } } }),
      'services.app.networks.front.aliasses: unknown key "aliasses" (did you mean "aliases"?)',
    ],
    [
      "an unknown key in a secret",
      { secrets: { s: { fil: "x" } } },
      'secrets.s.fil: unknown key "fil" (did you mean "file"?)',
    ],
    [
      "a word for a number",
      service({ deploy: { replicas: "many" } }),
      'services.app.deploy.replicas: must be an integer, not "many"',
    ],
    ["a word for a cpu count", service({ cpus: "two" }), 'services.app.cpus: must be a number, not "two"'],
    ["a number for a string", service({ image: 5 }), "services.app.image: must be a string, not 5"],
    [
      "a string for a mapping or list",
      service({ environment: "A=1" }),
      'services.app.environment: must be a list or a mapping, not "A=1"',
    ],
    ["a list for the services mapping", { services: [] }, "services: must be a mapping, not []"],
    [
      "a word for a flag",
      service({ init: "maybe" }),
      'services.app.init: must be true or false, not "maybe"',
    ],
    [
      "a misspelt mode",
      service({ deploy: { mode: "globl" } }),
      'services.app.deploy.mode: must be one of "replicated", "global", "replicated-job", "global-job", not "globl" (did you mean "global"?)',
    ],
    [
      "a misspelt failure action",
      service({ deploy: { update_config: { failure_action: "rolback" } } }),
      'services.app.deploy.update_config.failure_action: must be one of "continue", "rollback", "pause", not "rolback" (did you mean "rollback"?)',
    ],
    [
      "a misspelt restart policy",
      service({ restart: "allways" }),
      'services.app.restart: must be one of "no", "always", "on-failure", "on-failure:<max retries>" or "unless-stopped", not "allways" (did you mean "always"?)',
    ],
    [
      "a number where a duration goes",
      service({ healthcheck: { interval: "10" } }),
      'services.app.healthcheck.interval: must be a duration such as "10s" or "1m30s", not "10"',
    ],
    [
      "words for a duration",
      service({ stop_grace_period: "10 seconds" }),
      'services.app.stop_grace_period: must be a duration such as "10s" or "1m30s", not "10 seconds"',
    ],
    [
      "a word for a size",
      service({ mem_limit: "lots" }),
      'services.app.mem_limit: must be a size such as 1024, "512m" or "2g", not "lots"',
    ],
    [
      "a number out of range",
      service({ oom_score_adj: 5000 }),
      "services.app.oom_score_adj: must be an integer from -1000 to 1000, not 5000",
    ],
    [
      "a port of the wrong type",
      service({ ports: [true] }),
      'services.app.ports[0]: must be a port number, a string such as "8080:80" or a mapping, not true',
    ],
    [
      "a port listed twice",
      service({ ports: ["80", "80"] }),
      'services.app.ports: lists "80" more than once',
    ],
    [
      "a service name with a space",
      { services: { "bad name": { image: "x" } } },
      'services.bad name: "bad name" is not a valid service name: use letters, digits, ".", "_" and "-"',
    ],
    [
      "a dependency without its condition",
      service({ depends_on: { db: {} } }),
      'services.app.depends_on.db: needs the key "condition"',
    ],
    [
      "a long volume without its type",
      service({ volumes: [{ source: "a", target: "/b" }] }),
      'services.app.volumes[0]: needs the key "type"',
    ],
    [
      "extends without a service",
      service({ extends: { file: "a.yaml" } }),
      'services.app.extends: needs the key "service"',
    ],
    [
      "a volume driver of the wrong type",
      { volumes: { data: { driver: 1 } } },
      "volumes.data.driver: must be a string, not 1",
    ],
    [
      "a misspelt pull policy",
      service({ pull_policy: "alway" }),
      'services.app.pull_policy: must be one of "always", "never", "missing", "build", "daily", "weekly" or "every_<duration>", not "alway" (did you mean "always"?)',
    ],
  ];
  for (const [what, file, message] of bad)
    it(`refuses ${what}`, () => assert.deepEqual(problems(file), [message]));

  it("reports every problem of a file at once, one message per path, in the order they are written", () => {
    assert.deepEqual(
      problems({
        services: {
          web: { image: "w", restart: 7, ports: ["80", "80"] },
          db: { image: "d", deploy: { replicas: "x", resources: { limits: { memory: "big" } } }, imagee: 1 },
        },
      }),
      [
        'services.web.restart: must be one of "no", "always", "on-failure", "on-failure:<max retries>" or "unless-stopped", not 7',
        'services.web.ports: lists "80" more than once',
        'services.db.deploy.replicas: must be an integer, not "x"',
        'services.db.deploy.resources.limits.memory: must be a size such as 1024, "512m" or "2g", not "big"',
        'services.db.imagee: unknown key "imagee" (did you mean "image"?)',
      ],
    );
  });
});

describe("composeServiceKeys", () => {
  it("is exactly the set of keys the compose-to-Berth mapping decides on", () => {
    const decided = [...Object.keys(mappedKeys), ...Object.keys(ignoredKeys), ...Object.keys(refusedKeys)]
      .filter((key) => key !== "x-berth")
      .sort();
    assert.deepEqual([...composeServiceKeys], decided);
  });

  it("is sorted and frozen", () => {
    assert.deepEqual([...composeServiceKeys], [...composeServiceKeys].sort());
    assert.ok(Object.isFrozen(composeServiceKeys));
  });
});
