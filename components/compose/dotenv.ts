import { own } from "./dict";
import { InterpolationError, interpolateString, type Lookup } from "./interpolate";

/** A `.env`-format file that cannot be read; `line` is 1-based. */
export class DotenvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const keyPattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const doubleQuoteEscapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"' };

/**
 * Reads a `.env`-format file as Compose does: `KEY=VALUE` (or `KEY: VALUE`) lines with an optional
 * `export ` prefix; `#` comment lines, and ` #` comments after unquoted values; single-quoted values
 * taken literally; double-quoted values with `\n`, `\t`, `\"`, `\\` and `\$` escapes; quoted values may
 * span lines. Unquoted and double-quoted values are interpolated, looking a variable up in `lookup`
 * first, then among the keys read above it, then in `readBefore` (what earlier files set). A bare
 * `KEY` takes its value from `lookup` and is left out when that has none.
 * @throws DotenvError naming the line of the first problem.
 */
export function parseDotenv(
  text: string,
  lookup: Lookup = () => undefined,
  readBefore: Record<string, string> = {},
): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const resolve: Lookup = (name) =>
    lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : own(readBefore, name));

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index].trim();
    if (line === "" || line.startsWith("#")) continue;
    const statement = line.replace(/^export\s+/, "");
    const separator = statement.search(/[=:]/);
    if (separator < 0) {
      checkKey(statement, lineNumber);
      const inherited = lookup(statement);
      if (inherited !== undefined) values[statement] = inherited;
      continue;
    }
    const key = statement.slice(0, separator).trim();
    checkKey(key, lineNumber);
    const raw = statement.slice(separator + 1).replace(/^\s+/, "");
    const quote = raw[0];

    let value: string;
    if (quote === "'" || quote === '"') {
      // The value runs to the matching quote, on this line or a later one.
      let body = raw.slice(1);
      let close = closingQuote(body, quote);
      while (close < 0 && index + 1 < lines.length) {
        index++;
        body += "\n" + lines[index];
        close = closingQuote(body, quote);
      }
      if (close < 0)
        throw new DotenvError(`the value of ${key} opens a ${quote} quote that is never closed`, lineNumber);
      const after = body.slice(close + 1).trim();
      if (after !== "" && !after.startsWith("#"))
        throw new DotenvError(`unexpected "${after}" after the quoted value of ${key}`, lineNumber);
      const inner = body.slice(0, close);
      value = quote === "'" ? inner : expand(unescapeDoubleQuoted(inner), key, lineNumber, resolve);
    } else {
      value = expand(raw.replace(/\s+#.*$/, "").trim(), key, lineNumber, resolve);
    }
    values[key] = value;
  }
  return values;
}

function checkKey(key: string, line: number): void {
  if (!keyPattern.test(key)) throw new DotenvError(`"${key}" is not a variable name`, line);
  // No JavaScript object can carry it as data: refused rather than dropped.
  if (key === "__proto__") throw new DotenvError('the variable name "__proto__" is not accepted', line);
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === "\\") i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

/** Resolves escapes; an escaped `$` becomes `$$` so that interpolation keeps it literal. */
function unescapeDoubleQuoted(inner: string): string {
  return inner.replace(/\\(.)/gs, (whole, c: string) =>
    c === "$" ? "$$" : (doubleQuoteEscapes[c] ?? whole),
  );
}

function expand(value: string, key: string, line: number, lookup: Lookup): string {
  try {
    return interpolateString(value, lookup);
  } catch (err) {
    if (err instanceof InterpolationError) throw new DotenvError(`${key}: ${err.message}`, line);
    throw err;
  }
}
