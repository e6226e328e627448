/**
 * Values a provider computes, as components read them. Under `pulumi.runtime.setMocks` a user's mock
 * usually returns a resource's inputs as its state, so what a provider would compute (a salt, an ARN,
 * the region's zones) is missing: Berth then uses a placeholder that says so, and the program runs on,
 * as users' unit tests expect. In a deployment a missing value is a provider's fault, and an error names it.
 */
import * as pulumi from "@pulumi/pulumi";

/** Whether the program runs under `pulumi.runtime.setMocks` (a unit test), not under an engine. */
export function runningUnderMocks(): boolean {
  // Loaded here, not at the top: only programs that reach a missing value pay for it.
  const { MockMonitor } =
    require("@pulumi/pulumi/runtime/mocks") as typeof import("@pulumi/pulumi/runtime/mocks");
  return pulumi.runtime.getMonitor() instanceof MockMonitor;
}

/** The placeholder for a value a mock did not give: recognisable in a test's assertions. */
export const mockedPlaceholder = (what: string) => `mocked-${what}`;

/**
 * `value`, or, when it is missing under mocks, the placeholder `mocked-<what>`. Missing in a
 * deployment, it is an error naming `owner` and what is missing.
 */
export function providerComputed(value: string | undefined, owner: string, what: string): string {
  if (value !== undefined && value !== null) return value;
  if (runningUnderMocks()) return mockedPlaceholder(what);
  throw new Error(`${owner}: the provider returned no ${what}`);
}
