import type * as pulumi from "@pulumi/pulumi";
import type { StackSupport } from "../stack-contract";
import type { FileMountInput, ServiceInput } from "../spec";
import { fileObjectData } from "./stack-objects";
import type { ComposeMapping, IgnoredComposeKey } from "./to-service-specs";
import type { ComposeIssue, ComposeProject } from "./types";

/** A secret or config file of a service: an existing object by name, or one created from `data`. */
export interface PlannedFile extends FileMountInput {
  data?: pulumi.Input<string>;
}

/** One Compose service as a workload: the portable fields and the files created with it. */
export interface PlannedWorkload {
  input: Omit<ServiceInput, "secrets" | "configs" | "networks"> & {
    secrets?: PlannedFile[];
    configs?: PlannedFile[];
  };
  /** The services it waits for, each with its condition met. */
  dependsOn: string[];
}

/** A key a workload plan leaves out: always a service's. */
export type IgnoredServiceKey = IgnoredComposeKey & { service: string };

export interface WorkloadPlan {
  workloads: Record<string, PlannedWorkload>;
  ignored: IgnoredServiceKey[];
  issues: ComposeIssue[];
}

export interface WorkloadPlanOptions {
  /** The target's name, for messages. */
  target: string;
  /** What a stack may hold on the cluster. */
  support: StackSupport;
  values?: Record<string, pulumi.Input<string>>;
  env: Record<string, string | undefined>;
}

/** The engine settings of a Compose network, which a cluster without Swarm's networks cannot apply. */
const networkSettingKeys = [
  "driver",
  "driver_opts",
  "ipam",
  "attachable",
  "labels",
  "enable_ipv6",
  "enable_ipv4",
] as const;

/**
 * The settings of a secret or config that a cluster creating it per service cannot apply: `labels`, and
 * a `name` other than the one the loader gives it (`<project>_<key>`). External objects are named by
 * `name` on purpose; `driver`, `driver_opts` and `template_driver` are refused by the stack.
 */
function fileObjectSettings(project: ComposeProject, kind: "secrets" | "configs", key: string): string[] {
  const declared = project[kind]?.[key];
  if (declared === undefined || declared.external) return [];
  return [
    ...(declared.name !== undefined && declared.name !== `${project.name}_${key}` ? ["name"] : []),
    ...(Object.keys(declared.labels ?? {}).length > 0 ? ["labels"] : []),
  ];
}

/**
 * Plans a Compose project's services as workloads of a cluster without Swarm's networks, as its
 * {@link StackSupport} says:
 *
 * - the project's networks become the cluster's one network (each service reaches the others by name);
 *   external networks, network aliases and `internal` networks are refused, and a project with several
 *   networks is reported as ignored (their isolation from each other cannot be kept);
 * - named volumes: where they are existing claims (Kubernetes), an external volume names its claim
 *   (`name`, else the volume's key) and others are refused; where they are volumes of the node
 *   (ECS on EC2), they go to the renderer by name; anonymous volumes and tmpfs are the renderer's;
 * - secrets and configs are created with each service that uses them, from `values`, `file`,
 *   `environment` or `content`; external ones name an existing object of the target by `name`, else key;
 * - `depends_on`: `service_healthy` needs a `healthcheck` on the dependency (the target's rollout wait
 *   then means healthy), `service_completed_successfully` a dependency that runs to completion
 *   (`deploy.mode: replicated-job`);
 * - where the support names services without ports (Kubernetes), such a service gets
 *   `endpointMode: "dnsrr"` (a headless Service), so that every service has a cluster DNS name; where
 *   it has no virtual IP (ECS), an explicit `deploy.endpoint_mode: vip` is reported as ignored;
 * - what a target cannot apply is reported as ignored, for each service concerned: network settings,
 *   secret and config `labels` and `name`, and the service's container `labels`.
 *
 * Pure: every problem of every service is returned at once, at its Compose path.
 */
export function planWorkloads(
  project: ComposeProject,
  mapping: ComposeMapping,
  options: WorkloadPlanOptions,
): WorkloadPlan {
  const { target, support } = options;
  const clusterNetwork = support.oneNetwork;
  const issues: ComposeIssue[] = [];
  const ignored: IgnoredServiceKey[] = [];
  const refuse = (path: string, message: string) => issues.push({ path, message });
  const fileData = new Map<string, pulumi.Input<string> | undefined>();
  const dataOf = (kind: "secret" | "config", key: string): pulumi.Input<string> | undefined => {
    const id = `${kind}s.${key}`;
    if (!fileData.has(id)) {
      const object = (kind === "secret" ? project.secrets : project.configs)?.[key] ?? {};
      try {
        fileData.set(id, fileObjectData(kind, key, object, options.values?.[key], options.env));
      } catch (err) {
        refuse(id, (err as Error).message);
        fileData.set(id, undefined);
      }
    }
    return fileData.get(id);
  };

  const usedNetworks = new Set<string>();
  const workloads: Record<string, PlannedWorkload> = {};
  for (const [name, input] of Object.entries(mapping.services)) {
    const compose = project.services[name];
    const at = `services.${name}`;
    for (const [network, attachment] of Object.entries(compose.networks ?? {})) {
      usedNetworks.add(network);
      if (project.networks?.[network]?.external) {
        refuse(
          `${at}.networks.${network}`,
          `the external network "${network}" cannot be joined on ${target}: ${clusterNetwork}; leave it out`,
        );
      }
      if ((attachment?.aliases ?? []).length > 0) {
        refuse(
          `${at}.networks.${network}.aliases`,
          `${target} has no network aliases: other services reach this one by its service name "${name}"`,
        );
      }
    }
    if (support.containerLabelsIgnored && Object.keys(mapping.containerLabels[name] ?? {}).length > 0) {
      ignored.push({ service: name, key: "labels", reason: support.containerLabelsIgnored });
    }
    if (support.virtualIpIgnored && compose.deploy?.endpoint_mode === "vip") {
      ignored.push({ service: name, key: "deploy.endpoint_mode", reason: support.virtualIpIgnored });
    }
    for (const kind of ["secrets", "configs"] as const) {
      (compose[kind] ?? []).forEach((ref, i) => {
        const settings = fileObjectSettings(project, kind, ref.source);
        if (settings.length === 0) return;
        ignored.push({
          service: name,
          key: `${kind}[${i}]`,
          reason: `${settings.join(", ")} of ${kind.slice(0, -1)} "${ref.source}" ${settings.length > 1 ? "have" : "has"} no effect on ${target}: it is created with each service that uses it, under a name of Berth's choosing and without the file's labels`,
        });
      });
    }

    const volumes = (input.volumes ?? []).map((v) => {
      if (v.type !== "volume" || v.source === undefined) return v;
      const index = (compose.volumes ?? []).findIndex(
        (m) => m.type === "volume" && m.source === v.source && m.target === v.target,
      );
      const path = `${at}.volumes[${index < 0 ? 0 : index}]`;
      const declared = project.volumes?.[v.source];
      const volumes = support.namedVolumes;
      if (volumes.kind === "node-volumes") return { ...v, source: declared?.name ?? v.source };
      if (declared?.external) return { ...v, source: declared.name ?? v.source };
      refuse(path, volumes.refusal(v.source));
      return v;
    });

    const files = (kind: "secret" | "config", mounts: FileMountInput[] | undefined) =>
      (mounts ?? []).map((m): PlannedFile => {
        const declared = (kind === "secret" ? project.secrets : project.configs)?.[m.source];
        if (declared?.external) {
          const target = m.target ?? (kind === "secret" ? `/run/secrets/${m.source}` : `/${m.source}`);
          return { ...m, source: declared.name ?? m.source, target };
        }
        return { ...m, data: dataOf(kind, m.source) };
      });

    const dependsOn: string[] = [];
    for (const [dependency, { condition }] of Object.entries(mapping.dependsOn[name] ?? {})) {
      const other = mapping.services[dependency];
      // A dependency that is not `required` may be left out of the project (profiles).
      if (other === undefined) continue;
      dependsOn.push(dependency);
      const path = `${at}.depends_on.${dependency}.condition`;
      const checked = other.healthCheck?.command;
      if (condition === "service_healthy" && (checked === undefined || checked[0] === "NONE")) {
        refuse(
          path,
          `service_healthy needs a healthcheck on "${dependency}": ${target} ignores the image's own HEALTHCHECK; add healthcheck.test to "${dependency}"`,
        );
      }
      if (condition === "service_completed_successfully" && other.mode !== "job") {
        refuse(
          path,
          `service_completed_successfully needs "${dependency}" to run to completion on ${target}: set its deploy.mode to replicated-job`,
        );
      }
    }

    const ports = input.ports ?? [];
    const { networks: _networks, ...portable } = input;
    workloads[name] = {
      input: {
        ...portable,
        ...(input.volumes && { volumes }),
        ...(input.secrets && { secrets: files("secret", input.secrets) }),
        ...(input.configs && { configs: files("config", input.configs) }),
        ...(support.namesPortlessServices && ports.length === 0 && { endpointMode: "dnsrr" as const }),
      },
      dependsOn,
    };
  }

  for (const network of usedNetworks) {
    const declared = project.networks?.[network];
    if (declared?.internal === true) {
      refuse(
        `networks.${network}.internal`,
        `${target} cannot cut a network off from the outside: ${clusterNetwork}; leave internal out`,
      );
    }
    const settings = networkSettingKeys.filter((key) => declared?.[key] !== undefined);
    if (declared?.external || settings.length === 0) continue;
    for (const service of Object.keys(mapping.services)) {
      if (!(network in (project.services[service].networks ?? {}))) continue;
      ignored.push({
        service,
        key: `networks.${network}`,
        reason: `${settings.join(", ")} of network "${network}" have no effect on ${target}: ${clusterNetwork}`,
      });
    }
  }
  const internalNetworks = [...usedNetworks].filter((n) => !project.networks?.[n]?.external);
  if (internalNetworks.length > 1) {
    for (const service of Object.keys(mapping.services)) {
      if (Object.keys(project.services[service].networks ?? {}).length === 0) continue;
      ignored.push({
        service,
        key: "networks",
        reason: `${clusterNetwork}: the networks ${internalNetworks.join(", ")} are one, and every service of the stack can reach every other`,
      });
    }
  }
  return { workloads, ignored, issues };
}
