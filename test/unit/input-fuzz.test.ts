/**
 * Generated bad input for the two front doors, `normalizeService` and `loadCompose`: hostile numbers
 * (Infinity, NaN, 1e308, 2^63, ...), durations and sizes beyond every target, `__proto__` and
 * `constructor` keys, alias bombs, cycles, deep nesting and nested interpolation, and random damage to
 * valid files. Every run must end, quickly, in one of two ways: a `SpecError` / `ComposeError` whose
 * issues each carry a path and a message, or a service that every target renders without a `null`,
 * `NaN` or infinite number in it.
 *
 * The seed is fixed and the runs few, so that CI is quick and repeatable. For a longer search:
 *   BERTH_FUZZ_RUNS=20000 BERTH_FUZZ_SEED=7 node --test build/test/unit/input-fuzz.test.js
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import fc from "fast-check";
import { stringify } from "yaml";
import { loadCompose } from "../../components/compose/load";
import { toServiceSpecs } from "../../components/compose/to-service-specs";
import { ComposeError } from "../../components/compose/types";
import {
  type NormalizedService,
  normalizeService,
  renderEcs,
  renderKubernetes,
  renderSwarm,
  SpecError,
  type ServiceInput,
} from "../../components/spec";

const runs = Number(process.env.BERTH_FUZZ_RUNS ?? 300);
const seed = Number(process.env.BERTH_FUZZ_SEED ?? 20261207);
/**
 * Far above what any case takes; a case near it is a bug (an unbounded loop or expansion). Counted in
 * CPU time, so that a busy machine does not fail the test.
 */
const caseBudgetMs = 2000;
const workingDir = mkdtempSync(join(tmpdir(), "berth-fuzz-"));

// ---------------------------------------------------------------------------------------------
// Values

const hostileNumber = fc.constantFrom(
  Infinity,
  -Infinity,
  NaN,
  1e308,
  -1e308,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 63,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  -0,
  -1,
  0.5,
);
/** Mostly plain values, now and then a hostile one, so that whole services pass as often as they fail. */
const number = fc.oneof(
  { arbitrary: fc.nat(10), weight: 10 },
  { arbitrary: hostileNumber, weight: 5 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
);
const digits = fc.oneof(
  { arbitrary: fc.nat(1000).map(String), weight: 12 },
  {
    arbitrary: fc.constantFrom("99999999999999999999", "9".repeat(400), "0.5", "1e308", "0"),
    weight: 2,
  },
);
const duration = fc.oneof(
  {
    arbitrary: fc
      .tuple(digits, fc.constantFrom("ns", "us", "ms", "s", "m", "h", "", "d"))
      .map(([n, unit]) => `${n}${unit}`),
    weight: 8,
  },
  { arbitrary: number, weight: 4 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
const quantity = fc.oneof(
  {
    arbitrary: fc
      .tuple(digits, fc.constantFrom("", "m", "k", "M", "G", "Ki", "Mi", "Gi", "Pi", "b", "g"))
      .map(([n, unit]) => `${n}${unit}`),
    weight: 6,
  },
  { arbitrary: number, weight: 2 },
);
/** Keys as users write them, and the ones an object would mistake for its own. */
const key = fc.oneof(
  { arbitrary: fc.constantFrom("A", "PATH", "LOG_LEVEL", "x.y"), weight: 12 },
  { arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty"), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

type Path = (string | number)[];

/** Sets `value` at `path`, making the objects and lists on the way; a `__proto__` key becomes data. */
function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.forEach((part, i) => {
    const last = i === path.length - 1;
    const next = last ? value : (node[part] ?? (typeof path[i + 1] === "number" ? [] : {}));
    Object.defineProperty(node, part, { value: next, enumerable: true, writable: true, configurable: true });
    node = next as Record<string | number, unknown>;
  });
}

/** One field set to a generated value: `[path, value]`. */
const field = (path: Path, value: fc.Arbitrary<unknown>) => value.map((v) => [path, v] as [Path, unknown]);
const keyed = (path: Path, value: fc.Arbitrary<unknown>) =>
  fc.tuple(key, value).map(([k, v]) => [[...path, k], v] as [Path, unknown]);
const ulimit = fc.oneof(number, fc.record({ soft: number, hard: number }));

/** A valid service with one to three fields set to generated, often hostile, values. */
const serviceInput = fc
  .array(
    fc.oneof(
      field(["replicas"], number),
      field(["mode"], fc.constantFrom("replicated", "global", "job")),
      field(["stopGracePeriod"], duration),
      field(["resources", "cpu"], quantity),
      field(["resources", "memory"], quantity),
      field(["resources", "pids"], number),
      field(["resources", "reservations", "memory"], quantity),
      keyed(["resources", "reservations", "genericResources"], number),
      field(["healthCheck", "interval"], duration),
      field(["healthCheck", "timeout"], duration),
      field(["healthCheck", "retries"], number),
      field(["healthCheck", "startPeriod"], duration),
      field(["healthCheck", "startInterval"], duration),
      field(["update", "parallelism"], number),
      field(["update", "delay"], duration),
      field(["update", "monitor"], duration),
      field(["update", "maxFailureRatio"], number),
      field(["update", "canary", "percent"], number),
      field(["restart", "maxAttempts"], number),
      field(["restart", "delay"], duration),
      field(["restart", "window"], duration),
      field(["placement", "maxPerNode"], number),
      field(
        ["autoscale"],
        fc.record({ min: number, max: number, cpuPercent: maybe(number), requestsPerTarget: maybe(number) }),
      ),
      field(["ports", 0, "target"], number),
      field(["ports", 0, "published"], number),
      field(["volumes", 0, "tmpfs", "size"], quantity),
      field(["volumes", 0, "tmpfs", "mode"], number),
      field(["secrets", 0, "uid"], fc.oneof(number, digits)),
      field(["secrets", 0, "gid"], number),
      keyed(["ulimits"], ulimit),
      fc
        .tuple(fc.constantFrom("nofile", "nproc"), ulimit)
        .map(([k, v]) => [["ulimits", k], v] as [Path, unknown]),
      keyed(["env"], fc.string({ maxLength: 8 })),
      keyed(["labels"], fc.string({ maxLength: 8 })),
      keyed(["sysctls"], fc.string({ maxLength: 8 })),
      keyed(["extraHosts"], fc.constantFrom("10.0.0.1", "host-gateway", "x")),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((fields) => {
    const input: Record<string, unknown> = { image: "nginx:1.27" };
    for (const [path] of fields) {
      if (path[0] === "healthCheck") input.healthCheck ??= { command: "true" };
      if (path[0] === "ports") input.ports ??= [{ target: 80 }];
      if (path[0] === "volumes") input.volumes ??= [{ type: "tmpfs", target: "/scratch", tmpfs: {} }];
      if (path[0] === "secrets") input.secrets ??= [{ source: "key" }];
    }
    for (const [path, value] of fields) setAt(input, path, value);
    return input;
  });

// ---------------------------------------------------------------------------------------------
// Compose files

/** A valid Compose service with one to three keys set to generated, often hostile, values. */
const composeService = fc
  .array(
    fc.oneof(
      field(["image"], fc.constantFrom("nginx", "${IMAGE:-nginx}", "${IMAGE:?set IMAGE}", "nginx:$$x")),
      field(["command"], fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 8 })))),
      keyed(["environment"], fc.string({ maxLength: 8 })),
      field(
        ["environment"],
        fc.array(
          fc.tuple(key, fc.string({ maxLength: 8 })).map(([k, v]) => `${k}=${v}`),
          { maxLength: 3 },
        ),
      ),
      keyed(["labels"], fc.string({ maxLength: 8 })),
      field(["labels"], fc.array(key, { maxLength: 2 })),
      field(["stop_grace_period"], duration),
      field(["pids_limit"], number),
      keyed(["ulimits"], ulimit),
      field(["healthcheck", "interval"], duration),
      field(["healthcheck", "retries"], number),
      field(["healthcheck", "start_period"], duration),
      field(["deploy", "replicas"], number),
      field(["deploy", "resources", "limits", "cpus"], quantity),
      field(["deploy", "resources", "limits", "memory"], quantity),
      field(["deploy", "resources", "limits", "pids"], number),
      field(["deploy", "update_config", "parallelism"], number),
      field(["deploy", "update_config", "delay"], duration),
      field(["deploy", "update_config", "monitor"], duration),
      field(["deploy", "update_config", "max_failure_ratio"], number),
      field(["deploy", "restart_policy", "max_attempts"], number),
      field(["deploy", "restart_policy", "window"], duration),
      field(["ports"], fc.array(fc.oneof(number, fc.constantFrom("80:80", "8080:80/udp", "99999:1")))),
      field(["extra_hosts"], fc.array(fc.constantFrom("a:10.0.0.1", "__proto__:10.0.0.2", "b=x"))),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((fields) => {
    const service: Record<string, unknown> = { image: "nginx" };
    for (const [path] of fields) if (path[0] === "healthcheck") service.healthcheck ??= { test: "true" };
    for (const [path, value] of fields) setAt(service, path, value);
    return service;
  });
const serviceName = fc.oneof(
  { arbitrary: fc.constantFrom("web", "api"), weight: 12 },
  { arbitrary: fc.constantFrom("__proto__", "constructor"), weight: 1 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
);
const composeTree = fc.record({
  services: fc.dictionary(serviceName, composeService, { minKeys: 1, maxKeys: 2 }),
});

/** `depth` nested `${X:-...}` around a word. */
const nestedInterpolation = fc
  .integer({ min: 1, max: 3000 })
  .map((depth) => `services:\n  web:\n    image: ${"${X:-".repeat(depth)}nginx${"}".repeat(depth)}\n`);
/** An anchor whose every level repeats the one before `fanout` times. */
const aliasBomb = fc
  .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 12 }))
  .map(([fanout, levels]) => {
    let text = "x-0: &a0 [lol]\n";
    for (let i = 1; i <= levels; i++)
      text += `x-${i}: &a${i} [${Array(fanout)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    return `${text}services:\n  web:\n    image: nginx\n    command: *a${levels}\n`;
  });
const selfAlias = fc.constantFrom(
  "services: &s\n  web:\n    image: nginx\n    labels: *s\n",
  "x: &x\n  <<: *x\nservices:\n  web: { image: nginx }\n",
  "services:\n  web: &w\n    image: nginx\n    environment: [*w]\n",
  "services:\n  web: &w\n    image: nginx\n    deploy: { labels: { a: *w } }\n",
);
const deepNesting = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.boolean())
  .map(([depth, flowMap]) =>
    flowMap
      ? `services:\n  web:\n    image: nginx\n    x-d: ${"{a: ".repeat(depth)}1${"}".repeat(depth)}\n`
      : `services:\n  web:\n    image: nginx\n    x-d: ${"[".repeat(depth)}${"]".repeat(depth)}\n`,
  );
/** A valid file with hostile characters dropped in at random places. */
const damaged = fc
  .tuple(
    composeTree,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom("&a ", "*a", "${", "}", "[", "{", ":", "- ", "<<: ", "!reset ", "\n  ", "$$", "'"),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([tree, edits]) => {
    let text = stringify(tree);
    for (const [at, piece] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + piece + text.slice(i);
    }
    return text;
  });
const composeText = fc.oneof(
  { arbitrary: composeTree.map((tree) => stringify(tree)), weight: 10 },
  { arbitrary: damaged, weight: 3 },
  { arbitrary: nestedInterpolation, weight: 1 },
  { arbitrary: aliasBomb, weight: 1 },
  { arbitrary: selfAlias, weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
);
const composeEnv = fc.dictionary(
  fc.oneof(fc.constantFrom("IMAGE", "X", "constructor", "__proto__"), fc.string({ maxLength: 6 })),
  fc.string({ maxLength: 10 }),
  { maxKeys: 3 },
);

// ---------------------------------------------------------------------------------------------
// Properties

/** A rejection is the library's own error, with every issue at a path and with a message. */
function assertClearRejection(err: unknown, kind: typeof SpecError | typeof ComposeError): void {
  if (!(err instanceof kind)) throw err;
  assert.ok(err.issues.length > 0, "an error without issues");
  for (const issue of err.issues) {
    // A spec issue names its field; a Compose issue its key path, or at least its file.
    const where = err instanceof ComposeError ? issue.path || (issue as { file?: string }).file : issue.path;
    assert.ok(typeof where === "string" && where !== "", JSON.stringify(issue));
    assert.ok(typeof issue.message === "string" && issue.message.length > 0, JSON.stringify(issue));
  }
}

/** Every number in a rendering is finite and nothing is null (what JSON makes of NaN and Infinity). */
function assertPlainNumbers(value: unknown, where: string): void {
  if (value === null) assert.fail(`${where} is null`);
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertPlainNumbers(v, `${where}[${i}]`));
  else if (typeof value === "object" && value !== undefined)
    for (const [k, v] of Object.entries(value)) assertPlainNumbers(v, `${where}.${k}`);
}

/** Renders for every target; a target may refuse (SpecError), but what it renders holds numbers. */
function assertRenders(n: NormalizedService): void {
  const targets: [string, () => unknown][] = [
    ["swarm", () => renderSwarm(n)],
    ["kubernetes", () => renderKubernetes(n)],
    ["ecs", () => renderEcs(n)],
    ["ecs on EC2", () => renderEcs(n, { launchType: "EC2" })],
  ];
  for (const [target, render] of targets) {
    let rendered: unknown;
    try {
      rendered = render();
    } catch (err) {
      assertClearRejection(err, SpecError);
      continue;
    }
    assertPlainNumbers(rendered, target);
  }
}

function timed(fn: () => void): void {
  const started = process.cpuUsage();
  fn();
  const { user, system } = process.cpuUsage(started);
  const took = Math.round((user + system) / 1000);
  assert.ok(took < caseBudgetMs, `one case took ${took} ms of CPU`);
}

/** How many generated services were accepted and how many refused: both must happen. */
const outcomes = { accepted: 0, refused: 0 };

function checkService(name: string, input: unknown): void {
  let n: NormalizedService;
  try {
    n = normalizeService(name, input as ServiceInput);
  } catch (err) {
    assertClearRejection(err, SpecError);
    outcomes.refused++;
    return;
  }
  outcomes.accepted++;
  assertRenders(n);
}

/** Runs a property and checks that its cases went both ways, so that it tested something. */
function assertBothWays(run: () => void): void {
  outcomes.accepted = outcomes.refused = 0;
  run();
  assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
}

const settings = { seed, numRuns: runs, endOnFailure: true, includeErrorInReport: true };

describe("generated bad input", () => {
  before(() => {
    // Compiling the schemas once is not a case's work.
    checkService("web", { image: "nginx" });
    loadCompose({ workingDir, content: "services:\n  web:\n    image: nginx\n", env: {} });
  });
  after(() => rmSync(workingDir, { recursive: true, force: true }));

  it("normalizeService: a clear SpecError, or a service every target renders with plain numbers", () => {
    assertBothWays(() =>
      fc.assert(
        fc.property(fc.constantFrom("web", "web", "web", "Web", ""), serviceInput, (name, input) =>
          timed(() => checkService(name, input)),
        ),
        settings,
      ),
    );
  });

  it("normalizeService: anything at all is a SpecError or a service", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (input) =>
        timed(() => checkService("web", { image: "nginx", ...(input as object) })),
      ),
      { ...settings, numRuns: Math.ceil(runs / 3) },
    );
  });

  it("loadCompose: a clear ComposeError, or services every target renders with plain numbers", () => {
    const files = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(composeText, composeEnv, (content, env) =>
        timed(() => {
          let specs: ServiceInput[];
          try {
            const project = loadCompose({ workingDir, content, env, projectName: "fuzz" });
            specs = Object.values(toServiceSpecs(project).services);
          } catch (err) {
            assertClearRejection(err, ComposeError);
            files.refused++;
            return;
          }
          files.loaded++;
          for (const spec of specs) checkService("web", spec);
        }),
      ),
      settings,
    );
    assert.ok(files.loaded > 0 && files.refused > 0, JSON.stringify(files));
    if (process.env.BERTH_FUZZ_RUNS) console.log("compose files:", files, "their services:", outcomes);
  });
});
