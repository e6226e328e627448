import { setTimeout as sleep } from "timers/promises";
import type { RolloutState } from "./rollout-state";

export interface RolloutWaitOptions {
  timeoutMs: number;
  /** The first pause between polls; it grows by half each time up to `maxPollMs`. Default: 250. */
  pollMs?: number;
  /** Default: 2000. */
  maxPollMs?: number;
  /** Called with a progress line whenever it changes. */
  progress?: (line: string) => void;
}

/** How a wait ended: complete, or failed with the problems seen (a timeout is a failure). */
export type RolloutOutcome =
  { phase: "complete"; progress: string } | { phase: "failed"; progress: string; problems: string[] };

/**
 * Polls `observe` until the rollout completes or fails, or the time is up: then it has failed, with the
 * last progress and problems seen. Polls come quickly at first (most rollouts of a small change end in
 * seconds) and slow down to `maxPollMs`, which keeps the load on the API server low on long waits.
 */
export async function waitForRollout(
  observe: () => Promise<RolloutState>,
  options: RolloutWaitOptions,
): Promise<RolloutOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const maxPollMs = options.maxPollMs ?? 2000;
  let pollMs = options.pollMs ?? 250;
  let lastLine = "";
  for (;;) {
    const state = await observe();
    if (state.phase !== "progressing") return state;
    const line =
      state.problems.length > 0 ? `${state.progress}; ${state.problems.join("; ")}` : state.progress;
    if (line !== lastLine) options.progress?.(line);
    lastLine = line;
    if (Date.now() + pollMs > deadline) {
      return {
        phase: "failed",
        progress: state.progress,
        problems: [
          `the rollout did not complete within ${Math.round(options.timeoutMs / 1000)} s (${state.progress})`,
          ...state.problems,
        ],
      };
    }
    await sleep(pollMs);
    pollMs = Math.min(maxPollMs, Math.round(pollMs * 1.5));
  }
}
