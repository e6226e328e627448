import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { readdirSync, readFileSync } from "fs";
import path from "path";

const built = path.join(__dirname, "..", "..");
const composeSource = path.join(__dirname, "..", "..", "..", "components", "compose");

/**
 * The Berth modules of Swarm (components/swarm, provider/swarm) a fresh Node process has loaded after
 * `program` built a ComposeStack under Pulumi's mocks.
 */
function swarmModulesAfter(program: string): string[] {
  const code = `
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks({
      newResource: (a) => ({ id: a.name + "-id", state: a.inputs }),
      call: (a) => a.inputs,
    }, "berth", "dev", false);
    const { ComposeStack } = require(${JSON.stringify(path.join(built, "components", "compose"))});
    const content = "name: shop\\nservices:\\n  web: { image: web:1 }\\n  db: { image: db:1 }\\n";
    ${program}
    new ComposeStack("shop", { cluster, project: { content, workingDir: ${JSON.stringify(built)}, env: {} } });
    const root = ${JSON.stringify(built + path.sep)};
    console.log(JSON.stringify(Object.keys(require.cache)
      .filter((k) => k.startsWith(root))
      .map((k) => k.slice(root.length))
      .filter((k) => /^(components|provider)\\/swarm\\//.test(k))));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", code], { encoding: "utf8" })) as string[];
}

describe("ComposeStack knows no target", () => {
  it("imports nothing of a target or of the providers: every cluster answers through the contract", () => {
    const offending: string[] = [];
    for (const file of readdirSync(composeSource).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(path.join(composeSource, file), "utf8");
      for (const match of text.matchAll(/(?:from|require\()\s*"([^"]+)"/g)) {
        if (/^\.\.\/(swarm|kubernetes|ecs)(\/|$)|^\.\.\/\.\.\/provider(\/|$)/.test(match[1]))
          offending.push(`${file}: ${match[1]}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it("loads no Swarm module for a stack on Kubernetes", () => {
    const loaded = swarmModulesAfter(`
      const { KubernetesCluster } = require(${JSON.stringify(path.join(built, "components", "kubernetes"))});
      const cluster = new KubernetesCluster("k8s", { namespace: "shop" });`);
    assert.deepEqual(loaded, []);
  });

  it("would notice if it did: a stack on a swarm loads the Swarm stack code", () => {
    const loaded = swarmModulesAfter(`
      const { LocalSwarm } = require(${JSON.stringify(path.join(built, "components", "swarm"))});
      const cluster = new LocalSwarm("local");`);
    assert.ok(loaded.includes("components/swarm/stack.js"), loaded.join(", "));
    assert.ok(loaded.includes("provider/swarm/service.js"), loaded.join(", "));
  });
});
