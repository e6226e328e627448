import { mkdirSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { stringify } from "yaml";
import { analyze, UnreadableInput } from "./analyze";
import { type Command, exit, parse, UsageError } from "./io";
import { formatProblem } from "./problems";
import { readTarget, type Target } from "./targets";
import { kubernetesYaml } from "../components/spec/render/kubernetes-yaml";
import type { RenderedService } from "./analyze";

export const renderHelp = `Usage: berth render FILE --target kubernetes|ecs|swarm [--out DIR]

Prints the objects Berth would create for each service of FILE (a Compose file or a portable service
description), without deploying anything:
  kubernetes  the objects as multi-document YAML (Deployment, Service, NetworkPolicy, ...)
  ecs         each task definition as JSON, in the shape that
              \`aws ecs register-task-definition --cli-input-json file://web.json\` takes
  swarm       each service's spec as JSON, in the Docker Engine API's ServiceSpec shape
If the file has problems, they are printed (as \`berth check\` prints them) and nothing is rendered.

Options:
  -t, --target  kubernetes, ecs or swarm (required)
  -o, --out     write one file per object (kubernetes: <service>-<kind>.yaml) or per service
                (ecs: <service>.json, swarm: <service>.json) into DIR instead of printing
  -h, --help    show this help

Examples:
  berth render compose.yaml --target kubernetes | kubectl apply --dry-run=client -f -
  berth render compose.yaml --target ecs --out taskdefs/
  aws ecs register-task-definition --cli-input-json file://taskdefs/web.json

Exit status: 0 rendered, 1 the file has problems, 2 the file cannot be read.
`;

/** One output file: its name and content. */
export interface RenderedFile {
  name: string;
  content: string;
}

/** The files `berth render --out` writes for the services, in order. */
export function renderedFiles(target: Target, services: RenderedService[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const { name, rendered } of services) {
    if (rendered.target === "kubernetes") {
      for (const object of rendered.objects) {
        const objectName = (object.metadata?.name ?? name).toLowerCase();
        files.push({
          name: `${name}-${(object.kind ?? "object").toLowerCase()}-${objectName}.yaml`,
          content: stringify(object),
        });
      }
    } else if (rendered.target === "ecs") {
      files.push({
        name: `${name}.json`,
        content: `${JSON.stringify(rendered.ecs.taskDefinition, null, 2)}\n`,
      });
    } else {
      files.push({ name: `${name}.json`, content: `${JSON.stringify(rendered.spec, null, 2)}\n` });
    }
  }
  void target;
  return files;
}

/** What `berth render` prints without `--out`: YAML documents, or one JSON array. */
export function renderedText(target: Target, services: RenderedService[]): string {
  if (target === "kubernetes") {
    // The same text `renderKubernetesManifests` gives for one service, for a repository to hold.
    return kubernetesYaml(
      services.flatMap(({ rendered }) => (rendered.target === "kubernetes" ? rendered.objects : [])),
    );
  }
  const items = services.map(({ rendered }) =>
    rendered.target === "ecs"
      ? rendered.ecs.taskDefinition
      : rendered.target === "swarm"
        ? rendered.spec
        : undefined,
  );
  return `${JSON.stringify(items, null, 2)}\n`;
}

export const renderCommand: Command = {
  name: "render",
  summary: "print the Kubernetes objects, ECS task definitions or Swarm service specs Berth would create",
  help: renderHelp,
  run(argv, io) {
    const { values, positionals } = parse(argv, {
      target: { type: "string", short: "t" },
      out: { type: "string", short: "o" },
    });
    const target = readTarget(values.target) as Target;
    if (positionals.length !== 1) throw new UsageError("name one FILE");
    const file = positionals[0];
    let analysis;
    try {
      analysis = analyze(resolve(io.cwd, file), { target, env: io.env });
    } catch (err) {
      if (!(err instanceof UnreadableInput)) throw err;
      io.err(`${err.message}\n`);
      return exit.unusable;
    }
    const errors = analysis.problems.filter((p) => p.severity === "error");
    for (const p of analysis.problems)
      io.err(`${formatProblem({ ...p, file: p.file === resolve(io.cwd, file) ? file : p.file })}\n`);
    if (errors.length > 0) return exit.problems;
    if (typeof values.out === "string") {
      const dir = resolve(io.cwd, values.out);
      mkdirSync(dir, { recursive: true });
      for (const f of renderedFiles(target, analysis.services)) {
        writeFileSync(join(dir, f.name), f.content);
        io.out(`${join(values.out, f.name)}\n`);
      }
    } else {
      io.out(renderedText(target, analysis.services));
    }
    return exit.ok;
  },
};
