import * as pulumi from "@pulumi/pulumi";
import type { Owner } from "./ownership";

/** The owner of objects created by this program's stack, for the given Berth component. */
export function currentOwner(component: string): Owner {
  return { project: pulumi.getProject(), stack: pulumi.getStack(), component };
}

/** `opts` with `names` added to the outputs Pulumi must keep secret. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  names: string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
