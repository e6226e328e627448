import { stringify } from "yaml";

export interface SwarmNodeCloudInit {
  /** The login user Berth connects as (the image's default user, which cloud-init creates). */
  user: string;
  /** `ssh-ed25519 AAAA...`: the admin key allowed to log in as `user`. */
  authorizedKey: string;
  /** The machine's own SSH host key, made before it boots so that clients can verify it. */
  hostKey: { privateKey: string; publicKey: string };
  /** Files written before packages are installed. Default: none. */
  files?: { path: string; content: string }[];
}

/**
 * Cloud-init user data for a swarm node on Debian or Ubuntu: installs and starts Docker, lets the
 * admin key in as `user` (who may use Docker), and installs the given ed25519 host key as the only SSH
 * host key, so no other key is ever presented to a client.
 */
export function swarmNodeCloudInit(options: SwarmNodeCloudInit): string {
  const config = {
    ssh_deletekeys: true,
    ssh_genkeytypes: [],
    ssh_keys: {
      ed25519_private: options.hostKey.privateKey,
      ed25519_public: options.hostKey.publicKey,
    },
    ssh_pwauth: false,
    disable_root: true,
    users: [
      "default",
      {
        name: options.user,
        groups: ["docker"],
        ...(options.files?.length
          ? {
              write_files: options.files.map((f) => ({
                path: f.path,
                content: f.content,
                permissions: "0644",
              })),
            }
          : {}),
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        shell: "/bin/bash",
        ssh_authorized_keys: [options.authorizedKey],
      },
    ],
    groups: ["docker"],
    ...(options.files?.length
      ? { write_files: options.files.map((f) => ({ path: f.path, content: f.content, permissions: "0644" })) }
      : {}),
    package_update: true,
    packages: ["docker.io"],
    runcmd: [["systemctl", "enable", "--now", "docker"]],
  };
  return `#cloud-config\n${stringify(config)}`;
}
