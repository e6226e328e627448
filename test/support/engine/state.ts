import type { Props } from "./wire";

/** One resource as the engine keeps it in a stack's state. */
export interface StateEntry {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  /** A `pulumi.dynamic.Resource`: its provider is the text in `outputs.__provider`. */
  dynamic: boolean;
  id?: string;
  /** Checked inputs as stored (secrets unwrapped), including `__provider` for dynamic resources. */
  inputs: Props;
  /** Outputs as stored (secrets unwrapped), including `__provider` when the provider returned it. */
  outputs: Props;
  /** Input paths that were secret in the program. */
  secretInputs: string[];
  /** Top-level outputs kept secret: secret inputs plus `additionalSecretOutputs`. */
  secretOutputs: string[];
  /** True when the state is what a failed create or update reported. */
  partial?: boolean;
}

/** A stack's state: resources in the order their steps completed (dependencies first). */
export type StackState = StateEntry[];

export const providerKey = "__provider";
export const dynamicTypePrefix = "pulumi-nodejs:dynamic";

/** The URN the engine gives a resource: stack, project, the parent's type chain, type and name. */
export function urnOf(stack: string, project: string, parentUrn: string, type: string, name: string): string {
  const parentType = parentUrn ? parentUrn.split("::")[2] : "";
  const chain = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$` : "";
  return `urn:pulumi:${stack}::${project}::${chain}${type}::${name}`;
}
