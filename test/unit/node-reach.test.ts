import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { stillBooting, unreachable } from "../../provider/swarm/node-ops";

const withCode = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.2:22`), { code });
const ssh = {
  protocol: "ssh" as const,
  host: "10.0.0.2",
  username: "root",
  privateKey: "k",
  hostKey: "ssh-ed25519 AAAA",
};

describe("reaching a node's engine", () => {
  it("waits for a machine that is not up yet", () => {
    for (const code of ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET"])
      assert.equal(stillBooting(withCode(code)), true, code);
    assert.equal(stillBooting(new Error("Timed out while waiting for handshake")), true);
  });

  it("gives up at once on a wrong host key or a refused private key", () => {
    assert.equal(stillBooting(new Error("Host denied (verification failed)")), false);
    assert.equal(stillBooting(new Error("All configured authentication methods failed")), false);
  });

  it("says which node, where, and why, naming no credential", () => {
    assert.equal(
      unreachable("w2", ssh, new Error("Host denied (verification failed)")).message,
      "node w2 (ssh://root@10.0.0.2:22): cannot reach its Docker engine: its SSH host key is not the hostKey given for it; refusing to connect",
    );
    assert.equal(
      unreachable("w2", ssh, new Error("All configured authentication methods failed")).message,
      "node w2 (ssh://root@10.0.0.2:22): cannot reach its Docker engine: the SSH server refused the private key for user root",
    );
    assert.equal(
      unreachable("w2", ssh, withCode("ECONNREFUSED")).message,
      "node w2 (ssh://root@10.0.0.2:22): cannot reach its Docker engine: connect ECONNREFUSED 10.0.0.2:22",
    );
  });
});
