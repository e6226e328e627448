import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hostKeyProvider, type HostKeyOutputs } from "../../provider/ssh/host-key";
import { machineReadyProvider, type MachineReadyOutputs } from "../../provider/ssh/machine-ready";
import { unknownValue as U } from "../../provider/shared/unknowns";

const failuresOf = (result: { failures?: { property: string; reason: string }[] }) =>
  (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`);

describe("SshHostKey at preview", () => {
  const state: HostKeyOutputs = { rotate: "", privateKey: "PRIVATE", publicKey: "ssh-ed25519 AAAAx" };

  it("check passes an unknown trigger through and still refuses a known wrong one", async () => {
    const checked = await hostKeyProvider.check!({ rotate: "" }, { rotate: U });
    assert.deepEqual(checked, { inputs: { rotate: U }, failures: [] });
    assert.deepEqual(failuresOf(await hostKeyProvider.check!({}, { rotate: 7 })), [
      "rotate: must be a string",
    ]);
  });

  it("diff: an unknown trigger is a change without a replacement; only a known new one replaces", async () => {
    assert.deepEqual(await hostKeyProvider.diff!("k", state, { rotate: U }), { changes: true, replaces: [] });
    assert.deepEqual(await hostKeyProvider.diff!("k", state, { rotate: "2027" }), {
      changes: true,
      replaces: ["rotate"],
    });
    assert.deepEqual(await hostKeyProvider.diff!("k", state, { rotate: "" }), {
      changes: false,
      replaces: [],
    });
  });
});

describe("MachineReady at preview", () => {
  const known = {
    machine: "fleet-manager-0",
    host: "10.0.1.0",
    port: 22,
    username: "berth",
    privateKey: "PRIVATE",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests",
    timeoutSeconds: 600,
    pollSeconds: 5,
  };
  const state: MachineReadyOutputs = { ...known, dockerVersion: "26.1.3" };

  for (const field of ["host", "privateKey", "hostKey", "port", "username"] as const) {
    it(`check passes an unknown ${field} through; diff reports a change, never a replacement`, async () => {
      const news = { ...known, [field]: U };
      assert.deepEqual(await machineReadyProvider.check!({}, news), { inputs: news, failures: [] });
      assert.deepEqual(await machineReadyProvider.diff!("m", state, news), { changes: true });
    });
  }

  it("check takes everything unknown at once (a new instance) and judges what is known", async () => {
    const news = { ...known, host: U, privateKey: U, hostKey: U, timeoutSeconds: U, pollSeconds: U };
    assert.deepEqual(failuresOf(await machineReadyProvider.check!({}, news)), []);
    assert.deepEqual(failuresOf(await machineReadyProvider.check!({}, { ...news, username: "", port: -1 })), [
      "username: is required",
      "port: must be a number above 0",
    ]);
    assert.deepEqual(failuresOf(await machineReadyProvider.check!({}, { ...known, hostKey: "not a key" })), [
      'hostKey: must be "<type> <base64>", as a known_hosts entry',
    ]);
  });

  it("diff: nothing changed is no change; a known new address or key is one, in place", async () => {
    assert.deepEqual(await machineReadyProvider.diff!("m", state, known), { changes: false });
    assert.deepEqual(await machineReadyProvider.diff!("m", state, { ...known, host: "10.0.1.9" }), {
      changes: true,
    });
    assert.deepEqual(await machineReadyProvider.diff!("m", state, { ...known, privateKey: "NEW" }), {
      changes: true,
    });
  });
});
