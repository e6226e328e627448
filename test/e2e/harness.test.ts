import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EngineInfo } from "../../provider/swarm";
import { loadSerializedProvider, runProgram } from "../support/harness";
import { needEngine } from "../support/engine";

function dockerInfo(format: string): string {
  return execFileSync("docker", ["info", "--format", format], { encoding: "utf8" }).trim();
}

class Probe extends pulumi.ComponentResource {
  readonly info: EngineInfo;
  constructor(name: string) {
    super("berth:test:Probe", name);
    this.info = new EngineInfo(`${name}-engine`, {}, { parent: this });
    this.registerOutputs({});
  }
}

class Dynamic extends pulumi.dynamic.Resource {
  constructor(provider: pulumi.dynamic.ResourceProvider, name: string) {
    super(provider, name, {});
  }
}

describe("dynamic-provider harness", () => {
  it("runs a program's dynamic resources through their serialized providers against the real engine", async (t) => {
    if (!(await needEngine(t))) return;
    const run = await runProgram(() => {
      const probe = new Probe("probe");
      return {
        swarmState: probe.info.swarmState,
        nodeId: probe.info.nodeId,
        version: probe.info.serverVersion,
      };
    });

    const engine = run.byName("probe-engine");
    assert.equal(engine.dynamic, true);
    assert.equal(engine.type, "pulumi-nodejs:dynamic/berth/swarm:EngineInfo");
    assert.match(engine.providerText ?? "", /exports\.handler/);
    assert.equal(engine.parent, run.byName("probe").urn, "the engine resource is the component's child");
    assert.equal(engine.id, dockerInfo("{{.ID}}"));
    assert.deepEqual(run.outputs, {
      swarmState: dockerInfo("{{.Swarm.LocalNodeState}}"),
      nodeId: dockerInfo("{{.Swarm.NodeID}}"),
      version: execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], {
        encoding: "utf8",
      }).trim(),
    });
  });

  it("loads the serialized provider on its own, as the provider host does after the program is gone", async (t) => {
    if (!(await needEngine(t))) return;
    const run = await runProgram(() => {
      new EngineInfo("standalone");
    });
    const provider = loadSerializedProvider(run.byName("standalone").providerText ?? "");
    const read = await provider.read?.(run.byName("standalone").id ?? "", run.byName("standalone").outputs);
    assert.equal(read?.id, dockerInfo("{{.ID}}"));
    assert.equal(
      (read?.props as { isManager: boolean }).isManager,
      dockerInfo("{{.Swarm.ControlAvailable}}") === "true",
    );
  });

  it("fails the program when a provider's create fails, with the provider's error", async () => {
    await assert.rejects(
      runProgram(() => {
        new EngineInfo("unreachable", { connection: { socketPath: "/nonexistent/docker.sock" } });
      }),
      (err: Error) => /ENOENT.*\/nonexistent\/docker\.sock/.test(err.message),
    );
  });

  it("diffs as the engine does when a provider has no diff: every input counts, its provider's code too", async () => {
    const first: pulumi.dynamic.ResourceProvider = {
      async create() {
        return { id: "first", outs: {} };
      },
    };
    const second: pulumi.dynamic.ResourceProvider = {
      async create() {
        return { id: "second", outs: {} };
      },
    };
    const program = (provider: pulumi.dynamic.ResourceProvider) => () => {
      new Dynamic(provider, "no-diff");
    };
    const created = await runProgram(program(first));
    const again = await runProgram(program(first), { preview: true, previous: created });
    assert.equal(again.byName("no-diff").operation, "same");
    const changed = await runProgram(program(second), { preview: true, previous: created });
    assert.equal(changed.byName("no-diff").operation, "update");
  });

  it("surfaces a provider that captured a live object Pulumi cannot serialize", async () => {
    const socket = new (require("net").Socket)();
    const broken: pulumi.dynamic.ResourceProvider = {
      async create() {
        return { id: String(socket.remotePort ?? "none"), outs: {} };
      },
    };
    await assert.rejects(
      runProgram(() => {
        new Dynamic(broken, "captures-socket");
      }),
      (err: Error) => /serializ|native/i.test(String(err.message ?? err)),
    );
    socket.destroy();
  });

  it("paces steps as the engine does: one Check at a time, at most --parallel creates at once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-engine-pace-"));
    const marks = path.join(dir, "marks");
    // Each call records when it started and ended; the provider runs in the host, so it writes a file.
    const pacing: pulumi.dynamic.ResourceProvider = {
      async check(_olds, news) {
        const started = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 40));
        require("fs").appendFileSync(marks, `check ${started} ${Date.now()}\n`);
        return { inputs: news };
      },
      async create() {
        const started = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 300));
        require("fs").appendFileSync(marks, `create ${started} ${Date.now()}\n`);
        return { id: String(started), outs: {} };
      },
    };
    const before = process.env.PULUMI_PARALLEL;
    process.env.PULUMI_PARALLEL = "3";
    try {
      await runProgram(() => {
        for (let i = 0; i < 7; i++) new Dynamic(pacing, `paced-${i}`);
      });
    } finally {
      if (before === undefined) delete process.env.PULUMI_PARALLEL;
      else process.env.PULUMI_PARALLEL = before;
    }
    const calls = fs
      .readFileSync(marks, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" "))
      .map(([kind, start, end]) => ({ kind, start: Number(start), end: Number(end) }));
    const mostAtOnce = (kind: string) => {
      const spans = calls.filter((c) => c.kind === kind);
      return Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length));
    };
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(calls.filter((c) => c.kind === "create").length, 7);
    assert.equal(mostAtOnce("check"), 1, "the step generator checks one registration at a time");
    assert.equal(mostAtOnce("create"), 3, "no more creates at once than --parallel");
  });
});
