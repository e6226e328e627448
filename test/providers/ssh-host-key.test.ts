import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { utils } from "ssh2";
import { SshHostKey } from "../../components/swarm";
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
});
