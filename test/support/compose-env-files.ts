/**
 * A Compose service whose variables come from two env files and `environment`, and the variables
 * Compose gives its container: later files override earlier ones, `environment` overrides them all, a
 * bare `environment` name takes the project's value, and an env file's `${...}` reads the project's
 * environment and the file's earlier lines.
 */
export const envFileProject = {
  files: {
    "base.env": "SHARED=from-base\nONLY_BASE=base\nOVERRIDDEN=from-file\nGREETING=hello ${WHO}\n",
    "local.env": "SHARED=from-local\nONLY_LOCAL=${ONLY_BASE}-local\n",
  },
  content: `
services:
  app:
    image: registry.example.com/shop/app:1
    env_file: [base.env, local.env]
    environment:
      OVERRIDDEN: inline
      PASSED:
`,
  /** The project's environment. */
  env: { WHO: "world", PASSED: "from-project" },
  /** What the container gets. */
  expected: {
    GREETING: "hello world",
    ONLY_BASE: "base",
    ONLY_LOCAL: "base-local",
    OVERRIDDEN: "inline",
    PASSED: "from-project",
    SHARED: "from-local",
  },
};
