/** examples/tenants under mocks: two tenants' services on their own networks, and the swarm's monitoring scraping both. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import type { SwarmServiceSpec } from "../../components/spec/render/swarm-types";
import { loadExample } from "../support/example-program";
import { runProgram } from "../support/harness";
import { swarmServiceOutputs } from "../support/swarm-mocks";

const dynamic = (kind: string) => `pulumi-nodejs:dynamic/berth/swarm:${kind}`;

describe("examples/tenants under mocks", () => {
  it("runs each team's api on its tenant's network, and Prometheus on both", async () => {
    const run = await runProgram(() => loadExample("tenants"), {
      project: "berth-tenants",
      stack: "dev",
      config: { alertWebhook: "https://hooks.example.com/T0K3N" },
      secretConfig: ["alertWebhook"],
      mockDynamic: swarmServiceOutputs,
    });
    const spec = (name: string) =>
      run.resources.find((r) => r.type === dynamic("SwarmService") && r.name === name)?.inputs
        .spec as SwarmServiceSpec;
    for (const team of ["payments", "search"]) {
      const api = spec(`${team}-api`);
      assert.equal(api.Name, `${team}-api`);
      assert.deepEqual(api.TaskTemplate.Networks, [{ Target: `tenant-${team}`, Aliases: ["api"] }]);
    }
    const prometheus = spec("mon-prometheus");
    assert.deepEqual(
      prometheus.TaskTemplate.Networks?.map((n) => n.Target),
      ["shared-default", "tenant-payments", "tenant-search"],
    );
    const config = run.resources.find(
      (r) => r.type === dynamic("SwarmConfig") && String(r.inputs.name).endsWith("prometheus.yml"),
    );
    const scrape = parse(String(config?.inputs.data)) as {
      scrape_configs: { job_name: string; relabel_configs: { source_labels?: string[]; regex?: string }[] }[];
    };
    const keep = scrape.scrape_configs[0].relabel_configs.find(
      (r) => r.source_labels?.[0] === "__meta_dockerswarm_network_name",
    );
    assert.equal(keep?.regex, "shared-default|tenant-payments|tenant-search");
    const secret = run.resources.find(
      (r) => r.type === dynamic("SwarmSecret") && String(r.inputs.data).includes("T0K3N"),
    );
    assert.ok(secret?.secretInputs.includes("data"), "the webhook is in a secret, kept secret");
  });
});
