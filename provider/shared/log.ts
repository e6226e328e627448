import * as pulumi from "@pulumi/pulumi";

/**
 * Writes to the Pulumi log when a provider runs under the engine. Called directly (tests, benchmarks)
 * there is no log to write to, and the line is dropped.
 */
export function engineLog(level: "info" | "warn", message: string): void {
  try {
    pulumi.log[level](message);
  } catch {
    // No engine connection: nothing to report to.
  }
}
