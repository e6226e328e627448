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
import { type ComposeIssue, type ComposePath, formatPath } from "./types";

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
 * Aliases may expand a file to at most this many times the nodes they refer to (the `yaml` package's
 * `maxAliasCount`): enough for any real use of anchors, and a bound on "billion laughs" documents.
 */
export const maxAliasCount = 1000;
/** How deep mappings and lists may nest: far beyond any Compose file, well within the stack. */
export const maxNesting = 100;

/** Why an error that the `yaml` package threw (not reported) happened, in the user's terms. */
function yamlFailure(err: unknown): string {
  if (err instanceof ReferenceError && /alias/i.test(err.message))
    return `its aliases expand too much (more than ${maxAliasCount} times the nodes they refer to): a document that grows exponentially is refused`;
  if (err instanceof RangeError) return `it nests too deeply (more than ${maxNesting} levels)`;
  return `it cannot be read: ${err instanceof Error ? err.message : String(err)}`;
}

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
 * tags. Syntax errors come back as issues with their line; the tree is then undefined. So do documents
 * that could not be used safely: aliases that expand more than {@link maxAliasCount} times, an alias
 * inside the mapping or list it refers to (a cycle), and nesting deeper than {@link maxNesting}. The
 * key `__proto__`, which no JavaScript object can carry as data, is reported and left out of the tree,
 * so that the rest of the file is still checked.
 */
export function parseComposeYaml(
  text: string,
  file: string,
): { source?: ComposeSource; issues: ComposeIssue[] } {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter,
      merge: true,
      uniqueKeys: true,
      prettyErrors: true,
      customTags: (tags) => [legacyOctal, ...tags],
    });
  } catch (err) {
    return { issues: [{ file, path: "", message: `invalid YAML: ${yamlFailure(err)}` }] };
  }
  const issues: ComposeIssue[] = doc.errors.map((e) => ({
    file,
    path: "",
    line: e.linePos?.[0]?.line,
    message:
      e.code === "RESOURCE_EXHAUSTION"
        ? `invalid YAML: ${yamlFailure(new RangeError(e.message))}`
        : `invalid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
  for (const w of doc.warnings) {
    if (w.code === "TAG_RESOLVE_FAILED" && /!(reset|override)\b/.test(w.message)) continue;
    issues.push({ file, path: "", line: w.linePos?.[0]?.line, message: `YAML: ${w.message.split("\n")[0]}` });
  }
  if (issues.length > 0) return { issues };

  const lines = new Map<string, number>();
  const marks = new Map<string, MergeMark>();
  const lineOfNode = (node: unknown) => {
    const range = (node as Node | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  /** `__proto__` keys: refused, but the rest of the file is still checked. */
  const refused: ComposeIssue[] = [];
  const protoKeys: ComposePath[] = [];
  /** The last node of each anchor so far, in document order, as an alias finds it. */
  const anchors = new Map<string, Node>();
  /** `open` holds the collections being walked: an alias to one of them is a cycle. */
  const open = new Set<Node>();
  const walk = (node: unknown, path: ComposePath, merged = false) => {
    if (!node) return;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined && open.has(target)) {
        issues.push({
          file,
          path: formatPath(path),
          line: lineOfNode(node),
          message: `the alias *${node.source} is inside the mapping or list it refers to: it would repeat without end`,
        });
      }
      return;
    }
    if (path.length > maxNesting) {
      issues.push({
        file,
        path: formatPath(path),
        line: lineOfNode(node),
        message: `nested more than ${maxNesting} levels deep`,
      });
      return;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    if (n.range && !merged) lines.set(pathKey(path), lineCounter.linePos(n.range[0]).line);
    const mark = n.tag ? markTags[n.tag] : undefined;
    if (mark && !merged) marks.set(pathKey(path), mark);
    else if (n.tag && !isScalar(n)) {
      issues.push({ file, path: path.join("."), message: `unknown YAML tag ${n.tag}` });
    }
    open.add(n);
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        if (isMergeKey(pair.key)) {
          // What is merged in is checked, but its lines and marks are those of the mapping it joins.
          walk(pair.value, path, true);
          continue;
        }
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = pair.key as Node | null;
        if (keyNode?.range && !merged)
          lines.set(pathKey([...path, key]), lineCounter.linePos(keyNode.range[0]).line);
        if (key === "__proto__") {
          protoKeys.push([...path, key]);
          refused.push({
            file,
            path: formatPath([...path, key]),
            line: lineOfNode(keyNode),
            message: "the key __proto__ is not accepted: it cannot be carried as data; rename it",
          });
          continue;
        }
        walk(pair.value, [...path, key], merged);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => walk(item, [...path, i], merged));
    }
    open.delete(n);
  };
  walk(doc.contents, []);
  if (issues.length > 0) return { issues: [...issues, ...refused] };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount }) ?? {};
  } catch (err) {
    return { issues: [{ file, path: "", message: `invalid YAML: ${yamlFailure(err)}` }] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ file, path: "", line: 1, message: "a Compose file must be a mapping at the top level" });
  }
  if (issues.length > 0) return { issues };
  const tree = value as Record<string, unknown>;
  for (const [key, mark] of marks) if (mark === "reset") removeAt(tree, JSON.parse(key) as ComposePath);
  // Refused above, and taken out so that the rest of the file is still checked (and nothing later
  // assigns them, which would set an object's prototype).
  for (const path of protoKeys) removeAt(tree, path);

  const lineOf = (path: ComposePath): number | undefined => {
    for (let end = path.length; end >= 0; end--) {
      const line = lines.get(pathKey(path.slice(0, end)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
  return { source: { file, tree, marks, lineOf }, issues: refused };
}

/** A `<<` merge key, as the `yaml` package reads one (a plain scalar, its value a symbol or "<<"). */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || (key.type !== undefined && key.type !== "PLAIN")) return false;
  const value: unknown = key.value;
  return value === "<<" || (typeof value === "symbol" && value.description === "<<");
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
