import type { SecurityOptInput, ServiceInput, UlimitInput } from "../spec/types";
import { isDict } from "./dict";
import { isTrue, type MapContext } from "./map-context";
import type { ComposeService } from "./types";

type RuntimeFields = Pick<
  ServiceInput,
  | "stopSignal"
  | "hostname"
  | "stdinOpen"
  | "tty"
  | "sysctls"
  | "ulimits"
  | "dns"
  | "dnsSearch"
  | "dnsOptions"
  | "extraHosts"
  | "init"
  | "securityOpt"
>;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : undefined;

/** `ulimits`: `nofile: 1024` (soft and hard) or `nofile: { soft: 1024, hard: 2048 }`. */
function mapUlimits(value: unknown, ctx: MapContext): Record<string, UlimitInput> | undefined {
  if (!isDict(value)) return undefined;
  const out: Record<string, UlimitInput> = {};
  for (const [name, limit] of Object.entries(value)) {
    const number = (v: unknown) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v);
    if (isDict(limit)) out[name] = { soft: number(limit.soft), hard: number(limit.hard) } as UlimitInput;
    else out[name] = number(limit) as UlimitInput;
  }
  ctx.from("ulimits", "ulimits");
  return out;
}

/** `host:ip` (IPv6 after the first colon) or `host=ip`; brackets around an IPv6 address are dropped. */
function splitHost(entry: string): [string, string] | undefined {
  const at = entry.includes("=") ? entry.indexOf("=") : entry.indexOf(":");
  if (at <= 0) return undefined;
  return [entry.slice(0, at), entry.slice(at + 1).replace(/^\[(.*)\]$/, "$1")];
}

/** `extra_hosts` as a list (`host:ip`, `host=ip`) or a mapping (`host: ip` or a list of IPs). */
function mapExtraHosts(value: unknown, ctx: MapContext): Record<string, string> | undefined {
  const entries: { host: string; ip: string; at: string }[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const pair = splitHost(String(item));
      if (pair) entries.push({ host: pair[0], ip: pair[1], at: `extra_hosts[${i}]` });
      else ctx.refuse(`extra_hosts[${i}]`, `${JSON.stringify(item)} is not "host:ip" or "host=ip"`);
    });
  } else if (isDict(value)) {
    for (const [host, ips] of Object.entries(value)) {
      for (const ip of strings(ips) ?? []) {
        entries.push({ host, ip: ip.replace(/^\[(.*)\]$/, "$1"), at: `extra_hosts.${host}` });
      }
    }
  } else return undefined;
  const hosts: Record<string, string> = {};
  for (const { host, ip, at } of entries) {
    if (hosts[host] !== undefined && hosts[host] !== ip) {
      ctx.refuse(
        at,
        `gives ${host} a second address (${ip}, besides ${hosts[host]}); Berth takes one per host`,
      );
      continue;
    }
    hosts[host] = ip;
    ctx.from(`extraHosts.${host}`, at);
  }
  return hosts;
}

/** `security_opt` entries Swarm's Privileges carries; every other one is refused. */
function mapSecurityOpt(value: unknown, ctx: MapContext): SecurityOptInput | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: SecurityOptInput = {};
  value.forEach((item, i) => {
    const at = `security_opt[${i}]`;
    const [key, option] = String(item).split(/[=:](.*)/s);
    if (key === "no-new-privileges") {
      out.noNewPrivileges = option === undefined || isTrue(option);
      ctx.from("securityOpt.noNewPrivileges", at);
    } else if (key === "seccomp" && (option === "unconfined" || option === "default")) {
      out.seccomp = option;
      ctx.from("securityOpt.seccomp", at);
    } else if (key === "seccomp") {
      ctx.refuse(
        at,
        'a seccomp profile file cannot be read from a Compose file by Berth; give its JSON as securityOpt.seccomp.profile of a ContainerService, or use "seccomp=unconfined"',
      );
    } else if (key === "apparmor" && (option === "unconfined" || option === "default")) {
      out.appArmor = option;
      ctx.from("securityOpt.appArmor", at);
    } else if (key === "apparmor") {
      ctx.refuse(
        at,
        'Swarm runs the default AppArmor profile or none: use "apparmor=unconfined" or leave it out',
      );
    } else {
      ctx.refuse(
        at,
        `"${key}" is not supported on a cluster; Berth takes no-new-privileges, seccomp=unconfined and apparmor=unconfined`,
      );
    }
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The container's process and name-resolution keys: `stop_signal`, `hostname`, `stdin_open`, `tty`,
 * `sysctls`, `ulimits`, `dns`, `dns_search`, `dns_opt`, `extra_hosts`, `init` and `security_opt`.
 */
export function mapRuntime(s: ComposeService, ctx: MapContext): RuntimeFields {
  const raw = s as Record<string, unknown>;
  const plain: [keyof RuntimeFields, string][] = [
    ["stopSignal", "stop_signal"],
    ["hostname", "hostname"],
    ["stdinOpen", "stdin_open"],
    ["tty", "tty"],
    ["sysctls", "sysctls"],
    ["dns", "dns"],
    ["dnsSearch", "dns_search"],
    ["dnsOptions", "dns_opt"],
    ["init", "init"],
  ];
  for (const [berth, compose] of plain) ctx.from(berth, compose);
  const sysctls = isDict(raw.sysctls)
    ? Object.fromEntries(Object.entries(raw.sysctls).map(([k, v]) => [k, String(v ?? "")]))
    : undefined;
  const ulimits = mapUlimits(raw.ulimits, ctx);
  const extraHosts = mapExtraHosts(raw.extra_hosts, ctx);
  const securityOpt = mapSecurityOpt(raw.security_opt, ctx);
  const dns = strings(raw.dns);
  const dnsSearch = strings(raw.dns_search);
  const dnsOptions = strings(raw.dns_opt);
  const flag = (key: string) => (raw[key] === undefined || raw[key] === null ? undefined : isTrue(raw[key]));
  const init = flag("init");
  const has = (o: object | undefined): o is object => o !== undefined && Object.keys(o).length > 0;
  return {
    ...(typeof raw.stop_signal === "string" && { stopSignal: raw.stop_signal }),
    ...(typeof raw.hostname === "string" && raw.hostname !== "" && { hostname: raw.hostname }),
    ...(flag("stdin_open") && { stdinOpen: true }),
    ...(flag("tty") && { tty: true }),
    ...(has(sysctls) && { sysctls }),
    ...(has(ulimits) && { ulimits }),
    ...(dns && dns.length > 0 && { dns }),
    ...(dnsSearch && dnsSearch.length > 0 && { dnsSearch }),
    ...(dnsOptions && dnsOptions.length > 0 && { dnsOptions }),
    ...(has(extraHosts) && { extraHosts }),
    ...(init !== undefined && { init }),
    ...(securityOpt && { securityOpt }),
  };
}
