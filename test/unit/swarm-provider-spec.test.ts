import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ProviderServiceSpec } from "../../provider/swarm";
import { normalizeService, renderSwarm } from "../../components/spec";
import { specAsWritten } from "../../provider/swarm/service-spec";

describe("renderSwarm and the Swarm service provider", () => {
  it("fit together without a cast", () => {
    // Compile-time: the rendered spec is what SwarmService takes.
    const spec: ProviderServiceSpec = renderSwarm(normalizeService("api", { image: "nginx", replicas: 3 }));
    assert.deepEqual(spec.Mode, { Replicated: { Replicas: 3 } });
    assert.equal(spec.TaskTemplate.ContainerSpec.Image, "nginx");
  });
});

describe("specAsWritten: a spec read back from the engine, in the shape Berth wrote it", () => {
  const written = {
    Labels: { tier: "front" },
    TaskTemplate: {
      ContainerSpec: { Image: "nginx", ReadOnly: false, Secrets: [] },
      Resources: { Limits: {} },
    },
  };

  it("reads the engine's omitted zeros and own defaults as what was written", () => {
    const engine = {
      Labels: { tier: "front" },
      TaskTemplate: {
        ContainerSpec: { Image: "nginx", Isolation: "default" },
        Runtime: "container",
        ForceUpdate: 0,
      },
    };
    assert.deepEqual(specAsWritten(written, engine), written);
  });

  it("keeps what the engine has beyond the written spec, and leaves out what it lost", () => {
    const engine = {
      Labels: { tier: "front", hand: "1" },
      TaskTemplate: {
        ContainerSpec: { Image: "nginx", Hosts: ["10.0.0.9 db"], Isolation: "hyperv" },
        Resources: { Limits: { MemoryBytes: 64 } },
      },
    };
    assert.deepEqual(specAsWritten(written, engine), {
      Labels: { tier: "front", hand: "1" },
      TaskTemplate: {
        ContainerSpec: {
          Image: "nginx",
          ReadOnly: false,
          Secrets: [],
          Hosts: ["10.0.0.9 db"],
          Isolation: "hyperv",
        },
        Resources: { Limits: { MemoryBytes: 64 } },
      },
    });
    assert.deepEqual(specAsWritten({ Labels: { tier: "front" }, User: "1000" }, {}), {});
  });
});
