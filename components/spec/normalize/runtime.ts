import { isIP } from "node:net";
import type { IssueCollector } from "../errors";
import type { NormalizedSecurityOpt, SecurityOptInput, UlimitInput } from "../types";
import { defaults } from "../defaults";
import { closestName } from "../suggest";
import { maxExactInteger } from "../units";

// prettier-ignore
const signalNames = [
  "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
  "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
  "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS",
];
const realtimeSignal = /^RTM(IN(\+\d+)?|AX(-\d+)?)$/;
/** The resource names Docker's `--ulimit` takes (setrlimit(2)); ECS takes the same. */
// prettier-ignore
export const ulimitNames = [
  "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
  "rtprio", "rttime", "sigpending", "stack",
] as const;
export type UlimitName = (typeof ulimitNames)[number];
const dnsLabel = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const hostnamePattern = new RegExp(`^${dnsLabel}(\\.${dnsLabel})*$`);
/** Swarm expands Go templates in a host name (`{{.Task.Slot}}`); checked with each one as a label. */
const template = /\{\{[^{}]*\}\}/g;
const sysctlPattern = /^[a-z][a-z0-9_]*(\.[a-zA-Z0-9_/-]+)+$/;
const dnsOptionPattern = /^[a-z][a-z0-9_-]*(:\S+)?$/;

/** A signal name with or without `SIG`, in any case, or a number 1-64, as Docker reads it. */
export function checkStopSignal(signal: string, issues: IssueCollector): void {
  const upper = signal.toUpperCase().replace(/^SIG/, "");
  if (/^\d+$/.test(signal)) {
    if (Number(signal) < 1 || Number(signal) > 64) issues.add("stopSignal", "a signal number is 1-64");
  } else if (!signalNames.includes(upper) && !realtimeSignal.test(upper)) {
    const hint = closestName(upper, signalNames);
    issues.add(
      "stopSignal",
      `${JSON.stringify(signal)} is not a signal${hint ? `; did you mean "SIG${hint}"?` : ""}`,
    );
  }
}

export function isHostname(name: string): boolean {
  return name.length <= 253 && hostnamePattern.test(name);
}

export function checkHostname(hostname: string, issues: IssueCollector): void {
  if (!isHostname(hostname.replace(template, "x"))) {
    issues.add(
      "hostname",
      `${JSON.stringify(hostname)} is not a host name: dot-separated labels of letters, digits and "-"`,
    );
  }
}

export function checkSysctls(sysctls: Record<string, string>, issues: IssueCollector): void {
  for (const [name, value] of Object.entries(sysctls)) {
    if (!sysctlPattern.test(name))
      issues.add(`sysctls.${name}`, "is not a kernel parameter name, such as net.core.somaxconn");
    else if (value.trim() === "") issues.add(`sysctls.${name}`, "needs a value");
  }
}

export function normalizeUlimits(
  ulimits: Record<string, UlimitInput>,
  issues: IssueCollector,
): Record<string, { soft: number; hard: number }> {
  const out: Record<string, { soft: number; hard: number }> = {};
  for (const [name, value] of Object.entries(ulimits)) {
    const at = `ulimits.${name}`;
    if (!(ulimitNames as readonly string[]).includes(name)) {
      const hint = closestName(name, ulimitNames);
      issues.add(at, `is not a resource limit${hint ? `; did you mean "${hint}"?` : ""}`);
      continue;
    }
    const limits = typeof value === "number" ? { soft: value, hard: value } : value;
    if (typeof limits !== "object" || Object.keys(limits).some((k) => k !== "soft" && k !== "hard")) {
      issues.add(at, "must be a number or { soft, hard }");
      continue;
    }
    const { soft, hard } = limits;
    if (![soft, hard].every((n) => Number.isInteger(n) && n >= -1 && n <= maxExactInteger)) {
      issues.add(at, `soft and hard are integers up to ${maxExactInteger}, -1 meaning unlimited`);
      continue;
    }
    const above = (a: number, b: number) => b !== -1 && (a === -1 || a > b);
    if (above(soft, hard)) issues.add(`${at}.soft`, `must not exceed the hard limit (${hard})`);
    out[name] = { soft, hard };
  }
  return out;
}

export function checkDns(
  dns: string[],
  dnsSearch: string[],
  dnsOptions: string[],
  issues: IssueCollector,
): void {
  dns.forEach((ip, i) => {
    if (isIP(ip) === 0) issues.add(`dns[${i}]`, `${JSON.stringify(ip)} is not an IP address`);
  });
  dnsSearch.forEach((domain, i) => {
    if (!isHostname(domain)) issues.add(`dnsSearch[${i}]`, `${JSON.stringify(domain)} is not a domain name`);
  });
  dnsOptions.forEach((option, i) => {
    if (!dnsOptionPattern.test(option)) {
      issues.add(
        `dnsOptions[${i}]`,
        `${JSON.stringify(option)} is not a resolver option such as "ndots:2" or "rotate"`,
      );
    }
  });
}

/** Docker's special address: the IP of the node's gateway (Swarm and plain Docker only). */
export const hostGateway = "host-gateway";

export function checkExtraHosts(hosts: Record<string, string>, issues: IssueCollector): void {
  for (const [host, ip] of Object.entries(hosts)) {
    if (!isHostname(host)) issues.add(`extraHosts.${host}`, "is not a host name");
    else if (ip !== hostGateway && isIP(ip) === 0)
      issues.add(`extraHosts.${host}`, `${JSON.stringify(ip)} is not an IP address (or "${hostGateway}")`);
  }
}

export function normalizeSecurityOpt(input: SecurityOptInput, issues: IssueCollector): NormalizedSecurityOpt {
  const d = defaults.securityOpt;
  const seccomp: unknown = input.seccomp ?? d.seccomp;
  let checked: NormalizedSecurityOpt["seccomp"] = d.seccomp;
  if (seccomp === "default" || seccomp === "unconfined") checked = seccomp;
  else if (typeof seccomp === "string") {
    issues.add("securityOpt.seccomp", `must be "default", "unconfined" or { profile }, not "${seccomp}"`);
  } else {
    const profile = (seccomp as { profile?: unknown }).profile;
    const keys = Object.keys(seccomp as object);
    if (typeof profile !== "string" || keys.some((k) => k !== "profile")) {
      issues.add("securityOpt.seccomp", "a custom profile is { profile: <the profile's JSON text> }");
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(profile);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        issues.add("securityOpt.seccomp.profile", "must be a seccomp profile: a JSON object");
      } else checked = { profile };
    }
  }
  return {
    noNewPrivileges: input.noNewPrivileges ?? d.noNewPrivileges,
    seccomp: checked,
    appArmor: input.appArmor ?? d.appArmor,
  };
}
