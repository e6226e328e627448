import * as pulumi from "@pulumi/pulumi";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { dynamicProvider } from "../reference";
import { canonicalJsonWithoutNulls } from "../shared/same-value";
import { containsUnknown, isUnknown } from "../shared/unknowns";

/** How a canary behaves; the normalized `update.canary` of the portable spec. */
export interface ReleaseSettings {
  /** Replicas of the canary while one runs. */
  replicas: number;
  /** Hold a running canary across deployments until `promote` is set. */
  pause: boolean;
  /** Promote the desired template at once, without a canary stage. */
  promote: boolean;
}

/** Which pod template each of a service's two Deployments runs. */
export interface ReleaseState {
  /** The template the main Deployment runs. */
  stable: PodTemplateSpec;
  /** The template the canary Deployment runs, or null when no canary runs. */
  candidate: PodTemplateSpec | null;
}

export interface ReleaseInputs {
  /** The pod template the program describes now. */
  desired: PodTemplateSpec;
  canary: ReleaseSettings;
}

export type ReleaseOutputs = ReleaseInputs & ReleaseState;

/**
 * Equal as JSON, whatever the order of keys (the engine may reorder them); an absent key, `undefined`
 * and `null` are the same.
 */
export function sameTemplate(a: unknown, b: unknown): boolean {
  return canonicalJsonWithoutNulls(a) === canonicalJsonWithoutNulls(b);
}

/**
 * The release after a deployment of `desired`, given the release before it:
 * - `desired` is the stable template (nothing new, or a canary rolled back): no canary;
 * - `promote`: `desired` becomes stable at once;
 * - `desired` is the running canary (a deployment after the one that started it): it is promoted,
 *   unless `pause` holds it;
 * - otherwise `desired` is new: it runs as the canary (replacing any older one), stable unchanged.
 */
export function nextRelease(
  previous: Partial<ReleaseState>,
  desired: PodTemplateSpec,
  settings: ReleaseSettings,
): ReleaseState {
  const stable = previous.stable;
  if (stable === undefined || stable === null || settings.promote)
    return { stable: desired, candidate: null };
  if (sameTemplate(desired, stable)) return { stable, candidate: null };
  if (previous.candidate && sameTemplate(desired, previous.candidate)) {
    return settings.pause ? { stable, candidate: previous.candidate } : { stable: desired, candidate: null };
  }
  return { stable, candidate: desired };
}

function settingsProblems(canary: unknown): { property: string; reason: string }[] {
  if (isUnknown(canary)) return [];
  if (!canary || typeof canary !== "object") return [{ property: "canary", reason: "must be an object" }];
  const { replicas, pause, promote } = canary as Record<string, unknown>;
  const problems: { property: string; reason: string }[] = [];
  if (!isUnknown(replicas) && !(Number.isInteger(replicas) && (replicas as number) >= 1)) {
    problems.push({
      property: "canary.replicas",
      reason: `must be an integer of at least 1, not ${String(replicas)}`,
    });
  }
  for (const [name, value] of [
    ["pause", pause],
    ["promote", promote],
  ] as const) {
    if (!isUnknown(value) && typeof value !== "boolean") {
      problems.push({ property: `canary.${name}`, reason: "must be a boolean" });
    }
  }
  return problems;
}

/**
 * Remembers, across deployments, which pod template a service's main Deployment runs and which its
 * canary runs. Pure state: it calls no API. Its `diff` reports a change when the inputs did not change
 * but the release moves anyway (a canary that this deployment promotes).
 */
export const releaseProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ReleaseInputs, news: ReleaseInputs) {
    const failures = settingsProblems(news.canary);
    const desired: unknown = news.desired;
    if (!isUnknown(desired) && (!desired || typeof desired !== "object" || Array.isArray(desired))) {
      failures.push({ property: "desired", reason: "must be a pod template (an object)" });
    }
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: ReleaseOutputs, news: ReleaseInputs) {
    if (containsUnknown(news.desired) || containsUnknown(news.canary)) return { changes: true, replaces: [] };
    const next = nextRelease(olds, news.desired, news.canary);
    const moved = !sameTemplate(next.stable, olds.stable) || !sameTemplate(next.candidate, olds.candidate);
    const changed = !sameTemplate(olds.desired, news.desired) || !sameTemplate(olds.canary, news.canary);
    return { changes: moved || changed, replaces: [], ...(moved && { diffs: ["stable", "candidate"] }) };
  },
  async create(inputs: ReleaseInputs) {
    const { randomUUID } = require("crypto") as typeof import("crypto");
    return { id: randomUUID(), outs: { ...inputs, ...nextRelease({}, inputs.desired, inputs.canary) } };
  },
  async read(id: string, props: ReleaseOutputs) {
    // Nothing outside the state to compare with: the state is the truth.
    return { id, props };
  },
  async update(_id: string, olds: ReleaseOutputs, news: ReleaseInputs) {
    return { outs: { ...news, ...nextRelease(olds, news.desired, news.canary) } };
  },
};

export interface ReleaseArgs {
  /** The pod template the program describes now. */
  desired: pulumi.Input<PodTemplateSpec>;
  canary: pulumi.Input<ReleaseSettings>;
}

/**
 * The release memory of one canaried service: `stable` is the template its main Deployment runs,
 * `candidate` the one its canary runs (null: none).
 */
export class Release extends pulumi.dynamic.Resource {
  declare readonly stable: pulumi.Output<PodTemplateSpec>;
  declare readonly candidate: pulumi.Output<PodTemplateSpec | null>;

  constructor(name: string, args: ReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("kubernetes:release", releaseProvider),
      name,
      { desired: args.desired, canary: args.canary, stable: undefined, candidate: undefined },
      opts,
      "berth/kubernetes",
      "Release",
    );
  }
}
