import type { IssueCollector } from "../errors";
import type { FileMountInput, NormalizedFileMount, NormalizedVolume, VolumeInput } from "../types";
import { defaults } from "../defaults";
import { maxExactInteger, parseMemory } from "../units";
import { posix } from "path";

/** Linux user and group ids are unsigned 32-bit. */
const maxId = 2 ** 32 - 1;

const volumeNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Swarm's rule for secret and config names (at most 64 characters). */
const objectNamePattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$/;

function checkAbsolute(path: string, at: string, issues: IssueCollector): void {
  if (!path.startsWith("/")) issues.add(at, `must be an absolute path, not ${JSON.stringify(path)}`);
  else if (posix.normalize(path) === "/") issues.add(at, "cannot mount over /");
  else if (path.split("/").includes("..")) issues.add(at, 'must not contain ".."');
}

export function normalizeVolumes(volumes: VolumeInput[], issues: IssueCollector): NormalizedVolume[] {
  return volumes.map((volume, i) => {
    const at = `volumes[${i}]`;
    checkAbsolute(volume.target, `${at}.target`, issues);
    if (volume.type === "tmpfs") {
      if (volume.source !== undefined) issues.add(`${at}.source`, "a tmpfs mount takes no source");
    } else if (volume.type === "bind") {
      if (volume.source === undefined || !volume.source.startsWith("/")) {
        issues.add(`${at}.source`, "a bind mount needs an absolute host path");
      }
    } else if (volume.source !== undefined && !volumeNamePattern.test(volume.source)) {
      issues.add(`${at}.source`, `"${volume.source}" is not a volume name: letters, digits, "_", "." or "-"`);
    }
    const tmpfs = volume.tmpfs && tmpfsOptions(volume, at, issues);
    return {
      type: volume.type,
      ...(volume.source !== undefined && { source: volume.source }),
      target: posix.normalize(volume.target),
      readOnly: volume.readOnly ?? false,
      ...(tmpfs && { tmpfs }),
    };
  });
}

function tmpfsOptions(volume: VolumeInput, at: string, issues: IssueCollector) {
  if (volume.type !== "tmpfs") {
    issues.add(`${at}.tmpfs`, `tmpfs options are for type "tmpfs", not "${volume.type}"`);
    return undefined;
  }
  const given = volume.tmpfs ?? {};
  let size: number | undefined;
  if (given.size !== undefined) {
    size = parseMemory(given.size);
    if (size === undefined) {
      issues.add(
        `${at}.tmpfs.size`,
        `${JSON.stringify(given.size)} is not a size; use bytes or a quantity like "64Mi"`,
      );
    } else if (size > maxExactInteger) {
      issues.add(`${at}.tmpfs.size`, `must be at most ${maxExactInteger} bytes (8Pi)`);
      size = undefined;
    }
  }
  return {
    ...(size !== undefined && { size }),
    ...(given.mode !== undefined && { mode: given.mode }),
  };
}

/** A file owner: a numeric id, as text. */
function readOwner(value: string | number | undefined, at: string, issues: IssueCollector): string {
  if (value === undefined) return defaults.fileOwner;
  const text = String(value).trim();
  if (!/^\d+$/.test(text)) issues.add(at, `must be a numeric id, not ${JSON.stringify(value)}`);
  else if (Number(text) > maxId) issues.add(at, `must be at most ${maxId} (a Linux user or group id)`);
  return text;
}

export function normalizeFileMounts(
  kind: "secrets" | "configs",
  mounts: FileMountInput[],
  issues: IssueCollector,
): NormalizedFileMount[] {
  return mounts.map((mount, i) => {
    const at = `${kind}[${i}]`;
    if (!objectNamePattern.test(mount.source)) {
      issues.add(
        `${at}.source`,
        `"${mount.source}" is not a ${kind === "secrets" ? "secret" : "config"} name: 1-64 letters, digits, "_", "." or "-", starting and ending with a letter or digit`,
      );
    }
    let target =
      mount.target ?? (kind === "secrets" ? `${defaults.secretsDir}/${mount.source}` : `/${mount.source}`);
    if (kind === "secrets" && !target.startsWith("/")) target = `${defaults.secretsDir}/${target}`;
    checkAbsolute(target, `${at}.target`, issues);
    return {
      source: mount.source,
      target: posix.normalize(target),
      mode: mount.mode ?? defaults.fileMode,
      uid: readOwner(mount.uid, `${at}.uid`, issues),
      gid: readOwner(mount.gid, `${at}.gid`, issues),
    };
  });
}

/** Every volume, secret and config must land on its own path. */
export function checkDistinctTargets(
  groups: { kind: string; mounts: { target: string }[] }[],
  issues: IssueCollector,
): void {
  const seen = new Map<string, string>();
  for (const { kind, mounts } of groups) {
    mounts.forEach((mount, i) => {
      const here = `${kind}[${i}]`;
      const first = seen.get(mount.target);
      if (first !== undefined)
        issues.add(`${here}.target`, `${mount.target} is already the target of ${first}`);
      else seen.set(mount.target, here);
    });
  }
}
