import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
} from "yaml";
import type { ComposeIssue, ComposePath } from "./types";

/** How a value was tagged: `!reset` clears what earlier files set, `!override` replaces it instead of merging. */
export type MergeMark = "reset" | "override";

/** One Compose file, parsed: its plain tree, its merge marks and where each key is. */
export interface ComposeSource {
  file: string;
  tree: Record<string, unknown>;
  /** Paths (as {@link pathKey}) tagged `!reset` or `!override`. `!reset` keys are already gone from `tree`. */
  marks: Map<string, MergeMark>;
  /** The 1-based line of a path, or of its nearest ancestor the source knows. */
  lineOf(path: ComposePath): number | undefined;
}

/** A stable key for a path, for maps of paths. */
export function pathKey(path: ComposePath): string {
  return JSON.stringify(path);
}

const markTags: Record<string, MergeMark> = { "!reset": "reset", "!override": "override" };

/**
 * `0640` as an octal integer, as Docker's YAML reader takes it (YAML 1.2 would read decimal 640), so
 * that file modes such as a secret's `mode: 0400` mean what they mean to `docker stack deploy`.
 */
const legacyOctal: ScalarTag = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  identify: (value) => typeof value === "number",
  test: /^0[0-7]+$/,
  resolve: (text) => parseInt(text, 8),
};

/**
 * Parses YAML 1.2 (integers with a leading zero are octal, as in Docker's reader) with anchors, aliases and `<<` merge keys, and Compose's `!reset` and `!override`
 * tags. Syntax errors come back as issues with their line; the tree is then undefined.
 */
export function parseComposeYaml(
  text: string,
  file: string,
): { source?: ComposeSource; issues: ComposeIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    merge: true,
    uniqueKeys: true,
    prettyErrors: true,
    customTags: (tags) => [legacyOctal, ...tags],
  });
  const issues: ComposeIssue[] = doc.errors.map((e) => ({
    file,
    path: "",
    line: e.linePos?.[0]?.line,
    message: `invalid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
  for (const w of doc.warnings) {
    if (w.code === "TAG_RESOLVE_FAILED" && /!(reset|override)\b/.test(w.message)) continue;
    issues.push({ file, path: "", line: w.linePos?.[0]?.line, message: `YAML: ${w.message.split("\n")[0]}` });
  }
  if (issues.length > 0) return { issues };

  const lines = new Map<string, number>();
  const marks = new Map<string, MergeMark>();
  const walk = (node: unknown, path: ComposePath) => {
    if (!node || isAlias(node)) return;
    const n = node as Node;
    if (n.range) lines.set(pathKey(path), lineCounter.linePos(n.range[0]).line);
    const mark = n.tag ? markTags[n.tag] : undefined;
    if (mark) marks.set(pathKey(path), mark);
    else if (n.tag && !isScalar(n)) {
      issues.push({ file, path: path.join("."), message: `unknown YAML tag ${n.tag}` });
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === "<<") continue;
        const keyNode = pair.key as Node | null;
        if (keyNode?.range) lines.set(pathKey([...path, key]), lineCounter.linePos(keyNode.range[0]).line);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);

  const value: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ file, path: "", line: 1, message: "a Compose file must be a mapping at the top level" });
  }
  if (issues.length > 0) return { issues };
  const tree = value as Record<string, unknown>;
  for (const [key, mark] of marks) if (mark === "reset") removeAt(tree, JSON.parse(key) as ComposePath);

  const lineOf = (path: ComposePath): number | undefined => {
    for (let end = path.length; end >= 0; end--) {
      const line = lines.get(pathKey(path.slice(0, end)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
  return { source: { file, tree, marks, lineOf }, issues };
}

function removeAt(tree: Record<string, unknown>, path: ComposePath): void {
  if (path.length === 0) return;
  let parent: unknown = tree;
  for (const part of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown> | undefined)?.[part];
    if (typeof parent !== "object" || parent === null) return;
  }
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
  else delete (parent as Record<string | number, unknown>)[last];
}
