import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "crypto";
import { utils } from "ssh2";
import type * as pulumi from "@pulumi/pulumi";
import { hostKeyProvider, SshHostKey } from "../../provider/ssh";
import { runProgram } from "../support/harness";

const program = (rotate?: string) => () => {
  const a = new SshHostKey("a", { rotate });
  const b = new SshHostKey("b");
  return { a: { privateKey: a.privateKey, publicKey: a.publicKey }, b: b.publicKey };
};

describe("SshHostKey through Pulumi's serialization", () => {
  it("makes an ed25519 key whose public half is the known_hosts entry it returns, a new one per resource", async () => {
    const run = await runProgram(program());
    const a = run.outputs.a as { privateKey: string; publicKey: string };
    assert.match(a.publicKey, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]+=*$/);
    const parsed = utils.parseKey(a.privateKey);
    assert.ok(!(parsed instanceof Error), String(parsed));
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    assert.equal(key.type, "ssh-ed25519");
    assert.equal(`ssh-ed25519 ${key.getPublicSSH().toString("base64")}`, a.publicKey);
    assert.notEqual(run.outputs.b, a.publicKey);
  });

  it("keeps the key across runs and makes a new one only when rotated", async () => {
    const first = await runProgram(program());
    const again = await runProgram(program(), { previous: first });
    assert.equal(again.byName("a").operation, "same");
    assert.deepEqual(again.outputs, first.outputs);
    const rotated = await runProgram(program("2026-11"), { previous: again });
    assert.equal(rotated.byName("a").operation, "replace");
    assert.notEqual(
      (rotated.outputs.a as { publicKey: string }).publicKey,
      (first.outputs.a as { publicKey: string }).publicKey,
    );
    assert.equal(rotated.outputs.b, first.outputs.b, "the other key stays");
  });

  it("keeps the private key a secret in the stack's state", async () => {
    let options: pulumi.ResourceOptions | undefined;
    const run = await runProgram(() => {
      const key = new SshHostKey(
        "k",
        {},
        {
          transformations: [
            (a) => {
              options = a.opts;
              return undefined;
            },
          ],
        },
      );
      return { key: key.publicKey };
    });
    assert.deepEqual((options as pulumi.CustomResourceOptions).additionalSecretOutputs, ["privateKey"]);
    assert.equal(
      run.byName("k").id,
      `sha256:${createHash("sha256")
        .update(run.outputs.key as string)
        .digest("hex")
        .slice(0, 16)}`,
      "the id derives from the public key only",
    );
  });

  it("throws away a pair ssh2 encodes wrongly (a public key starting with a zero byte) and makes another", async () => {
    type Pair = { private: string; public: string };
    let broken: Pair | undefined;
    for (let i = 0; i < 20_000 && !broken; i++) {
      const pair = utils.generateKeyPairSync("ed25519");
      if (utils.parseKey(pair.private) instanceof Error) broken = pair;
    }
    assert.ok(broken, "ssh2 made a pair it cannot read itself (about one in 256)");
    const stubbed = utils as unknown as { generateKeyPairSync(type: string): Pair };
    const generate = stubbed.generateKeyPairSync;
    let calls = 0;
    stubbed.generateKeyPairSync = (type) => (++calls === 1 ? broken! : generate(type));
    try {
      const { outs } = await hostKeyProvider.create({ rotate: "" });
      assert.equal(calls, 2, "the broken pair was discarded");
      assert.notEqual(outs.privateKey, broken.private);
      const parsed = utils.parseKey(outs.privateKey as string);
      assert.ok(!(parsed instanceof Error), String(parsed));
      assert.equal(`ssh-ed25519 ${parsed.getPublicSSH().toString("base64")}`, outs.publicKey);
    } finally {
      stubbed.generateKeyPairSync = generate;
    }
  });
});
