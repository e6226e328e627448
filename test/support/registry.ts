import { type ChildProcess, execFileSync, spawn } from "child_process";
import { randomBytes } from "crypto";
import fs from "fs";
import net from "net";
import os from "os";
import path from "path";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "timers/promises";

/** From Debian's docker-registry and apache2-utils (scripts/docker-testbed.sh installs both). */
const programs = { registry: "/usr/bin/docker-registry", htpasswd: "/usr/bin/htpasswd" };

/**
 * For tests that need a private registry. Without its programs: under CI the test fails with a clear
 * message; elsewhere it is skipped, loudly.
 */
export function needRegistry(t: TestContext): boolean {
  const missing = Object.values(programs).filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return true;
  const why = `${missing.join(" and ")} missing (bash scripts/docker-testbed.sh installs them)`;
  if (process.env.CI) throw new Error(`registry-backed test cannot run: ${why}`);
  console.warn(`\n!!! SKIPPED (needs docker-registry): ${t.name}: ${why}\n`);
  t.skip(why);
  return false;
}

export interface PrivateRegistry {
  /** `127.0.0.1:PORT`: the engine allows plain HTTP to 127.0.0.0/8 by default. */
  address: string;
  username: string;
  password: string;
  /** `<address>/private/busybox:1`, pushed from local/busybox:1; the engine has no copy by that name. */
  image: string;
  /** Removes the engine's copy of `image` (a pull made one), so the next use must pull again. */
  untag(): void;
  stop(): Promise<void>;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `/v2/` answers 401, i.e. the registry serves and demands credentials. */
async function waitUntilServing(address: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${log()}`);
    const status = await fetch(`http://${address}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) return;
    if (Date.now() > deadline) throw new Error(`docker-registry on ${address} not serving: ${log()}`);
    await sleep(100);
  }
}

/**
 * Starts Debian's docker-registry (distribution 2.8) on a free loopback port with htpasswd basic
 * auth, and pushes local/busybox:1 into it as a private image. The docker CLI logs in with a config
 * directory of its own, so no credentials are left in the user's.
 */
export async function startPrivateRegistry(): Promise<PrivateRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-registry-"));
  const username = "berth";
  const password = `pw-${randomBytes(9).toString("hex")}`;
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const image = `${address}/private/busybox:1`;
  fs.writeFileSync(
    path.join(dir, "htpasswd"),
    execFileSync(programs.htpasswd, ["-Bbn", username, password], { encoding: "utf8" }),
  );
  fs.writeFileSync(
    path.join(dir, "config.yml"),
    [
      "version: 0.1",
      "log: { level: warn, accesslog: { disabled: true } }",
      `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, "data"))} } }`,
      `http: { addr: "${address}", secret: "${randomBytes(16).toString("hex")}" }`,
      `auth: { htpasswd: { realm: berth-test, path: ${JSON.stringify(path.join(dir, "htpasswd"))} } }`,
      "",
    ].join("\n"),
  );
  const logFile = path.join(dir, "registry.log");
  const logFd = fs.openSync(logFile, "w");
  const child = spawn(programs.registry, ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", logFd, logFd],
  });
  fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const cli = (args: string[], input?: string) =>
    execFileSync("docker", args, {
      input,
      env: { ...process.env, DOCKER_CONFIG: path.join(dir, "cli") },
      stdio: ["pipe", "ignore", "pipe"],
    });
  const untag = () => {
    try {
      cli(["image", "rm", image]);
    } catch {
      // not tagged: nothing to remove
    }
  };

  const stop = async () => {
    untag();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(address, child, () => fs.readFileSync(logFile, "utf8"));
    cli(["login", address, "--username", username, "--password-stdin"], password);
    cli(["tag", "local/busybox:1", image]);
    cli(["push", image]);
    cli(["logout", address]);
    untag();
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, username, password, image, untag, stop };
}
