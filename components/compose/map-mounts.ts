import type { FileMountInput, VolumeInput } from "../spec/types";
import { type Dict } from "./dict";
import { isTrue, type MapContext, refuseUnknown } from "./map-context";
import type { ComposeFileReference, ComposeService } from "./types";

const mountKeys = [
  "type",
  "source",
  "target",
  "read_only",
  "bind",
  "volume",
  "tmpfs",
  "image",
  "consistency",
];
const notInBerth: Record<string, string> = {
  npipe: "Windows named pipes are not supported by Berth",
  cluster: "cluster (CSI) volumes are not supported by Berth yet",
  image: "image mounts are not supported by Berth yet",
};

/** `volumes`, then `tmpfs` as tmpfs volumes. */
export function mapVolumes(s: ComposeService, ctx: MapContext): VolumeInput[] {
  const out: VolumeInput[] = [];
  (s.volumes ?? []).forEach((v, i) => {
    const at = `volumes[${i}]`;
    refuseUnknown(v as unknown as Dict, mountKeys, at, ctx);
    if (v.consistency !== undefined) {
      ctx.ignore(`${at}.consistency`, "it only tunes file sharing on Docker Desktop");
    }
    if (v.type === "volume") {
      if (!v.source) {
        ctx.refuse(
          at,
          "an anonymous volume is not supported by Berth yet; name it and declare it under the top-level volumes",
        );
        return;
      }
      for (const [key, value] of Object.entries(v.volume ?? {})) {
        if (key === "nocopy" ? isTrue(value) : !key.startsWith("x-"))
          ctx.refuse(`${at}.volume.${key}`, `"${key}" is not supported by Berth yet`);
      }
    } else if (v.type === "bind") {
      // create_host_path is dropped: a node needs the path to exist, and Compose sets it on every short bind.
      for (const [key, value] of Object.entries(v.bind ?? {})) {
        const harmless = key === "create_host_path" || (key === "propagation" && value === "rprivate");
        if (!harmless && !key.startsWith("x-"))
          ctx.refuse(`${at}.bind.${key}`, `"${key}" is not supported by Berth yet`);
      }
    } else if (v.type === "tmpfs") {
      for (const key of Object.keys(v.tmpfs ?? {})) {
        if (!key.startsWith("x-"))
          ctx.refuse(`${at}.tmpfs.${key}`, `tmpfs "${key}" is not supported by Berth yet`);
      }
    } else {
      ctx.refuse(`${at}.type`, notInBerth[v.type] ?? `${JSON.stringify(v.type)} is not a volume type`);
      return;
    }
    const j = out.length;
    ctx.from(`volumes[${j}]`, at);
    ctx.from(`volumes[${j}].readOnly`, `${at}.read_only`);
    out.push({
      type: v.type,
      ...(v.source !== undefined && { source: v.source }),
      target: v.target,
      ...(isTrue(v.read_only) && { readOnly: true }),
    });
  });
  const tmpfs = Array.isArray(s.tmpfs) ? (s.tmpfs as unknown[]) : [];
  tmpfs.forEach((entry, i) => {
    const [target, options] = String(entry).split(/:(.*)/s);
    if (options) {
      ctx.refuse(`tmpfs[${i}]`, `tmpfs options (${options}) are not supported by Berth yet`);
      return;
    }
    ctx.from(`volumes[${out.length}]`, `tmpfs[${i}]`);
    ctx.from(`volumes[${out.length}].target`, `tmpfs[${i}]`);
    out.push({ type: "tmpfs", target });
  });
  return out;
}

/** `secrets` or `configs`; a relative config target is placed under `/`, as Swarm does. */
export function mapFileMounts(
  kind: "secrets" | "configs",
  refs: ComposeFileReference[],
  ctx: MapContext,
): FileMountInput[] {
  return refs.map((ref, i) => {
    const at = `${kind}[${i}]`;
    refuseUnknown(ref as unknown as Dict, ["source", "target", "uid", "gid", "mode"], at, ctx);
    for (const owner of ["uid", "gid"] as const) {
      const value = ref[owner];
      if (value !== undefined && String(value) !== "0" && String(value) !== "") {
        ctx.refuse(`${at}.${owner}`, `a file owned by other than 0 (root) is not supported by Berth yet`);
      }
    }
    let mode: number | undefined;
    if (typeof ref.mode === "number") mode = ref.mode;
    else if (typeof ref.mode === "string") {
      if (/^0?[0-7]{1,4}$/.test(ref.mode)) mode = parseInt(ref.mode, 8);
      else ctx.refuse(`${at}.mode`, `${JSON.stringify(ref.mode)} is not an octal file mode`);
    }
    let target = ref.target;
    if (kind === "configs" && target !== undefined && !target.startsWith("/")) target = `/${target}`;
    ctx.from(at, at);
    return {
      source: ref.source,
      ...(target !== undefined && { target }),
      ...(mode !== undefined && { mode }),
    };
  });
}
