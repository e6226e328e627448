import { SpecError, type SpecIssue } from "../errors";
import type { NormalizedService, SpecField } from "../types";

/** A deployment target, as the renderers and refusals name it. */
export type Target = "swarm" | "kubernetes" | "ecs";

/** Options every renderer takes. */
export interface RenderOptions {
  /**
   * Called for each unsupported field that the service lists in `ignoreUnsupported` and that the
   * renderer therefore dropped. Default: none (dropped fields are still never silent: components log them).
   */
  onIgnored?: (issue: SpecIssue) => void;
}

/**
 * Gathers the fields a target cannot honour. A field the service marks as ignorable is dropped with a
 * notice; any other is an error, and all of them are thrown together at the end of rendering.
 */
export class Refusals {
  private readonly errors: SpecIssue[] = [];

  constructor(
    private readonly service: NormalizedService,
    private readonly target: Target,
    private readonly options: RenderOptions = {},
  ) {}

  /** Records that `path` is not supported on this target; `advice` says what to do instead. */
  refuse(path: string, advice: string): void {
    const field = path.split(/[.[]/)[0] as SpecField;
    const issue = { path, message: `is not supported on ${this.target}; ${advice}` };
    if (this.service.ignoreUnsupported.includes(field)) {
      this.options.onIgnored?.({ path, message: `${issue.message} (ignored: listed in ignoreUnsupported)` });
    } else {
      this.errors.push(issue);
    }
  }

  /**
   * Records that `path` breaks a rule of the place the service is deployed to (a tenant's Pod Security
   * level): always an error, even for fields in `ignoreUnsupported`, since the cluster would refuse the pods.
   */
  forbid(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new SpecError(this.service.name, this.errors);
  }
}

/** Milliseconds -> whole seconds, rounded up (targets that count in seconds never shorten a wait). */
export function secondsCeil(ms: number): number {
  return Math.ceil(ms / 1000);
}
