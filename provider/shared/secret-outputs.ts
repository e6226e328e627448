import type * as pulumi from "@pulumi/pulumi";

/** `opts` with `names` added to the outputs Pulumi must keep secret (after any the caller already gave). */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  names: string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
