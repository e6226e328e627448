import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { swarmNodeCloudInit, type SwarmNodeCloudInit } from "../../components/swarm/cloud-init";

const options: SwarmNodeCloudInit = {
  user: "berth",
  authorizedKey: "ssh-ed25519 AAAAadmin admin@example",
  hostKey: {
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
    publicKey: "ssh-ed25519 AAAAhost",
  },
};

describe("swarmNodeCloudInit", () => {
  const text = swarmNodeCloudInit(options);
  const config = parse(text) as Record<string, unknown>;

  it("is a cloud-config document", () => assert.match(text, /^#cloud-config\n/));

  it("installs only the given host key, keeping its newlines, after deleting the image's, and generates none", () => {
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
    assert.deepEqual(config.groups, ["docker"], "the group exists before the user is put in it");
    assert.deepEqual(config.users, [
      "default",
      {
        name: "berth",
        groups: ["docker"],
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        shell: "/bin/bash",
        lock_passwd: true,
        ssh_authorized_keys: ["ssh-ed25519 AAAAadmin admin@example"],
      },
    ]);
  });

  it("installs Docker from apt and enables it", () => {
    assert.equal(config.package_update, true);
    assert.deepEqual(config.packages, ["docker.io"]);
    assert.deepEqual(config.runcmd, [["systemctl", "enable", "--now", "docker"]]);
    assert.equal(config.write_files, undefined);
  });

  it("writes extra files at the top level, never inside the user entry", () => {
    const withFiles = parse(
      swarmNodeCloudInit({ ...options, files: [{ path: "/etc/x.cfg", content: "a = 1\n" }] }),
    ) as Record<string, unknown>;
    assert.deepEqual(withFiles.write_files, [
      { path: "/etc/x.cfg", content: "a = 1\n", permissions: "0644" },
    ]);
    const user = (withFiles.users as Record<string, unknown>[])[1];
    assert.deepEqual(Object.keys(user).sort(), [
      "groups",
      "lock_passwd",
      "name",
      "shell",
      "ssh_authorized_keys",
      "sudo",
    ]);
  });

  it("keeps YAML-significant characters in keys and names as data", () => {
    const tricky = parse(
      swarmNodeCloudInit({ ...options, authorizedKey: "ssh-ed25519 AAAAx #not: a comment" }),
    ) as { users: { ssh_authorized_keys: string[] }[] };
    assert.deepEqual(tricky.users[1].ssh_authorized_keys, ["ssh-ed25519 AAAAx #not: a comment"]);
  });
});
