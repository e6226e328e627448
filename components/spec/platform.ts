/**
 * CPU platforms a service may ask for, and how each target names them. Pure data: the spec, the
 * renderers and the cluster components (instance and machine types, node images) share these tables.
 */

/** The platforms Berth places services on: `os/architecture`, as Docker names them. */
export const platforms = ["linux/amd64", "linux/arm64"] as const;

/** A platform a service may ask for: `"linux/amd64"` (x86-64) or `"linux/arm64"` (64-bit Arm). */
export type Platform = (typeof platforms)[number];

/** A CPU architecture of cluster nodes, as Docker and Kubernetes name it. */
export type Architecture = "amd64" | "arm64";

/** The architectures of {@link platforms}. */
export const architectures: readonly Architecture[] = ["amd64", "arm64"];

/** `linux/arm64` -> `arm64`. */
export const architectureOf = (platform: Platform): Architecture =>
  platform.slice("linux/".length) as Architecture;

/** The architecture as Swarm reports a node's (`node.platform.arch`): the kernel's name. */
export const swarmArchitecture: Readonly<Record<Architecture, string>> = {
  amd64: "x86_64",
  arm64: "aarch64",
};

/** The value of the well-known node label `kubernetes.io/arch`. */
export const kubernetesArchitecture: Readonly<Record<Architecture, string>> = {
  amd64: "amd64",
  arm64: "arm64",
};

/** A task definition's `runtimePlatform.cpuArchitecture`. */
export const ecsCpuArchitecture: Readonly<Record<Architecture, "X86_64" | "ARM64">> = {
  amd64: "X86_64",
  arm64: "ARM64",
};

/** The EC2 container instance attribute `ecs.cpu-architecture`. */
export const ecsInstanceArchitecture: Readonly<Record<Architecture, string>> = {
  amd64: "x86_64",
  arm64: "arm64",
};

/** Every name a `node.platform.arch` constraint may use for an architecture. */
export const architectureAliases: Readonly<Record<Architecture, readonly string[]>> = {
  amd64: ["amd64", "x86_64", "x86-64"],
  arm64: ["arm64", "aarch64", "arm64/v8"],
};
