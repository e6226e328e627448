/**
 * The preflight of a Helm chart, read before anything is applied: its name and version, the template
 * constructs that only a real Helm release handles (hooks, `lookup`, random generators), its CRDs, and
 * its `values.schema.json`.
 */
import YAML from "yaml";
import type { ChartFiles } from "./helm-chart-files";

/** Why a template cannot be rendered into objects Pulumi owns. */
export interface ChartHazard {
  /** The file inside the chart, such as `templates/job.yaml` or `charts/redis/templates/secret.yaml`. */
  file: string;
  /** What the file does, and what goes wrong when Pulumi owns the objects. */
  reason: string;
}

/** One file of a chart's `crds/`. */
export interface ChartCrdFile {
  /** Its path inside the chart, such as `crds/widgets.yaml`. */
  file: string;
  /** Its documents, parsed: the CustomResourceDefinitions. */
  objects: Record<string, unknown>[];
}

/** What the preflight read from a chart. */
export interface ChartPreflight {
  /** `name` in `Chart.yaml`. */
  name: string;
  /** `version` in `Chart.yaml`. */
  version: string;
  /** Every hook, `lookup` and random generator in the chart's templates and subcharts' templates. */
  hazards: ChartHazard[];
  /** The chart's CRDs (the files under `crds/`), each file's documents parsed. */
  crds: ChartCrdFile[];
  /** The chart's `values.schema.json`, parsed; undefined when it has none. */
  valuesSchema?: Record<string, unknown>;
  /** The chart's own `values.yaml`, which the schema is checked against together with the given values. */
  defaultValues: Record<string, unknown>;
}

/** Template functions whose result changes on every render. */
export const randomGenerators = [
  "randAlphaNum",
  "randAlpha",
  "randNumeric",
  "randAscii",
  "randBytes",
  "randInt",
  "uuidv4",
  "genPrivateKey",
  "genCA",
  "genCAWithKey",
  "genSelfSignedCert",
  "genSelfSignedCertWithKey",
  "genSignedCert",
  "genSignedCertWithKey",
] as const;

const isTemplate = (file: string) => /^(charts\/[^/]+\/)*templates\/.+\.(ya?ml|tpl|txt)$/.test(file);
const isCrd = (file: string) => /^crds\/.+\.ya?ml$/.test(file);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The text of a template's actions (`{{ ... }}`), without comments. */
function actions(template: string): string[] {
  const found: string[] = [];
  for (const m of template.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) {
    const body = m[1].replace(/\/\*[\s\S]*?\*\//g, "");
    if (body.trim()) found.push(body);
  }
  return found;
}

/** Whether `fn` is called in one of the actions (a word of its own: not `.Values.lookup`). */
const calls = (bodies: string[], fn: string) =>
  bodies.some((b) => new RegExp(`(^|[^\\w.$])${fn}(?![\\w])`).test(b));

/** The hazards of one template file, each with its reason. */
export function templateHazards(file: string, text: string): ChartHazard[] {
  const hazards: ChartHazard[] = [];
  const bodies = actions(text);
  const plain = text.replace(/\{\{[\s\S]*?\}\}/g, "");
  if (/["']?helm\.sh\/hook["']?\s*:/.test(plain))
    hazards.push({
      file,
      reason:
        "declares a Helm hook (helm.sh/hook): only a Helm release runs hooks; rendered as objects it would be skipped",
    });
  if (calls(bodies, "lookup"))
    hazards.push({
      file,
      reason:
        "calls lookup, which reads the cluster while Helm renders: rendered without a cluster it finds nothing",
    });
  const random = randomGenerators.filter((fn) => calls(bodies, fn));
  if (random.length > 0)
    hazards.push({
      file,
      reason: `calls ${random.join(", ")}, which renders a new value each time: every update would replace it`,
    });
  return hazards;
}

/**
 * Reads a chart's files: `Chart.yaml`, the templates of the chart and of its subcharts, `crds/`,
 * `values.yaml` and `values.schema.json`.
 *
 * @throws Error naming the file when `Chart.yaml`, a CRD file or the schema cannot be read.
 */
export function chartPreflight(files: ChartFiles): ChartPreflight {
  const chartYaml = files.get("Chart.yaml");
  if (chartYaml === undefined) throw new Error("the chart has no Chart.yaml");
  const meta: unknown = YAML.parse(chartYaml);
  if (!isObject(meta) || typeof meta.name !== "string" || meta.version === undefined)
    throw new Error("Chart.yaml has no name or no version");
  const hazards = [...files]
    .filter(([file]) => isTemplate(file))
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([file, text]) => templateHazards(file, text));
  const crds = [...files]
    .filter(([file]) => isCrd(file))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, text]) => ({ file, objects: crdObjects(file, text) }));
  const schemaText = files.get("values.schema.json");
  let valuesSchema: Record<string, unknown> | undefined;
  if (schemaText !== undefined) {
    try {
      valuesSchema = JSON.parse(schemaText) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`values.schema.json is not JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  const defaults: unknown = YAML.parse(files.get("values.yaml") ?? "") ?? {};
  return {
    name: meta.name,
    version: String(meta.version),
    hazards,
    crds,
    ...(valuesSchema && { valuesSchema }),
    defaultValues: isObject(defaults) ? defaults : {},
  };
}

function crdObjects(file: string, text: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value) || typeof value.kind !== "string")
      throw new Error(`${file}: a document is not a Kubernetes object`);
    objects.push(value);
  }
  return objects;
}
