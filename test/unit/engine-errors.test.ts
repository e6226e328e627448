import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type Dockerode from "dockerode";
import { isTransientEngineError } from "../../provider/shared/engine-errors";
import { waitForConvergence } from "../../provider/swarm/convergence";

/** Shaped as dockerode reports a socket error and an engine's answer. */
const socketError = (code: string) => Object.assign(new Error(`connect ${code} /run/x.sock`), { code });
const answer = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });

/** A client whose every convergence call fails with `err`. */
const failingEngine = (err: Error) => {
  const fail = () => Promise.reject(err);
  return { listServices: fail, listTasks: fail, listNodes: fail } as unknown as Dockerode;
};
const target = { serviceId: "s1", mode: "replicated", replicas: 1, updating: false } as const;

describe("engine errors", () => {
  it("count an engine that is away or whose swarm manager is coming back as transient", () => {
    for (const code of ["ECONNREFUSED", "ENOENT", "ECONNRESET"]) {
      assert.equal(isTransientEngineError(socketError(code)), true, code);
    }
    assert.equal(isTransientEngineError(answer(503, "This node is not a swarm manager.")), true);
    assert.equal(isTransientEngineError(answer(500, "rpc error: The swarm does not have a leader")), true);
  });

  it("count the engine's real answers as final", () => {
    assert.equal(isTransientEngineError(answer(404, "service s1 not found")), false);
    assert.equal(isTransientEngineError(answer(500, "invalid mount config")), false);
    assert.equal(isTransientEngineError(new Error("boom")), false);
  });

  it("keep the convergence wait going until the deadline, then say the engine was unreachable", async () => {
    const lines: string[] = [];
    const started = Date.now();
    await assert.rejects(
      waitForConvergence(failingEngine(socketError("ECONNREFUSED")), target, {
        timeoutMs: 300,
        pollMs: 20,
        progress: (line) => lines.push(line),
      }),
      /^Error: the engine was unreachable for the last \d+ s \(connect ECONNREFUSED \/run\/x.sock\); not converged after \d+ s$/,
    );
    assert.ok(Date.now() - started >= 300);
    assert.deepEqual(lines, ["engine unreachable (connect ECONNREFUSED /run/x.sock); retrying"]);
  });

  it("end the convergence wait at once on any other error", async () => {
    const started = Date.now();
    await assert.rejects(
      waitForConvergence(failingEngine(answer(404, "service s1 not found")), target, { timeoutMs: 5000 }),
      /service s1 not found/,
    );
    assert.ok(Date.now() - started < 1000);
  });
});
