import { readFileSync } from "fs";
import { basename, dirname, extname, resolve } from "path";
import { loadCompose } from "../components/compose/load";
import { refusedKeys } from "../components/compose/service-keys";
import { composeOrigin, type ComposeMapping, toServiceSpecs } from "../components/compose/to-service-specs";
import { ComposeError, type ComposeIssue, type ComposeProject } from "../components/compose/types";
import { SpecError } from "../components/spec/errors";
import { normalizeService } from "../components/spec/normalize";
import type { NormalizedService, ServiceInput } from "../components/spec/types";
import { ComposeSources, SourceFile, splitPath } from "./locate";
import { type Problem, type ProblemKind, sortProblems, uniqueProblems } from "./problems";
import { renderFor, type Rendered, type Target } from "./targets";

/** The input cannot be read at all: a missing file, or text that is not YAML or JSON (exit status 2). */
export class UnreadableInput extends Error {}

/** A service that normalized and rendered without problems. */
export interface RenderedService {
  name: string;
  normalized: NormalizedService;
  rendered: Rendered;
}

export interface Analysis {
  file: string;
  /** `compose` for a Compose file, `services` for portable service descriptions. */
  kind: "compose" | "services";
  problems: Problem[];
  services: RenderedService[];
}

export interface AnalyzeOptions {
  target: Target;
  /** Ignored keys are errors. */
  strict?: boolean;
  /** The environment Compose files are interpolated with. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a file as YAML (JSON is YAML); throws {@link UnreadableInput} when it cannot. */
export function readInput(file: string): { source: SourceFile; value: unknown } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UnreadableInput(
      `${file}: cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const source = new SourceFile(file, text);
  const value = source.value();
  if (value === undefined) throw new UnreadableInput(`${file}: not YAML or JSON`);
  return { source, value };
}

/** A Compose file has `services` or `include`; anything else with `image` (or a list) describes services. */
export function isComposeDocument(value: unknown): boolean {
  return isDict(value) && ("services" in value || "include" in value || !("image" in value));
}

/**
 * Loads a Compose file or a portable service description, normalizes every service and renders it for
 * `target`, collecting every problem with the place in the source it comes from.
 */
export function analyze(file: string, options: AnalyzeOptions): Analysis {
  const { source, value } = readInput(file);
  const analysis = isComposeDocument(value)
    ? analyzeCompose(file, options)
    : analyzeServices(file, source, value, options);
  return { ...analysis, problems: sortProblems(uniqueProblems(analysis.problems)) };
}

function specIssues(err: unknown): SpecError {
  if (err instanceof SpecError) return err;
  throw err;
}

/** Each service of a list (or the one service) of `ServiceInput`s, named by `name` (default: the file's base name). */
function analyzeServices(
  file: string,
  source: SourceFile,
  value: unknown,
  options: AnalyzeOptions,
): Analysis {
  const problems: Problem[] = [];
  const services: RenderedService[] = [];
  const list = Array.isArray(value);
  const items = list ? value : [value];
  const at = (prefix: string, field: string, kind: ProblemKind, message: string, service?: string) => {
    const path = `${prefix}${field}`;
    const found = source.find(splitPath(path));
    problems.push({
      severity: "error",
      kind,
      file,
      ...(found && { line: found.position.line, column: found.position.column }),
      ...(service !== undefined && { service }),
      field: path,
      message,
    });
  };
  items.forEach((item, i) => {
    const prefix = list ? `[${i}].` : "";
    if (!isDict(item)) {
      at(prefix.slice(0, -1), "", "invalid", "must be a service description (an object with image)");
      return;
    }
    const { name: given, ...input } = item;
    const name = typeof given === "string" ? given : list ? undefined : basename(file, extname(file));
    if (name === undefined) {
      at(prefix, "name", "invalid", "is required in a list of services: name each service");
      return;
    }
    const checked = normalizeAndRender(name, input as unknown as ServiceInput, options.target);
    for (const [kind, issues] of [
      ["invalid", checked.invalid],
      ["refused", checked.refused],
    ] as const) {
      for (const issue of issues) at(prefix, issue.path, kind, issue.message, name);
    }
    if (checked.service) services.push(checked.service);
  });
  return { file, kind: "services", problems, services };
}

function normalizeAndRender(
  name: string,
  input: ServiceInput,
  target: Target,
  renderOptions: { partOf?: string } = {},
): {
  invalid: { path: string; message: string }[];
  refused: { path: string; message: string }[];
  service?: RenderedService;
} {
  let normalized: NormalizedService;
  try {
    normalized = normalizeService(name, input);
  } catch (err) {
    return { invalid: specIssues(err).issues, refused: [] };
  }
  try {
    return {
      invalid: [],
      refused: [],
      service: { name, normalized, rendered: renderFor(target, normalized, renderOptions) },
    };
  } catch (err) {
    return { invalid: [], refused: specIssues(err).issues };
  }
}

/** `refused` for a key Berth refuses and for what a target cannot do; `invalid` for the rest. */
function composeKind(issue: ComposeIssue): ProblemKind {
  if (/would be ignored/.test(issue.message)) return "ignored";
  const parts = splitPath(issue.path);
  if (parts[0] === "services" && parts.length === 3 && String(parts[2]) in refusedKeys) return "refused";
  return /is not supported|cannot be|has no |cannot build/.test(issue.message) ? "refused" : "invalid";
}

function analyzeCompose(file: string, options: AnalyzeOptions): Analysis {
  const main = resolve(file);
  const sources = new ComposeSources(main);
  const problems: Problem[] = [];
  const shown = (f: string) => (resolve(f) === main ? file : f);
  const add = (
    path: string,
    message: string,
    kind: ProblemKind,
    severity: Problem["severity"] = "error",
    inFile?: string,
  ) => {
    const parts = splitPath(path);
    const position = sources.locate(path, inFile);
    problems.push({
      severity,
      kind,
      file: shown(position?.file ?? inFile ?? main),
      ...(position && { line: position.line, column: position.column }),
      ...(parts[0] === "services" && parts[1] !== undefined && { service: String(parts[1]) }),
      field: path,
      message,
    });
  };
  const report = (issues: ComposeIssue[]) => {
    for (const issue of issues) add(issue.path, issue.message, composeKind(issue), "error", issue.file);
  };

  let project: ComposeProject;
  try {
    project = loadCompose({
      files: [main],
      workingDir: dirname(main),
      ...(options.env && { env: options.env }),
    });
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
    report(err.issues);
    return { file, kind: "compose", problems, services: [] };
  }

  // One service at a time, so that a service with problems does not hide the refusals of the others.
  const mapping: ComposeMapping = {
    services: {},
    containerLabels: {},
    timeoutSeconds: {},
    dependsOn: {},
    ignored: [],
    origins: {},
  };
  for (const [name, service] of Object.entries(project.services)) {
    try {
      const one = toServiceSpecs({ ...project, services: { [name]: service } }, { strict: options.strict });
      for (const key of ["services", "containerLabels", "timeoutSeconds", "dependsOn", "origins"] as const)
        Object.assign(mapping[key], one[key]);
      mapping.ignored.push(...one.ignored);
    } catch (err) {
      if (!(err instanceof ComposeError)) throw err;
      report(err.issues);
    }
  }
  if (!options.strict) {
    for (const i of mapping.ignored) {
      const path = i.service === undefined ? i.key : `services.${i.service}.${i.key}`;
      add(path, `is ignored: ${i.reason}`, "ignored", "warning");
    }
  }

  const planned = planTarget(project, mapping, options);
  report(planned.issues);
  for (const i of planned.ignored) {
    const path = `services.${i.service}.${i.key}`;
    if (options.strict) add(path, `would be ignored (${i.reason}), and strict is set`, "ignored");
    else add(path, `is ignored: ${i.reason}`, "ignored", "warning");
  }

  const services: RenderedService[] = [];
  for (const [name, input] of Object.entries(planned.inputs)) {
    const checked = normalizeAndRender(name, input, options.target, { partOf: project.name });
    for (const issue of checked.invalid)
      add(composeOrigin(mapping, name, issue.path), issue.message, "invalid");
    for (const issue of checked.refused)
      add(composeOrigin(mapping, name, issue.path), issue.message, "refused");
    if (checked.service) services.push(checked.service);
  }
  return { file, kind: "compose", problems, services };
}

/** What the stack would deploy on the target: its extra checks, and each service's input. */
function planTarget(
  project: ComposeProject,
  mapping: ComposeMapping,
  options: AnalyzeOptions,
): {
  issues: ComposeIssue[];
  ignored: { service: string; key: string; reason: string }[];
  inputs: Record<string, ServiceInput>;
} {
  // Loaded here: the stack's planning reads Pulumi's types, and `--help` should not wait for them.
  const { usedResources } =
    require("../components/compose/stack-objects") as typeof import("../components/compose/stack-objects");
  const used = usedResources({ ...project, services: pick(project.services, Object.keys(mapping.services)) });
  if (options.target === "swarm") {
    const { swarmStackIssues } =
      require("../components/swarm/stack-networks") as typeof import("../components/swarm/stack-networks");
    return { issues: swarmStackIssues(project, used), ignored: [], inputs: mapping.services };
  }
  const { stackFileObjectIssues } =
    require("../components/compose/stack-file-objects") as typeof import("../components/compose/stack-file-objects");
  const { planWorkloads } =
    require("../components/compose/stack-workload-plan") as typeof import("../components/compose/stack-workload-plan");
  // What each target's cluster says a stack may hold there.
  const support =
    options.target === "kubernetes"
      ? (
          require("../components/kubernetes/stack-support") as typeof import("../components/kubernetes/stack-support")
        ).kubernetesStackSupport
      : (require("../components/ecs/stack-support") as typeof import("../components/ecs/stack-support"))
          .ecsStackSupport;
  const plan = planWorkloads(project, mapping, {
    target: options.target,
    support,
    env: options.env ?? process.env,
  });
  const inputs: Record<string, ServiceInput> = {};
  for (const [name, workload] of Object.entries(plan.workloads)) {
    const strip = (files?: { data?: unknown }[]) => files?.map(({ data: _data, ...file }) => file);
    inputs[name] = {
      ...workload.input,
      ...(workload.input.secrets && { secrets: strip(workload.input.secrets) }),
      ...(workload.input.configs && { configs: strip(workload.input.configs) }),
    } as ServiceInput;
  }
  return {
    issues: [...stackFileObjectIssues(project, used), ...plan.issues],
    ignored: plan.ignored,
    inputs,
  };
}

function pick<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k]]));
}
