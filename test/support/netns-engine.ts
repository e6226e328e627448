import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "fs";
import type { TestContext } from "node:test";
import { promisify } from "util";
import { setTimeout as sleep } from "timers/promises";
import { engineClient } from "../../provider/shared/engine";

/**
 * Extra Docker engines for tests, each in its own network namespace: the "VMs" of a multi-node swarm
 * on one machine. All of them hang off one bridge per test process, so they reach each other; every
 * name carries this process's random suffix, and clean-up goes by those exact names and paths.
 *
 * The bridge sits in a namespace of its own, joined to the host by a veth that holds `<subnet>.1`.
 * On the host, the main engine sets the FORWARD policy to DROP and bridged traffic passes through
 * iptables (br_netfilter), so a bridge there would carry nothing between engines without firewall rules.
 */

const run = randomBytes(3).toString("hex");
const switchNs = `berth-${run}-sw`;
const hostLink = `bh${run}`;
const execFileAsync = promisify(execFile);

export interface NetnsEngineOptions {
  /** 1-253. The namespace gets `<subnet>.<index + 1>` on the shared bridge (which has `.1`). */
  index: number;
  /** Initialise a single-node swarm advertised on the namespace's address. Default: false. */
  swarm?: boolean;
  /** Images copied over from the main engine. Default: `["local/busybox:1"]`. */
  images?: string[];
  /** How long to wait for dockerd to answer. Default: 60 s. */
  readyTimeoutMs?: number;
  /**
   * Also serve the engine API on `<address>:2376` with mutual TLS, with the PEM files this returns for
   * the namespace's address (the server certificate must name it). Default: the unix socket only.
   */
  tls?: (address: string) => { caFile: string; certFile: string; keyFile: string };
}

export interface NetnsEngine {
  /** The network namespace (`/var/run/netns/<name>`). */
  readonly name: string;
  /** The namespace's address on the bridge, e.g. `10.231.0.2`. */
  readonly address: string;
  readonly socketPath: string;
  readonly connection: { socketPath: string };
  /** Holds the data root, exec root, pid file, socket and `dockerd.log`. */
  readonly dir: string;
  /** The running dockerd's pid; undefined while it is stopped. */
  pid(): number | undefined;
  /** Runs the docker CLI against this engine and returns its trimmed output. */
  docker(...args: string[]): Promise<string>;
  logTail(lines?: number): string;
  /** Stops dockerd (SIGTERM by its pid file, SIGKILL after 30 s) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts dockerd again on the same data root and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes the namespace, its veth, its directory; the bridge with the last engine. */
  destroy(): Promise<void>;
}

interface Bridge {
  subnet: string;
  users: number;
}
let bridge: Bridge | undefined;
const live = new Set<Teardown>();

interface Teardown {
  name: string;
  dir: string;
  /** Its link's name on the bridge, in the bridge's namespace. */
  veth: string;
  /** Whether this engine counts as a user of the bridge. */
  bridged: boolean;
}

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function linkExists(name: string, namespace?: string): boolean {
  const args = [...(namespace ? ["-n", namespace] : []), "link", "show", "dev", name];
  return spawnSync("ip", args, { stdio: "ignore" }).status === 0;
}

function netnsExists(name: string): boolean {
  return ip("netns", "list")
    .split("\n")
    .some((line) => line.split(" ")[0] === name);
}

/**
 * A 10.231.K.0/24 no interface on this host has an address in (another run may hold one). K is picked
 * at random among the free ones, so two test processes making their bridges at once rarely collide.
 * Nothing else in the tests uses 10.231.0.0/16 (engine-side networks take other ranges), since the
 * cluster layer runs beside the engine layers.
 */
function freeSubnet(): string {
  const used = ip("-o", "-4", "addr", "show");
  const free = Array.from({ length: 256 }, (_, k) => k).filter((k) => !used.includes(` 10.231.${k}.`));
  if (free.length === 0) throw new Error("no free 10.231.K.0/24 subnet for the test bridge");
  return `10.231.${free[Math.floor(Math.random() * free.length)]}`;
}

function acquireBridge(): Bridge {
  if (!bridge) {
    const subnet = freeSubnet();
    try {
      ip("netns", "add", switchNs);
      ip("-n", switchNs, "link", "add", "br0", "type", "bridge");
      ip("-n", switchNs, "link", "set", "br0", "up");
      ip("link", "add", hostLink, "type", "veth", "peer", "name", "host", "netns", switchNs);
      ip("-n", switchNs, "link", "set", "host", "master", "br0", "up");
      ip("addr", "add", `${subnet}.1/24`, "dev", hostLink);
      ip("link", "set", hostLink, "up");
    } catch (err) {
      destroyBridge();
      throw err;
    }
    bridge = { subnet, users: 0 };
  }
  bridge.users++;
  return bridge;
}

/**
 * This process's bridge, while one exists: the namespace it sits in, the host's link to it, and the
 * subnet (`<subnet>.1` is the host).
 */
export function sharedBridge(): { namespace: string; hostLink: string; subnet: string } | undefined {
  return bridge && { namespace: switchNs, hostLink, subnet: bridge.subnet };
}

/**
 * Removes this process's bridge. `destroy()` calls it when the last engine goes; call it directly
 * only once every engine on the bridge is destroyed. Idempotent.
 */
export function destroyBridge(): void {
  if (linkExists(hostLink)) ip("link", "del", hostLink);
  if (netnsExists(switchNs)) ip("netns", "del", switchNs);
  bridge = undefined;
}

/** Whether `pid` is a live (not zombie) process started for `dir`, so a recycled pid is never signalled. */
function ours(pid: number, dir: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2))) return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${dir}/`);
  } catch {
    return false;
  }
}

function inContainer(pid: number, id: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, "utf8").includes(id);
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Kills what a dockerd that did not shut down cleanly leaves behind: its containerd and shims (their
 * command lines name paths under `dir`) and the containers' init processes (recorded under `dir`).
 */
function killLeftovers(dir: string): void {
  const tasks = `${dir}/exec/containerd/daemon/io.containerd.runtime.v2.task/moby`;
  const pids: number[] = [];
  if (existsSync(tasks)) {
    for (const id of readdirSync(tasks)) {
      const pid = readPid(`${tasks}/${id}/init.pid`);
      if (pid && inContainer(pid, id)) pids.push(pid);
    }
  }
  for (const entry of readdirSync("/proc")) {
    if (/^\d+$/.test(entry) && ours(Number(entry), dir)) pids.push(Number(entry));
  }
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function unmountUnder(dir: string): void {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => !!point && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    if (spawnSync("umount", [point], { stdio: "ignore" }).status !== 0) {
      spawnSync("umount", ["-l", point], { stdio: "ignore" });
    }
  }
}

/** Everything after dockerd has exited: synchronous, so it can run from a process exit handler too. */
function removeAll(t: Teardown): void {
  killLeftovers(t.dir);
  unmountUnder(t.dir);
  rmSync(t.dir, { recursive: true, force: true });
  if (netnsExists(t.name)) ip("netns", "del", t.name);
  // Deleting the namespace takes its veth peer with it, but the kernel may do so only after a moment.
  if (netnsExists(switchNs) && linkExists(t.veth, switchNs)) {
    const removed = spawnSync("ip", ["-n", switchNs, "link", "del", t.veth], { encoding: "utf8" });
    if (removed.status !== 0 && linkExists(t.veth, switchNs))
      throw new Error(`cannot remove ${t.veth} from ${switchNs}: ${removed.stderr.trim()}`);
  }
  live.delete(t);
  if (t.bridged && bridge && --bridge.users <= 0) destroyBridge();
  t.bridged = false;
}

let exitHookInstalled = false;
/** A test process that ends early (a failed `before`, a signal) still removes what it started. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    // Every engine is told to stop first, so that their shutdowns overlap rather than queue.
    const stopping = new Map<Teardown, number>();
    for (const t of live) {
      const pid = readPid(`${t.dir}/docker.pid`);
      if (pid && ours(pid, t.dir)) {
        process.kill(pid, "SIGTERM");
        stopping.set(t, pid);
      }
    }
    const deadline = Date.now() + 20_000;
    for (const t of [...live]) {
      try {
        const pid = stopping.get(t);
        const left = Math.ceil((deadline - Date.now()) / 1000);
        if (pid && left > 0)
          spawnSync("timeout", [String(left), "tail", `--pid=${pid}`, "-f", "/dev/null"], {
            stdio: "ignore",
          });
        removeAll(t);
      } catch (err) {
        console.error(`netns engine ${t.name}: clean-up at exit failed: ${String(err)}`);
      }
    }
    try {
      destroyBridge();
    } catch (err) {
      console.error(`netns bridge ${switchNs}: clean-up at exit failed: ${String(err)}`);
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
  }
}

/** Starts a Docker engine in a fresh network namespace on this process's bridge. */
export async function startNetnsEngine(options: NetnsEngineOptions): Promise<NetnsEngine> {
  const { index } = options;
  if (!Number.isInteger(index) || index < 1 || index > 253)
    throw new Error(`index must be 1-253, not ${index}`);
  const name = `berth-${run}-${index}`;
  const dir = `/tmp/${name}`;
  const teardown: Teardown = { name, dir, veth: `n${index}`, bridged: false };
  if (netnsExists(name)) throw new Error(`netns engine ${index} already exists in this process`);
  installExitHook();
  live.add(teardown);
  const socketPath = `${dir}/docker.sock`;
  const pidFile = `${dir}/docker.pid`;
  const logFile = `${dir}/dockerd.log`;
  const configFile = `${dir}/daemon.json`;
  let address: string;
  let child: ChildProcess | undefined;
  let destroyed: Promise<void> | undefined;

  const logTail = (lines = 30) => {
    try {
      return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const pid = () => {
    const recorded = readPid(pidFile) ?? child?.pid;
    return recorded !== undefined && ours(recorded, dir) ? recorded : undefined;
  };
  const docker = async (...args: string[]) => {
    const { stdout } = await execFileAsync("docker", ["-H", `unix://${socketPath}`, ...args], {
      encoding: "utf8",
    });
    return stdout.trim();
  };

  let tlsFiles: { caFile: string; certFile: string; keyFile: string } | undefined;
  const tlsArgs = () => {
    if (!options.tls) return [];
    tlsFiles ??= options.tls(address);
    const { caFile, certFile, keyFile } = tlsFiles;
    return [
      "-H",
      `tcp://${address}:2376`,
      "--tlsverify",
      "--tlscacert",
      caFile,
      "--tlscert",
      certFile,
      "--tlskey",
      keyFile,
    ];
  };

  const start = async () => {
    if (pid() !== undefined) return;
    // Its own config and identity key (the engine ID), not the main engine's in /etc/docker.
    writeFileSync(configFile, JSON.stringify({ "deprecated-key-path": `${dir}/key.json` }));
    const log = openSync(logFile, "a");
    // nsenter, not `ip netns exec`: the latter remounts /sys and dockerd then finds no devices cgroup.
    const spawned = spawn(
      "nsenter",
      [
        `--net=/var/run/netns/${name}`,
        "dockerd",
        ...["--data-root", `${dir}/data`, "--exec-root", `${dir}/exec`, "--pidfile", pidFile],
        ...["-H", `unix://${socketPath}`, "--iptables=false", "--bridge=none"],
        ...tlsArgs(),
        "--config-file",
        configFile,
      ],
      { detached: true, stdio: ["ignore", log, log] },
    );
    closeSync(log);
    spawned.unref();
    child = spawned;
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const client = engineClient({ socketPath });
    let last: unknown;
    for (;;) {
      if (spawned.exitCode !== null || spawned.signalCode !== null) {
        last = `dockerd exited (${spawned.exitCode ?? spawned.signalCode})`;
        break;
      }
      try {
        await client.ping();
        return;
      } catch (err) {
        last = err instanceof Error ? err.message : err;
      }
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    throw new Error(
      `netns engine ${name} did not answer within ${timeoutMs / 1000} s: ${String(last)}\n` +
        `last lines of ${logFile}:\n${logTail()}`,
    );
  };

  // A dockerd this process spawned stays a zombie until Node reaps it, so wait for that too:
  // callers look for its /proc entry being gone.
  const reaped = (running: number) =>
    child?.pid !== running || child.exitCode !== null || child.signalCode !== null;
  const exited = async (running: number, waitMs: number) => {
    const deadline = Date.now() + waitMs;
    while (ours(running, dir) || !reaped(running)) {
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  };
  const stop = async () => {
    const running = pid();
    if (running === undefined) return;
    process.kill(running, "SIGTERM");
    if (await exited(running, 30_000)) return;
    process.kill(running, "SIGKILL");
    if (!(await exited(running, 10_000)))
      throw new Error(`netns engine ${name}: dockerd ${running} did not exit`);
  };

  const destroy = () => {
    destroyed ??= (async () => {
      try {
        await stop();
      } finally {
        removeAll(teardown);
      }
    })();
    return destroyed;
  };

  try {
    const { subnet } = acquireBridge();
    teardown.bridged = true;
    address = `${subnet}.${index + 1}`;
    mkdirSync(dir, { recursive: true });
    ip("netns", "add", name);
    ip("-n", switchNs, "link", "add", teardown.veth, "type", "veth", "peer", "name", "eth0", "netns", name);
    ip("-n", switchNs, "link", "set", teardown.veth, "master", "br0", "up");
    ip("-n", name, "addr", "add", `${address}/24`, "dev", "eth0");
    ip("-n", name, "link", "set", "eth0", "up");
    ip("-n", name, "link", "set", "lo", "up");
    await start();
    for (const image of options.images ?? ["local/busybox:1"]) {
      await execFileAsync("bash", [
        "-o",
        "pipefail",
        "-c",
        'docker save "$1" | docker -H "$2" load -q',
        "load",
        image,
        `unix://${socketPath}`,
      ]);
    }
    if (options.swarm) await docker("swarm", "init", "--advertise-addr", address);
  } catch (err) {
    await destroy().catch(() => undefined);
    throw err;
  }
  return {
    name,
    address,
    socketPath,
    connection: { socketPath },
    dir,
    pid,
    docker,
    logTail,
    stop,
    start,
    destroy,
  };
}

function checkNetns(): string | undefined {
  if (process.platform !== "linux" || process.getuid?.() !== 0)
    return "network namespaces need root on Linux";
  const missing = ["ip", "nsenter", "dockerd", "docker", "bash", "umount", "timeout", "tail"].filter(
    (tool) => spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0,
  );
  if (missing.length > 0) return `missing tools: ${missing.join(", ")}`;
  const probe = `berth-${run}-probe`;
  const added = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (added.status !== 0) return `cannot create a network namespace: ${added.stderr.trim()}`;
  spawnSync("ip", ["netns", "del", probe], { stdio: "ignore" });
  return undefined;
}

let checked: { why?: string } | undefined;

/** Why this machine cannot run netns engines, or undefined when it can (checked once per process). */
export function netnsUnavailable(): string | undefined {
  checked ??= { why: checkNetns() };
  return checked.why;
}

/**
 * For tests that need netns engines. When namespaces cannot be made: under CI the test fails with a
 * clear message; elsewhere it is skipped, loudly.
 */
export function needNetns(t: TestContext): boolean {
  const why = netnsUnavailable();
  if (why === undefined) return true;
  if (process.env.CI) throw new Error(`netns-engine test cannot run: ${why}`);
  console.warn(`\n!!! SKIPPED (needs network namespaces): ${t.name}: ${why}\n`);
  t.skip(why);
  return false;
}
