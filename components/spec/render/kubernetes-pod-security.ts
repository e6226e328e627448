/**
 * Pod Security Standards' `restricted` level, as the namespaces of a tenant enforce it: what Berth adds
 * to a container so that its pods are admitted, and the fields of a service that no pod of that level
 * may have.
 */
import type { SecurityContext } from "kubernetes-types/core/v1";
import type { NormalizedService } from "../types";
import type { Refusals } from "./refusals";

/** A Pod Security Standards level a service's pods must meet. */
export type PodSecurityLevel = "restricted";

/** The version of the Pod Security Standards whose rules Berth checks services against. */
export const podSecurityVersion = "v1.30";

/**
 * The sysctls the baseline level (and so `restricted`) admits at {@link podSecurityVersion}: those
 * namespaced to the pod, which cannot reach the node or other pods.
 */
export const podSecuritySafeSysctls: readonly string[] = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];

/** The only capability `restricted` lets a container add back. */
const addableCapability = "NET_BIND_SERVICE";

const level = "Pod Security restricted";

function forbidUnfit(n: NormalizedService, refusals: Refusals): void {
  const uid = n.user?.split(":")[0];
  if (uid !== undefined && /^\d+$/.test(uid) && Number(uid) === 0)
    refusals.forbid("user", `runs as root, which ${level} forbids; give a numeric user other than 0`);
  n.capAdd.forEach((capability, i) => {
    if (capability !== addableCapability)
      refusals.forbid(
        `capAdd[${i}]`,
        `${capability} cannot be added under ${level}, which drops every capability and lets only ${addableCapability} back`,
      );
  });
  n.volumes.forEach((v, i) => {
    if (v.type === "bind")
      refusals.forbid(
        `volumes[${i}]`,
        `a bind mount is a hostPath volume, which ${level} forbids; use a named volume (a PersistentVolumeClaim) or a tmpfs`,
      );
  });
  n.ports.forEach((p, i) => {
    if (p.public && p.publishMode === "host")
      refusals.forbid(
        `ports[${i}].publishMode`,
        `"host" takes a port of the node, which ${level} forbids; publish through a load balancer ("ingress")`,
      );
  });
  if (n.securityOpt.seccomp === "unconfined")
    refusals.forbid("securityOpt.seccomp", `"unconfined" is forbidden by ${level}; use "default"`);
  if (n.securityOpt.appArmor === "unconfined")
    refusals.forbid("securityOpt.appArmor", `"unconfined" is forbidden by ${level}; use "default"`);
  for (const sysctl of Object.keys(n.sysctls)) {
    if (!podSecuritySafeSysctls.includes(sysctl))
      refusals.forbid(
        `sysctls.${sysctl}`,
        `is not one of the sysctls ${level} admits (${podSecuritySafeSysctls.join(", ")})`,
      );
  }
}

/**
 * What a container needs besides Berth's secure defaults to be admitted at `restricted`: it must run as
 * a non-root user (the image's user when the service names none: the kubelet refuses to start an image
 * whose user is root, or a name it cannot check) and drop every capability (adding back only
 * `NET_BIND_SERVICE` when the service asks for it). Records, as errors that `ignoreUnsupported` cannot
 * silence, every field no pod of that level may have: a root `user`, other `capAdd`, bind mounts
 * (hostPath), host-mode ports, unconfined seccomp or AppArmor, and sysctls outside the safe set.
 */
export function restrictedContainerSecurity(
  n: NormalizedService,
  refusals: Refusals,
): Pick<SecurityContext, "runAsNonRoot" | "allowPrivilegeEscalation" | "capabilities"> {
  forbidUnfit(n, refusals);
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: {
      ...(n.capAdd.includes(addableCapability) && { add: [addableCapability] }),
      drop: ["ALL"],
    },
  };
}
