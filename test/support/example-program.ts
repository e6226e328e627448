import path from "path";

/** The compiled examples, beside the compiled tests. */
const examples = path.resolve(__dirname, "..", "..", "examples");

/**
 * Loads `examples/<name>` afresh, with every example module it shares, as each `pulumi up` runs the
 * program in a new process.
 */
export function loadExample(name: string): unknown {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(examples + path.sep)) delete require.cache[file];
  }
  return require(path.join(examples, name));
}
