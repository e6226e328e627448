import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InterpolationError, interpolateString, interpolateTree } from "../../components/compose/interpolate";

const vars: Record<string, string> = { NAME: "web", EMPTY: "", TAG: "1.2", PORT: "8080", lower_case: "ok" };
const lookup = (name: string) => vars[name];
const sub = (text: string) => interpolateString(text, lookup);

describe("interpolateString: plain references", () => {
  const cases: [string, string][] = [
    ["$NAME", "web"],
    ["${NAME}", "web"],
    ["img/$NAME:$TAG", "img/web:1.2"],
    ["${NAME}-${TAG}", "web-1.2"],
    ["$NAME.example", "web.example"],
    ["${lower_case}", "ok"],
    ["$UNSET", ""],
    ["${UNSET}", ""],
    ["no variables", "no variables"],
    ["$$NAME", "$NAME"],
    ["$${NAME}", "${NAME}"],
    ["cost: 5$", "cost: 5$"],
    ["$1 and $ alone", "$1 and $ alone"],
    ["$$$NAME", "$web"],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${JSON.stringify(expected)}`, () => assert.equal(sub(input), expected));
  }
});

describe("interpolateString: defaults and alternatives", () => {
  const cases: [string, string][] = [
    ["${UNSET:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${NAME:-fallback}", "web"],
    ["${UNSET-fallback}", "fallback"],
    ["${EMPTY-fallback}", ""],
    ["${NAME:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${UNSET:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-}", ""],
    ["${UNSET:-a b:c}", "a b:c"],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${JSON.stringify(expected)}`, () => assert.equal(sub(input), expected));
  }

  it("interpolates defaults to any depth", () => {
    assert.equal(sub("${UNSET:-${ALSO_UNSET:-${TAG}}}"), "1.2");
    assert.equal(sub("${UNSET:-$NAME-x}"), "web-x");
    assert.equal(sub("${NAME:+port ${PORT}}"), "port 8080");
  });

  it("refuses defaults nested more than 32 levels deep, quickly, as an InterpolationError", () => {
    const nested = (depth: number) => "${UNSET:-".repeat(depth) + "x" + "}".repeat(depth);
    assert.equal(sub(nested(33)), "x");
    const started = Date.now();
    assert.throws(() => sub(nested(5000)), InterpolationError);
    assert.throws(() => sub(nested(34)), /nested more than 32 levels deep/);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it("reads a default only when it is used", () => {
    assert.equal(sub("${NAME:-${MISSING:?never evaluated}}"), "web");
  });
});

describe("interpolateString: required variables", () => {
  it("fails on an unset variable with its message", () => {
    assert.throws(
      () => sub("${DB_PASSWORD:?set DB_PASSWORD in .env}"),
      (err: unknown) =>
        err instanceof InterpolationError &&
        err.message === "required variable DB_PASSWORD is not set: set DB_PASSWORD in .env",
    );
  });

  it("fails on an empty variable with :? but not with ?", () => {
    assert.throws(() => sub("${EMPTY:?}"), { message: "required variable EMPTY is empty" });
    assert.equal(sub("${EMPTY?}"), "");
    assert.throws(() => sub("${UNSET?needed}"), { message: "required variable UNSET is not set: needed" });
  });

  it("interpolates the error message too", () => {
    assert.throws(() => sub("${UNSET:?needed by $NAME}"), {
      message: "required variable UNSET is not set: needed by web",
    });
  });
});

describe("interpolateString: malformed expressions", () => {
  const cases: [string, RegExp][] = [
    ["${}", /^invalid interpolation "\$\{\}"/],
    ["${ NAME}", /^invalid interpolation "\$\{ NAME\}"/],
    ["${1ABC}", /^invalid interpolation/],
    ["${NAME!x}", /^invalid interpolation "\$\{NAME!x\}"/],
    ["${NAME", /^unclosed interpolation "\$\{NAME"/],
    ["a ${B:-${C}", /^unclosed interpolation/],
  ];
  for (const [input, message] of cases) {
    it(`refuses ${input}`, () =>
      assert.throws(
        () => sub(input),
        (err: unknown) => err instanceof InterpolationError && message.test(err.message),
      ));
  }

  it("says how to write a literal $", () => assert.throws(() => sub("${}"), /write \$\$ for a literal \$/));
});

describe("interpolateString: unset variables are told", () => {
  it("reports each variable used without a value or default", () => {
    const unset: string[] = [];
    interpolateString("$A ${B} ${C:-d} ${D-d} ${E:+x} $NAME", lookup, { onUnset: (n) => unset.push(n) });
    assert.deepEqual(unset, ["A", "B"]);
  });
});

describe("interpolateTree", () => {
  it("interpolates string values at any depth and leaves keys, numbers and booleans alone", () => {
    const tree = {
      services: {
        "${NAME}": { image: "app:${TAG}", ports: ["${PORT}:80", 9000], init: true, healthcheck: null },
      },
    };
    assert.deepEqual(
      interpolateTree(tree, lookup, () => assert.fail("no error expected")),
      {
        services: {
          "${NAME}": { image: "app:1.2", ports: ["8080:80", 9000], init: true, healthcheck: null },
        },
      },
    );
  });

  it("reports every failing value with its path and keeps the value as written", () => {
    const errors: string[] = [];
    const out = interpolateTree(
      { services: { db: { environment: { A: "${X:?need X}", B: "${Y:?need Y}" }, ports: ["${", "80"] } } },
      lookup,
      (path, message) => errors.push(`${path.join("/")}: ${message}`),
    ) as { services: { db: { environment: Record<string, string> } } };
    assert.deepEqual(errors, [
      "services/db/environment/A: required variable X is not set: need X",
      "services/db/environment/B: required variable Y is not set: need Y",
      'services/db/ports/0: unclosed interpolation "${" (write $$ for a literal $)',
    ]);
    assert.equal(out.services.db.environment.A, "${X:?need X}");
  });
});
