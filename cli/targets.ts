import { UsageError } from "./io";
import { renderEcs } from "../components/spec/render/ecs";
import type { EcsRendering } from "../components/spec/render/ecs-types";
import { type KubernetesObject, renderKubernetes } from "../components/spec/render/kubernetes";
import { renderSwarm } from "../components/spec/render/swarm";
import type { SwarmServiceSpec } from "../components/spec/render/swarm-types";
import type { NormalizedService } from "../components/spec/types";

/** The targets Berth deploys to. */
export const targets = ["swarm", "kubernetes", "ecs"] as const;
export type Target = (typeof targets)[number];

/** A service rendered for one target. */
export type Rendered =
  | { target: "swarm"; spec: SwarmServiceSpec }
  | { target: "kubernetes"; objects: KubernetesObject[] }
  | { target: "ecs"; ecs: EcsRendering };

/** Renders with the target's renderer; throws its `SpecError` when the target refuses a field. */
export function renderFor(target: Target, n: NormalizedService, options: { partOf?: string } = {}): Rendered {
  switch (target) {
    case "swarm":
      return { target, spec: renderSwarm(n) };
    case "kubernetes":
      return { target, objects: renderKubernetes(n, options) };
    case "ecs":
      return { target, ecs: renderEcs(n) };
  }
}

/** Asked for a target Berth does not deploy to: the answer, and for Marathon, where to go instead. */
export function unknownTarget(name: string): string {
  if (/^(marathon|mesos|dcos|dc\/os)$/i.test(name)) return marathonRetired;
  return `unknown target "${name}": use ${targets.join(", ")}`;
}

export const marathonRetired = [
  "Mesos/Marathon is not a target: it is retired. Apache Mesos moved to the Apache Attic, Marathon's",
  "last release was 1.10.26 (July 2020) and its repository is archived, and DC/OS support ended in",
  "October 2021. Move the apps to Swarm, Kubernetes or ECS: `berth convert marathon APP.json` turns",
  "Marathon app definitions into a Compose file (or Berth service descriptions), then",
  "`berth check compose.yaml --target <swarm|kubernetes|ecs>`. See docs/targets.md.",
].join("\n");

/** The `--target` option's value as a target; a Marathon (or unknown) target is a usage error that says why. */
export function readTarget(value: unknown, required = true): Target | undefined {
  if (value === undefined) {
    if (!required) return undefined;
    throw new UsageError(`--target is required: ${targets.join(", ")}`);
  }
  const name = String(value);
  if ((targets as readonly string[]).includes(name)) return name as Target;
  throw new UsageError(unknownTarget(name));
}
