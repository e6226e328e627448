import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { missingPeersMessage } from "../../provider/shared/peer-packages";

describe("optional peer packages", () => {
  it("names each missing package and the command that installs it", () => {
    assert.equal(
      missingPeersMessage("KubernetesCluster prod", [
        "yaml",
        "berth-no-such-package-a",
        "berth-no-such-package-b",
      ]),
      "KubernetesCluster prod needs berth-no-such-package-a and berth-no-such-package-b, which Berth leaves to programs that use this target: npm install berth-no-such-package-a berth-no-such-package-b",
    );
  });

  it("says nothing when every package is installed, ES-module-only ones included", () => {
    assert.equal(
      missingPeersMessage("KubernetesCluster prod", ["@pulumi/kubernetes", "@kubernetes/client-node"]),
      undefined,
    );
  });
});
