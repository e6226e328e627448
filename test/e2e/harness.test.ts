import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
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
});
