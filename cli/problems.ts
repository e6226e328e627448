/** What kind of finding a problem is. */
export type ProblemKind =
  /** The file is not valid input (Compose schema, a bad value, a reference to nothing). */
  | "invalid"
  /** Valid input that the target (or Berth) cannot honour. */
  | "refused"
  /** A key Berth leaves out of the deployment; an error with `--strict`. */
  | "ignored";

/** One finding of `berth check`, as `--json` prints it. */
export interface Problem {
  /** `error` makes the exit status 1; `warning` (an ignored key without `--strict`) does not. */
  severity: "error" | "warning";
  kind: ProblemKind;
  /** The file the problem is written in, as given on the command line or as the file names it (`include`, `extends`). */
  file: string;
  /** 1-based; absent when the source does not tell (a key that is not written anywhere, such as a default). */
  line?: number;
  column?: number;
  /** The service concerned, when there is one. */
  service?: string;
  /** The key path in the source: `services.web.deploy.replicas` in a Compose file, `ports[0].target` in a service description. */
  field: string;
  /** What is wrong, and what to do instead. */
  message: string;
}

/** `file:line:column: error: services.web.ports[0]: message` */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined);
  const field = p.field === "" ? "(top level)" : p.field;
  return `${where.join(":")}: ${p.severity}: ${field}: ${p.message}`;
}

/** Orders problems by file, line and column, keeping the order of those without a line. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        a.p.file.localeCompare(b.p.file) ||
        (a.p.line ?? Infinity) - (b.p.line ?? Infinity) ||
        (a.p.column ?? 0) - (b.p.column ?? 0) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

/** Drops repeats (the same field, message and place). */
export function uniqueProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.file, p.field, p.message, p.severity]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
