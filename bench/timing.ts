/** Timing helpers the benchmarks share. */

/** How long `work` takes, in milliseconds. */
export function timeMs(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Prints `<label> services=<count> median=<ms>ms per-service=<us>us` for samples over `count` services. */
export function printPerService(label: string, count: number, samples: number[]): void {
  const ms = median(samples);
  console.log(
    `${label} services=${count} median=${ms.toFixed(1)}ms per-service=${((ms * 1000) / count).toFixed(1)}us`,
  );
}
