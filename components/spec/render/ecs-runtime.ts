import type { UlimitName } from "../normalize/runtime";
import type { NormalizedService } from "../types";
import type { EcsContainerDefinition } from "./ecs-types";
import type { Refusals } from "./refusals";

type RuntimeFields = Pick<
  EcsContainerDefinition,
  | "interactive"
  | "pseudoTerminal"
  | "systemControls"
  | "ulimits"
  | "dockerSecurityOptions"
  | "resourceRequirements"
>;

const awsvpc = "ECS tasks use awsvpc networking";

/** Fields that awsvpc networking (every Berth task) or ECS itself has no place for. */
function refuseUnsupported(n: NormalizedService, refusals: Refusals): void {
  if (n.hostname !== undefined)
    refusals.refuse("hostname", `${awsvpc}, which sets the host name itself; remove hostname`);
  const resolver = "set DNS through the VPC's DHCP options or a Route 53 private hosted zone";
  if (n.dns.length > 0) refusals.refuse("dns", `${awsvpc}, which resolve through the VPC; ${resolver}`);
  if (n.dnsSearch.length > 0) refusals.refuse("dnsSearch", `${awsvpc}; ${resolver}`);
  if (n.dnsOptions.length > 0) refusals.refuse("dnsOptions", `ECS has no resolver options; ${resolver}`);
  if (Object.keys(n.extraHosts).length > 0) {
    refusals.refuse(
      "extraHosts",
      `${awsvpc}, which take no /etc/hosts entries; use a Route 53 private hosted zone`,
    );
  }
  if (n.stopSignal !== undefined)
    refusals.refuse("stopSignal", "ECS stops containers with the image's STOPSIGNAL; set it in the image");
  if (n.resources.pids !== undefined)
    refusals.refuse("resources.pids", "ECS task definitions have no process limit");
  if (n.healthCheck?.startInterval !== undefined) {
    refusals.refuse(
      "healthCheck.startInterval",
      "ECS checks at one interval throughout; remove startInterval (startPeriod still applies)",
    );
  }
  if (typeof n.securityOpt.seccomp === "object" || n.securityOpt.seccomp === "unconfined") {
    refusals.refuse("securityOpt.seccomp", "ECS runs containers with Docker's default seccomp profile");
  }
}

/** `no-new-privileges` and AppArmor as Docker security options, which only EC2 capacity takes. */
function securityOptions(n: NormalizedService, fargate: boolean, refusals: Refusals): string[] {
  const options = [
    ...(n.securityOpt.noNewPrivileges ? ["no-new-privileges"] : []),
    ...(n.securityOpt.appArmor === "unconfined" ? ["apparmor:unconfined"] : []),
  ];
  if (options.length > 0 && fargate) {
    const field = n.securityOpt.noNewPrivileges ? "securityOpt.noNewPrivileges" : "securityOpt.appArmor";
    refusals.refuse(field, 'Fargate takes no Docker security options; use launchType "EC2"');
    return [];
  }
  return options;
}

/** GPUs (a generic resource whose kind names a GPU) on EC2; any other kind has no ECS equivalent. */
function gpus(n: NormalizedService, fargate: boolean, refusals: Refusals) {
  const out: NonNullable<EcsContainerDefinition["resourceRequirements"]> = [];
  for (const [kind, count] of Object.entries(n.resources.reservations.genericResources)) {
    const at = `resources.reservations.genericResources.${kind}`;
    if (!/gpu/i.test(kind)) refusals.refuse(at, "ECS reserves only GPUs; name the kind gpu");
    else if (fargate) refusals.refuse(at, 'Fargate has no GPUs; use launchType "EC2" with GPU instances');
    else out.push({ type: "GPU", value: String(count) });
  }
  return out;
}

/**
 * The container's process options ECS honours: interactive, pseudo-terminal, kernel parameters,
 * resource limits, Docker security options and GPUs. The rest is refused.
 */
export function ecsRuntime(n: NormalizedService, fargate: boolean, refusals: Refusals): RuntimeFields {
  refuseUnsupported(n, refusals);
  const systemControls = Object.entries(n.sysctls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, value]) => ({ namespace, value }));
  const ulimits = Object.entries(n.ulimits)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, l]) => ({ name: name as UlimitName, softLimit: l.soft, hardLimit: l.hard }));
  const security = securityOptions(n, fargate, refusals);
  const gpu = gpus(n, fargate, refusals);
  return {
    ...(n.stdinOpen && { interactive: true }),
    ...(n.tty && { pseudoTerminal: true }),
    ...(systemControls.length > 0 && { systemControls }),
    ...(ulimits.length > 0 && { ulimits }),
    ...(security.length > 0 && { dockerSecurityOptions: security }),
    ...(gpu.length > 0 && { resourceRequirements: gpu }),
  };
}

/** A tmpfs mount as `linuxParameters.tmpfs` (EC2 only; ECS needs its size). */
export function ecsTmpfs(
  n: NormalizedService,
  fargate: boolean,
  refusals: Refusals,
): NonNullable<NonNullable<EcsContainerDefinition["linuxParameters"]>["tmpfs"]> {
  const out: NonNullable<NonNullable<EcsContainerDefinition["linuxParameters"]>["tmpfs"]> = [];
  n.volumes.forEach((v, i) => {
    if (v.type !== "tmpfs") return;
    if (fargate) {
      refusals.refuse(`volumes[${i}]`, 'Fargate has no tmpfs mounts; use launchType "EC2"');
    } else if (v.tmpfs?.size === undefined) {
      refusals.refuse(`volumes[${i}].tmpfs.size`, "ECS tmpfs mounts need a size; set tmpfs.size");
    } else {
      const options = [
        ...(v.readOnly ? ["ro"] : []),
        ...(v.tmpfs.mode !== undefined ? [`mode=${v.tmpfs.mode.toString(8).padStart(4, "0")}`] : []),
      ];
      out.push({
        containerPath: v.target,
        size: Math.ceil(v.tmpfs.size / 2 ** 20),
        ...(options.length > 0 && { mountOptions: options }),
      });
    }
  });
  return out;
}
