/**
 * Labels that mark an engine object as Berth's: which stack manages it (its project and stack names, and
 * the stack's random identity, so that two organisations' stacks of the same names do not meet), and
 * which Pulumi resource (by URN). Berth changes and deletes only objects that carry the labels of the
 * resource that manages them, and never takes over an object another resource owns.
 */
export const ownerLabelKeys = {
  project: "berth.project",
  stack: "berth.stack",
  stackId: "berth.stack-id",
  component: "berth.component",
  resource: "berth.resource",
} as const;

export interface Owner {
  project: string;
  stack: string;
  /**
   * The stack's random identity (`RandomStackId`), kept in its state. Absent in state written before
   * Berth kept one, and for the swarm itself and its nodes (`SwarmMode`, `SwarmMembership`).
   */
  stackId?: string;
  /** The Pulumi name of the Berth component (or resource) that owns the object. */
  component: string;
  /** The URN of the Pulumi resource that manages the object. */
  urn: string;
}

export function ownerLabels(owner: Owner): Record<string, string> {
  return {
    [ownerLabelKeys.project]: owner.project,
    [ownerLabelKeys.stack]: owner.stack,
    ...(owner.stackId !== undefined && { [ownerLabelKeys.stackId]: owner.stackId }),
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
 * - `other-stack`: it carries another stack identity: a stack of the same project and stack names,
 *   made elsewhere (another organisation, another backend), manages it;
 * - `unlabelled`: it names this stack but carries no stack identity (made by a version of Berth before
 *   identities, or by hand), and this resource's state does not record it: it may be any same-named
 *   stack's;
 * - `foreign`: not this stack's at all.
 *
 * @param recorded - Whether this resource's state records the object (it was found by the ID in
 *   state): an object without a stack identity is then the one this resource made before identities
 *   were written, and counts as it would have then.
 */
export type Ownership = "resource" | "stack" | "other-resource" | "other-stack" | "unlabelled" | "foreign";

export function ownershipOf(
  labels: Record<string, string> | undefined,
  owner: Owner,
  recorded: boolean,
): Ownership {
  if (labels?.[ownerLabelKeys.project] !== owner.project || labels?.[ownerLabelKeys.stack] !== owner.stack)
    return "foreign";
  const stackId = labels[ownerLabelKeys.stackId];
  if (stackId !== owner.stackId) {
    if (stackId !== undefined && owner.stackId !== undefined) return "other-stack";
    if (!recorded) return "unlabelled";
  }
  const urn = labels[ownerLabelKeys.resource];
  if (urn === undefined) return "stack";
  return urn === owner.urn ? "resource" : "other-resource";
}

/**
 * Whether an object this resource's state records (found by the ID in state) is this resource's to
 * change or delete.
 */
export function isOwnedBy(labels: Record<string, string> | undefined, owner: Owner): boolean {
  const ownership = ownershipOf(labels, owner, true);
  return ownership === "resource" || ownership === "stack";
}

/** How messages name the stack an owner or a label set belongs to. */
export function stackOf(owner: Pick<Owner, "project" | "stack" | "stackId">): string {
  return `${owner.project}/${owner.stack} (${ownerLabelKeys.stackId} ${owner.stackId ?? "absent"})`;
}

/** What a refusal to touch an object of another stack with the same names tells the user. */
export function otherStackReason(what: string, labels: Record<string, string>, owner: Owner): string {
  const theirs = stackOf({
    project: labels[ownerLabelKeys.project] ?? "",
    stack: labels[ownerLabelKeys.stack] ?? "",
    stackId: labels[ownerLabelKeys.stackId],
  });
  return (
    `${what} belongs to stack ${theirs}, not to stack ${stackOf(owner)}: another stack with the same ` +
    `project and stack names manages it on this swarm. Berth will not take it over or change it; give ` +
    `this stack's object another name, or use another project or stack name`
  );
}

/**
 * Why `create` refuses an existing object of the same name, or undefined when it is this resource's
 * own (left by an interrupted run) and may be taken back. An object without this stack's identity is
 * never taken back.
 */
export function adoptionRefusal(
  what: string,
  labels: Record<string, string> | undefined,
  owner: Owner,
): string | undefined {
  switch (ownershipOf(labels, owner, false)) {
    case "resource":
    case "stack":
      return undefined;
    case "other-resource":
      return (
        `${what} already exists and is managed by ${labels?.[ownerLabelKeys.resource]}; ` +
        `Berth will not take it over. If you renamed or moved the resource, add an alias ` +
        `(opts.aliases) naming its old name or parent, so the existing object is kept instead of replaced`
      );
    case "other-stack":
      return otherStackReason(`${what} already exists and`, labels ?? {}, owner);
    case "unlabelled":
      return (
        `${what} already exists and names stack ${owner.project}/${owner.stack} but carries no ` +
        `${ownerLabelKeys.stackId} label, and this stack's state does not record it: it may be another ` +
        `stack's of the same names, or left by an older Berth. Berth will not take it over; if it is ` +
        `this stack's leftover, remove it (docker ${what.split(" ")[0]} rm ${what.split(" ").slice(1).join(" ")}), then run again`
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
