/**
 * Optional peer packages: a target's SDKs are installed by the programs that use that target, and
 * loaded only when one of its components is made.
 */

/** Whether `name` can be loaded from Berth's place in the program's tree. */
function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The packages of `names` that are not installed, for an error that says what to install: `what`
 * needs them (`"KubernetesCluster prod"`).
 */
export function missingPeersMessage(what: string, names: string[]): string | undefined {
  const missing = names.filter((name) => !installed(name));
  if (missing.length === 0) return undefined;
  return `${what} needs ${missing.join(" and ")}, which Berth leaves to programs that use this target: npm install ${missing.join(" ")}`;
}
