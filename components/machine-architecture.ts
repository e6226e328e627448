/**
 * The CPU architecture an AWS instance type or a Google Cloud machine type implies, where its family
 * says it, and the check of a type against an architecture a component was given. Pure.
 */
import type { Architecture } from "./spec/platform";

/** `"amd64"` or `"arm64"`: the architectures a component's `architecture` field takes. */
export const machineArchitectures: readonly Architecture[] = ["amd64", "arm64"];

/**
 * AWS: Graviton families carry a `g` after the generation digit (`t4g`, `m6g`, `m7gd`, `c7gn`, `r8g`,
 * `x2gd`, `im4gn`, `is4gen`, `hpc7g`), and `a1` is the first Graviton; every other family is x86-64.
 * `undefined` when the text is not an instance type.
 */
export function awsInstanceArchitecture(instanceType: string): Architecture | undefined {
  const family = /^([a-z][a-z0-9-]*)\.[a-z0-9-]+$/.exec(instanceType)?.[1];
  // Mac instances run macOS, never a swarm node or ECS capacity: nothing to say.
  if (family === undefined || family.startsWith("mac")) return undefined;
  return family === "a1" || /^[a-z]+\d+g[a-z]*$/.test(family) ? "arm64" : "amd64";
}

/**
 * Google Cloud: `t2a` (Ampere Altra) and `c4a` (Axion) are Arm; every other series is x86-64. Custom
 * types name their series first (`n2-custom-4-8192`). `undefined` when the text is not a machine type.
 */
export function gcpMachineArchitecture(machineType: string): Architecture | undefined {
  const series = /^([a-z][a-z0-9]*)-[a-z0-9-]+$/.exec(machineType)?.[1];
  if (series === undefined) return undefined;
  return series === "t2a" || series === "c4a" ? "arm64" : "amd64";
}

/**
 * The problem with `type` (at `path`) for `architecture`, if its family says another one; nothing when
 * it agrees or when the family says nothing.
 */
export function machineTypeMismatch(
  type: unknown,
  architecture: Architecture,
  path: string,
  architecturePath: string,
  classify: (type: string) => Architecture | undefined,
): { path: string; message: string } | undefined {
  if (typeof type !== "string") return undefined;
  const implied = classify(type);
  if (implied === undefined || implied === architecture) return undefined;
  return {
    path,
    message: `"${type}" is an ${implied} type, but ${architecturePath} is "${architecture}": choose an ${architecture} type (${architecture === "arm64" ? "AWS: a Graviton family such as t4g, m7g, c7g, r7g; Google Cloud: t2a or c4a" : "AWS: m7i, c7i, t3...; Google Cloud: e2, n2, c3..."}) or set ${architecturePath} to "${implied}"`,
  };
}
