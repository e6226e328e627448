import { parseArgs, type ParseArgsConfig } from "util";

/** Where a command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Base for relative paths. */
  cwd: string;
  env: Record<string, string | undefined>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

/** Exit statuses: 0 fine, 1 problems found, 2 the input or the command line cannot be used. */
export const exit = { ok: 0, problems: 1, unusable: 2 } as const;

/** A command line that cannot be used: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {}

/** One `berth` command. */
export interface Command {
  name: string;
  /** One line, for `berth --help`. */
  summary: string;
  /** The whole of `berth <name> --help`. */
  help: string;
  run(argv: string[], io: Io): Promise<number> | number;
}

/** `util.parseArgs`, strict, with its errors as {@link UsageError}s. */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
