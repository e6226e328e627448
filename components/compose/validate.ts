import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { closestName } from "../spec/suggest";
import { composeFileSchema } from "./schema";
import { annotationKeywords, type Schema, typePhrases } from "./schema-definitions";
import type { ComposePath } from "./types";

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // Union types carry the keywords of each type side by side, which strict mode would refuse.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    for (const keyword of annotationKeywords) ajv.addKeyword({ keyword });
    compiled = ajv.compile(composeFileSchema);
  }
  return compiled;
}

/** `/services/web/ports/0` -> `["services", "web", "ports", 0]`, numbering only list indexes. */
function pathOf(pointer: string, tree: unknown): ComposePath {
  const path: ComposePath = [];
  let node = tree;
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      path.push(Number(part));
      node = node[Number(part)];
    } else {
      path.push(part);
      node = (node as Record<string, unknown> | undefined)?.[part];
    }
  }
  return path;
}

const quote = (value: unknown) => JSON.stringify(value);
const alternatives = (phrases: string[]) =>
  phrases.length <= 1
    ? (phrases[0] ?? "")
    : `${phrases.slice(0, -1).join(", ")} or ${phrases[phrases.length - 1]}`;

function expectedOf(schema: Schema): string[] {
  return (schema.expected as string[] | undefined) ?? typePhrases(schema.type);
}

function suggestion(word: unknown, known: readonly string[] | undefined): string {
  if (typeof word !== "string" || !known) return "";
  const near = closestName(word, known);
  return near ? ` (did you mean ${quote(near)}?)` : "";
}

/** One ajv error in words, with the path it belongs at. */
function describe(error: ErrorObject, tree: unknown): { path: ComposePath; message: string } {
  const path = pathOf(error.instancePath, tree);
  const schema = (error.parentSchema ?? {}) as Schema;
  const value = error.data;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      if (schema.keyKind)
        return {
          path: [...path, key],
          message: `${quote(key)} is not a valid ${String(schema.keyKind)} name: use letters, digits, ".", "_" and "-"`,
        };
      const known = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
      return { path: [...path, key], message: `unknown key ${quote(key)}${suggestion(key, known)}` };
    }
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { path, message: `needs the key ${quote(missing)}` };
    }
    case "enum": {
      const allowed = schema.enum as string[];
      return {
        path,
        message: `must be one of ${allowed.map(quote).join(", ")}, not ${quote(value)}${suggestion(value, allowed)}`,
      };
    }
    case "uniqueItems": {
      const { i } = error.params as { i: number; j: number };
      return { path, message: `lists ${quote((value as unknown[])[i])} more than once` };
    }
    case "type":
    case "pattern":
    case "minimum":
    case "maximum":
      return {
        path,
        message: `must be ${alternatives(expectedOf(schema))}, not ${quote(value)}${suggestion(value, schema.suggest as string[] | undefined)}`,
      };
    default:
      return { path, message: error.message ?? "is not valid" };
  }
}

/**
 * Checks one interpolated Compose file against the Compose Specification's schema and reports each
 * problem with its key path, one message per path. Returns how many it reported.
 */
export function validateComposeFile(
  tree: unknown,
  report: (path: ComposePath, message: string) => void,
): number {
  const validate = validator();
  if (validate(tree)) return 0;
  const byPath = new Map<string, { path: ComposePath; message: string }>();
  for (const error of validate.errors ?? []) {
    const problem = describe(error, tree);
    const key = JSON.stringify(problem.path);
    if (!byPath.has(key)) byPath.set(key, problem);
  }
  const order = documentOrder(tree);
  const problems = [...byPath.entries()].sort(
    ([a], [b]) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity),
  );
  for (const [, { path, message }] of problems) report(path, message);
  return problems.length;
}

/** The position of every path in the file, as written (objects keep their keys' order). */
function documentOrder(tree: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (node: unknown, path: ComposePath) => {
    order.set(JSON.stringify(path), order.size);
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof node === "object" && node !== null)
      for (const [key, value] of Object.entries(node)) visit(value, [...path, key]);
  };
  visit(tree, []);
  return order;
}
