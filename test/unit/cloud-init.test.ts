import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { swarmNodeCloudInit } from "../../components/swarm";
import { isCidr, vmRoster } from "../../components/swarm/vm-args";

describe("swarmNodeCloudInit", () => {
  const text = swarmNodeCloudInit({
    user: "berth",
    authorizedKey: "ssh-ed25519 AAAAadmin admin@example",
    hostKey: {
      privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
      publicKey: "ssh-ed25519 AAAAhost",
    },
  });
  const config = parse(text) as Record<string, unknown>;

  it("is a cloud-config document", () => assert.match(text, /^#cloud-config\n/));

  it("installs only the given host key, keeping its newlines, and generates none", () => {
    assert.deepEqual(config.ssh_keys, {
      ed25519_private: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
      ed25519_public: "ssh-ed25519 AAAAhost",
    });
    assert.equal(config.ssh_deletekeys, true);
    assert.deepEqual(config.ssh_genkeytypes, []);
  });

  it("lets only the admin key in, as a docker user, with no passwords and no root login", () => {
    assert.equal(config.ssh_pwauth, false);
    assert.equal(config.disable_root, true);
    assert.deepEqual((config.users as unknown[])[1], {
      name: "berth",
      groups: ["docker"],
      sudo: "ALL=(ALL) NOPASSWD:ALL",
      shell: "/bin/bash",
      ssh_authorized_keys: ["ssh-ed25519 AAAAadmin admin@example"],
    });
  });

  it("installs and starts Docker", () => {
    assert.deepEqual(config.packages, ["docker.io"]);
    assert.deepEqual(config.runcmd, [["systemctl", "enable", "--now", "docker"]]);
    assert.equal(config.write_files, undefined);
  });
});

describe("isCidr and vmRoster", () => {
  it("tells CIDR blocks from addresses and junk", () => {
    for (const good of ["203.0.113.7/32", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/48", "::/0"])
      assert.ok(isCidr(good), good);
    for (const bad of ["203.0.113.7", "256.0.0.0/8", "10.0.0.0/33", "office", "", "2001:db8::/129"])
      assert.ok(!isCidr(bad), bad);
  });

  it("names managers first, then workers, with running indexes", () => {
    assert.deepEqual(vmRoster("f", 2, 1), [
      { name: "f-manager-0", role: "manager", index: 0 },
      { name: "f-manager-1", role: "manager", index: 1 },
      { name: "f-worker-0", role: "worker", index: 2 },
    ]);
  });
});
