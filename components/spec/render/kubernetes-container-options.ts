import type {
  Container,
  EmptyDirVolumeSource,
  PodSecurityContext,
  PodSpec,
  SecurityContext,
} from "kubernetes-types/core/v1";
import { hostGateway } from "../normalize/runtime";
import type { NormalizedService, NormalizedVolume } from "../types";
import { formatMemory } from "../units";
import type { Refusals } from "./refusals";

/** Capabilities that let a process gain privileges, which `allowPrivilegeEscalation: false` contradicts. */
const escalatingCapabilities = new Set(["ALL", "SYS_ADMIN"]);
/** The most name servers a pod's `dnsConfig` takes. */
const maxNameservers = 3;

/** What a container gets from the service's process options, to merge into the rendered container. */
export interface KubernetesContainerOptions {
  stdin?: boolean;
  tty?: boolean;
  /** Merged over the container's security context (these win). */
  securityContext: Pick<SecurityContext, "seccompProfile" | "appArmorProfile" | "allowPrivilegeEscalation">;
  /** Extended resources, added to both limits and requests (Kubernetes requires them equal). */
  extendedResources: Record<string, string>;
}

/**
 * The container's share of the service's process options: `stdinOpen` -> `stdin`, `tty` -> `tty`,
 * `securityOpt` -> seccomp and AppArmor profiles and `allowPrivilegeEscalation: false`, and generic
 * resources whose kind is a Kubernetes extended resource name (`nvidia.com/gpu`). Refuses a custom
 * seccomp profile, no-new-privileges beside a capability that escalates, and other resource kinds.
 */
export function containerOptions(n: NormalizedService, refusals: Refusals): KubernetesContainerOptions {
  const { noNewPrivileges, seccomp, appArmor } = n.securityOpt;
  const securityContext: KubernetesContainerOptions["securityContext"] = {
    seccompProfile: { type: seccomp === "unconfined" ? "Unconfined" : "RuntimeDefault" },
    ...(appArmor === "unconfined" && { appArmorProfile: { type: "Unconfined" } }),
    ...(noNewPrivileges && { allowPrivilegeEscalation: false }),
  };
  if (typeof seccomp === "object") {
    refusals.refuse(
      "securityOpt.seccomp",
      'Kubernetes loads custom profiles from files on each node: install it there and use a Localhost profile, or use "default"',
    );
  }
  const escalating = n.capAdd.find((c) => escalatingCapabilities.has(c));
  if (noNewPrivileges && escalating !== undefined) {
    refusals.refuse(
      "securityOpt.noNewPrivileges",
      `Kubernetes refuses it beside capAdd ${escalating}, which grants privileges; remove one of them`,
    );
  }
  const extendedResources: Record<string, string> = {};
  for (const [kind, count] of Object.entries(n.resources.reservations.genericResources)) {
    if (kind.includes("/")) extendedResources[kind] = String(count);
    else {
      refusals.refuse(
        `resources.reservations.genericResources.${kind}`,
        'Kubernetes reserves extended resources by their full name, such as "nvidia.com/gpu"',
      );
    }
  }
  return {
    ...(n.stdinOpen && { stdin: true }),
    ...(n.tty && { tty: true }),
    securityContext,
    extendedResources,
  };
}

/** `Container.resources` with the extended resources added to limits and requests. */
export function withExtendedResources(
  resources: Container["resources"],
  extended: Record<string, string>,
): Container["resources"] {
  if (Object.keys(extended).length === 0) return resources;
  return {
    ...resources,
    limits: { ...resources?.limits, ...extended },
    requests: { ...resources?.requests, ...extended },
  };
}

/** What a pod gets from the service's name-resolution and kernel options. */
export type KubernetesPodOptions = Pick<PodSpec, "hostname" | "dnsPolicy" | "dnsConfig" | "hostAliases"> & {
  securityContext?: Pick<PodSecurityContext, "sysctls">;
};

function refuseUnsupported(n: NormalizedService, refusals: Refusals): void {
  if (n.stopSignal !== undefined) {
    refusals.refuse(
      "stopSignal",
      "Kubernetes stops containers with the image's STOPSIGNAL; set it in the image",
    );
  }
  if (Object.keys(n.ulimits).length > 0)
    refusals.refuse("ulimits", "Kubernetes takes resource limits from the node's container runtime");
  if (n.init === true) {
    refusals.refuse(
      "init",
      "Kubernetes runs no init process in a container; add one (tini, dumb-init) to the image",
    );
  }
  if (n.resources.pids !== undefined)
    refusals.refuse("resources.pids", "Kubernetes limits processes per pod in the kubelet's configuration");
  if (n.healthCheck?.startInterval !== undefined) {
    refusals.refuse(
      "healthCheck.startInterval",
      "Kubernetes probes at one period throughout; remove startInterval (startPeriod becomes a startup probe)",
    );
  }
  for (const kind of ["secrets", "configs"] as const) {
    n[kind].forEach((f, i) => {
      for (const owner of ["uid", "gid"] as const) {
        if (f[owner] !== "0") {
          refusals.refuse(
            `${kind}[${i}].${owner}`,
            "Kubernetes mounts secret and config files owned by root; make them readable with mode instead",
          );
        }
      }
    });
  }
  for (const [network, aliases] of Object.entries(n.networkAliases)) {
    if (aliases.length === 0) continue;
    refusals.refuse(
      `networks[${n.networks.indexOf(network)}].aliases`,
      "other pods reach the service by its Service name; add a Service for each extra name",
    );
  }
  n.volumes.forEach((v, i) => {
    if (v.tmpfs?.mode !== undefined)
      refusals.refuse(`volumes[${i}].tmpfs.mode`, "an emptyDir has no mode; remove tmpfs.mode");
  });
}

function hostname(n: NormalizedService, refusals: Refusals): string | undefined {
  if (n.hostname === undefined) return undefined;
  if (n.hostname.includes("{{")) {
    refusals.refuse("hostname", "templates are Swarm's; give a plain host name");
    return undefined;
  }
  if (n.hostname.includes(".") || n.hostname.length > 63 || n.hostname !== n.hostname.toLowerCase()) {
    refusals.refuse(
      "hostname",
      "a pod's host name is one lowercase DNS label; a domain needs a headless Service (subdomain)",
    );
    return undefined;
  }
  return n.hostname;
}

function dns(n: NormalizedService, refusals: Refusals): Pick<PodSpec, "dnsPolicy" | "dnsConfig"> {
  if (n.dns.length > maxNameservers)
    refusals.refuse("dns", `a pod takes at most ${maxNameservers} name servers`);
  const options = n.dnsOptions.map((option) => {
    const [name, value] = option.split(/:(.*)/s);
    return { name, ...(value !== undefined && { value }) };
  });
  const config = {
    ...(n.dns.length > 0 && { nameservers: n.dns }),
    ...(n.dnsSearch.length > 0 && { searches: n.dnsSearch }),
    ...(options.length > 0 && { options }),
  };
  if (Object.keys(config).length === 0) return {};
  // Name servers replace the cluster's DNS, as --dns replaces the engine's resolver configuration.
  return { ...(n.dns.length > 0 && { dnsPolicy: "None" }), dnsConfig: config };
}

function hostAliases(n: NormalizedService, refusals: Refusals): PodSpec["hostAliases"] {
  const byIp = new Map<string, string[]>();
  for (const [host, ip] of Object.entries(n.extraHosts)) {
    if (ip === hostGateway) {
      refusals.refuse(
        `extraHosts.${host}`,
        `"${hostGateway}" is Docker's; give the node's address or reach the host through a Service`,
      );
      continue;
    }
    byIp.set(ip, [...(byIp.get(ip) ?? []), host]);
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}

/**
 * The pod's share of the service's options: `hostname`, `dns`/`dnsSearch`/`dnsOptions` -> `dnsConfig`
 * (name servers set `dnsPolicy: None`: the pod then resolves only through them, so other services'
 * names resolve only if those servers know them), `extraHosts` -> `hostAliases`, `sysctls` ->
 * `securityContext.sysctls`. Records a refusal for every option Kubernetes has no place for:
 * `stopSignal`, `ulimits`, `init`, `resources.pids`, `healthCheck.startInterval`, file `uid`/`gid`,
 * network aliases and tmpfs `mode`.
 */
export function podOptions(n: NormalizedService, refusals: Refusals): KubernetesPodOptions {
  refuseUnsupported(n, refusals);
  const name = hostname(n, refusals);
  const aliases = hostAliases(n, refusals);
  const sysctls = Object.entries(n.sysctls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sysctl, value]) => ({ name: sysctl, value }));
  return {
    ...(name !== undefined && { hostname: name }),
    ...dns(n, refusals),
    ...(aliases && aliases.length > 0 && { hostAliases: aliases }),
    ...(sysctls.length > 0 && { securityContext: { sysctls } }),
  };
}

/**
 * The `emptyDir` behind a tmpfs mount (in memory, with the tmpfs size as its limit) or an anonymous
 * volume (a fresh directory for each pod); undefined for named volumes and binds.
 */
export function emptyDirFor(v: NormalizedVolume): EmptyDirVolumeSource | undefined {
  if (v.type === "tmpfs") {
    return {
      medium: "Memory",
      ...(v.tmpfs?.size !== undefined && { sizeLimit: formatMemory(v.tmpfs.size) }),
    };
  }
  if (v.type === "volume" && v.source === undefined) return {};
  return undefined;
}
