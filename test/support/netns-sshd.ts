import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { connect } from "net";
import { setTimeout as sleep } from "timers/promises";
import type { NetnsEngine } from "./netns-engine";

/**
 * SSH into a netns engine's "VM": an sshd in the engine's namespace, with its own host key, that
 * lets one client key in and points its sessions' docker CLI at that engine (so `docker system
 * dial-stdio`, which SSH connections to an engine run, reaches it).
 */
export interface NetnsSshd {
  host: string;
  port: number;
  /** The server's public host key, as a known_hosts entry. */
  hostKey: string;
  /** Stops sshd (it is also killed when its engine is destroyed: its command line names the engine's directory). */
  stop(): void;
}

/** An OpenSSH key pair made by ssh-keygen. */
export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

export function sshKeyPair(dir: string, name: string): SshKeyPair {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}`;
  if (!existsSync(file))
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]);
  return { privateKey: readFileSync(file, "utf8"), publicKey: readFileSync(`${file}.pub`, "utf8").trim() };
}

const portOpen = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

export async function startSshd(engine: NetnsEngine, clientPublicKey: string): Promise<NetnsSshd> {
  const dir = `${engine.dir}/sshd`;
  const host = sshKeyPair(dir, "host_ed25519");
  writeFileSync(
    `${dir}/authorized_keys`,
    `environment="DOCKER_HOST=unix://${engine.socketPath}" ${clientPublicKey}\n`,
    { mode: 0o600 },
  );
  const config = `${dir}/sshd_config`;
  writeFileSync(
    config,
    [
      `ListenAddress ${engine.address}:22`,
      `HostKey ${dir}/host_ed25519`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      "PermitUserEnvironment yes",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true });
  const started = spawnSync(
    "nsenter",
    [`--net=/var/run/netns/${engine.name}`, "/usr/sbin/sshd", "-f", config, "-E", `${dir}/sshd.log`],
    { encoding: "utf8" },
  );
  if (started.status !== 0) throw new Error(`sshd for ${engine.name} did not start: ${started.stderr}`);
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(engine.address, 22))) {
    if (Date.now() > deadline)
      throw new Error(`sshd for ${engine.name} does not listen on ${engine.address}:22`);
    await sleep(100);
  }
  return {
    host: engine.address,
    port: 22,
    hostKey: host.publicKey.split(" ").slice(0, 2).join(" "),
    stop() {
      try {
        process.kill(Number(readFileSync(`${dir}/sshd.pid`, "utf8").trim()), "SIGTERM");
      } catch {
        // Already gone.
      }
    },
  };
}

/** Whether this machine has an sshd to run. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync("/usr/sbin/sshd")) return "sshd is not installed (Debian package openssh-server)";
  if (spawnSync("sh", ["-c", "command -v ssh-keygen"]).status !== 0) return "ssh-keygen is not installed";
  return undefined;
}
