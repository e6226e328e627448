import { existsSync, readFileSync } from "fs";
import { dirname, resolve } from "path";
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";

/** A place in a source file: 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** `services.web.ports[0].target` -> `["services", "web", "ports", 0, "target"]`. */
export function splitPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return parts;
}

/** One parsed YAML (or JSON) file, able to tell where a key path is written. */
export class SourceFile {
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, merge: true, uniqueKeys: false });
  }

  /** The plain value of the document, or undefined if it does not parse. */
  value(): unknown {
    return this.doc.errors.length > 0 ? undefined : this.doc.toJS({ maxAliasCount: 1000 });
  }

  /**
   * The deepest node of `path` written in this file: how many parts of the path it matched, and where
   * (the key of a mapping entry, or the item of a sequence). Undefined when not even the first part is there.
   */
  find(path: (string | number)[]): { depth: number; position: SourcePosition } | undefined {
    let node: unknown = this.doc.contents;
    let found: { depth: number; position: SourcePosition } | undefined;
    for (let depth = 0; depth < path.length; depth++) {
      const step = this.child(node, path[depth]);
      if (!step) break;
      const pos = this.lines.linePos(step.at);
      found = { depth: depth + 1, position: { file: this.file, line: pos.line, column: pos.col } };
      node = step.node;
    }
    return found;
  }

  private child(node: unknown, part: string | number, seen = 0): { node: unknown; at: number } | undefined {
    if (isAlias(node)) node = node.resolve(this.doc);
    if (isSeq(node) && typeof part === "number") {
      const item = node.items[part] as Node | undefined;
      return item?.range ? { node: item, at: item.range[0] } : undefined;
    }
    if (!isMap(node)) return undefined;
    const merges: unknown[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === "<<") merges.push(pair.value);
      else if (key === String(part)) {
        const keyNode = pair.key as Node | null;
        return { node: pair.value, at: keyNode?.range?.[0] ?? 0 };
      }
    }
    // `<<: *base` entries: the key is written where the anchor is.
    for (const merge of merges) {
      const sources = isSeq(merge) ? merge.items : [merge];
      for (const source of sources) {
        const step = seen < 10 ? this.child(source, part, seen + 1) : undefined;
        if (step) return step;
      }
    }
    return undefined;
  }
}

/** Reads a file as a {@link SourceFile}; undefined when it cannot be read. */
export function readSource(file: string): SourceFile | undefined {
  try {
    return new SourceFile(file, readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Finds where a Compose path is written among a Compose file and the files it pulls in: the files of
 * its `include` entries (recursively) and the files a service `extends`. The file that defines the
 * key itself wins; otherwise the deepest ancestor found (a short-syntax `ports` entry, a list-form
 * `environment`) is where the problem is.
 */
export class ComposeSources {
  private readonly files = new Map<string, SourceFile | undefined>();

  constructor(private readonly main: string) {}

  private source(file: string): SourceFile | undefined {
    if (!this.files.has(file)) this.files.set(file, existsSync(file) ? readSource(file) : undefined);
    return this.files.get(file);
  }

  /** The main file and every file it includes, the including file first. */
  private project(file: string, chain: string[] = []): string[] {
    if (chain.includes(file)) return [];
    const value = this.source(file)?.value();
    const out = [file];
    if (!isDict(value) || !Array.isArray(value.include)) return out;
    for (const entry of value.include) {
      const long = isDict(entry) ? entry.path : entry;
      for (const p of Array.isArray(long) ? long : [long]) {
        if (typeof p === "string") out.push(...this.project(resolve(dirname(file), p), [...chain, file]));
      }
    }
    return out;
  }

  /** Where `path` (`services.web.deploy.replicas`) is written; undefined when nowhere. */
  locate(path: string, preferred?: string): SourcePosition | undefined {
    const parts = splitPath(path);
    const files = this.project(this.main);
    if (preferred !== undefined) files.unshift(resolve(preferred));
    let best: { depth: number; position: SourcePosition } | undefined;
    for (const file of files) {
      const hit = this.findWithExtends(file, parts, 0);
      if (hit && (!best || hit.depth > best.depth)) best = hit;
      if (best && best.depth === parts.length) break;
    }
    return best?.position;
  }

  /** In `file`, or in the service it `extends` when the key is not written in the service itself. */
  private findWithExtends(
    file: string,
    parts: (string | number)[],
    hops: number,
  ): { depth: number; position: SourcePosition } | undefined {
    const source = this.source(file);
    const hit = source?.find(parts);
    if (!source || parts[0] !== "services" || parts.length < 3 || hops > 10) return hit;
    if (hit && hit.depth === parts.length) return hit;
    const value = source.value();
    const service = isDict(value) && isDict(value.services) ? value.services[String(parts[1])] : undefined;
    const ext = isDict(service) ? service.extends : undefined;
    const base = typeof ext === "string" ? { service: ext } : isDict(ext) ? ext : undefined;
    if (!base || typeof base.service !== "string") return hit;
    const baseFile = typeof base.file === "string" ? resolve(dirname(file), base.file) : file;
    const inBase = this.findWithExtends(baseFile, ["services", base.service, ...parts.slice(2)], hops + 1);
    return inBase && (!hit || inBase.depth > hit.depth) ? inBase : hit;
  }
}
