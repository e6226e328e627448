import type { ComposePath } from "./types";

/** Looks up a variable; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** A `${...}` that cannot be read, or a required variable without a value. */
export class InterpolationError extends Error {}

export interface InterpolateOptions {
  /** Told each variable that is used without a value and without a default (it becomes ""). */
  onUnset?(name: string): void;
}

/**
 * How deeply `${...}` may nest inside a default, error or alternative: far beyond any real use, and a
 * bound on the work one value can cause.
 */
export const maxInterpolationDepth = 32;

const nameStart = /[_a-zA-Z]/;
const nameChar = /[_a-zA-Z0-9]/;

/** Index of the `}` closing the `${` whose body starts at `from`; nested `${...}` are skipped. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "$") i++;
    else if (text[i] === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (text[i] === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

const malformed = (body: string) =>
  new InterpolationError(`invalid interpolation "\${${body}}" (write $$ for a literal $)`);

const operators = [":-", ":?", ":+", "-", "?", "+"] as const;
type Operator = (typeof operators)[number];

/** The value of one braced expression's body, such as `TAG:-latest`. */
function substitute(body: string, lookup: Lookup, options: InterpolateOptions, depth: number): string {
  let end = 0;
  if (!nameStart.test(body[0] ?? "")) throw malformed(body);
  while (end < body.length && nameChar.test(body[end])) end++;
  const name = body.slice(0, end);
  const rest = body.slice(end);
  if (rest === "") {
    const value = lookup(name);
    if (value === undefined) options.onUnset?.(name);
    return value ?? "";
  }
  const operator = operators.find((op) => rest.startsWith(op)) as Operator | undefined;
  if (!operator) throw malformed(body);
  // The word after the operator is itself interpolated, and only when it is used.
  const word = () => interpolateAt(rest.slice(operator.length), lookup, options, depth + 1);
  const value = lookup(name);
  const unset = value === undefined;
  const empty = unset || value === "";
  switch (operator) {
    case ":-":
      return empty ? word() : value!;
    case "-":
      return unset ? word() : value;
    case ":+":
      return empty ? "" : word();
    case "+":
      return unset ? "" : word();
    case ":?":
    case "?": {
      if (operator === ":?" ? !empty : !unset) return value!;
      const reason = word();
      const state = unset ? "is not set" : "is empty";
      throw new InterpolationError(`required variable ${name} ${state}${reason ? `: ${reason}` : ""}`);
    }
  }
}

/**
 * Replaces `$VAR`, `${VAR}` and the `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+alternative}` and `${VAR+alternative}` forms, nested up to
 * {@link maxInterpolationDepth} levels, the way Compose does; `$$` stands for a literal `$`, and a `$` before anything else stays as it is.
 * @throws InterpolationError for a malformed `${...}`, a required variable without a value, or nesting
 * deeper than {@link maxInterpolationDepth}.
 */
export function interpolateString(text: string, lookup: Lookup, options: InterpolateOptions = {}): string {
  return interpolateAt(text, lookup, options, 0);
}

/** {@link interpolateString} for a text found `depth` levels deep inside `${...}`. */
function interpolateAt(text: string, lookup: Lookup, options: InterpolateOptions, depth: number): string {
  if (!text.includes("$")) return text;
  if (depth > maxInterpolationDepth) {
    throw new InterpolationError(`interpolation nested more than ${maxInterpolationDepth} levels deep`);
  }
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
    } else if (next === "{") {
      const close = closingBrace(text, dollar + 2);
      if (close < 0)
        throw new InterpolationError(
          `unclosed interpolation "${text.slice(dollar)}" (write $$ for a literal $)`,
        );
      out += substitute(text.slice(dollar + 2, close), lookup, options, depth);
      i = close + 1;
    } else if (next !== undefined && nameStart.test(next)) {
      let end = dollar + 1;
      while (end < text.length && nameChar.test(text[end])) end++;
      const name = text.slice(dollar + 1, end);
      const value = lookup(name);
      if (value === undefined) options.onUnset?.(name);
      out += value ?? "";
      i = end;
    } else {
      out += "$";
      i = dollar + 1;
    }
  }
  return out;
}

/**
 * Interpolates every string value of a parsed Compose file (keys are never interpolated). A value
 * that fails is reported through `onError` with its path and kept as written.
 */
export function interpolateTree(
  tree: unknown,
  lookup: Lookup,
  onError: (path: ComposePath, message: string) => void,
  path: ComposePath = [],
  options: InterpolateOptions = {},
): unknown {
  if (typeof tree === "string") {
    try {
      return interpolateString(tree, lookup, options);
    } catch (err) {
      if (!(err instanceof InterpolationError)) throw err;
      onError(path, err.message);
      return tree;
    }
  }
  if (Array.isArray(tree))
    return tree.map((item, i) => interpolateTree(item, lookup, onError, [...path, i], options));
  if (typeof tree === "object" && tree !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(tree)) {
      out[key] = interpolateTree(value, lookup, onError, [...path, key], options);
    }
    return out;
  }
  return tree;
}
