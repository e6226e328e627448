import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "fs";
import path from "path";

const repoRoot = path.join(__dirname, "..", "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, string>;
};

/** npm holds the unscoped name of the product for a removed package: it can never be ours. */
const heldName = ["ber", "th"].join("");
const subpaths = Object.keys(manifest.exports)
  .filter((key) => key.startsWith("./") && key !== "./package.json")
  .map((key) => key.slice(2));

/** Ways a file can name a package: an import, a require, an install line, a backticked subpath. */
const namingThePackage = [
  new RegExp(`(?:from |require\\(|import\\()["']${heldName}(?:["']|/)`),
  new RegExp(`npm (?:install|i|add) ${heldName}(?:[@\\s]|$)`),
  new RegExp(`\`${heldName}/(?:${subpaths.join("|")})\\b`),
];

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "dist", "build", ".git", ".pulumi-state"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, found);
    else if (/\.(ts|js|mjs|json|md|sh|ya?ml)$/.test(entry.name) && entry.name !== "package-lock.json")
      found.push(full);
  }
  return found;
}

describe("the package name", () => {
  it("is one npm lets this project publish: not the name npm holds for a removed package", () => {
    assert.equal(manifest.name, "pulumi-berth");
  });

  it("is the only one any file imports, requires or tells users to install", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(repoRoot)) {
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (namingThePackage.some((pattern) => pattern.test(line)))
            offenders.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, []);
  });

  it("would see an import of the old name", () => {
    const line = `import { LocalSwarm } from "${heldName}/swarm";`;
    assert.ok(namingThePackage.some((pattern) => pattern.test(line)));
    assert.ok(!namingThePackage.some((pattern) => pattern.test(line.replace(heldName, manifest.name))));
  });
});
