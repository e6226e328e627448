import { isAbsolute, resolve } from "path";
import type { ComposePort, ComposeVolumeMount } from "./types";

/** Where relative paths in a file point, and what `~` means. */
export interface PathContext {
  baseDir: string;
  home: string;
}

/** Resolves a host path from a Compose file: `~` to the home directory, relative to the file's directory. */
export function resolveHostPath(path: string, ctx: PathContext): string {
  if (path === "~" || path.startsWith("~/")) return resolve(ctx.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(ctx.baseDir, path);
}

function portRange(text: string, what: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new Error(`invalid ${what} port ${JSON.stringify(text)}`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low < 1 || high > 65535 || high < low)
    throw new Error(`invalid ${what} port range ${JSON.stringify(text)}`);
  return [low, high];
}

/**
 * Expands a short port (`"8080:80"`, `"127.0.0.1:8000-8001:80-81/udp"`, `"[::1]:53:53"`, `80`) into
 * long form, one entry per target port, as Compose does. Throws with the reason on a bad port.
 */
export function expandPort(short: string | number): ComposePort[] {
  let text = String(short).trim();
  let protocol = "tcp";
  const slash = text.lastIndexOf("/");
  if (slash >= 0) {
    protocol = text.slice(slash + 1);
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracketed) {
    hostIp = bracketed[1];
    text = bracketed[2];
  }
  const parts = text.split(":");
  if (parts.length > 3 || (bracketed && parts.length !== 2)) {
    if (bracketed) throw new Error(`invalid port ${JSON.stringify(String(short))}`);
    hostIp = parts.slice(0, -2).join(":");
    parts.splice(0, parts.length - 2);
  } else if (parts.length === 3) {
    hostIp = parts.shift();
  }
  const [publishedText, targetText] = parts.length === 2 ? parts : [undefined, parts[0]];
  const [t0, t1] = portRange(targetText, "container");
  const published =
    publishedText === undefined || publishedText === "" ? undefined : portRange(publishedText, "host");
  const base = { mode: "ingress" as const, protocol, ...(hostIp ? { host_ip: hostIp } : {}) };
  if (t0 === t1) {
    const p =
      published && (published[0] === published[1] ? `${published[0]}` : `${published[0]}-${published[1]}`);
    return [{ ...base, target: t0, ...(p ? { published: p } : {}) }];
  }
  if (published && published[1] - published[0] !== t1 - t0) {
    throw new Error(`host and container port ranges differ in length in ${JSON.stringify(String(short))}`);
  }
  const ports: ComposePort[] = [];
  for (let t = t0; t <= t1; t++) {
    ports.push({ ...base, target: t, ...(published ? { published: `${published[0] + t - t0}` } : {}) });
  }
  return ports;
}

/** Fills a long-form port's defaults and writes `published` as a string, as Compose prints it. */
export function canonicalLongPort(port: Record<string, unknown>): ComposePort {
  const out = { mode: "ingress", protocol: "tcp", ...port } as Record<string, unknown>;
  if (typeof out.target === "string") out.target = Number(out.target);
  if (out.published !== undefined && out.published !== null) out.published = String(out.published);
  return out as unknown as ComposePort;
}

const propagations = ["shared", "slave", "private", "rshared", "rslave", "rprivate"];

/** The `bind` options of mounts written in the short syntax, whose `create_host_path: true` Compose set. */
const shortSyntaxBinds = new WeakSet<object>();

/** Whether `create_host_path` in these `bind` options is Compose's default for the short syntax. */
export function isShortSyntaxBind(bind: unknown): boolean {
  return typeof bind === "object" && bind !== null && shortSyntaxBinds.has(bind);
}

/** Carries the short-syntax marks of a service's binds over to a structured clone of the service. */
export function keepShortSyntaxMarks(service: unknown, clone: unknown): void {
  const mounts = (s: unknown): unknown[] => {
    const volumes = (s as { volumes?: unknown } | null)?.volumes;
    return Array.isArray(volumes) ? volumes : [];
  };
  const copies = mounts(clone);
  mounts(service).forEach((mount, i) => {
    const bind = (mount as { bind?: unknown } | null)?.bind;
    const copy = (copies[i] as { bind?: unknown } | null)?.bind;
    if (isShortSyntaxBind(bind) && typeof copy === "object" && copy !== null) shortSyntaxBinds.add(copy);
  });
}

/** Expands a short volume (`"./data:/data:ro"`, `"cache:/cache"`, `"/scratch"`) into long form. */
export function expandVolume(short: string, ctx: PathContext): ComposeVolumeMount {
  const parts = short.split(":");
  if (parts.length > 3 || parts.some((p) => p === ""))
    throw new Error(`invalid volume ${JSON.stringify(short)}`);
  if (parts.length === 1) return { type: "volume", target: parts[0] };
  const [source, target, modes = ""] = parts;
  const isBind = /^[./~]/.test(source);
  const mount: ComposeVolumeMount = isBind
    ? { type: "bind", source: resolveHostPath(source, ctx), target, bind: { create_host_path: true } }
    : { type: "volume", source, target, volume: {} };
  for (const mode of modes.split(",").filter(Boolean)) {
    if (mode === "ro") mount.read_only = true;
    else if (mode === "rw") mount.read_only = false;
    else if (mode === "nocopy" && !isBind) mount.volume = { ...mount.volume, nocopy: true };
    else if ((mode === "z" || mode === "Z") && isBind) mount.bind = { ...mount.bind, selinux: mode };
    else if (propagations.includes(mode) && isBind) mount.bind = { ...mount.bind, propagation: mode };
    else if (["consistent", "cached", "delegated"].includes(mode)) mount.consistency = mode;
    else throw new Error(`invalid mode ${JSON.stringify(mode)} in volume ${JSON.stringify(short)}`);
  }
  if (mount.bind) shortSyntaxBinds.add(mount.bind);
  return mount;
}

/** Resolves a long-form volume's bind source. */
export function canonicalLongVolume(volume: Record<string, unknown>, ctx: PathContext): ComposeVolumeMount {
  const out = { ...volume } as unknown as ComposeVolumeMount;
  if (out.type === "bind" && typeof out.source === "string") out.source = resolveHostPath(out.source, ctx);
  return out;
}
