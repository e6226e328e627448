import { absoluteId, fromMarathonApp, type MarathonConversion } from "./app";
import type { MarathonApp, MarathonGroup, MarathonNote } from "./types";

/** A Marathon group (or a list of apps) as Berth services. */
export interface MarathonGroupConversion {
  /** Every app of the group and its subgroups, in order. */
  apps: MarathonConversion[];
  /** Notes on the groups themselves; each app's notes are in `apps[].notes`. */
  notes: MarathonNote[];
}

/**
 * Converts a Marathon group (`{ "id": "/shop", "apps": [...], "groups": [...] }`, or only
 * `{ "apps": [...] }`) with {@link fromMarathonApp}: each app's id (and its `dependencies`) relative to
 * the group it is in. Services whose ids make the same name are reported. Group `dependencies` and
 * other group keys have no equivalent and are reported.
 */
export function fromMarathonGroup(group: MarathonGroup): MarathonGroupConversion {
  const out: MarathonGroupConversion = { apps: [], notes: [] };
  walk(group, "/", out);
  const seen = new Map<string, string>();
  for (const app of out.apps) {
    const other = seen.get(app.name);
    if (other !== undefined) {
      out.notes.push({
        app: app.id,
        path: "id",
        message: `makes the service name ${app.name}, as ${other} does: rename one app`,
      });
    }
    seen.set(app.name, app.id);
  }
  return out;
}

function walk(group: MarathonGroup, parent: string, out: MarathonGroupConversion): void {
  const id = absoluteId(group.id ?? ".", parent);
  for (const [key, value] of Object.entries(group)) {
    if (["id", "apps", "groups", "version", "pods"].includes(key) || value === undefined) continue;
    const message =
      key === "dependencies"
        ? "group dependencies have no equivalent: give each app its dependencies"
        : "has no equivalent for a group; it is left out";
    out.notes.push({ app: id, path: key, message });
  }
  if (Array.isArray(group.pods) && group.pods.length > 0) {
    out.notes.push({
      app: id,
      path: "pods",
      message: "pods are not converted: convert each container as an app of its own",
    });
  }
  for (const app of group.apps ?? []) out.apps.push(fromMarathonApp(app as MarathonApp, id));
  for (const sub of group.groups ?? []) walk(sub, id, out);
}
