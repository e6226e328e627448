import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";

/** The label the Deployment controller adds to a ReplicaSet's template and pods. */
export const podTemplateHashLabel = "pod-template-hash";

/** A JSON copy of `value`: no class instances, dates as strings, no `undefined` fields. */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * Whether every field set in `desired` holds the same value in `live` (lists item by item, of the same
 * length). The API server fills defaults into what it stores (imagePullPolicy, dnsPolicy, ...), so a
 * live template holds more than the one applied; a field the API server rewrites (a quantity `0.5`
 * stored as `500m`) counts as a difference, and re-applying such a template changes nothing.
 */
export function templateMatches(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((item, i) => templateMatches(item, live[i]))
    );
  }
  if (desired !== null && typeof desired === "object") {
    if (live === null || typeof live !== "object" || Array.isArray(live)) return false;
    const liveFields = live as Record<string, unknown>;
    return Object.entries(desired).every(
      ([key, value]) => value === undefined || templateMatches(value, liveFields[key]),
    );
  }
  return desired === live;
}

/** `template` without the `pod-template-hash` label, as a Deployment's own template is. */
export function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = plain(template ?? {});
  const labels = copy.metadata?.labels;
  if (labels && podTemplateHashLabel in labels) {
    delete labels[podTemplateHashLabel];
  }
  return copy;
}

/** Whether two stored templates are the same apart from the `pod-template-hash` label. */
export function equalIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return JSON.stringify(sortedKeys(withoutHashLabel(a))) === JSON.stringify(sortedKeys(withoutHashLabel(b)));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** Whether `owner`'s UID is the controlling owner of the object with `metadata`. */
export function controlledBy(metadata: ObjectMeta | undefined, ownerUid: string | undefined): boolean {
  return (metadata?.ownerReferences ?? []).some(
    (ref: OwnerReference) => ref.controller === true && ref.uid === ownerUid,
  );
}

/** Whether two plain (JSON) values are equal, whatever the order of their keys; absent equals null. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortedKeys(a ?? null)) === JSON.stringify(sortedKeys(b ?? null));
}
