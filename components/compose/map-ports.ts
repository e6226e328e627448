import type { PortInput } from "../spec/types";
import { type Dict } from "./dict";
import { type MapContext, refuseUnknown } from "./map-context";
import type { ComposeService } from "./types";

const allAddresses = ["", "0.0.0.0", "::"];

/** `"8080"` -> 8080; a range of one port is that port; another range is refused. */
function publishedPort(value: unknown, path: string, ctx: MapContext): number | undefined {
  if (value === undefined || value === null || value === "" || value === "0" || value === 0) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(String(value));
  if (!match) {
    ctx.refuse(path, `${JSON.stringify(value)} is not a port number`);
    return undefined;
  }
  if (match[2] !== undefined && match[2] !== match[1]) {
    ctx.refuse(
      path,
      `${JSON.stringify(value)} is a range for one container port; a cluster publishes each container port on exactly one port: give one`,
    );
    return undefined;
  }
  return Number(match[1]);
}

/** `ports`, then `expose` as ports that are not public; `sourceRanges` (x-berth) on each public one. */
export function mapPorts(
  s: ComposeService,
  publicPorts: boolean | undefined,
  ctx: MapContext,
  sourceRanges?: string[],
): PortInput[] {
  const out: PortInput[] = [];
  (s.ports ?? []).forEach((p, i) => {
    const at = `ports[${i}]`;
    const known = ["mode", "target", "published", "host_ip", "protocol", "name", "app_protocol"];
    refuseUnknown(p as unknown as Dict, known, at, ctx);
    if (p.name !== undefined) ctx.ignore(`${at}.name`, "Berth does not name ports");
    if (p.app_protocol !== undefined)
      ctx.ignore(`${at}.app_protocol`, "Berth does not route by protocol name");
    const published = publishedPort(p.published, `${at}.published`, ctx);
    const isPublic = publicPorts ?? published !== undefined;
    if (publicPorts === undefined && p.published === undefined) {
      ctx.ignore(
        at,
        "has no published port: Compose publishes it on a port the engine picks, Berth keeps it inside the cluster (give published, or set x-berth.public)",
      );
    }
    if (isPublic && p.host_ip !== undefined && !allAddresses.includes(p.host_ip)) {
      ctx.refuse(
        `${at}.host_ip`,
        `a cluster publishes ports on every address of its nodes, not only ${p.host_ip}; remove host_ip, or set x-berth.public: false to keep the ports inside the cluster`,
      );
    }
    if (p.mode !== "ingress" && p.mode !== "host" && p.mode !== undefined) {
      ctx.refuse(`${at}.mode`, `${JSON.stringify(p.mode)} is not a port mode: ingress or host`);
    }
    const j = out.length;
    ctx.from(`ports[${j}]`, at);
    ctx.from(`ports[${j}].publishMode`, `${at}.mode`);
    out.push({
      target: Number(p.target),
      ...(isPublic && published !== undefined && { published }),
      ...(isPublic && published === undefined && { public: true }),
      ...(p.protocol !== undefined &&
        p.protocol !== "tcp" && { protocol: p.protocol as PortInput["protocol"] }),
      ...(isPublic && p.mode === "host" && { publishMode: "host" as const }),
      ...(isPublic && sourceRanges && { sourceRanges }),
    });
    if (isPublic && sourceRanges) ctx.from(`ports[${j}].sourceRanges`, "x-berth.sourceRanges");
  });
  if (sourceRanges && !out.some((p) => p.sourceRanges))
    ctx.refuse("x-berth.sourceRanges", "restricts the clients of public ports, and no port is public");
  const expose = Array.isArray(s.expose) ? (s.expose as unknown[]) : [];
  expose.forEach((entry, i) => {
    const match = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(String(entry));
    if (!match) {
      ctx.refuse(`expose[${i}]`, `${JSON.stringify(entry)} is not a port, a range or port/protocol`);
      return;
    }
    const protocol = (match[3] ?? "tcp") as PortInput["protocol"];
    for (let target = Number(match[1]); target <= Number(match[2] ?? match[1]); target++) {
      if (out.some((p) => p.target === target && (p.protocol ?? "tcp") === protocol)) continue;
      ctx.from(`ports[${out.length}]`, `expose[${i}]`);
      ctx.from(`ports[${out.length}].target`, `expose[${i}]`);
      out.push({ target, ...(protocol !== "tcp" && { protocol }) });
    }
  });
  return out;
}
