/**
 * A Pulumi project of a user's own, outside this repository, with Berth installed from its packed
 * tarball beside the project's own SDK, as `npm install pulumi-berth` gives users.
 */
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** `npm pack` of the built package into `dir`; returns the tarball's path. */
export function packBerth(dir: string): string {
  return packBerthFrom(repoRoot, dir);
}

/** `npm pack` of the package in `packageDir` into `dir`; returns the tarball's path. */
export function packBerthFrom(packageDir: string, dir: string): string {
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
    cwd: packageDir,
    encoding: "utf8",
  });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  return path.join(dir, filename);
}

/** The files `npm pack` would put in the tarball. */
export function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: repoRoot, encoding: "utf8" });
  const [{ files }] = JSON.parse(out) as { files: { path: string }[] }[];
  return files.map((f) => f.path);
}

export interface ConsumerProject {
  dir: string;
  /** Writes a file of the project. */
  write(file: string, content: string): void;
  /** Runs an npm command in the project. */
  npm(...args: string[]): string;
  remove(): void;
}

/**
 * A new project in a temporary directory with `dependencies` installed (`pulumi-berth` from `tarball`).
 * npm's cache serves what this machine installed before; the rest comes from the registry.
 */
export function consumerProject(
  name: string,
  dependencies: Record<string, string>,
  type?: "module",
): ConsumerProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-${name}-`));
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  write(
    "package.json",
    JSON.stringify({ name, version: "1.0.0", private: true, ...(type && { type }), dependencies }, null, 2),
  );
  write("Pulumi.yaml", `name: ${name}\nruntime:\n  name: nodejs\n`);
  const npm = (...args: string[]) =>
    execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  return { dir, write, npm, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
