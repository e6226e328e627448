import type { Container, PodSpec, Probe, Volume, VolumeMount } from "kubernetes-types/core/v1";
import type { NormalizedHealthCheck, NormalizedService } from "../types";
import { formatCpu, formatMemory } from "../units";
import { type Refusals, secondsCeil } from "./refusals";

/** Labels that select a service's pods. */
export function selectorLabels(n: NormalizedService): Record<string, string> {
  return { "app.kubernetes.io/name": n.name };
}

export const secretEnvName = (n: NormalizedService): string => `${n.name}-env`;
/** Berth's Kubernetes secrets and config maps hold their content under this key. */
export const fileContentKey = "value";

function probeAction(hc: NormalizedHealthCheck): Pick<Probe, "exec" | "httpGet" | "tcpSocket"> {
  if (hc.http) return { httpGet: { path: hc.http.path, port: hc.http.port } };
  if (hc.tcp) return { tcpSocket: { port: hc.tcp.port } };
  const [kind, ...args] = hc.test;
  return { exec: { command: kind === "CMD-SHELL" ? ["sh", "-c", args[0]] : args } };
}

function probes(hc: NormalizedHealthCheck | undefined): Partial<Container> {
  if (!hc || hc.test[0] === "NONE") return {};
  const probe: Probe = {
    ...probeAction(hc),
    periodSeconds: Math.max(1, secondsCeil(hc.interval)),
    timeoutSeconds: Math.max(1, secondsCeil(hc.timeout)),
    failureThreshold: hc.retries,
  };
  return {
    readinessProbe: probe,
    livenessProbe: probe,
    // Docker's start period: failures do not count until the first success or the period ends.
    ...(hc.startPeriod > 0 && {
      startupProbe: {
        ...probe,
        failureThreshold: Math.max(1, Math.ceil(hc.startPeriod / Math.max(1000, hc.interval))) + hc.retries,
      },
    }),
  };
}

function resources(n: NormalizedService): Container["resources"] {
  const amounts = (cpu?: number, memory?: number) =>
    cpu === undefined && memory === undefined
      ? undefined
      : {
          ...(cpu !== undefined && { cpu: formatCpu(cpu) }),
          ...(memory !== undefined && { memory: formatMemory(memory) }),
        };
  const limits = amounts(n.resources.cpu, n.resources.memory);
  const requests = amounts(n.resources.reservations.cpu, n.resources.reservations.memory);
  return { ...(limits && { limits }), ...(requests && { requests }) };
}

function securityContext(n: NormalizedService, refusals: Refusals): Container["securityContext"] {
  const context: Container["securityContext"] = { readOnlyRootFilesystem: n.readOnlyRootFilesystem };
  if (n.capAdd.length > 0 || n.capDrop.length > 0) {
    context.capabilities = {
      ...(n.capAdd.length > 0 && { add: n.capAdd }),
      ...(n.capDrop.length > 0 && { drop: n.capDrop }),
    };
  }
  if (n.user !== undefined) {
    const [user, group] = n.user.split(":");
    if (!/^\d+$/.test(user) || (group !== undefined && !/^\d+$/.test(group))) {
      refusals.refuse("user", "Kubernetes takes numeric ids only: use uid or uid:gid");
    } else {
      context.runAsUser = Number(user);
      if (group !== undefined) context.runAsGroup = Number(group);
    }
  }
  return context;
}

function storage(n: NormalizedService): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  n.volumes.forEach((v, i) => {
    const name = `volume-${i}`;
    if (v.type === "volume") volumes.push({ name, persistentVolumeClaim: { claimName: v.source ?? "" } });
    else if (v.type === "bind") volumes.push({ name, hostPath: { path: v.source ?? "" } });
    else volumes.push({ name, emptyDir: { medium: "Memory" } });
    mounts.push({ name, mountPath: v.target, readOnly: v.readOnly });
  });
  n.secrets.forEach((s, i) => {
    const name = `secret-${i}`;
    volumes.push({ name, secret: { secretName: s.source, defaultMode: s.mode } });
    mounts.push({ name, mountPath: s.target, subPath: fileContentKey, readOnly: true });
  });
  n.configs.forEach((c, i) => {
    const name = `config-${i}`;
    volumes.push({ name, configMap: { name: c.source, defaultMode: c.mode } });
    mounts.push({ name, mountPath: c.target, subPath: fileContentKey, readOnly: true });
  });
  return { volumes, mounts };
}

function container(n: NormalizedService, refusals: Refusals, mounts: VolumeMount[]): Container {
  const env = [
    ...Object.entries(n.env).map(([name, value]) => ({ name, value })),
    ...Object.keys(n.secretEnv).map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: secretEnvName(n), key: name } },
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  return {
    name: n.name,
    image: n.image,
    ...(n.entrypoint && { command: n.entrypoint }),
    ...(n.command && { args: n.command }),
    ...(env.length > 0 && { env }),
    ...(n.workingDir !== undefined && { workingDir: n.workingDir }),
    ...(n.ports.length > 0 && {
      ports: n.ports.map((p) => ({
        containerPort: p.target,
        protocol: p.protocol === "udp" ? "UDP" : "TCP",
        ...(p.public && p.publishMode === "host" && { hostPort: p.published }),
      })),
    }),
    resources: resources(n),
    ...probes(n.healthCheck),
    securityContext: securityContext(n, refusals),
    ...(mounts.length > 0 && { volumeMounts: mounts }),
  };
}

const kubernetesNodeLabels: Record<string, string> = {
  "node.hostname": "kubernetes.io/hostname",
  "node.platform.os": "kubernetes.io/os",
  "node.platform.arch": "kubernetes.io/arch",
};
const archNames: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

function scheduling(
  n: NormalizedService,
  refusals: Refusals,
): Pick<PodSpec, "affinity" | "topologySpreadConstraints"> {
  const expressions: { key: string; operator: "In" | "NotIn"; values: string[] }[] = [];
  n.placement.constraints.forEach((c, i) => {
    let key: string | undefined = kubernetesNodeLabels[c.attribute];
    if (c.attribute.startsWith("node.labels.")) key = c.attribute.slice("node.labels.".length);
    if (key === undefined) {
      refusals.refuse(
        `placement.constraints[${i}]`,
        `${c.attribute} has no Kubernetes equivalent; constrain on node.labels.<name>, node.hostname, node.platform.os or node.platform.arch`,
      );
      return;
    }
    const value = c.attribute === "node.platform.arch" ? (archNames[c.value] ?? c.value) : c.value;
    expressions.push({ key, operator: c.operator === "==" ? "In" : "NotIn", values: [value] });
  });
  const result: Pick<PodSpec, "affinity" | "topologySpreadConstraints"> = {};
  if (expressions.length > 0) {
    result.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: expressions }],
        },
      },
    };
  }
  if (n.placement.maxPerNode === 1) {
    result.affinity = {
      ...result.affinity,
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: selectorLabels(n) }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    };
  } else if (n.placement.maxPerNode !== undefined) {
    refusals.refuse(
      "placement.maxPerNode",
      "Kubernetes can hold a service to one pod per node (maxPerNode: 1), not more",
    );
  }
  if (n.placement.spread) {
    result.topologySpreadConstraints = [
      {
        maxSkew: 1,
        topologyKey: n.placement.spread.slice("node.labels.".length),
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selectorLabels(n) },
      },
    ];
  }
  return result;
}

/** The pod spec of a service's workload: one container, its volumes, probes and scheduling rules. */
export function podSpec(n: NormalizedService, refusals: Refusals): PodSpec {
  const { volumes, mounts } = storage(n);
  const restartPolicy = n.mode !== "job" ? "Always" : n.restart.condition === "none" ? "Never" : "OnFailure";
  return {
    containers: [container(n, refusals, mounts)],
    ...(volumes.length > 0 && { volumes }),
    restartPolicy,
    terminationGracePeriodSeconds: secondsCeil(n.stopGracePeriod),
    ...scheduling(n, refusals),
  };
}
