import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import fs from "fs";
import path from "path";
import type { ValidateFunction } from "ajv";
import { compiledValidator, shapeValidator } from "../../components/spec/shape";

/** The compiled spec folder (build/components/spec) and the repository's root. */
const specDir = path.resolve(__dirname, "..", "..", "components", "spec");
const repoRoot = path.resolve(__dirname, "..", "..", "..");

/**
 * A copy of the compiled spec folder, inside the build tree so that ajv still resolves, with the
 * validator the build generates (`scripts/shape-validator.js`) written into it.
 */
function generatedCopy(): string {
  const root = fs.mkdtempSync(path.join(path.dirname(path.dirname(specDir)), "generated-"));
  const copy = path.join(root, "components", "spec");
  fs.cpSync(specDir, copy, { recursive: true });
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "shape-validator.js"), root]);
  return root;
}

/** Inputs with problems of every kind the messages are made from, and valid ones. */
const inputs: unknown[] = [
  { image: "nginx:1.27" },
  { image: "nginx", ports: [{ target: 80, protocol: "tcp", public: true }], replicas: 3 },
  {},
  { image: 5, ports: [{ target: 0, protocl: "udp" }], mode: "replicatd" },
  { image: "x", replicas: -1, update: { maxFailureRatio: 2, order: "first" }, healthCheck: { http: {} } },
  { image: "x", resources: { cpu: true, reservations: { genericResources: { gpu: 0 } } }, imagee: "y" },
  { image: "x", autoscale: { min: 1, max: 2, requestsPerTarget: 0 }, env: { A: 1 }, ulimits: { n: "x" } },
  { image: "x", replicas: Number.NaN, stopGracePeriod: Number.POSITIVE_INFINITY, labels: [] },
];

/** What the messages are made from: everything but the schema objects' identity. */
const errorsOf = (validate: ValidateFunction, input: unknown) => {
  const valid = validate(input);
  return { valid, errors: JSON.parse(JSON.stringify(validate.errors ?? null)) as unknown };
};

describe("the service schema's validator", () => {
  const root = generatedCopy();
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const generated = require(path.join(root, "components", "spec", "shape-validator.js")) as ValidateFunction;

  it("generated at build time, reports exactly what ajv compiling the schema reports", () => {
    const compiled = compiledValidator();
    for (const input of inputs) {
      assert.deepEqual(errorsOf(generated, input), errorsOf(compiled, input), JSON.stringify(input));
    }
    // The cases above do fail, with the fields' data and parent schemas the messages need.
    const { errors } = errorsOf(generated, inputs[3]) as { errors: { parentSchema?: unknown }[] };
    assert.ok(errors.length >= 4);
    assert.ok(errors.every((e) => e.parentSchema !== undefined));
  });

  it("is the generated one where the build wrote it, else compiled once on first use", () => {
    const copied = require(path.join(root, "components", "spec", "shape.js")) as {
      shapeValidator(): ValidateFunction;
    };
    assert.equal(copied.shapeValidator(), generated);
    // This development build has no generated validator beside the spec: it compiles, once.
    assert.equal(fs.existsSync(path.join(specDir, "shape-validator.js")), false);
    assert.equal(shapeValidator(), shapeValidator());
    assert.notEqual(shapeValidator(), generated);
  });
});
