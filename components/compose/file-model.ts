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
  /**
   * Loaded only as the base of an `extends`: the problems of each service, by name, left for the
   * service that extends it to report. Problems outside `services` do not matter there, as in Compose.
   */
  serviceProblems?: Map<string, { path: ComposePath; message: string }[]>;
}

export interface FileContext {
  baseDir: string;
  home: string;
  lookup: Lookup;
  issues: ComposeIssue[];
  /** Variables used without a value, for a warning. */
  unset: Set<string>;
}

/**
 * Reads and prepares one file; problems go to `ctx.issues`. Undefined when it cannot be parsed at all.
 * With `asExtendsBase`, only YAML errors are reported: each service's problems are kept in
 * `serviceProblems`, and a file with invalid entries still loads.
 */
export function loadFileModel(
  file: string,
  ctx: FileContext,
  text?: string,
  asExtendsBase = false,
): FileModel | undefined {
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
  const serviceProblems = new Map<string, { path: ComposePath; message: string }[]>();
  const issue = (path: ComposePath, message: string) => {
    if (!asExtendsBase) {
      ctx.issues.push({ file, path: formatPath(path), line: lineOf(path), message });
    } else if (path[0] === "services" && typeof path[1] === "string") {
      const problems = serviceProblems.get(path[1]) ?? [];
      serviceProblems.set(path[1], [...problems, { path, message }]);
    }
  };

  const tree = interpolateTree(parsed.source.tree, ctx.lookup, issue, [], {
    onUnset: (name: string) => ctx.unset.add(name),
  }) as Dict;
  if (validateComposeFile(tree, issue) > 0 && !asExtendsBase) return undefined;

  const pathCtx = { baseDir: ctx.baseDir, home: ctx.home };
  if (isDict(tree.services)) {
    for (const [name, service] of Object.entries(tree.services)) {
      if (isDict(service) && !serviceProblems.has(name))
        tree.services[name] = canonicalService(service, ["services", name], pathCtx, issue);
    }
  }
  if (!asExtendsBase) canonicalResources(tree, pathCtx, issue);
  return {
    file,
    baseDir: ctx.baseDir,
    tree,
    marks,
    lineOf,
    ...(asExtendsBase && { serviceProblems }),
  };
}
