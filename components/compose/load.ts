import { existsSync, readFileSync } from "fs";
import { homedir } from "os";
import { basename, dirname, isAbsolute, resolve } from "path";
import { addImplicitDependencies, checkDependencyCycles } from "./dependencies";
import { parseDotenv } from "./dotenv";
import { applyExtends } from "./extends";
import { type FileContext, type FileModel, loadFileModel } from "./file-model";
import { applyProfiles, checkReferences, fillProjectDefaults, resolveEnvironment } from "./finalize";
import { applyIncludes, type IncludeRequest } from "./include";
import { mergeCompose } from "./merge";
import {
  ComposeError,
  type ComposeIssue,
  type ComposePath,
  type ComposeProject,
  formatPath,
  type LoadComposeOptions,
} from "./types";
import { type Dict, own } from "./dict";

type Env = Record<string, string | undefined>;

/** The files Compose looks for when none is named, in its order of preference. */
const defaultFiles = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const overrideFiles = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yaml",
  "docker-compose.override.yml",
];

/**
 * Loads a Compose project as Docker Compose does and returns it in canonical long form: YAML with
 * anchors, merge keys and `!reset`/`!override`; interpolation per file (`.env` in `workingDir` fills
 * gaps in `env`); validation against the Compose schema; `include`, `extends`, multi-file merging,
 * profiles, `env_file`, and short syntax expanded. Every problem is reported at once in a
 * {@link ComposeError}, each with its file, key path and line.
 */
export function loadCompose(options: LoadComposeOptions): ComposeProject {
  const workingDir = resolve(options.workingDir);
  const issues: ComposeIssue[] = [];
  const env = environmentFor(workingDir, options.env ?? process.env, undefined, issues);
  const lookup = (name: string) => env[name];
  const ctx: FileContext = {
    baseDir: workingDir,
    home: env.HOME ?? homedir(),
    lookup,
    issues,
    unset: new Set(),
  };

  const sources: { file: string; text?: string }[] =
    options.content !== undefined
      ? [{ file: "(content)", text: options.content }]
      : projectFiles(workingDir, options.files ?? env.COMPOSE_FILE?.split(":").filter(Boolean), issues);
  const loaded = loadModels(sources, ctx, []);
  if (loaded !== undefined && Object.keys(loaded).length === 0) {
    issues.push({
      ...(sources.length === 1 && { file: sources[0].file }),
      path: "",
      message: "empty compose file",
    });
  }
  const tree = loaded ?? {};
  for (const name of ctx.unset) {
    options.onWarning?.(`the variable ${name} is not set; it is replaced by an empty string`);
  }
  if (issues.length > 0) throw new ComposeError(issues);

  const services = (tree.services ?? {}) as Dict;
  const profiles =
    options.profiles ??
    env.COMPOSE_PROFILES?.split(",")
      .map((p) => p.trim())
      .filter(Boolean) ??
    [];
  addImplicitDependencies(services, issues);
  applyProfiles(services, profiles, issues);
  checkDependencyCycles(services, issues);
  resolveEnvironment(services, lookup, issues);
  const project = {
    ...tree,
    name: projectName(options, tree, env, workingDir, issues),
    services,
  } as ComposeProject;
  checkReferences(project, issues);
  if (issues.length > 0) throw new ComposeError(issues);
  fillProjectDefaults(project);
  return project;
}

/**
 * Loads, includes, extends and merges files in order into one tree; undefined when nothing loaded.
 * `including` lists the files whose `include` led here, outermost first, to find include cycles.
 */
function loadModels(
  sources: { file: string; text?: string }[],
  ctx: FileContext,
  including: string[],
): Dict | undefined {
  const report = (model: FileModel, path: ComposePath, message: string) =>
    ctx.issues.push({ file: model.file, path: formatPath(path), line: model.lineOf(path), message });
  const others = new Map<string, FileModel | undefined>();
  const loadOther = (path: string) => {
    if (!others.has(path))
      others.set(path, loadFileModel(path, { ...ctx, baseDir: dirname(path) }, undefined, true));
    return others.get(path);
  };
  const includer = (model: FileModel) => (request: IncludeRequest, index: number) => {
    const chain = [...including, model.file];
    const again = request.files.find((file) => chain.includes(file));
    if (again !== undefined) {
      const cycle = [...chain.slice(chain.indexOf(again)), again];
      report(model, ["include", index], `include cycle: ${cycle.join(" -> ")}`);
      return undefined;
    }
    const before = ctx.issues.length;
    const env = environmentFor(request.projectDirectory, ctx.lookup, request.envFiles, ctx.issues);
    const included = loadModels(
      request.files.map((file) => ({ file })),
      { ...ctx, baseDir: request.projectDirectory, lookup: (name: string) => env[name] },
      chain,
    );
    return ctx.issues.length === before ? included : undefined;
  };

  let merged: Dict | undefined;
  for (const { file, text } of sources) {
    const model = loadFileModel(file, ctx, text);
    if (!model) continue;
    applyIncludes(model, includer(model));
    applyExtends(model, loadOther, report);
    merged = merged === undefined ? model.tree : (mergeCompose(merged, model.tree, [], model.marks) as Dict);
  }
  return merged;
}

/**
 * The interpolation environment: `base` wins; `.env`-format files (default: `<dir>/.env`, when it
 * exists) fill the gaps.
 */
function environmentFor(
  dir: string,
  base: Env | ((name: string) => string | undefined),
  envFiles: string[] | undefined,
  issues: ComposeIssue[],
): Env {
  const get = typeof base === "function" ? base : (name: string) => own(base, name);
  const files = envFiles ?? (existsSync(resolve(dir, ".env")) ? [resolve(dir, ".env")] : []);
  const fromFiles: Env = {};
  for (const file of files) {
    try {
      Object.assign(
        fromFiles,
        parseDotenv(readFileSync(file, "utf8"), (name: string) => get(name) ?? own(fromFiles, name)),
      );
    } catch (err) {
      issues.push({ file, path: "", line: (err as { line?: number }).line, message: (err as Error).message });
    }
  }
  return new Proxy(fromFiles, { get: (target, name: string) => get(name) ?? own(target, name) });
}

function projectFiles(workingDir: string, files: string[] | undefined, issues: ComposeIssue[]) {
  if (files && files.length > 0)
    return files.map((f) => ({ file: isAbsolute(f) ? f : resolve(workingDir, f) }));
  const main = defaultFiles.find((f) => existsSync(resolve(workingDir, f)));
  if (!main) {
    issues.push({
      path: "",
      message: `no Compose file in ${workingDir} (looked for ${defaultFiles.join(", ")})`,
    });
    return [];
  }
  const override = overrideFiles.find((f) => existsSync(resolve(workingDir, f)));
  return [main, ...(override ? [override] : [])].map((f) => ({ file: resolve(workingDir, f) }));
}

/** The project name: option, top-level `name`, `COMPOSE_PROJECT_NAME`, then the directory's name (made valid). */
function projectName(
  options: LoadComposeOptions,
  tree: Dict,
  env: Env,
  workingDir: string,
  issues: ComposeIssue[],
) {
  const explicit =
    options.projectName ??
    (typeof tree.name === "string" ? tree.name : undefined) ??
    env.COMPOSE_PROJECT_NAME;
  if (explicit !== undefined) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(explicit)) {
      issues.push({
        path: "name",
        message: `project name ${JSON.stringify(explicit)} must be lowercase letters, digits, dashes and underscores, starting with a letter or digit`,
      });
    }
    return explicit;
  }
  return (
    basename(workingDir)
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, "")
      .replace(/^[_-]+/, "") || "default"
  );
}
