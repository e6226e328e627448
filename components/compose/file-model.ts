import { readFileSync } from "fs";
import { canonicalResources, canonicalService } from "./canonical";
import { interpolateTree, type Lookup } from "./interpolate";
import type { ComposeIssue, ComposePath } from "./types";
import { formatPath } from "./types";
import { validateComposeFile } from "./validate";
import { type MergeMark, parseComposeYaml } from "./yaml-source";
import { type Dict, isDict } from "./dict";

/** One Compose file, interpolated, validated and in canonical form. */
export interface FileModel {
  /** As given, for messages. */
  file: string;
  /** Where its relative paths point. */
  baseDir: string;
  tree: Dict;
  marks: Map<string, MergeMark>;
  lineOf(path: ComposePath): number | undefined;
}

export interface FileContext {
  baseDir: string;
  home: string;
  lookup: Lookup;
  issues: ComposeIssue[];
  /** Variables used without a value, for a warning. */
  unset: Set<string>;
}

/** Reads and prepares one file; problems go to `ctx.issues`. Undefined when it cannot be parsed at all. */
export function loadFileModel(file: string, ctx: FileContext, text?: string): FileModel | undefined {
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(file, "utf8");
    } catch (err) {
      ctx.issues.push({ file, path: "", message: `cannot read the file: ${(err as Error).message}` });
      return undefined;
    }
  }
  const parsed = parseComposeYaml(source, file);
  ctx.issues.push(...parsed.issues);
  if (!parsed.source) return undefined;
  const { lineOf, marks } = parsed.source;
  const issue = (path: ComposePath, message: string) =>
    ctx.issues.push({ file, path: formatPath(path), line: lineOf(path), message });

  const tree = interpolateTree(parsed.source.tree, ctx.lookup, issue, [], {
    onUnset: (name: string) => ctx.unset.add(name),
  }) as Dict;
  if (validateComposeFile(tree, issue) > 0) return undefined;

  const pathCtx = { baseDir: ctx.baseDir, home: ctx.home };
  if (isDict(tree.services)) {
    for (const [name, service] of Object.entries(tree.services)) {
      if (isDict(service))
        tree.services[name] = canonicalService(service, ["services", name], pathCtx, issue);
    }
  }
  canonicalResources(tree, pathCtx);
  return { file, baseDir: ctx.baseDir, tree, marks, lineOf };
}
