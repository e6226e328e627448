import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "path";
import {
  ComposeError,
  type ComposeIssue,
  loadCompose,
  type LoadComposeOptions,
} from "../../components/compose";
import { composeDir } from "../support/compose-dir";

const env = { HOME: "/home/tester" };

function load(files: Record<string, string>, options: Partial<LoadComposeOptions> = {}) {
  const workingDir = composeDir(files);
  return { dir: workingDir, project: loadCompose({ workingDir, env, ...options }) };
}

function issuesOf(files: Record<string, string>, options: Partial<LoadComposeOptions> = {}): ComposeIssue[] {
  const workingDir = composeDir(files);
  try {
    loadCompose({ workingDir, env, ...options });
  } catch (err) {
    assert.ok(err instanceof ComposeError, String(err));
    return err.issues.map((i) => (i.file ? { ...i, file: i.file.replace(`${workingDir}/`, "") } : i));
  }
  assert.fail("the project loaded");
}

describe("loadCompose: YAML", () => {
  it("follows anchors, aliases and merge keys", () => {
    const { project } = load({
      "compose.yaml": `
x-common: &common
  image: app:1
  environment: { LOG: info }
services:
  api:
    <<: *common
    command: ["serve"]
  worker:
    <<: *common
    environment: { LOG: debug }
`,
    });
    assert.equal(project.services.api.image, "app:1");
    assert.deepEqual(project.services.api.environment, { LOG: "info" });
    assert.deepEqual(project.services.api.command, ["serve"]);
    assert.deepEqual(project.services.worker.environment, { LOG: "debug" });
  });

  it("clears with !reset what an earlier file set", () => {
    const { project } = load(
      {
        "compose.yaml": `services:\n  app:\n    image: myapp\n    ports: ["8080:80"]\n    environment:\n      FOO: BAR\n      KEEP: "1"\n`,
        "override.yaml": `services:\n  app:\n    ports: !reset []\n    environment:\n      FOO: !reset null\n`,
      },
      { files: ["compose.yaml", "override.yaml"] },
    );
    assert.equal(project.services.app.ports, undefined);
    assert.deepEqual(project.services.app.environment, { KEEP: "1" });
  });

  it("replaces with !override instead of merging", () => {
    const { project } = load(
      {
        "compose.yaml": `services:\n  app:\n    image: myapp\n    ports: ["8080:80"]\n`,
        "override.yaml": `services:\n  app:\n    ports: !override\n      - "8443:443"\n`,
      },
      { files: ["compose.yaml", "override.yaml"] },
    );
    assert.deepEqual(project.services.app.ports, [
      { mode: "ingress", protocol: "tcp", target: 443, published: "8443" },
    ]);
  });

  it("reports YAML syntax errors and duplicate keys with their line", () => {
    const broken = issuesOf({ "compose.yaml": `services:\n  app:\n    image: [unclosed\n` });
    assert.equal(broken.length, 1);
    assert.equal(broken[0].file, "compose.yaml");
    assert.match(broken[0].message, /^invalid YAML: /);
    assert.ok(broken[0].line !== undefined && broken[0].line >= 3, `line ${broken[0].line}`);

    const duplicate = issuesOf({ "compose.yaml": `services:\n  app:\n    image: a\n    image: b\n` });
    assert.equal(duplicate[0].line, 4);
    assert.match(duplicate[0].message, /^invalid YAML: Map keys must be unique/);
  });

  it("refuses a file that is not a mapping", () => {
    const issues = issuesOf({ "compose.yaml": `- just\n- a list\n` });
    assert.deepEqual(issues, [
      {
        file: "compose.yaml",
        path: "",
        line: 1,
        message: "a Compose file must be a mapping at the top level",
      },
    ]);
  });
});

describe("loadCompose: YAML numbers", () => {
  it("reads a leading-zero integer as octal, as Docker does, so file modes mean what they say", () => {
    const { project } = load({
      "compose.yaml": `services:\n  app:\n    image: app\n    secrets:\n      - { source: a, mode: 0400 }\n      - { source: b, mode: 0o440 }\n      - { source: c, mode: 400 }\n      - { source: d, mode: 0 }\nsecrets:\n  a: { file: ./a }\n  b: { file: ./b }\n  c: { file: ./c }\n  d: { file: ./d }\n`,
    });
    assert.deepEqual(
      project.services.app.secrets?.map((s) => s.mode),
      [0o400, 0o440, 400, 0],
    );
  });
});

describe("loadCompose: interpolation", () => {
  it("takes variables from env first, then from .env in the working directory", () => {
    const { project } = load(
      {
        ".env": "TAG=from-dotenv\nPORT=8000\n",
        "compose.yaml": `services:\n  web:\n    image: "web:\${TAG}"\n    ports: ["\${PORT}:80"]\n`,
      },
      { env: { TAG: "from-env" } },
    );
    assert.equal(project.services.web.image, "web:from-env");
    assert.equal(project.services.web.ports?.[0].published, "8000");
  });

  it("uses only the env given, not the process environment", () => {
    process.env.BERTH_TEST_ONLY_IN_PROCESS = "leaked";
    try {
      const warnings: string[] = [];
      const { project } = load(
        { "compose.yaml": `services:\n  web:\n    image: "web:x\${BERTH_TEST_ONLY_IN_PROCESS}"\n` },
        { env: {}, onWarning: (w) => warnings.push(w) },
      );
      assert.equal(project.services.web.image, "web:x");
      assert.deepEqual(warnings, [
        "the variable BERTH_TEST_ONLY_IN_PROCESS is not set; it is replaced by an empty string",
      ]);
    } finally {
      delete process.env.BERTH_TEST_ONLY_IN_PROCESS;
    }
  });

  it("interpolates values, never keys, and keeps $$ as a literal $", () => {
    const { project } = load(
      {
        "compose.yaml": `services:\n  web:\n    image: web\n    labels:\n      "\${KEY}": "\${VALUE}"\n    command: sh -c 'echo $$HOME'\n`,
      },
      { env: { KEY: "k", VALUE: "v" } },
    );
    assert.deepEqual(project.services.web.labels, { "${KEY}": "v" });
    assert.deepEqual(project.services.web.command, ["sh", "-c", "echo $HOME"]);
  });

  it("reports a required variable with the file, key path and line", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  db:\n    image: db\n    environment:\n      PASSWORD: \${DB_PASSWORD:?set DB_PASSWORD}\n`,
    });
    assert.equal(issues.length, 1);
    assert.equal(issues[0].file, "compose.yaml");
    assert.equal(issues[0].path, "services.db.environment.PASSWORD");
    assert.equal(issues[0].line, 5);
    assert.match(issues[0].message, /set DB_PASSWORD/);
  });

  it("interpolates each file with the same environment before merging", () => {
    const { project } = load(
      {
        "a.yaml": `services:\n  web:\n    image: "web:\${TAG}"\n`,
        "b.yaml": `services:\n  web:\n    environment:\n      TAG_SEEN: "\${TAG}"\n`,
      },
      { files: ["a.yaml", "b.yaml"], env: { TAG: "7" } },
    );
    assert.equal(project.services.web.image, "web:7");
    assert.deepEqual(project.services.web.environment, { TAG_SEEN: "7" });
  });
});

describe("loadCompose: merging files", () => {
  const merged = (base: string, override: string) =>
    load({ "a.yaml": base, "b.yaml": override }, { files: ["a.yaml", "b.yaml"] }).project.services.app;

  it("replaces command and entrypoint, merges environment and labels with the later file winning", () => {
    const app = merged(
      `services:\n  app:\n    image: a\n    command: ["one", "two"]\n    entrypoint: ["/bin/a"]\n    environment: [A=1, B=2]\n    labels: { x: "1", y: "1" }\n`,
      `services:\n  app:\n    command: ["three"]\n    entrypoint: /bin/b --flag\n    environment: { B: "20", C: "30" }\n    labels: [y=2, z=2]\n`,
    );
    assert.deepEqual(app.command, ["three"]);
    assert.deepEqual(app.entrypoint, ["/bin/b", "--flag"]);
    assert.deepEqual(app.environment, { A: "1", B: "20", C: "30" });
    assert.deepEqual(app.labels, { x: "1", y: "2", z: "2" });
  });

  it("appends ports and drops exact duplicates", () => {
    const app = merged(
      `services:\n  app:\n    image: a\n    ports: ["8080:80", "9000:9000/udp"]\n`,
      `services:\n  app:\n    ports: ["8080:80", "8443:443"]\n`,
    );
    assert.deepEqual(
      app.ports?.map((p) => `${p.published}:${p.target}/${p.protocol}`),
      ["9000:9000/udp", "8080:80/tcp", "8443:443/tcp"],
    );
  });

  it("keeps one volume per target and one secret per target, the later file winning", () => {
    const app = merged(
      `services:\n  app:\n    image: a\n    volumes: ["data:/data", "/logs"]\n    secrets: [token]\nsecrets:\n  token: { file: ./t }\n  other: { file: ./o }\nvolumes:\n  data: {}\n  fresh: {}\n`,
      `services:\n  app:\n    volumes: ["fresh:/data"]\n    secrets: [{ source: other, target: token }]\n`,
    );
    assert.deepEqual(
      app.volumes?.map((v) => `${v.source ?? "(anonymous)"}:${v.target}`),
      ["(anonymous):/logs", "fresh:/data"],
    );
    assert.deepEqual(app.secrets, [{ source: "token" }, { source: "other", target: "token" }]);
  });

  it("replaces healthcheck.test but merges the rest of the health check; appends dns", () => {
    const app = merged(
      `services:\n  app:\n    image: a\n    dns: 1.1.1.1\n    healthcheck:\n      test: ["CMD", "a"]\n      interval: 5s\n`,
      `services:\n  app:\n    dns: [8.8.8.8]\n    healthcheck:\n      test: curl -f localhost\n      retries: 5\n`,
    );
    assert.deepEqual(app.healthcheck, {
      test: ["CMD-SHELL", "curl -f localhost"],
      interval: "5s",
      retries: 5,
    });
    assert.deepEqual(app.dns, ["1.1.1.1", "8.8.8.8"]);
  });

  it("merges top-level networks key by key", () => {
    const { project } = load(
      {
        "a.yaml": `services:\n  app:\n    image: a\n    networks: [back]\nnetworks:\n  back:\n    attachable: true\n`,
        "b.yaml": `networks:\n  back:\n    internal: true\n`,
      },
      { files: ["a.yaml", "b.yaml"], projectName: "shop" },
    );
    assert.deepEqual(project.networks?.back, { attachable: true, internal: true, name: "shop_back" });
  });
});

describe("loadCompose: extends", () => {
  it("extends a service of the same file, the extending one winning", () => {
    const { project } = load({
      "compose.yaml": `services:\n  base:\n    image: base:1\n    environment: { A: "1", B: "1" }\n    command: ["base"]\n  app:\n    extends: base\n    environment: { B: "2" }\n`,
    });
    const app = project.services.app;
    assert.equal(app.image, "base:1");
    assert.deepEqual(app.environment, { A: "1", B: "2" });
    assert.deepEqual(app.command, ["base"]);
    assert.equal(app.extends, undefined);
  });

  it("extends a service of another file, its relative paths staying relative to that file", () => {
    const { dir, project } = load({
      "common/base.yaml": `services:\n  web:\n    image: web:1\n    volumes: ["./html:/usr/share/html:ro"]\n`,
      "compose.yaml": `services:\n  site:\n    extends:\n      file: common/base.yaml\n      service: web\n    ports: ["80:80"]\n`,
    });
    assert.deepEqual(project.services.site.volumes, [
      {
        type: "bind",
        source: join(dir, "common/html"),
        target: "/usr/share/html",
        read_only: true,
        bind: { create_host_path: true },
      },
    ]);
    assert.equal(project.services.site.image, "web:1");
  });

  it("follows chains of extends", () => {
    const { project } = load({
      "compose.yaml": `services:\n  a:\n    image: a\n    labels: { a: "1" }\n  b:\n    extends: a\n    labels: { b: "1" }\n  c:\n    extends: { service: b }\n    labels: { c: "1" }\n`,
    });
    assert.deepEqual(project.services.c.labels, { a: "1", b: "1", c: "1" });
  });

  it("reports a cycle and a missing base service", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  a:\n    image: a\n    extends: b\n  b:\n    image: b\n    extends: a\n  c:\n    image: c\n    extends: nothere\n`,
    });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    assert.match(byPath["services.a.extends"], /^extends makes a cycle: a -> b -> a$/);
    assert.equal(byPath["services.c.extends.service"], 'extends an undefined service "nothere"');
  });
});

describe("loadCompose: include", () => {
  it("adds an included project's services, with its own .env and directory", () => {
    const { dir, project } = load({
      "compose.yaml": `include:\n  - db/compose.yaml\nservices:\n  app:\n    image: app\n    depends_on: [db]\n`,
      "db/.env": "DB_TAG=16\n",
      "db/compose.yaml": `services:\n  db:\n    image: "postgres:\${DB_TAG}"\n    volumes: ["./init:/docker-entrypoint-initdb.d"]\n`,
    });
    assert.equal(project.services.db.image, "postgres:16");
    assert.equal(project.services.db.volumes?.[0].source, join(dir, "db/init"));
    assert.deepEqual(Object.keys(project.services).sort(), ["app", "db"]);
  });

  it("merges the including file's definition over the included one, as Compose does", () => {
    const { project } = load(
      {
        "compose.yaml": `include: [other.yaml]\nservices:\n  app:\n    image: mine\n    environment: { B: "local" }\n    ports: !reset []\nnetworks:\n  back: { labels: { team: local } }\n`,
        "other.yaml": `services:\n  app:\n    image: theirs\n    environment: { A: "1", B: "included" }\n    ports: ["80:80"]\n    networks: [back]\nnetworks:\n  back: { internal: true }\n`,
      },
      { projectName: "app" },
    );
    const app = project.services.app;
    assert.equal(app.image, "mine");
    assert.deepEqual(app.environment, { A: "1", B: "local" });
    assert.equal(app.ports, undefined);
    assert.deepEqual(project.networks?.back, { internal: true, labels: { team: "local" }, name: "app_back" });
  });

  it("refuses an include cycle, naming the files, instead of recursing", () => {
    const issues = issuesOf({
      "compose.yaml": `include: [b.yaml]\nservices:\n  a:\n    image: a\n`,
      "b.yaml": `include: [compose.yaml]\nservices:\n  b:\n    image: b\n`,
    });
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0].file, "b.yaml");
    assert.equal(issues[0].path, "include[0]");
    assert.match(
      issues[0].message,
      /^include cycle: \S*\/compose\.yaml -> \S*\/b\.yaml -> \S*\/compose\.yaml$/,
    );
  });

  it("refuses a file that includes itself", () => {
    const issues = issuesOf({ "compose.yaml": `include: [compose.yaml]\nservices:\n  a:\n    image: a\n` });
    assert.deepEqual(
      issues.map((i) => [i.path, i.message.replace(/\S*\//g, "")]),
      [["include[0]", "include cycle: compose.yaml -> compose.yaml"]],
    );
  });
});

describe("loadCompose: profiles", () => {
  const files = {
    "compose.yaml": `services:\n  app:\n    image: app\n  debug:\n    image: debug\n    profiles: [dev]\n  tools:\n    image: tools\n    profiles: [ops, dev]\n`,
  };

  it("drops services outside the active profiles", () => {
    assert.deepEqual(Object.keys(load(files).project.services), ["app"]);
    assert.deepEqual(Object.keys(load(files, { profiles: ["ops"] }).project.services), ["app", "tools"]);
    assert.deepEqual(Object.keys(load(files, { profiles: ["*"] }).project.services), [
      "app",
      "debug",
      "tools",
    ]);
  });

  it("reads COMPOSE_PROFILES when no profiles are given", () => {
    const { project } = load(files, { env: { COMPOSE_PROFILES: "dev" } });
    assert.deepEqual(Object.keys(project.services), ["app", "debug", "tools"]);
  });

  it("refuses an enabled service that requires a disabled one, naming both", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  app:\n    image: app\n    depends_on: [debug]\n  debug:\n    image: debug\n    profiles: [dev]\n`,
    });
    assert.deepEqual(issues, [
      {
        path: "services.app.depends_on.debug",
        message:
          'service "app" depends on service "debug", which is disabled: it needs one of the profiles "dev"',
      },
    ]);
  });

  it("drops a dependency that is not required when its service is disabled", () => {
    const { project } = load({
      "compose.yaml": `services:\n  app:\n    image: app\n    depends_on:\n      debug: { condition: service_started, required: false }\n  debug:\n    image: debug\n    profiles: [dev]\n`,
    });
    assert.deepEqual(project.services.app.depends_on, {});
  });
});

describe("loadCompose: env_file and environment", () => {
  it("reads env files in order under environment, which wins", () => {
    const { project } = load({
      "base.env": `# defaults\nA=1\nB="two words" # comment\nC='$NOT_INTERPOLATED'\n`,
      "local.env": "A=10\nD=4\n",
      "compose.yaml": `services:\n  app:\n    image: app\n    env_file: [base.env, local.env, { path: missing.env, required: false }]\n    environment:\n      D: "40"\n`,
    });
    assert.deepEqual(project.services.app.environment, {
      A: "10",
      B: "two words",
      C: "$NOT_INTERPOLATED",
      D: "40",
    });
    assert.equal(project.services.app.env_file, undefined);
  });

  it("interpolates an env file from the environment, then the service's environment, then earlier files", () => {
    const { project } = load(
      {
        "first.env": "HOST=db\nPORT=5432\nWHERE=${REGION}\n",
        "second.env": "URL=postgres://${HOST}:${PORT}/${NAME}\nHOST=other\nSAME=${WHERE}-${MODE}\n",
        "compose.yaml": `services:\n  app:\n    image: app\n    env_file: [first.env, second.env]\n    environment:\n      NAME: shop\n      MODE:\n      PORT: "6543"\n`,
      },
      { env: { REGION: "eu", MODE: "prod", HOST: "from-env" } },
    );
    assert.deepEqual(project.services.app.environment, {
      HOST: "other",
      MODE: "prod",
      NAME: "shop",
      PORT: "6543",
      SAME: "eu-prod",
      // HOST from the project's environment beats the file's; PORT from the service's beats first.env's.
      URL: "postgres://from-env:6543/shop",
      WHERE: "eu",
    });
  });

  it("reports a required env file that is missing", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  app:\n    image: app\n    env_file: nothere.env\n`,
    });
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, "services.app.env_file[0]");
    assert.match(issues[0].message, /^cannot read .*nothere\.env: ENOENT/);
  });

  it("takes an entry given without a value from the environment", () => {
    const { project } = load(
      { "compose.yaml": `services:\n  app:\n    image: app\n    environment: [FROM_SHELL, UNSET, SET=1]\n` },
      { env: { FROM_SHELL: "yes" } },
    );
    assert.deepEqual(project.services.app.environment, { FROM_SHELL: "yes", UNSET: null, SET: "1" });
  });
});

describe("loadCompose: short syntax", () => {
  it("expands ports into long form, one entry per container port", () => {
    const { project } = load({
      "compose.yaml": `services:\n  app:\n    image: app\n    ports:\n      - 3000\n      - "3001-3002"\n      - "8000:80"\n      - "127.0.0.1:8001:81/udp"\n      - "9090-9091:8080-8081"\n      - "[::1]:6000:6000"\n      - "5000-5010:5000"\n      - target: 7000\n        published: 7001\n        mode: host\n`,
    });
    assert.deepEqual(project.services.app.ports, [
      { mode: "ingress", protocol: "tcp", target: 3000 },
      { mode: "ingress", protocol: "tcp", target: 3001 },
      { mode: "ingress", protocol: "tcp", target: 3002 },
      { mode: "ingress", protocol: "tcp", target: 80, published: "8000" },
      { mode: "ingress", protocol: "udp", host_ip: "127.0.0.1", target: 81, published: "8001" },
      { mode: "ingress", protocol: "tcp", target: 8080, published: "9090" },
      { mode: "ingress", protocol: "tcp", target: 8081, published: "9091" },
      { mode: "ingress", protocol: "tcp", host_ip: "::1", target: 6000, published: "6000" },
      { mode: "ingress", protocol: "tcp", target: 5000, published: "5000-5010" },
      { mode: "host", protocol: "tcp", target: 7000, published: "7001" },
    ]);
  });

  it("refuses port ranges of different lengths", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  app:\n    image: app\n    ports: ["8000-8002:80-81"]\n`,
    });
    assert.equal(issues[0].path, "services.app.ports[0]");
    assert.match(issues[0].message, /host and container port ranges differ in length/);
  });

  it("expands volumes: binds from ., / and ~ resolved, named and anonymous volumes", () => {
    const { dir, project } = load({
      "compose.yaml": `services:\n  app:\n    image: app\n    volumes:\n      - ./site:/site:ro\n      - ~/cache:/cache\n      - /var/log:/logs:rw,z\n      - data:/data:nocopy\n      - /scratch\nvolumes:\n  data: {}\n`,
    });
    assert.deepEqual(project.services.app.volumes, [
      {
        type: "bind",
        source: join(dir, "site"),
        target: "/site",
        read_only: true,
        bind: { create_host_path: true },
      },
      { type: "bind", source: "/home/tester/cache", target: "/cache", bind: { create_host_path: true } },
      {
        type: "bind",
        source: "/var/log",
        target: "/logs",
        read_only: false,
        bind: { create_host_path: true, selinux: "z" },
      },
      { type: "volume", source: "data", target: "/data", volume: { nocopy: true } },
      { type: "volume", target: "/scratch" },
    ]);
  });

  it("turns depends_on lists into conditions, and fills long-form defaults", () => {
    const { project } = load({
      "compose.yaml": `services:\n  db:\n    image: db\n  cache:\n    image: cache\n  app:\n    image: app\n    depends_on: [db]\n  worker:\n    image: w\n    depends_on:\n      db: { condition: service_healthy }\n      cache: { condition: service_started, required: false }\n`,
    });
    assert.deepEqual(project.services.app.depends_on, {
      db: { condition: "service_started", required: true },
    });
    assert.deepEqual(project.services.worker.depends_on, {
      db: { condition: "service_healthy", required: true },
      cache: { condition: "service_started", required: false },
    });
  });

  it("splits string commands like a shell, without expanding anything", () => {
    const { project } = load({
      "compose.yaml": `services:\n  app:\n    image: app\n    command: sh -c "echo 'a b' \\"c\\"" last\\ word\n    entrypoint: ["/init"]\n`,
    });
    assert.deepEqual(project.services.app.command, ["sh", "-c", `echo 'a b' "c"`, "last word"]);
    assert.deepEqual(project.services.app.entrypoint, ["/init"]);
  });

  it("resolves build contexts and secret files against the working directory", () => {
    const { dir, project } = load({
      "compose.yaml": `services:\n  app:\n    image: app\n    build: ./src\n    secrets: [token]\nsecrets:\n  token:\n    file: ./secrets/token.txt\n`,
    });
    assert.deepEqual(project.services.app.build, { context: join(dir, "src"), dockerfile: "Dockerfile" });
    assert.equal(project.secrets?.token.file, join(dir, "secrets/token.txt"));
  });
});

describe("loadCompose: the project", () => {
  it("adds the default network to services that name none and names resources as Compose does", () => {
    const { project } = load(
      {
        "compose.yaml": `services:\n  web:\n    image: web\n  api:\n    image: api\n    networks: [back]\n    secrets: [key]\nnetworks:\n  back: {}\n  shared:\n    external: true\nsecrets:\n  key: { environment: KEY }\n`,
      },
      { projectName: "shop" },
    );
    assert.deepEqual(project.services.web.networks, { default: null });
    assert.deepEqual(project.services.api.networks, { back: null });
    assert.deepEqual(project.networks, {
      back: { name: "shop_back" },
      shared: { external: true, name: "shared" },
      default: { name: "shop_default" },
    });
    assert.deepEqual(project.secrets, { key: { environment: "KEY", name: "shop_key" } });
  });

  it("takes the name from the option, the file, COMPOSE_PROJECT_NAME, then the directory", () => {
    const withName = { "compose.yaml": `name: from-file\nservices:\n  a:\n    image: a\n` };
    const without = { "compose.yaml": `services:\n  a:\n    image: a\n` };
    assert.equal(load(withName, { projectName: "option" }).project.name, "option");
    assert.equal(load(withName, { env: { COMPOSE_PROJECT_NAME: "fromenv" } }).project.name, "from-file");
    assert.equal(load(without, { env: { COMPOSE_PROJECT_NAME: "fromenv" } }).project.name, "fromenv");
    const dir = composeDir({ "My.Project/compose.yaml": without["compose.yaml"] });
    assert.equal(loadCompose({ workingDir: join(dir, "My.Project"), env: {} }).name, "myproject");
  });

  it("refuses an invalid project name", () => {
    const issues = issuesOf({ "compose.yaml": `name: Not Valid\nservices:\n  a:\n    image: a\n` });
    assert.equal(issues[0].path, "name");
    assert.match(issues[0].message, /^project name "Not Valid" must be lowercase letters/);
  });

  it("finds compose.yaml and compose.override.yaml when no file is named", () => {
    const { project } = load({
      "compose.yaml": `services:\n  a:\n    image: a:1\n`,
      "compose.override.yaml": `services:\n  a:\n    image: a:2\n`,
      "docker-compose.yml": `services:\n  ignored:\n    image: x\n`,
    });
    assert.deepEqual(Object.keys(project.services), ["a"]);
    assert.equal(project.services.a.image, "a:2");
  });

  it("reports references to undefined networks, volumes, secrets and services, all at once", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  app:\n    image: app\n    networks: [nowhere]\n    volumes: ["ghost:/data"]\n    secrets: [missing]\n    configs: [absent]\n    depends_on: [nobody]\n`,
    });
    assert.deepEqual(
      issues.map((i) => `${i.path}: ${i.message}`),
      [
        'services.app.networks.nowhere: uses the undefined network "nowhere"',
        'services.app.volumes[0]: uses the undefined volume "ghost"',
        'services.app.secrets[0]: uses the undefined secret "missing"',
        'services.app.configs[0]: uses the undefined config "absent"',
        'services.app.depends_on.nobody: depends on the undefined service "nobody"',
      ],
    );
  });

  it("reports schema problems with file, path and line, and every file's problems together", () => {
    const issues = issuesOf(
      {
        "a.yaml": `services:\n  app:\n    imagee: app\n`,
        "b.yaml": `services:\n  app:\n    image: app\n    deploy:\n      replicas: many\n`,
      },
      { files: ["a.yaml", "b.yaml"] },
    );
    assert.equal(issues.length, 2);
    assert.deepEqual(
      { file: issues[0].file, path: issues[0].path, line: issues[0].line },
      { file: "a.yaml", path: "services.app.imagee", line: 3 },
    );
    assert.match(issues[0].message, /did you mean "image"/);
    assert.deepEqual(
      { file: issues[1].file, path: issues[1].path, line: issues[1].line },
      { file: "b.yaml", path: "services.app.deploy.replicas", line: 5 },
    );
  });

  it("loads inline content", () => {
    const project = loadCompose({
      workingDir: "/srv/app",
      env: {},
      content: `services:\n  a:\n    image: a\n    volumes: ["./d:/d"]\n`,
    });
    assert.equal(project.name, "app");
    assert.equal(project.services.a.volumes?.[0].source, "/srv/app/d");
  });
});

describe("loadCompose: as Compose loads them", () => {
  it("extends a valid service of a file whose other entries are invalid", () => {
    const { project } = load({
      "base.yaml": `services:\n  web:\n    image: web:1\n    environment: { A: "1" }\n  broken: null\n  odd:\n    ports: "not a list"\nnetworks: 5\n`,
      "compose.yaml": `services:\n  site:\n    extends: { file: base.yaml, service: web }\n`,
    });
    assert.equal(project.services.site.image, "web:1");
    assert.deepEqual(project.services.site.environment, { A: "1" });
  });

  it("still reports the problems of the extended service itself, at its file and line", () => {
    const issues = issuesOf({
      "base.yaml": `services:\n  web:\n    image: web:1\n    ports: "not a list"\n  broken: null\n`,
      "compose.yaml": `services:\n  site:\n    extends: { file: base.yaml, service: web }\n`,
    });
    assert.deepEqual(
      issues.map((i) => [i.file, i.line, i.path]),
      [["base.yaml", 4, "services.web.ports"]],
    );
  });

  it("refuses an empty file as Compose does", () => {
    for (const text of ["", "# nothing here\n", "{}\n"]) {
      const issues = issuesOf({ "compose.yaml": text });
      assert.deepEqual(
        issues.map((i) => [i.file, i.message]),
        [["compose.yaml", "empty compose file"]],
        JSON.stringify(text),
      );
    }
  });

  it("refuses a depends_on cycle, naming the services", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n    depends_on: { c: { condition: service_healthy } }\n  c:\n    image: c\n    depends_on: [a]\n  d:\n    image: d\n    depends_on: [d]\n`,
    });
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [
        ["services.a.depends_on", "dependency cycle: a -> b -> c -> a"],
        ["services.d.depends_on", "dependency cycle: d -> d"],
      ],
    );
  });

  it("refuses volumes_from, network_mode and ipc naming an undefined service", () => {
    const issues = issuesOf({
      "compose.yaml": `services:\n  a:\n    image: a\n    volumes_from: ["nope:ro", "container:elsewhere", b]\n    network_mode: "service:gone"\n    ipc: "service:missing"\n  b:\n    image: b\n`,
    });
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [
        ["services.a.volumes_from[0]", 'uses the undefined service "nope"'],
        ["services.a.network_mode", 'uses the undefined service "gone"'],
        ["services.a.ipc", 'uses the undefined service "missing"'],
      ],
    );
  });

  it("adds the services that volumes_from, network_mode and links name to depends_on, as Compose does", () => {
    const { project } = load({
      "compose.yaml": `services:\n  a:\n    image: a\n    volumes_from: ["b:ro"]\n    network_mode: "service:c"\n    links: ["d:alias"]\n    depends_on: { b: { condition: service_healthy } }\n  b: { image: b }\n  c: { image: c }\n  d: { image: d }\n`,
    });
    assert.deepEqual(project.services.a.depends_on, {
      b: { condition: "service_healthy", required: true },
      c: { condition: "service_started", required: true, restart: true },
      d: { condition: "service_started", required: true, restart: true },
    });
  });

  it("reads a label given without a value as an empty string", () => {
    const { project } = load({
      "compose.yaml": `services:\n  a:\n    image: a\n    labels: { k: , v: "1" }\n    deploy:\n      labels: { d: }\nnetworks:\n  n:\n    labels: { nl: }\n`,
    });
    assert.deepEqual(project.services.a.labels, { k: "", v: "1" });
    assert.deepEqual(project.services.a.deploy?.labels, { d: "" });
    assert.deepEqual(project.networks?.n.labels, { nl: "" });
  });
});

/** Runs `fn`, failing when it takes longer than `ms`: hostile input must be refused quickly. */
function within<T>(ms: number, fn: () => T): T {
  const started = Date.now();
  const result = fn();
  assert.ok(Date.now() - started < ms, `took ${Date.now() - started} ms`);
  return result;
}

describe("loadCompose: hostile input is refused as a ComposeError, quickly", () => {
  it("refuses aliases that expand exponentially (billion laughs), naming the file", () => {
    let text = "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    const names = "bcdefghi";
    for (let i = 0; i < names.length; i++) {
      const prev = i === 0 ? "a" : names[i - 1];
      text += `x-${names[i]}: &${names[i]} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
    }
    text += "services:\n  web:\n    image: nginx\n    command: *i\n";
    const issues = within(2000, () => issuesOf({ "compose.yaml": text }));
    assert.deepEqual(
      issues.map((i) => [i.file, i.path]),
      [["compose.yaml", ""]],
    );
    assert.match(issues[0].message, /aliases expand too much \(more than 1000 times/);
  });

  it("refuses an alias inside the mapping it refers to, at its path and line", () => {
    const issues = within(1000, () =>
      issuesOf({ "compose.yaml": "services: &s\n  web:\n    image: nginx\n    labels: *s\n" }),
    );
    assert.deepEqual(issues, [
      {
        file: "compose.yaml",
        path: "services.web.labels",
        line: 4,
        message: "the alias *s is inside the mapping or list it refers to: it would repeat without end",
      },
    ]);
  });

  it("refuses a merge key that merges the mapping it is in", () => {
    const issues = within(1000, () =>
      issuesOf({ "compose.yaml": "x-base: &b\n  image: nginx\n  <<: *b\nservices:\n  web: *b\n" }),
    );
    assert.deepEqual(
      issues.map((i) => [i.path, i.line]),
      [["x-base", 3]],
    );
    assert.match(issues[0].message, /the alias \*b is inside/);
  });

  it("refuses interpolation nested thousands deep at its key", () => {
    const image = "${X:-".repeat(5000) + "nginx" + "}".repeat(5000);
    const issues = within(2000, () =>
      issuesOf({ "compose.yaml": `services:\n  web:\n    image: ${image}\n` }),
    );
    assert.deepEqual(
      issues.map((i) => [i.file, i.path, i.line, i.message]),
      [["compose.yaml", "services.web.image", 3, "interpolation nested more than 32 levels deep"]],
    );
  });

  it("refuses mappings and lists nested deeper than 100 levels, however deep", () => {
    const deep = `services:\n  web:\n    image: nginx\n    x-deep: ${"[".repeat(120)}${"]".repeat(120)}\n`;
    const issues = within(2000, () => issuesOf({ "compose.yaml": deep }));
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /nested more than 100 levels deep/);
    const deeper = `services:\n  web:\n    image: nginx\n    x-deep: ${"[".repeat(20000)}${"]".repeat(20000)}\n`;
    const [issue] = within(5000, () => issuesOf({ "compose.yaml": deeper }));
    assert.equal(issue.file, "compose.yaml");
    assert.match(issue.message, /invalid YAML: it nests too deeply|nested more than 100 levels deep/);
  });

  it("refuses the key __proto__ wherever a user's keys become an object's, instead of dropping it", () => {
    const issues = issuesOf({
      "compose.yaml": [
        "services:",
        "  web:",
        "    image: nginx",
        "    environment:",
        "      __proto__: x",
        "      A: b",
        "    labels: ['__proto__=y']",
        "    build: { context: ., args: ['__proto__=z'] }",
        "    extra_hosts: ['__proto__:10.0.0.1']",
        "networks:",
        "  front:",
        "    labels: ['__proto__']",
        "",
      ].join("\n"),
    });
    assert.deepEqual(
      issues.map((i) => i.path),
      [
        "services.web.environment.__proto__",
        "services.web.labels[0]",
        "services.web.extra_hosts[0]",
        "services.web.build.args[0]",
        "networks.front.labels[0]",
      ],
    );
    for (const issue of issues) assert.match(issue.message, /__proto__ is not accepted/);
    assert.equal(issues[0].line, 5);
  });

  it("refuses __proto__ in an env file and in .env, naming the file and line", () => {
    const inEnvFile = issuesOf({
      "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n",
      "web.env": "A=1\n__proto__=x\n",
    });
    assert.deepEqual(
      inEnvFile.map((i) => [i.file?.replace(/.*\//, ""), i.line, i.message]),
      [["web.env", 2, 'line 2: the variable name "__proto__" is not accepted']],
    );
    const inDotenv = issuesOf({
      "compose.yaml": "services:\n  web:\n    image: nginx\n",
      ".env": "__proto__=x\n",
    });
    assert.match(inDotenv[0].message, /"__proto__" is not accepted/);
  });

  it("never reads a variable an object inherits (constructor, toString) as set", () => {
    const { project } = load(
      {
        "compose.yaml":
          "services:\n  web:\n    image: nginx:${constructor:-1}\n    environment: [toString]\n    env_file: web.env\n",
        "web.env": "B=${hasOwnProperty:-unset}\n",
      },
      { env: {} },
    );
    assert.equal(project.services.web.image, "nginx:1");
    assert.deepEqual(project.services.web.environment, { B: "unset", toString: null });
  });
});
