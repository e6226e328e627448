import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ProviderServiceSpec } from "../../provider/swarm";
import { normalizeService, renderSwarm } from "../../components/spec";

describe("renderSwarm and the Swarm service provider", () => {
  it("fit together without a cast", () => {
    // Compile-time: the rendered spec is what SwarmService takes.
    const spec: ProviderServiceSpec = renderSwarm(normalizeService("api", { image: "nginx", replicas: 3 }));
    assert.deepEqual(spec.Mode, { Replicated: { Replicas: 3 } });
    assert.equal(spec.TaskTemplate.ContainerSpec.Image, "nginx");
  });
});
