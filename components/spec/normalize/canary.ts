import type { IssueCollector } from "../errors";
import type { CanaryInput, NormalizedCanary, NormalizedService } from "../types";
import { defaults } from "../defaults";

/**
 * Validates `update.canary` and resolves its size to replicas: `percent` of the service's `replicas`,
 * rounded up, at least 1. Shapes and ranges are already checked by the schema.
 */
export function normalizeCanary(
  input: CanaryInput | undefined,
  mode: NormalizedService["mode"],
  serviceReplicas: number,
  issues: IssueCollector,
): NormalizedCanary | undefined {
  if (input === undefined) return undefined;
  if (mode !== "replicated") {
    issues.add("update.canary", `only replicated services run a canary, not mode "${mode}"`);
    return undefined;
  }
  const { replicas, percent } = input;
  if ((replicas === undefined) === (percent === undefined)) {
    issues.add(
      "update.canary",
      replicas === undefined
        ? "needs its size: give replicas (a count) or percent (of the service's replicas)"
        : "give either replicas or percent, not both",
    );
    return undefined;
  }
  if (serviceReplicas === 0) {
    issues.add("update.canary", "a service with 0 replicas has no traffic to share with a canary");
    return undefined;
  }
  if (replicas !== undefined && replicas > serviceReplicas) {
    issues.add(
      "update.canary.replicas",
      `must be at most the service's replicas (${serviceReplicas}): a canary is a slice of the service`,
    );
  }
  return {
    replicas: replicas ?? Math.max(1, Math.ceil((serviceReplicas * (percent ?? 0)) / 100)),
    pause: input.pause ?? defaults.canary.pause,
    promote: input.promote ?? defaults.canary.promote,
  };
}
