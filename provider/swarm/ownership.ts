/**
 * Labels that mark an engine object as Berth's, and for which stack. Berth changes and deletes only
 * objects that carry the labels of the stack that manages them.
 */
export const ownerLabelKeys = {
  project: "berth.project",
  stack: "berth.stack",
  component: "berth.component",
} as const;

export interface Owner {
  project: string;
  stack: string;
  /** The Pulumi name of the Berth component (or resource) that owns the object. */
  component: string;
}

export function ownerLabels(owner: Owner): Record<string, string> {
  return {
    [ownerLabelKeys.project]: owner.project,
    [ownerLabelKeys.stack]: owner.stack,
    [ownerLabelKeys.component]: owner.component,
  };
}

/** Whether an engine object's labels say it belongs to `owner`'s project and stack. */
export function isOwnedBy(labels: Record<string, string> | undefined, owner: Owner): boolean {
  return labels?.[ownerLabelKeys.project] === owner.project && labels?.[ownerLabelKeys.stack] === owner.stack;
}

/** A label set without Berth's ownership labels: what the user asked for. */
export function userLabels(labels: Record<string, string> = {}): Record<string, string> {
  const owned = new Set<string>(Object.values(ownerLabelKeys));
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !owned.has(key)));
}
