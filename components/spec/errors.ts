/** One problem found in a service description: where it is and what is wrong. */
export interface SpecIssue {
  /** Path into the input, e.g. `ports[0].target`, `resources.reservations.memory`, `name`. */
  path: string;
  /** What is wrong. */
  message: string;
}

/**
 * Thrown when a service description cannot be normalized or rendered. `issues` lists every problem
 * found, not only the first; the message names the service and each issue on its own line.
 */
export class SpecError extends Error {
  /** The service's name. */
  readonly service: string;
  /** Every problem found, each with its path. */
  readonly issues: SpecIssue[];

  constructor(service: string, issues: SpecIssue[]) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
    super(
      `service ${service}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n${lines.join("\n")}`,
    );
    this.name = "SpecError";
    this.service = service;
    this.issues = issues;
  }
}

/** Collects issues while walking an input, then throws them all at once. */
export class IssueCollector {
  readonly issues: SpecIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  throwIfAny(service: string): void {
    if (this.issues.length > 0) throw new SpecError(service, this.issues);
  }
}
