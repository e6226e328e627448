import * as pulumi from "@pulumi/pulumi";
import type { Owner } from "./ownership";

/** The Pulumi type token of a Berth Swarm resource, as the engine sees it. */
export function swarmResourceType(type: string): string {
  return `pulumi-nodejs:dynamic/berth/swarm:${type}`;
}

/**
 * The owner of the objects a resource creates: this program's project and stack, the Berth component,
 * and the resource's own URN (as the engine will name it: type, name and parent chain).
 */
export function currentOwner(
  component: string,
  resource: { name: string; type: string; opts?: pulumi.CustomResourceOptions },
): pulumi.Output<Owner> {
  const parent = resource.opts?.parent;
  // The parent's URN without the parent as a dependency: depending on a component means depending on
  // all its children, this resource included, which would never resolve.
  const parentUrn =
    parent &&
    pulumi.output(
      new Promise<string>((resolve, reject) =>
        // A failed parent registration rejects its URN: so does this, instead of waiting forever.
        (parent.urn as unknown as { promise(): Promise<string> }).promise().then(resolve, reject),
      ),
    );
  const urn = pulumi.createUrn(resource.name, swarmResourceType(resource.type), parentUrn);
  return urn.apply((urn) => ({ project: pulumi.getProject(), stack: pulumi.getStack(), component, urn }));
}

/** `opts` with `names` added to the outputs Pulumi must keep secret. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  names: string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
