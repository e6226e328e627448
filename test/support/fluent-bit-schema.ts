/**
 * Checks a Fluent Bit YAML configuration against the schema Fluent Bit publishes with each release
 * (`fluent-bit -J`, test/fixtures/fluent-bit/fluent-bit-schema-<version>.json): every input, filter,
 * processor and output must name a plugin of that release, and every property must be one the plugin
 * (or every plugin of its kind) takes. Property names compare case-insensitively, as Fluent Bit's do.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

interface SchemaOption {
  name: string;
  type: string;
}

interface SchemaPlugin {
  name: string;
  properties: Record<string, SchemaOption[] | undefined>;
}

/** One input, filter, processor or output of a configuration, as tests read it. */
export interface RenderedSection {
  [property: string]: string | string[] | undefined | { logs: RenderedSection[] };
  name: string;
  processors?: { logs: RenderedSection[] };
}

/** A configuration as tests read it. */
export interface RenderedConfig {
  service: Record<string, string>;
  pipeline: { inputs: RenderedSection[]; filters: RenderedSection[]; outputs: RenderedSection[] };
}

/** The published schema's shape. */
export interface FluentBitSchema {
  "fluent-bit": { version: string; schema_version: string; os: string };
  inputs: SchemaPlugin[];
  filters: SchemaPlugin[];
  outputs: SchemaPlugin[];
  processors: SchemaPlugin[];
}

const fixturesDir = path.resolve(__dirname, "..", "..", "..", "test", "fixtures", "fluent-bit");

/** The schema of Fluent Bit `version`, from the fixtures. */
export function fluentBitSchema(version: string): FluentBitSchema {
  return JSON.parse(
    readFileSync(path.join(fixturesDir, `fluent-bit-schema-${version}.json`), "utf8"),
  ) as FluentBitSchema;
}

/**
 * Output properties that every output takes, which `flb_output_set_property` reads itself before the
 * plugin's own map and which the `-J` dump leaves out of the outputs' `global_options`.
 */
const outputPropertiesOutsideTheDump = ["storage.total_limit_size", "workers"];

/** The section keys of a YAML configuration, at the top and under `pipeline`. */
const topLevel = ["service", "pipeline", "parsers", "multiline_parsers", "env", "includes"];
const pipelineSections = ["inputs", "filters", "outputs"];

type Kind = "inputs" | "filters" | "outputs" | "processors";

function takes(plugin: SchemaPlugin, key: string, kind: Kind): boolean {
  const name = key.toLowerCase();
  if (kind === "outputs" && outputPropertiesOutsideTheDump.includes(name)) return true;
  return Object.values(plugin.properties).some((options) =>
    (options ?? []).some((o) =>
      o.type === "prefixed string" ? name.startsWith(o.name.toLowerCase()) : o.name.toLowerCase() === name,
    ),
  );
}

function sectionProblems(
  schema: FluentBitSchema,
  kind: Kind,
  section: Record<string, unknown>,
  where: string,
): string[] {
  const name = section.name;
  const plugin = schema[kind].find((p) => typeof name === "string" && p.name === name.toLowerCase());
  if (!plugin) return [`${where}: ${JSON.stringify(name)} is not one of Fluent Bit's ${kind}`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(section)) {
    if (key === "name") continue;
    if (key === "processors" && (kind === "inputs" || kind === "outputs")) {
      for (const [signal, list] of Object.entries(value as Record<string, unknown>)) {
        if (!["logs", "metrics", "traces"].includes(signal))
          problems.push(`${where}.processors: ${signal} is not a signal`);
        (list as Record<string, unknown>[]).forEach((p, i) =>
          problems.push(...sectionProblems(schema, "processors", p, `${where}.processors.${signal}[${i}]`)),
        );
      }
      continue;
    }
    if (!takes(plugin, key, kind)) problems.push(`${where}: ${plugin.name} takes no property ${key}`);
  }
  return problems;
}

/** Every way `configText` departs from `schema`: unknown sections, plugins and properties. */
export function fluentBitSchemaProblems(schema: FluentBitSchema, configText: string): string[] {
  const config = parse(configText) as Record<string, unknown>;
  const problems = Object.keys(config)
    .filter((key) => !topLevel.includes(key))
    .map((key) => `${key}: not a section of Fluent Bit's YAML format`);
  const pipeline = (config.pipeline ?? {}) as Record<string, unknown>;
  for (const [kind, sections] of Object.entries(pipeline)) {
    if (!pipelineSections.includes(kind)) {
      problems.push(`pipeline.${kind}: not a pipeline section`);
      continue;
    }
    (sections as Record<string, unknown>[]).forEach((section, i) =>
      problems.push(...sectionProblems(schema, kind as Kind, section, `pipeline.${kind}[${i}]`)),
    );
  }
  return problems;
}
