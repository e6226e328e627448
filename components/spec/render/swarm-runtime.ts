import type { NormalizedService } from "../types";
import type { SwarmContainerSpec, SwarmPrivileges, SwarmServiceSpec } from "./swarm-types";

/** The security options that differ from the runtime's defaults; undefined when none do. */
function privileges(n: NormalizedService): SwarmPrivileges | undefined {
  const { noNewPrivileges, seccomp, appArmor } = n.securityOpt;
  const out: SwarmPrivileges = {
    ...(noNewPrivileges && { NoNewPrivileges: true }),
    ...(seccomp === "unconfined" && { Seccomp: { Mode: "unconfined" as const } }),
    ...(typeof seccomp === "object" && {
      Seccomp: { Mode: "custom" as const, Profile: Buffer.from(seccomp.profile).toString("base64") },
    }),
    ...(appArmor === "unconfined" && { AppArmor: { Mode: "disabled" as const } }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The container's process and name-resolution options: host name, `/etc/hosts` and resolver entries,
 * stop signal, terminal, init, kernel parameters, resource limits and privileges. Only what the
 * service sets, so a spec without them is what it was before they existed.
 */
export function containerRuntime(n: NormalizedService): Partial<SwarmContainerSpec> {
  const hosts = Object.entries(n.extraHosts).map(([host, ip]) => `${ip} ${host}`);
  const ulimits = Object.entries(n.ulimits)
    .map(([name, l]) => ({ Name: name, Soft: l.soft, Hard: l.hard }))
    .sort((a, b) => a.Name.localeCompare(b.Name));
  const dns = {
    ...(n.dns.length > 0 && { Nameservers: n.dns }),
    ...(n.dnsSearch.length > 0 && { Search: n.dnsSearch }),
    ...(n.dnsOptions.length > 0 && { Options: n.dnsOptions }),
  };
  const security = privileges(n);
  return {
    ...(n.hostname !== undefined && { Hostname: n.hostname }),
    ...(hosts.length > 0 && { Hosts: hosts }),
    ...(Object.keys(dns).length > 0 && { DNSConfig: dns }),
    ...(n.stopSignal !== undefined && { StopSignal: n.stopSignal }),
    ...(n.tty && { TTY: true }),
    ...(n.stdinOpen && { OpenStdin: true }),
    ...(n.init !== undefined && { Init: n.init }),
    ...(Object.keys(n.sysctls).length > 0 && { Sysctls: { ...n.sysctls } }),
    ...(ulimits.length > 0 && { Ulimits: ulimits }),
    ...(security && { Privileges: security }),
  };
}

type Resources = NonNullable<SwarmServiceSpec["TaskTemplate"]["Resources"]>;

/** `Limits.Pids` and `Reservations.GenericResources` (discrete), when the service sets them. */
export function resourceExtras(n: NormalizedService): {
  limits: NonNullable<Resources["Limits"]>;
  reservations: NonNullable<Resources["Reservations"]>;
} {
  const generic = Object.entries(n.resources.reservations.genericResources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, value]) => ({ DiscreteResourceSpec: { Kind: kind, Value: value } }));
  return {
    limits: { ...(n.resources.pids !== undefined && { Pids: n.resources.pids }) },
    reservations: { ...(generic.length > 0 && { GenericResources: generic }) },
  };
}
