import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "crypto";
import { execFileSync } from "child_process";
import type * as pulumi from "@pulumi/pulumi";
import { engineClient } from "../../provider/shared/engine";
import {
  fileObjectProvider,
  type FileObjectInputs,
  type FileObjectOutputs,
} from "../../provider/swarm/file-object";
import { SwarmConfig, SwarmSecret } from "../../provider/swarm";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { RecordingProxy } from "../support/recording-proxy";
import { runProgram } from "../support/harness";

const owner = testOwner("files");
const secrets = fileObjectProvider("secret");
const configs = fileObjectProvider("config");
const hash12 = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 12);
const hmac = (salt: string, s: string) => createHmac("sha256", salt).update(s).digest("hex");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

function secretInputs(name: string, data: string, labels: Record<string, string> = {}): FileObjectInputs {
  return { connection: {}, name, data, owner, labels };
}

async function create(provider: pulumi.dynamic.ResourceProvider, inputs: FileObjectInputs) {
  const result = await provider.create(inputs);
  return { id: result.id, outs: result.outs as FileObjectOutputs };
}

describe("Swarm secrets and configs (real engine)", () => {
  before(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });
  after(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });

  it("creates a content-addressed secret with ownership labels and keeps the content out of outputs", async (t) => {
    if (!(await needEngine(t))) return;
    const { id, outs } = await create(secrets, secretInputs("db-password", "s3cr3t!", { tier: "db" }));
    // Named by an HMAC under the salt made at create, never by the plain hash of the content.
    assert.equal(outs.objectName, `db-password-${hmac(outs.salt ?? "", "s3cr3t!").slice(0, 12)}`);
    assert.notEqual(outs.objectName, `db-password-${hash12("s3cr3t!")}`);
    assert.equal("data" in outs, false);
    assert.equal(JSON.stringify(outs).includes("s3cr3t!"), false);
    const labels = JSON.parse(docker("secret", "inspect", id, "--format", "{{json .Spec.Labels}}"));
    assert.deepEqual(labels, {
      tier: "db",
      "berth.project": owner.project,
      "berth.stack": "test",
      "berth.component": "files",
      "berth.resource": owner.urn,
    });
  });

  it("stores a config's content exactly", async (t) => {
    if (!(await needEngine(t))) return;
    const content = "server { listen 80; }\nünïcode ✓\n";
    const { id } = await create(configs, secretInputs("nginx-conf", content));
    const data = docker("config", "inspect", id, "--format", "{{json .Spec.Data}}");
    assert.equal(Buffer.from(JSON.parse(data), "base64").toString("utf8"), content);
  });

  it("diffs content as a create-before-delete replacement and labels as an in-place update", async () => {
    const olds = {
      ...secretInputs("k", "one"),
      objectName: `k-${hmac("salt", "one").slice(0, 12)}`,
      contentHash: hmac("salt", "one"),
      salt: "salt",
      swarmId: "swarm",
    };
    const { data: _d, ...oldOuts } = olds;
    assert.deepEqual(await secrets.diff?.("id", oldOuts, secretInputs("k", "two")), {
      changes: true,
      replaces: ["data"],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await secrets.diff?.("id", oldOuts, secretInputs("k", "one", { a: "b" })), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await secrets.diff?.("id", oldOuts, secretInputs("k", "one")), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("updates labels in place and reads drift and disappearance back", async (t) => {
    if (!(await needEngine(t))) return;
    const { id, outs } = await create(secrets, secretInputs("api-key", "k-1", { v: "1" }));
    const updated = await secrets.update?.(id, outs, secretInputs("api-key", "k-1", { v: "2" }));
    assert.deepEqual((updated?.outs as FileObjectOutputs).labels, { v: "2" });
    assert.equal(JSON.parse(docker("secret", "inspect", id, "--format", "{{json .Spec.Labels}}")).v, "2");

    const read = await secrets.read?.(id, updated?.outs as FileObjectOutputs);
    assert.deepEqual((read?.props as FileObjectOutputs).labels, { v: "2" });

    docker("secret", "rm", id);
    assert.deepEqual(
      await secrets.read?.(id, outs),
      {},
      "a secret removed behind Berth's back reads as gone",
    );
    await secrets.delete?.(id, outs);
  });

  it("deletes idempotently and never deletes what another owner created", async (t) => {
    if (!(await needEngine(t))) return;
    const { id, outs } = await create(configs, secretInputs("gone-twice", "x"));
    await configs.delete?.(id, outs);
    await configs.delete?.(id, outs);
    assert.throws(() => execFileSync("docker", ["config", "inspect", id], { stdio: "ignore" }));

    const foreign = execFileSync("docker", ["config", "create", `foreign-${owner.project}`, "-"], {
      input: "not berth's",
      encoding: "utf8",
    }).trim();
    try {
      await assert.rejects(configs.delete?.(foreign, outs) ?? Promise.resolve(), /does not belong to stack/);
      assert.equal(docker("config", "inspect", foreign, "--format", "{{.ID}}"), foreign);
    } finally {
      docker("config", "rm", foreign);
    }
  });

  it("takes back its own leftover after an interrupted create but refuses a foreign object of that name", async (t) => {
    if (!(await needEngine(t))) return;
    // Configs are named by content alone; a secret's name has a fresh salt each create.
    const first = await create(configs, secretInputs("leftover", "same"));
    const again = await create(configs, secretInputs("leftover", "same"));
    assert.equal(again.id, first.id);

    const name = `taken-${hash12("v")}`;
    const foreign = execFileSync("docker", ["config", "create", name, "-"], {
      input: "v",
      encoding: "utf8",
    }).trim();
    try {
      await assert.rejects(create(configs, secretInputs("taken", "v")), /already exists and does not belong/);
    } finally {
      docker("config", "rm", foreign);
    }
  });

  it("checks names, sizes and connections before any API call", async () => {
    const result = await secrets.check?.(
      {},
      {
        ...secretInputs("bad name!", "x".repeat(600 * 1024)),
        connection: { protocol: "ssh", host: "127.0.0.1", username: "root", privateKey: "k" },
      },
    );
    assert.deepEqual(result?.failures?.map((f) => f.property).sort(), ["connection.hostKey", "data", "name"]);
    const plain = await secrets.check?.(
      {},
      { ...secretInputs("ok", "x"), connection: { host: "127.0.0.1" } },
    );
    assert.match(plain?.failures?.[0]?.reason ?? "", /never reached unencrypted/);
  });

  it("never puts secret content in a request URL", async (t) => {
    if (!(await needEngine(t))) return;
    const proxy = await RecordingProxy.start();
    try {
      const value = "url-canary-Zq8vX2";
      const inputs = {
        ...secretInputs("canary", value, { a: "1" }),
        connection: { socketPath: proxy.socketPath },
      };
      const { id, outs } = await create(secrets, inputs);
      await secrets.update?.(id, outs, { ...inputs, labels: { a: "2" } });
      await secrets.delete?.(id, outs);
      assert.ok(
        proxy.requestLines.some((l) => l.startsWith("POST /secrets/create")),
        proxy.requestLines.join("\n"),
      );
      assert.ok(
        proxy.requestLines.some((l) => /^POST \/secrets\/\w+\/update\?version=\d+$/.test(l)),
        proxy.requestLines.join("\n"),
      );
      const encoded = Buffer.from(value).toString("base64");
      for (const line of proxy.requestLines) {
        assert.equal(line.includes(value) || line.includes(encoded) || line.includes("Data"), false, line);
      }
    } finally {
      await proxy.stop();
    }
  });

  it("runs through Pulumi's serialization with the content marked secret", async (t) => {
    if (!(await needEngine(t))) return;
    const run = await runProgram(
      () => {
        const secret = new SwarmSecret("token", { data: "tok-123" });
        const config = new SwarmConfig("settings", { data: "debug=false" });
        return { secretName: secret.objectName, configName: config.objectName };
      },
      { project: owner.project },
    );
    const token = run.byName("token");
    assert.ok(token.secretInputs.includes("data"));
    assert.deepEqual(run.byName("settings").secretInputs, []);
    assert.match(String(run.outputs.secretName), /^token-[0-9a-f]{12}$/);
    assert.notEqual(run.outputs.secretName, `token-${hash12("tok-123")}`);
    assert.ok(token.secretOutputs.includes("salt"), "the salt is kept secret");
    const engine = engineClient();
    const inspected = (await engine.getSecret(token.id ?? "").inspect()) as { Spec: { Name: string } };
    assert.equal(inspected.Spec.Name, run.outputs.secretName);
    await run.destroy();
    await assert.rejects(
      engine.getSecret(token.id ?? "").inspect(),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
  });
});
