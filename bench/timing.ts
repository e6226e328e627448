/** Timing helpers the benchmarks share. */

/** What `work` returns, and how long it took in milliseconds. */
export function timed<T>(work: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = work();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Prints `<label> services=<count> median=<ms>ms per-service=<us>us` for samples over `count` services. */
export function printPerService(label: string, count: number, samples: number[]): void {
  const ms = median(samples);
  console.log(
    `${label} services=${count} median=${ms.toFixed(1)}ms per-service=${((ms * 1000) / count).toFixed(1)}us`,
  );
}
