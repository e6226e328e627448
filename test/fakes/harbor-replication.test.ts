/**
 * HarborRegistryEndpoint and HarborReplicationPolicy through the test engine and Pulumi's own
 * dynamic-provider host, against the contract-checked Harbor fake, in one sequence of runs: a
 * preview with the endpoint's ID unknown, create, no change, a new secret and trigger updated in
 * place, drift (a secret changed in Harbor, which never shows it, and a policy edited there) found by
 * refresh and repaired by up, import, refusals (a name taken, an endpoint in use, bad input), and
 * delete. Ends with no contract violation recorded by the fake.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HarborRegistryEndpoint,
  type HarborRegistryEndpointArgs,
  HarborReplicationPolicy,
  type HarborReplicationPolicyArgs,
} from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: HarborFake;
const endpointType = "pulumi-nodejs:dynamic/berth/harbor:HarborRegistryEndpoint";
const policyType = "pulumi-nodejs:dynamic/berth/harbor:HarborReplicationPolicy";
type EndpointArgs = Omit<HarborRegistryEndpointArgs, "connection">;
type PolicyArgs = Omit<HarborReplicationPolicyArgs, "connection" | "destinationRegistryId">;

function deploy(
  endpoint: EndpointArgs,
  policy: PolicyArgs,
  options: { previous?: ProgramRun; preview?: boolean } = {},
) {
  return runProgram(
    () => {
      const e = new HarborRegistryEndpoint("mirror", { connection: fake.connection, ...endpoint });
      new HarborReplicationPolicy("push", {
        connection: fake.connection,
        destinationRegistryId: e.registryId,
        ...policy,
      });
    },
    { project: "harbor-e2e", stack: "replication", ...options },
  );
}

describe("Harbor registry endpoints and replication policies through Pulumi's dynamic-provider host", () => {
  before(async () => {
    fake = await startHarborFake();
  });
  after(() => fake.close());

  it("previews, creates, keeps, updates, repairs drift, imports, refuses and deletes", async () => {
    const endpoint: EndpointArgs = {
      type: "docker-registry",
      url: "https://mirror.example.com/",
      accessKey: "bot",
      accessSecret: "S3cret-one",
    };
    const policy: PolicyArgs = {
      filters: { repositories: "library/**", tags: "v*" },
      trigger: "scheduled",
      cron: "0 0 2 * * *",
      destinationNamespace: "mirror",
    };

    const preview = await deploy(endpoint, policy, { preview: true });
    assert.equal(preview.byName("push", policyType).operation, "create");
    assert.equal(preview.byName("push", policyType).programInputs.destinationRegistryId, unknownValue);
    assert.equal(
      fake.state.registries.size + fake.state.replicationPolicies.size,
      0,
      "a preview creates nothing",
    );

    const up = await deploy(endpoint, policy);
    const e = up.byName("mirror", endpointType);
    const registry = fake.state.registries.get(Number(e.id))!;
    assert.equal(registry.url, "https://mirror.example.com");
    assert.deepEqual(registry.credential, { type: "basic", access_key: "bot", access_secret: "S3cret-one" });
    assert.equal(e.outputs.url, "https://mirror.example.com", "state holds the URL as Harbor does");
    assert.ok(!JSON.stringify(e.outputs).includes("S3cret-one"), "the secret is not in the outputs");
    assert.match(String(e.outputs.accessSecretHash), /^[0-9a-f]{64}$/);
    assert.ok(e.secretInputs.includes("accessSecret") && e.secretOutputs.includes("salt"));
    assert.ok(
      !fake.requests.some((r) => JSON.stringify(r.response ?? null).includes("S3cret-one")),
      "Harbor never answers with the secret",
    );
    const p = up.byName("push", policyType);
    const held = fake.state.replicationPolicies.get(Number(p.id))!;
    assert.equal(held.dest_registry_id, registry.id);
    assert.equal(held.src_registry_id, 0);
    assert.deepEqual(held.filters, [
      { type: "name", value: "library/**" },
      { type: "tag", value: "v*", decoration: "matches" },
    ]);
    assert.deepEqual(held.trigger, { type: "scheduled", trigger_settings: { cron: "0 0 2 * * *" } });
    assert.equal(held.dest_namespace, "mirror");

    const same = await deploy(endpoint, policy, { previous: up });
    assert.equal(same.byName("mirror", endpointType).operation, "same");
    assert.equal(same.byName("push", policyType).operation, "same");

    const rotated = { ...endpoint, accessSecret: "S3cret-two" };
    const eventBased: PolicyArgs = { ...policy, trigger: "event_based", cron: "", enabled: false };
    const changed = await deploy(rotated, eventBased, { previous: same });
    assert.equal(
      changed.byName("mirror", endpointType).operation,
      "update",
      "a new secret is seen through its hash",
    );
    assert.equal(changed.byName("mirror", endpointType).id, e.id);
    assert.equal(registry.credential!.access_secret, "S3cret-two");
    assert.equal(changed.byName("push", policyType).operation, "update");
    const updated = fake.state.replicationPolicies.get(Number(p.id))!;
    assert.deepEqual([updated.trigger, updated.enabled], [{ type: "event_based" }, false]);

    // Drift: the secret changed through Harbor's API (which never shows it back), a filter edited there.
    const res = await fetch(`${fake.url}/api/v2.0/registries/${e.id}`, {
      method: "PUT",
      headers: {
        authorization: `Basic ${Buffer.from(`${fake.username}:${fake.password}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ access_secret: "changed-by-hand" }),
    });
    assert.equal(res.status, 200);
    updated.filters[1].decoration = "excludes";
    const refreshed = await changed.refresh();
    assert.equal(
      refreshed.byName("mirror", endpointType).outputs.accessSecretHash,
      "",
      "refresh no longer vouches for the secret",
    );
    assert.equal(
      (refreshed.byName("push", policyType).outputs.filters as { excludeTags: boolean }).excludeTags,
      true,
    );
    const repaired = await deploy(rotated, eventBased, { previous: refreshed });
    assert.equal(repaired.byName("mirror", endpointType).operation, "update");
    assert.equal(registry.credential!.access_secret, "S3cret-two", "up sends the program's secret again");
    assert.equal(repaired.byName("push", policyType).operation, "update");
    assert.equal(fake.state.replicationPolicies.get(Number(p.id))!.filters[1].decoration, "matches");
    const settled = await deploy(rotated, eventBased, { previous: repaired });
    assert.equal(settled.byName("mirror", endpointType).operation, "same", "after the repair, nothing to do");

    const endpoints = loadSerializedProvider(e.providerText!);
    const policies = loadSerializedProvider(p.providerText!);
    const imported = await fake.inEnvironment(() => endpoints.read!(e.id!, {}));
    const inputs = (imported as { inputs: Record<string, unknown> }).inputs;
    assert.deepEqual(
      [inputs.name, inputs.type, inputs.url, inputs.accessKey],
      ["mirror", "docker-registry", "https://mirror.example.com", "bot"],
    );
    assert.equal(imported.props?.accessSecretHash, "", "an import cannot know the secret");
    const importedPolicy = await fake.inEnvironment(() => policies.read!(p.id!, {}));
    assert.equal(
      (importedPolicy as { inputs: Record<string, unknown> }).inputs.destinationRegistryId,
      registry.id,
    );

    const connection = fake.connection;
    await assert.rejects(
      endpoints.create({
        connection,
        name: "mirror",
        type: "harbor",
        url: "https://other.example.com",
        accessKey: "",
        accessSecret: "",
        insecure: false,
        description: "",
      }),
      /harbor registry endpoint mirror already exists in Harbor and is not this resource's/,
    );
    await assert.rejects(
      endpoints.delete!(e.id!, settled.byName("mirror", endpointType).outputs),
      /harbor registry endpoint mirror: Harbor refuses to delete it while replication policies use it .*push/,
    );
    const before = fake.requests.length;
    const pull = await policies.check!(
      {},
      { connection, name: "pull", sourceRegistryId: registry.id, trigger: "event_based" },
    );
    assert.deepEqual(
      pull.failures?.map((f) => f.property),
      ["trigger"],
    );
    const neither = await policies.check!(
      {},
      { connection, name: "x", trigger: "scheduled", cron: "0 2 * * *" },
    );
    assert.deepEqual(neither.failures?.map((f) => f.property).sort(), ["cron", "destinationRegistryId"]);
    const badEndpoint = await endpoints.check!(
      {},
      { connection, name: "y", type: "dockerhub", url: "mirror.example.com", accessSecret: "s" },
    );
    assert.deepEqual(badEndpoint.failures?.map((f) => f.property).sort(), ["accessKey", "type", "url"]);
    assert.equal(fake.requests.length, before, "bad input is refused before any API call");

    await settled.destroy();
    assert.equal(fake.state.replicationPolicies.size, 0);
    assert.equal(fake.state.registries.size, 0, "the policy goes first, then the endpoint it used");
    assert.deepEqual(fake.violations, [], "requests and responses keep Harbor's contract");
  });
});
