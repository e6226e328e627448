/** Valid Fargate task sizes: CPU units -> the memory sizes (MiB) allowed with them. */
const fargateSizes: [number, number[]][] = [
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
];

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/**
 * The smallest Fargate task size with at least `cpuUnits` and `memoryMiB`, or undefined when the
 * request is larger than Fargate's largest task.
 */
export function fargateTaskSize(
  cpuUnits: number,
  memoryMiB: number,
): { cpu: number; memory: number } | undefined {
  for (const [cpu, memories] of fargateSizes) {
    if (cpu < cpuUnits) continue;
    const memory = memories.find((m) => m >= memoryMiB);
    if (memory !== undefined) return { cpu, memory };
  }
  return undefined;
}
