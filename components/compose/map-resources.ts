import type { ResourcesInput } from "../spec/types";
import { type Dict, isDict } from "./dict";
import { isEmpty, type MapContext, refuseUnknown } from "./map-context";
import type { ComposeService } from "./types";

/** A Compose size as bytes: `"512m"`, `"1g"`, `"100k"`, `"1.5GiB"` (powers of 1024, as Docker reads them). */
export function composeBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value.trim());
  if (!match) return undefined;
  const power = match[2] ? "kmgtp".indexOf(match[2].toLowerCase()) + 1 : 0;
  return Math.trunc(Number(match[1]) * 1024 ** power);
}

/** A Compose CPU amount (`0.5`, `"1.5"`) as a number of cores. */
export function composeCores(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * One amount that Compose lets two keys give (`deploy.resources.limits.memory` and `mem_limit`).
 * 0 means no limit, as in Compose. Both given and different is refused at the second.
 */
function amount(
  given: { value: unknown; path: string }[],
  parse: (v: unknown) => number | undefined,
  what: string,
  berthPath: string,
  ctx: MapContext,
  smallest?: { amount: number; message: string },
): number | undefined {
  let found: { amount: number; path: string; value: unknown } | undefined;
  for (const { value, path } of given) {
    if (value === undefined || value === null) continue;
    const parsed = parse(value);
    if (parsed === undefined) {
      ctx.refuse(path, `${JSON.stringify(value)} is not ${what}`);
      continue;
    }
    if (parsed === 0) continue;
    if (smallest && parsed < smallest.amount) {
      ctx.refuse(path, `${JSON.stringify(value)} ${smallest.message}`);
      continue;
    }
    if (found && found.amount !== parsed) {
      ctx.refuse(
        path,
        `is ${JSON.stringify(value)} but ${found.path} is ${JSON.stringify(found.value)}; give one of them`,
      );
    } else if (!found) {
      found = { amount: parsed, path, value };
      ctx.from(berthPath, path);
    }
  }
  return found?.amount;
}

/** A whole number, or text of one. */
function composeCount(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

/** `generic_resources: [{ discrete_resource_spec: { kind, value } }]` -> `{ kind: value }`. */
function mapGenericResources(value: unknown, ctx: MapContext): Record<string, number> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const at = "deploy.resources.reservations.generic_resources";
  const out: Record<string, number> = {};
  value.forEach((entry: unknown, i) => {
    const spec = isDict(entry) ? entry.discrete_resource_spec : undefined;
    if (isDict(entry) && entry.named_resource_spec !== undefined) {
      ctx.refuse(
        `${at}[${i}].named_resource_spec`,
        "named generic resources are not supported by Berth yet; reserve a count with discrete_resource_spec",
      );
      return;
    }
    const count = isDict(spec) ? composeCount(spec.value) : undefined;
    if (!isDict(spec) || typeof spec.kind !== "string" || count === undefined) {
      ctx.refuse(`${at}[${i}]`, "needs discrete_resource_spec with kind and value");
      return;
    }
    if (out[spec.kind] !== undefined) ctx.refuse(`${at}[${i}]`, `reserves "${spec.kind}" a second time`);
    else if (count > 0) {
      out[spec.kind] = count;
      ctx.from(`resources.reservations.genericResources.${spec.kind}`, `${at}[${i}]`);
    }
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

const memory = 'a memory size: bytes, or a number with a unit b, k, m or g ("512m", "1g")';
const cpus = 'a number of CPUs such as 0.5 or "1.5"';
/** Berth counts CPU in millicores; less than half of one rounds to nothing. */
const oneMillicore = {
  amount: 0.0005,
  message: "is below Berth's resolution of one millicore (0.001 CPU); give at least 0.001",
};

export function mapResources(s: ComposeService, ctx: MapContext): ResourcesInput | undefined {
  const resources: Dict = isDict(s.deploy?.resources) ? s.deploy.resources : {};
  refuseUnknown(resources, ["limits", "reservations"], "deploy.resources", ctx);
  const limits: Dict = isDict(resources.limits) ? resources.limits : {};
  const reservations: Dict = isDict(resources.reservations) ? resources.reservations : {};
  const at = "deploy.resources";
  refuseUnknown(limits, ["cpus", "memory", "pids"], `${at}.limits`, ctx);
  refuseUnknown(reservations, ["cpus", "memory", "devices", "generic_resources"], `${at}.reservations`, ctx);
  if (!isEmpty(reservations.devices))
    ctx.refuse(`${at}.reservations.devices`, `"devices" is not supported by Berth yet`);
  const genericResources = mapGenericResources(reservations.generic_resources, ctx);
  // -1 is Compose's "no limit", as 0 is.
  const pids = amount(
    [
      { value: limits.pids, path: `${at}.limits.pids` },
      { value: (s as Dict).pids_limit, path: "pids_limit" },
    ],
    (v) => (composeCount(v) === -1 ? 0 : composeCount(v)),
    "a number of processes",
    "resources.pids",
    ctx,
  );
  const cpu = amount(
    [
      { value: limits.cpus, path: `${at}.limits.cpus` },
      { value: s.cpus, path: "cpus" },
    ],
    composeCores,
    cpus,
    "resources.cpu",
    ctx,
    oneMillicore,
  );
  const mem = amount(
    [
      { value: limits.memory, path: `${at}.limits.memory` },
      { value: s.mem_limit, path: "mem_limit" },
    ],
    composeBytes,
    memory,
    "resources.memory",
    ctx,
  );
  const reservedCpu = amount(
    [{ value: reservations.cpus, path: `${at}.reservations.cpus` }],
    composeCores,
    cpus,
    "resources.reservations.cpu",
    ctx,
    oneMillicore,
  );
  const reservedMem = amount(
    [
      { value: reservations.memory, path: `${at}.reservations.memory` },
      { value: s.mem_reservation, path: "mem_reservation" },
    ],
    composeBytes,
    memory,
    "resources.reservations.memory",
    ctx,
  );
  const reserved = {
    ...(reservedCpu !== undefined && { cpu: reservedCpu }),
    ...(reservedMem !== undefined && { memory: reservedMem }),
    ...(genericResources && { genericResources }),
  };
  const out: ResourcesInput = {
    ...(cpu !== undefined && { cpu }),
    ...(mem !== undefined && { memory: mem }),
    ...(pids !== undefined && { pids }),
    ...(Object.keys(reserved).length > 0 && { reservations: reserved }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
