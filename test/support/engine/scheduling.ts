/**
 * How the engine paces resource operations. Its step generator handles one registration at a time,
 * calling the provider's Check and Diff in turn; the steps it produces (create, update, delete, import)
 * run on a fixed pool of workers: `--parallel`, whose default is four per CPU (GOMAXPROCS × 4), or
 * PULUMI_PARALLEL. A step waiting for a worker after another step failed never starts: the engine
 * stops scheduling and ends the deployment.
 */
import os from "os";

/** The CLI's default `--parallel` on this machine, or PULUMI_PARALLEL when set. */
export function engineParallelism(): number {
  const given = Number(process.env.PULUMI_PARALLEL);
  return Number.isInteger(given) && given > 0 ? given : os.availableParallelism() * 4;
}

/** A step the engine never started because the deployment had already failed. */
export class StepNotStartedError extends Error {
  constructor(what: string) {
    super(`test engine: ${what} not started: the deployment failed`);
  }
}

export class StepScheduler {
  private generating: Promise<unknown> = Promise.resolve();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly workers: number,
    private readonly failed: () => boolean,
  ) {}

  /** Runs `work` (Check and Diff of one registration) after every earlier registration's. */
  generate<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.generating.then(work);
    this.generating = turn.catch(() => undefined);
    return turn;
  }

  /** Runs a step on a worker, once one is free. */
  async execute<T>(what: string, step: () => Promise<T>): Promise<T> {
    if (this.running >= this.workers) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      if (this.failed()) throw new StepNotStartedError(what);
      return await step();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
