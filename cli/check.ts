import { isAbsolute, relative, resolve } from "path";
import { analyze, UnreadableInput } from "./analyze";
import { type Command, exit, parse, UsageError } from "./io";
import { formatProblem, type Problem } from "./problems";
import { readTarget, type Target } from "./targets";

/** What `berth check --json` prints (version 1 of the shape; fields are only ever added). */
export interface CheckReport {
  version: 1;
  target: Target;
  strict: boolean;
  /** True when no problem is an error. */
  ok: boolean;
  files: {
    file: string;
    /** `compose` or `services` (portable service descriptions). */
    kind: "compose" | "services";
    /** The services that render without problems. */
    services: string[];
  }[];
  /** Every problem of every file, by file, line and column. */
  problems: Problem[];
  /** Files that could not be read (exit status 2): missing, or not YAML. */
  unreadable: { file: string; message: string }[];
}

export const checkHelp = `Usage: berth check FILE... --target swarm|kubernetes|ecs [--strict] [--json]

Loads each FILE (a Compose file, or a YAML/JSON portable service description: one ServiceInput, or a
list of them each with a "name"), normalizes every service and renders it for the target, then prints
every problem and every refusal at once, each at its file, line and column, with the service, the
field and what to do instead. Each FILE is a project of its own.

Options:
  -t, --target  swarm, kubernetes or ecs (required)
      --strict  keys Berth would ignore (container_name, ...) are errors, not warnings
      --json    print the results as JSON (see docs/cli.md for the shape)
  -h, --help    show this help

Examples:
  berth check compose.yaml --target kubernetes
  berth check compose.yaml compose.prod.yaml --target ecs --strict
  berth check services.yaml --target swarm --json

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 a file cannot be read or is not YAML.
`;

/** Runs the checks of `berth check` on files already resolved. */
export function checkFiles(
  files: string[],
  options: { target: Target; strict: boolean; cwd: string; env?: Record<string, string | undefined> },
): CheckReport {
  const report: CheckReport = {
    version: 1,
    target: options.target,
    strict: options.strict,
    ok: true,
    files: [],
    problems: [],
    unreadable: [],
  };
  for (const file of files) {
    try {
      const a = analyze(file, { target: options.target, strict: options.strict, env: options.env });
      report.files.push({ file, kind: a.kind, services: a.services.map((s) => s.name) });
      report.problems.push(...a.problems);
    } catch (err) {
      if (!(err instanceof UnreadableInput)) throw err;
      report.unreadable.push({ file, message: err.message });
    }
  }
  report.ok = report.unreadable.length === 0 && !report.problems.some((p) => p.severity === "error");
  return report;
}

export const checkCommand: Command = {
  name: "check",
  summary: "list every problem and refusal of a Compose file or service description for a target",
  help: checkHelp,
  run(argv, io) {
    const { values, positionals } = parse(argv, {
      target: { type: "string", short: "t" },
      strict: { type: "boolean" },
      json: { type: "boolean" },
    });
    const target = readTarget(values.target) as Target;
    if (positionals.length === 0) throw new UsageError("name at least one FILE");
    const report = checkFiles(
      positionals.map((f) => resolve(io.cwd, f)),
      { target, strict: values.strict === true, cwd: io.cwd, env: io.env },
    );
    // Files as the user named them.
    const named = new Map(positionals.map((f) => [resolve(io.cwd, f), f]));
    const rename = (f: string) => {
      const inside = relative(io.cwd, f);
      return named.get(f) ?? (inside.startsWith("..") || isAbsolute(inside) ? f : inside);
    };
    report.files = report.files.map((f) => ({ ...f, file: rename(f.file) }));
    report.problems = report.problems.map((p) => ({ ...p, file: rename(p.file) }));
    report.unreadable = report.unreadable.map((u) => ({
      file: rename(u.file),
      message: u.message.split(u.file).join(rename(u.file)),
    }));
    if (values.json) {
      io.out(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const u of report.unreadable) io.err(`${u.message}\n`);
      for (const p of report.problems) io.out(`${formatProblem(p)}\n`);
      const errors = report.problems.filter((p) => p.severity === "error").length;
      const warnings = report.problems.length - errors;
      io.out(
        `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} for ${target}\n`,
      );
    }
    if (report.unreadable.length > 0) return exit.unusable;
    return report.ok ? exit.ok : exit.problems;
  },
};
