import { readFileSync } from "fs";
import { resolve } from "path";
import { stringify } from "yaml";
import { fromMarathonGroup, toComposeFile } from "../components/marathon";
import type { MarathonConversion } from "../components/marathon";
import type { MarathonApp, MarathonGroup, MarathonNote } from "../components/marathon";
import { type Command, exit, parse, UsageError } from "./io";

export const convertHelp = `Usage: berth convert marathon APP.json... [--to compose|spec]

Converts Marathon app definitions (one app, a list of apps, or a group: {"apps": [...]} or
{"id": "/group", "apps": [...], "groups": [...]}) into a Compose file (default) or Berth's portable
service descriptions (a YAML list of ServiceInput, each with its name), printed on stdout. Everything
without an equivalent (disk, fetch, Marathon's $PORT0/$HOST variables, marathon-lb's servicePort,
regex constraints, ...) is listed on stderr as FILE: app: field: what to do instead; nothing is
dropped silently. Then check the result: berth check compose.yaml --target swarm.

Options:
      --to      compose (default) or spec
  -h, --help    show this help

Examples:
  berth convert marathon web.json > compose.yaml
  berth convert marathon group.json --to spec > services.yaml
  berth convert marathon apps/*.json > compose.yaml && berth check compose.yaml --target kubernetes

Exit status: 0 converted (notes on stderr are for you to act on), 2 a file cannot be read or is not JSON.
`;

/** The apps of one file: an app, a list of apps, or a group. */
export function marathonGroupOf(value: unknown): MarathonGroup {
  if (Array.isArray(value)) return { apps: value as MarathonApp[] };
  const v = value as Record<string, unknown>;
  if (v && typeof v === "object" && ("apps" in v || "groups" in v)) return v as MarathonGroup;
  return { apps: [v as MarathonApp] };
}

/** Converts the files' apps; what `berth convert marathon` prints, and its notes. */
export function convertMarathon(
  inputs: { file: string; value: unknown }[],
  to: "compose" | "spec",
): { text: string; notes: (MarathonNote & { file: string })[] } {
  const apps: MarathonConversion[] = [];
  const notes: (MarathonNote & { file: string })[] = [];
  for (const { file, value } of inputs) {
    const group = fromMarathonGroup(marathonGroupOf(value));
    apps.push(...group.apps);
    notes.push(...group.notes.map((n) => ({ file, ...n })));
    for (const app of group.apps) notes.push(...app.notes.map((n) => ({ file, ...n })));
  }
  if (to === "spec") {
    for (const app of apps) {
      if (app.dependsOn.length > 0) {
        notes.push({
          file: inputs.find(() => true)?.file ?? "",
          app: app.id,
          path: "dependencies",
          message: `a service description has no dependencies: create ${app.dependsOn.join(", ")} first (Pulumi's dependsOn), or convert --to compose`,
        });
      }
    }
    const list = apps.map((a) => ({ name: a.name, ...a.service }));
    return { text: stringify(list), notes };
  }
  const compose = toComposeFile(apps);
  notes.push(...compose.notes.map((n) => ({ file: inputs[0]?.file ?? "", ...n })));
  const header =
    "# Converted from Marathon by berth convert; check it with: berth check <file> --target <target>\n";
  return { text: header + stringify(compose.compose), notes };
}

export const convertCommand: Command = {
  name: "convert",
  summary: "convert Marathon apps into a Compose file or Berth service descriptions",
  help: convertHelp,
  run(argv, io) {
    const { values, positionals } = parse(argv, { to: { type: "string" } });
    const [from, ...files] = positionals;
    if (from !== "marathon")
      throw new UsageError(`convert from what? berth convert marathon APP.json... (not "${from ?? ""}")`);
    if (files.length === 0) throw new UsageError("name at least one Marathon app file");
    const to = values.to ?? "compose";
    if (to !== "compose" && to !== "spec")
      throw new UsageError(`--to is compose or spec, not "${String(to)}"`);
    const inputs: { file: string; value: unknown }[] = [];
    for (const file of files) {
      try {
        inputs.push({ file, value: JSON.parse(readFileSync(resolve(io.cwd, file), "utf8")) as unknown });
      } catch (err) {
        io.err(
          `${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not JSON: ${(err as Error).message}`}\n`,
        );
        return exit.unusable;
      }
    }
    const { text, notes } = convertMarathon(inputs, to);
    io.out(text);
    for (const n of notes) io.err(`${n.file}: ${n.app}: ${n.path}: ${n.message}\n`);
    if (notes.length > 0)
      io.err(`${notes.length} note${notes.length === 1 ? "" : "s"}: act on them before deploying\n`);
    return exit.ok;
  },
};
