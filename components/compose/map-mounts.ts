import type { FileMountInput, VolumeInput } from "../spec/types";
import { type Dict } from "./dict";
import { composeBytes } from "./map-resources";
import { isTrue, type MapContext, refuseUnknown } from "./map-context";
import { isShortSyntaxBind } from "./short-syntax";
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

const createHostPathReason =
  "a swarm does not create a missing bind source (the engine refuses the task): create the path on every node the service can run on";

/** `volumes`, then `tmpfs` as tmpfs volumes. */
export function mapVolumes(s: ComposeService, ctx: MapContext): VolumeInput[] {
  const out: VolumeInput[] = [];
  (s.volumes ?? []).forEach((v, i) => {
    const at = `volumes[${i}]`;
    refuseUnknown(v as unknown as Dict, mountKeys, at, ctx);
    if (v.consistency !== undefined) {
      ctx.ignore(`${at}.consistency`, "it only tunes file sharing on Docker Desktop");
    }
    let tmpfs: VolumeInput["tmpfs"];
    if (v.type === "volume") {
      for (const [key, value] of Object.entries(v.volume ?? {})) {
        if (key === "nocopy" ? isTrue(value) : !key.startsWith("x-"))
          ctx.refuse(`${at}.volume.${key}`, `"${key}" is not supported by Berth yet`);
      }
    } else if (v.type === "bind") {
      for (const [key, value] of Object.entries(v.bind ?? {})) {
        if (key === "create_host_path") {
          // Compose sets it on every short-syntax bind: only a value the file wrote is worth a notice.
          if (isTrue(value) && !isShortSyntaxBind(v.bind))
            ctx.ignore(`${at}.bind.create_host_path`, createHostPathReason);
          continue;
        }
        const harmless = key === "propagation" && value === "rprivate";
        if (!harmless && !key.startsWith("x-"))
          ctx.refuse(`${at}.bind.${key}`, `"${key}" is not supported by Berth yet`);
      }
    } else if (v.type === "tmpfs") {
      refuseUnknown((v.tmpfs ?? {}) as Dict, ["size", "mode"], `${at}.tmpfs`, ctx);
      tmpfs = tmpfsOptions(v.tmpfs?.size, v.tmpfs?.mode, `${at}.tmpfs`, ctx);
    } else {
      ctx.refuse(`${at}.type`, notInBerth[v.type] ?? `${JSON.stringify(v.type)} is not a volume type`);
      return;
    }
    const j = out.length;
    ctx.from(`volumes[${j}]`, at);
    ctx.from(`volumes[${j}].readOnly`, `${at}.read_only`);
    ctx.from(`volumes[${j}].tmpfs`, `${at}.tmpfs`);
    out.push({
      type: v.type,
      // An empty source is an anonymous volume, as in Compose.
      ...(v.source !== undefined && v.source !== "" && { source: v.source }),
      target: v.target,
      ...(isTrue(v.read_only) && { readOnly: true }),
      ...(tmpfs && { tmpfs }),
    });
  });
  const tmpfs = Array.isArray(s.tmpfs) ? (s.tmpfs as unknown[]) : [];
  tmpfs.forEach((entry, i) => {
    const [target, options] = String(entry).split(/:(.*)/s);
    const given: Record<string, string> = {};
    for (const option of (options ?? "").split(",").filter((o) => o !== "")) {
      const [key, value] = option.split(/=(.*)/s);
      if ((key === "size" || key === "mode") && value !== undefined) given[key] = value;
      else
        ctx.refuse(
          `tmpfs[${i}]`,
          `tmpfs option "${option}" is not supported by Berth; it takes size and mode`,
        );
    }
    const j = out.length;
    ctx.from(`volumes[${j}]`, `tmpfs[${i}]`);
    ctx.from(`volumes[${j}].target`, `tmpfs[${i}]`);
    ctx.from(`volumes[${j}].tmpfs`, `tmpfs[${i}]`);
    const sized = tmpfsOptions(given.size, given.mode, `tmpfs[${i}]`, ctx);
    out.push({ type: "tmpfs", target, ...(sized && { tmpfs: sized }) });
  });
  return out;
}

/** A Compose tmpfs size (bytes or `64m`) and mode (octal text or a number). */
function tmpfsOptions(
  size: unknown,
  mode: unknown,
  at: string,
  ctx: MapContext,
): VolumeInput["tmpfs"] | undefined {
  let bytes: number | undefined;
  if (size !== undefined && size !== null) {
    bytes = composeBytes(size);
    if (bytes === undefined) ctx.refuse(`${at}.size`, `${JSON.stringify(size)} is not a size such as "64m"`);
  }
  const bits = octal(mode);
  if (mode !== undefined && mode !== null && bits === undefined)
    ctx.refuse(`${at}.mode`, `${JSON.stringify(mode)} is not an octal mode such as "1777"`);
  const out = {
    ...(bytes !== undefined && bytes > 0 && { size: bytes }),
    ...(bits !== undefined && { mode: bits }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A mode as Compose writes it: a number, or octal text (`"0700"`, `"1777"`). */
function octal(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^0?[0-7]{1,4}$/.test(value)) return parseInt(value, 8);
  return undefined;
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
    const owners: Pick<FileMountInput, "uid" | "gid"> = {};
    for (const owner of ["uid", "gid"] as const) {
      const value = ref[owner] as unknown;
      if (value !== undefined && value !== null && String(value) !== "") owners[owner] = String(value);
    }
    let mode: number | undefined;
    if (typeof ref.mode === "number") mode = ref.mode;
    else if (typeof ref.mode === "string") {
      mode = octal(ref.mode);
      if (mode === undefined)
        ctx.refuse(`${at}.mode`, `${JSON.stringify(ref.mode)} is not an octal file mode`);
    }
    let target = ref.target;
    if (kind === "configs" && target !== undefined && !target.startsWith("/")) target = `/${target}`;
    ctx.from(at, at);
    return {
      source: ref.source,
      ...(target !== undefined && { target }),
      ...(mode !== undefined && { mode }),
      ...owners,
    };
  });
}
