import * as pulumi from "@pulumi/pulumi";
import { RandomStackId } from "../random/stack-id";
import type { Owner } from "./ownership";

/** The Pulumi type token of a Berth Swarm resource, as the engine sees it. */
export function swarmResourceType(type: string): string {
  return `pulumi-nodejs:dynamic/berth/swarm:${type}`;
}

/** The stack identity of each running program, by the resource monitor it registers with. */
const stackIds = new WeakMap<object, RandomStackId>();
/** Where programs run with no monitor at all keep theirs. */
const noMonitor = {};

/** The name of the resource that holds a stack's identity (at the stack's root). */
export const stackIdResourceName = "berth-stack-id";

/**
 * This program's stack identity: one `RandomStackId` per program, made when first asked for. Each
 * program (each `pulumi up`, each run under mocks) registers with a monitor of its own, so programs run
 * one after another in one process each get their own resource.
 */
export function currentStackId(): pulumi.Output<string> {
  const key = (pulumi.runtime.getMonitor() as object | undefined) ?? noMonitor;
  let resource = stackIds.get(key);
  if (!resource) {
    resource = new RandomStackId(stackIdResourceName);
    stackIds.set(key, resource);
  }
  return resource.stackId;
}

/**
 * The owner of the objects a resource creates: this program's project and stack, its stack identity
 * ({@link currentStackId}), the Berth component, and the resource's own URN (as the engine will name it:
 * type, name and parent chain).
 *
 * @param options.stackIdentity - Whether the owner carries the stack identity. Default: true.
 */
export function currentOwner(
  component: string,
  resource: { name: string; type: string; opts?: pulumi.CustomResourceOptions },
  options: { stackIdentity?: boolean } = {},
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
  const stackId = options.stackIdentity === false ? undefined : currentStackId();
  return pulumi.all([urn, stackId]).apply(([urn, stackId]) => ({
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    // Under a user's plain mocks the identity may come back empty: the owner then has none.
    ...(stackId && { stackId }),
    component,
    urn,
  }));
}
