import { dockerodeDependency } from "./dockerode-deps";

/** One path of a build context as it is sent to the engine. */
export interface ContextEntry {
  /** Relative to the context, with `/` separators. */
  path: string;
  type: "file" | "directory" | "symlink";
  /** Permission bits (`mode & 0o7777`): COPY keeps them, so they are part of the image. */
  mode: number;
}

interface DockerIgnore {
  add(patterns: string | string[]): DockerIgnore;
  ignores(path: string): boolean;
}

/**
 * The paths of `context` that a build sends, after `.dockerignore` (Docker's syntax: `*`, `?`, `**`,
 * character classes, `!` exceptions, later lines winning). The Dockerfile and `.dockerignore` are
 * always sent, as the docker CLI does. Directories are listed when they are sent themselves or hold
 * something that is. Sorted by path.
 *
 * @param dockerfile - The Dockerfile's path relative to the context. Default: `"Dockerfile"`.
 */
export function contextEntries(context: string, dockerfile = "Dockerfile"): ContextEntry[] {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const ignoreFile = path.join(context, ".dockerignore");
  const patterns = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, "utf8") : "";
  const factory =
    dockerodeDependency<(options: { ignorecase: boolean }) => DockerIgnore>("@balena/dockerignore");
  const rules = factory({ ignorecase: false }).add(patterns);
  const alwaysSent = new Set([path.posix.normalize(dockerfile.split(path.sep).join("/")), ".dockerignore"]);
  const hasExceptions = patterns.split(/\r?\n/).some((line) => line.trim().startsWith("!"));
  const sent = (rel: string) => alwaysSent.has(rel) || !rules.ignores(rel);
  const dockerfileUnder = (dir: string) => [...alwaysSent].some((p) => p.startsWith(`${dir}/`));

  const entries: ContextEntry[] = [];
  const walk = (dir: string): boolean => {
    let any = false;
    for (const name of fs.readdirSync(path.join(context, dir)).sort()) {
      const rel = dir ? `${dir}/${name}` : name;
      const stat = fs.lstatSync(path.join(context, rel));
      const mode = stat.mode & 0o7777;
      if (stat.isDirectory()) {
        const self = sent(rel);
        // An excluded directory is entered only when an exception could bring back what it holds.
        if (!self && !hasExceptions && !dockerfileUnder(rel)) continue;
        const at = entries.length;
        const inner = walk(rel);
        if (self || inner) entries.splice(at, 0, { path: rel, type: "directory", mode });
        any ||= self || inner;
      } else if (sent(rel)) {
        entries.push({ path: rel, type: stat.isSymbolicLink() ? "symlink" : "file", mode });
        any = true;
      }
    }
    return any;
  };
  walk("");
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A SHA-256 over what a build sends from `context`: each entry's path, type, permission bits and
 * content (a symlink's target). Timestamps and owners are left out, so a fresh checkout of the same
 * files hashes the same, and any change to a sent file (the Dockerfile included) changes the hash.
 */
export function contextHash(context: string, entries: ContextEntry[]): string {
  const crypto = require("crypto") as typeof import("crypto");
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const hash = crypto.createHash("sha256");
  for (const entry of entries) {
    const full = path.join(context, entry.path);
    hash.update(`${entry.type}\0${entry.path}\0${entry.mode.toString(8)}\0`);
    if (entry.type === "file")
      hash.update(crypto.createHash("sha256").update(fs.readFileSync(full)).digest());
    if (entry.type === "symlink") hash.update(fs.readlinkSync(full));
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex")}`;
}

/**
 * A tar stream of exactly `entries` of `context`, with their permission bits as they are on disk
 * (no umask) and symlinks kept as links.
 */
export function contextTar(context: string, entries: ContextEntry[]): NodeJS.ReadableStream {
  const path = require("path") as typeof import("path");
  const tar = dockerodeDependency<{
    pack(cwd: string, opts: { ignore(name: string): boolean; umask: number }): NodeJS.ReadableStream;
  }>("tar-fs");
  const sent = new Set(entries.map((e) => e.path));
  return tar.pack(context, {
    ignore: (name) => !sent.has(path.relative(context, name).split(path.sep).join("/")),
    umask: 0,
  });
}
