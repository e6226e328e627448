import { stringify } from "yaml";

/** What the first boot of a swarm node's machine sets up through cloud-init. */
export interface SwarmNodeCloudInit {
  /** The login user Berth connects as. Cloud-init creates it, in the `docker` group. */
  user: string;
  /** `ssh-ed25519 AAAA...`: the admin key allowed to log in as `user`. */
  authorizedKey: string;
  /** The machine's own SSH host key, made before it boots so that clients can verify it. */
  hostKey: { privateKey: string; publicKey: string };
  /**
   * Files written early in the first boot, before the SSH keys are set up.
   * @default none
   */
  files?: { path: string; content: string }[];
}

/**
 * Cloud-init user data for a swarm node on Debian or Ubuntu: installs Docker (`docker.io`) with apt
 * and starts it at every boot, lets the admin key in as `user` (who may use Docker; no passwords, no
 * root login), and installs the given ed25519 key as the only SSH host key: the image's keys are
 * deleted and no others are generated, so no other key is ever presented to a client.
 */
export function swarmNodeCloudInit(options: SwarmNodeCloudInit): string {
  const config = {
    ...(options.files?.length
      ? {
          write_files: options.files.map((f) => ({ path: f.path, content: f.content, permissions: "0644" })),
        }
      : {}),
    ssh_deletekeys: true,
    ssh_genkeytypes: [],
    ssh_keys: {
      ed25519_private: options.hostKey.privateKey,
      ed25519_public: options.hostKey.publicKey,
    },
    ssh_pwauth: false,
    disable_root: true,
    groups: ["docker"],
    users: [
      "default",
      {
        name: options.user,
        groups: ["docker"],
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        shell: "/bin/bash",
        lock_passwd: true,
        ssh_authorized_keys: [options.authorizedKey],
      },
    ],
    package_update: true,
    packages: ["docker.io"],
    runcmd: [["systemctl", "enable", "--now", "docker"]],
  };
  return `#cloud-config\n${stringify(config)}`;
}
