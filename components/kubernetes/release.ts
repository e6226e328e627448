/**
 * Canary releases on Kubernetes. A canaried service runs two Deployments behind its one Service: the
 * main one (`<name>`, the stable version) and `<name>-canary` (the new version, or 0 replicas when no
 * canary runs). Both carry the service's selector labels, so the Service reaches both; each adds its own
 * {@link trackLabel}, so the two Deployments' selectors never claim each other's pods.
 *
 * Which template each runs is remembered across deployments by a `Release` resource (pure state):
 * a change of the pod template starts a canary and leaves the main Deployment as it was; the next
 * deployment promotes the canary to the main Deployment (unless `pause`); `promote` promotes at once;
 * a program whose template returns to the stable one drops the canary.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { Release } from "../../provider/kubernetes/release";
import type { NormalizedCanary } from "../spec/types";

/** The pod and selector label that tells a service's stable pods from its canary pods. */
export const trackLabel = "berth.dev/track";

/** The templates a canaried service's two Deployments run, decided for this deployment. */
export interface CanaryRelease {
  /** The template of the main Deployment. */
  stable: pulumi.Output<PodTemplateSpec>;
  /** The template of the canary Deployment; undefined when no canary runs. */
  candidate: pulumi.Output<PodTemplateSpec | undefined>;
  /** The canary Deployment's replicas: the canary's size while one runs, otherwise 0. */
  canaryReplicas: pulumi.Output<number>;
}

/**
 * Decides which template the main and the canary Deployment of service `name` run, given the template
 * the program describes now. Creates one child, `<name>-release`, with `opts`.
 *
 * @param args.template - The pod template rendered for the service now, without the {@link trackLabel}.
 * @param args.canary - The service's normalized `update.canary`.
 */
export function canaryRelease(
  name: string,
  args: { template: pulumi.Input<PodTemplateSpec>; canary: NormalizedCanary },
  opts: pulumi.CustomResourceOptions,
): CanaryRelease {
  const { replicas, pause, promote } = args.canary;
  const release = new Release(
    `${name}-release`,
    { desired: args.template, canary: { replicas, pause, promote } },
    opts,
  );
  const candidate = release.candidate.apply((c) => c ?? undefined);
  return {
    stable: release.stable,
    candidate,
    canaryReplicas: candidate.apply((c) => (c ? replicas : 0)),
  };
}

function onTrack(template: PodTemplateSpec, track: "stable" | "canary"): PodTemplateSpec {
  const metadata = template.metadata ?? {};
  return { ...template, metadata: { ...metadata, labels: { ...metadata.labels, [trackLabel]: track } } };
}

function trackedSpec(main: Deployment, template: PodTemplateSpec, track: "stable" | "canary") {
  const spec = main.spec;
  if (!spec) throw new Error(`Deployment ${main.metadata?.name ?? "(unnamed)"} has no spec`);
  const selector = spec.selector;
  return {
    ...spec,
    selector: { ...selector, matchLabels: { ...selector.matchLabels, [trackLabel]: track } },
    template: onTrack(template, track),
  };
}

/**
 * The main Deployment of a canaried service: `main` as rendered, running `stable`, its selector and
 * pods marked with the stable {@link trackLabel}. Adding the label changes the selector, which
 * Kubernetes does not allow in place: turning canaries on or off replaces the main Deployment once.
 */
export function stableDeployment(main: Deployment, stable: PodTemplateSpec): Deployment {
  return { ...main, spec: trackedSpec(main, stable, "stable") };
}

/**
 * The `<name>-canary` Deployment beside `main`: the same Deployment running `candidate` with `replicas`,
 * its selector and pods marked with the canary {@link trackLabel}. With no candidate, pass undefined
 * and 0 replicas: the Deployment stays, empty, running the main template.
 */
export function canaryDeployment(
  main: Deployment,
  candidate: PodTemplateSpec | undefined,
  replicas: number,
): Deployment {
  const metadata = main.metadata ?? {};
  if (!metadata.name) throw new Error("a canary Deployment needs the main Deployment's name");
  const spec = trackedSpec(main, candidate ?? main.spec?.template ?? {}, "canary");
  return {
    ...main,
    metadata: {
      ...metadata,
      name: `${metadata.name}-canary`,
      labels: { ...metadata.labels, [trackLabel]: "canary" },
    },
    spec: { ...spec, replicas },
  };
}
