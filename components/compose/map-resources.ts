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

const memory = 'a memory size: bytes, or a number with a unit b, k, m or g ("512m", "1g")';
const cpus = 'a number of CPUs such as 0.5 or "1.5"';

export function mapResources(s: ComposeService, ctx: MapContext): ResourcesInput | undefined {
  const resources: Dict = isDict(s.deploy?.resources) ? s.deploy.resources : {};
  refuseUnknown(resources, ["limits", "reservations"], "deploy.resources", ctx);
  const limits: Dict = isDict(resources.limits) ? resources.limits : {};
  const reservations: Dict = isDict(resources.reservations) ? resources.reservations : {};
  const at = "deploy.resources";
  refuseUnknown(limits, ["cpus", "memory", "pids"], `${at}.limits`, ctx);
  refuseUnknown(reservations, ["cpus", "memory", "devices", "generic_resources"], `${at}.reservations`, ctx);
  if (!isEmpty(limits.pids)) ctx.refuse(`${at}.limits.pids`, `"pids" is not supported by Berth yet`);
  for (const key of ["devices", "generic_resources"]) {
    if (!isEmpty(reservations[key]))
      ctx.refuse(`${at}.reservations.${key}`, `"${key}" is not supported by Berth yet`);
  }
  const cpu = amount(
    [
      { value: limits.cpus, path: `${at}.limits.cpus` },
      { value: s.cpus, path: "cpus" },
    ],
    composeCores,
    cpus,
    "resources.cpu",
    ctx,
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
  };
  const out: ResourcesInput = {
    ...(cpu !== undefined && { cpu }),
    ...(mem !== undefined && { memory: mem }),
    ...(Object.keys(reserved).length > 0 && { reservations: reserved }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
