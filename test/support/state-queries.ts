/** Questions tests ask of a run's recorded resources: what lies below a component, where a value is held. */
import assert from "node:assert/strict";
import type { ProgramRun, RecordedResource } from "./harness";

/** The resources of `type` below the component `ancestor` (at any depth). */
export function descendants(r: ProgramRun, ancestor: RecordedResource, type: string): RecordedResource[] {
  const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
  const below = (x: RecordedResource): boolean => {
    const parent = byUrn.get(x.parent);
    return parent !== undefined && (parent === ancestor || below(parent));
  };
  return r.resources.filter((x) => x.type === type && below(x));
}

/** Every path (`a.b[0]`) of a leaf in `value` whose text contains `needle`. */
export function pathsHolding(value: unknown, needle: string, at = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsHolding(v, needle, `${at}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => pathsHolding(v, needle, at ? `${at}.${k}` : k));
  return [];
}

const coveredBy = (leaf: string, secret: string) =>
  secret === "" || leaf === secret || leaf.startsWith(`${secret}.`) || leaf.startsWith(`${secret}[`);

/** The places (`<type> <name>: <path>`) a resource's inputs hold `needle`, and whether a secret input covers each. */
export function holders(r: ProgramRun, needle: string): { at: string; secret: boolean }[] {
  return r.resources.flatMap((x) =>
    pathsHolding(x.inputs, needle).map((leaf) => ({
      at: `${x.type} ${x.name}: ${leaf}`,
      secret: x.secretInputs.some((secret) => coveredBy(leaf, secret)),
    })),
  );
}

/** The places a resource's inputs hold `needle` without a secret input around them. */
export function plainHolders(r: ProgramRun, needle: string): string[] {
  return holders(r, needle)
    .filter((h) => !h.secret)
    .map((h) => h.at);
}

/**
 * Asserts that no resource of `resources` keeps `value` in plain state: in its inputs outside a secret
 * input, or in its outputs outside a secret output.
 */
export function assertNowherePlain(resources: RecordedResource[], value: string): void {
  for (const r of resources) {
    for (const path of pathsHolding(r.inputs, value))
      assert.ok(
        r.secretInputs.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`)),
        `${r.type} ${r.name} holds a secret at ${path} in plain state`,
      );
    assert.deepEqual(
      pathsHolding(r.outputs, value).filter((p) => !r.secretOutputs.includes(p.split(/[.[]/)[0]!)),
      [],
      `${r.type} ${r.name}'s outputs hold a secret in plain state`,
    );
  }
}
