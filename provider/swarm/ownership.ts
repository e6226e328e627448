/**
 * Labels that mark an engine object as Berth's: which stack manages it, and which Pulumi resource (by
 * URN). Berth changes and deletes only objects that carry the labels of the resource that manages them,
 * and never takes over an object another resource owns.
 */
export const ownerLabelKeys = {
  project: "berth.project",
  stack: "berth.stack",
  component: "berth.component",
  resource: "berth.resource",
} as const;

export interface Owner {
  project: string;
  stack: string;
  /** The Pulumi name of the Berth component (or resource) that owns the object. */
  component: string;
  /** The URN of the Pulumi resource that manages the object. */
  urn: string;
}

export function ownerLabels(owner: Owner): Record<string, string> {
  return {
    [ownerLabelKeys.project]: owner.project,
    [ownerLabelKeys.stack]: owner.stack,
    [ownerLabelKeys.component]: owner.component,
    [ownerLabelKeys.resource]: owner.urn,
  };
}

/**
 * How an engine object relates to `owner`:
 * - `resource`: it is this resource's object;
 * - `stack`: the stack's, from a version of Berth that did not label the resource (treated as this
 *   resource's, so stacks made before the label keep working);
 * - `other-resource`: another resource of the same stack manages it (a rename without an alias, or
 *   two resources given the same engine name);
 * - `foreign`: not this stack's at all.
 */
export type Ownership = "resource" | "stack" | "other-resource" | "foreign";

export function ownershipOf(labels: Record<string, string> | undefined, owner: Owner): Ownership {
  if (labels?.[ownerLabelKeys.project] !== owner.project || labels?.[ownerLabelKeys.stack] !== owner.stack)
    return "foreign";
  const urn = labels[ownerLabelKeys.resource];
  if (urn === undefined) return "stack";
  return urn === owner.urn ? "resource" : "other-resource";
}

/** Whether the object is this resource's to change or delete. */
export function isOwnedBy(labels: Record<string, string> | undefined, owner: Owner): boolean {
  const ownership = ownershipOf(labels, owner);
  return ownership === "resource" || ownership === "stack";
}

/**
 * Why `create` refuses an existing object of the same name, or undefined when it is this resource's
 * own (left by an interrupted run) and may be taken back.
 */
export function adoptionRefusal(
  what: string,
  labels: Record<string, string> | undefined,
  owner: Owner,
): string | undefined {
  switch (ownershipOf(labels, owner)) {
    case "resource":
    case "stack":
      return undefined;
    case "other-resource":
      return (
        `${what} already exists and is managed by ${labels?.[ownerLabelKeys.resource]}; ` +
        `Berth will not take it over. If you renamed or moved the resource, add an alias ` +
        `(opts.aliases) naming its old name or parent, so the existing object is kept instead of replaced`
      );
    case "foreign":
      return `${what} already exists and does not belong to stack ${owner.project}/${owner.stack}; Berth will not take it over`;
  }
}

/** A label set without Berth's ownership labels: what the user asked for. */
export function userLabels(labels: Record<string, string> = {}): Record<string, string> {
  const owned = new Set<string>(Object.values(ownerLabelKeys));
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !owned.has(key)));
}
