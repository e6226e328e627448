import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { berth } from "../support/cli-run";
import { composeDir } from "../support/compose-dir";

// Lines and columns below count in these texts: keep them in step.
const compose = `services:
  web:
    image: nginx:1.27
    container_name: web
    ports:
      - "8080:80"
    deploy:
      replicas: 2
      resources:
        limits:
          memory: 64m
    x-berth:
      autoscale: { min: 1, max: 3, cpuPercent: 50 }
  api:
    extends:
      file: base.yaml
      service: base
    privileged: true
include:
  - extra/compose.yaml
`;
const base = `services:
  base:
    image: busybox:1
    deploy:
      placement:
        preferences:
          - spread: node.labels.zone
          - spread: node.labels.rack
`;
const extra = `services:
  worker:
    image: busybox:1
    deploy:
      replicas: -1
`;

const project = () => composeDir({ "compose.yaml": compose, "base.yaml": base, "extra/compose.yaml": extra });

describe("berth check", () => {
  it("prints every problem of a Compose file at once, at its file, line and column (--json golden)", async () => {
    const dir = project();
    const run = await berth(["check", "compose.yaml", "--target", "swarm", "--json"], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      version: 1,
      target: "swarm",
      strict: false,
      ok: false,
      files: [{ file: "compose.yaml", kind: "compose", services: [] }],
      problems: [
        {
          severity: "error",
          kind: "invalid",
          file: "base.yaml",
          line: 8,
          column: 13,
          service: "api",
          field: "services.api.deploy.placement.preferences[1]",
          message: "Berth spreads over one node label; give one preference",
        },
        {
          severity: "warning",
          kind: "ignored",
          file: "compose.yaml",
          line: 4,
          column: 5,
          service: "web",
          field: "services.web.container_name",
          message:
            "is ignored: the cluster names each task itself; other services reach this one by its service name",
        },
        {
          severity: "error",
          kind: "refused",
          file: "compose.yaml",
          line: 13,
          column: 7,
          service: "web",
          field: "services.web.x-berth.autoscale",
          message: "is not supported on swarm; set replicas (Swarm does not scale services by load)",
        },
        {
          severity: "error",
          kind: "refused",
          file: "compose.yaml",
          line: 18,
          column: 5,
          service: "api",
          field: "services.api.privileged",
          message:
            '"privileged" cannot be deployed to a cluster: services cannot run privileged; grant capabilities with cap_add',
        },
        {
          severity: "error",
          kind: "invalid",
          file: "extra/compose.yaml",
          line: 5,
          column: 7,
          service: "worker",
          field: "services.worker.deploy.replicas",
          message: "-1 is not a number of replicas",
        },
      ],
      unreadable: [],
    });
  });

  it("maps a renderer's refusal of a Berth field back to the Compose key it came from", async () => {
    const dir = project();
    const run = await berth(["check", "compose.yaml", "-t", "kubernetes"], dir);
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /^compose\.yaml:13:36: error: services\.web\.x-berth\.autoscale\.cpuPercent: is not supported on kubernetes; CPU utilisation needs a CPU request/m,
    );
    assert.match(run.stdout, /^4 errors, 1 warning for kubernetes$/m);
  });

  it("places the loader's problems in the included file they are in", async () => {
    const dir = composeDir({
      "compose.yaml": "services:\n  a:\n    image: busybox:1\ninclude:\n  - inc/compose.yaml\n",
      "inc/compose.yaml": 'services:\n  w2:\n    image: busybox:1\n    deploy:\n      replicas: "x"\n',
    });
    const run = await berth(["check", "compose.yaml", "--target", "swarm", "--json"], dir);
    assert.equal(run.status, 1);
    assert.deepEqual(JSON.parse(run.stdout).problems, [
      {
        severity: "error",
        kind: "invalid",
        file: "inc/compose.yaml",
        line: 5,
        column: 7,
        service: "w2",
        field: "services.w2.deploy.replicas",
        message: 'must be an integer, not "x"',
      },
    ]);
  });

  it("exits 0 for a file without errors, and --strict turns ignored keys into errors", async () => {
    const dir = composeDir({
      "compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    container_name: web\n",
    });
    const lenient = await berth(["check", "compose.yaml", "--target", "ecs"], dir);
    assert.equal(lenient.status, 0, lenient.stdout);
    assert.match(lenient.stdout, /compose\.yaml:4:5: warning: services\.web\.container_name: is ignored/);
    const strict = await berth(["check", "compose.yaml", "--target", "ecs", "--strict", "--json"], dir);
    assert.equal(strict.status, 1);
    const report = JSON.parse(strict.stdout) as {
      ok: boolean;
      problems: { severity: string; line: number; message: string }[];
    };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => [p.severity, p.line]),
      [["error", 4]],
    );
    assert.match(report.problems[0].message, /would be ignored .*, and strict is set/);
  });

  it("exits 2 for a missing file and for a file that is not YAML", async () => {
    const dir = composeDir({ "broken.yaml": "services: [\n  web: {\n" });
    const missing = await berth(["check", "nothere.yaml", "--target", "swarm"], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nothere\.yaml: cannot read the file: ENOENT/);
    const broken = await berth(["check", "broken.yaml", "--target", "swarm", "--json"], dir);
    assert.equal(broken.status, 2);
    assert.deepEqual(JSON.parse(broken.stdout).unreadable, [
      { file: "broken.yaml", message: "broken.yaml: not YAML or JSON" },
    ]);
  });

  it("checks portable service descriptions, pointing into the list", async () => {
    const dir = composeDir({
      "services.yaml": `- name: web
  image: nginx:1.27
  ports:
    - target: 80
      public: true
      http: { path: /, host: example.com }
- name: db
  image: postgres:16
  replicas: two
`,
    });
    const run = await berth(["check", "services.yaml", "--target", "swarm", "--json"], dir);
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as { files: unknown; problems: Record<string, unknown>[] };
    assert.deepEqual(report.files, [{ file: "services.yaml", kind: "services", services: [] }]);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.line, p.column, p.service, p.field]),
      [
        ["refused", 6, 7, "web", "[0].ports[0].http"],
        ["invalid", 9, 3, "db", "[1].replicas"],
      ],
    );
  });

  it("answers a Marathon target with its retirement and the way out", async () => {
    const run = await berth(["check", "compose.yaml", "--target", "marathon"], project());
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /Mesos\/Marathon is not a target: it is retired\. Apache Mesos moved to the Apache Attic/,
    );
    assert.match(run.stderr, /1\.10\.26 \(July 2020\)/);
    assert.match(run.stderr, /DC\/OS support ended in\s+October 2021/);
    assert.match(run.stderr, /berth convert marathon APP\.json/);
  });
});
