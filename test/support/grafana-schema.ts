/**
 * Strict validators of Grafana dashboards for tests, from the JSON schemas Grafana publishes for its
 * dashboard model, the time series panel and the Prometheus query, kept in test/fixtures/grafana (see
 * its README). Every object of those schemas takes only the fields it declares, so an unknown or
 * misspelt field is an error. A time series panel is checked three times: as a panel of the dashboard
 * schema, its `options` and `fieldConfig.defaults.custom` against the panel's own schema, and each
 * target against the Prometheus query's.
 */
import fs from "fs";
import path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

const fixturesDir = path.resolve(__dirname, "..", "..", "..", "test", "fixtures", "grafana");

const readSchema = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.jsonschema.json`), "utf8")) as Record<
    string,
    unknown
  >;

/** RFC 3339 date-time, the one format the dashboard schema uses (in dashboard metadata). */
const dateTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i;

let ajv: Ajv | undefined;

function compiler(): Ajv {
  // Strict about the schemas themselves: an unknown keyword or format is an error. Grafana's
  // `x-deprecation-message` only annotates a field.
  ajv ??= new Ajv({ allErrors: true, strict: true, strictTypes: false })
    .addFormat("date-time", dateTime)
    .addKeyword("x-deprecation-message");
  return ajv;
}

/** A validator of `definition` in the schema of test/fixtures/grafana/`name`.jsonschema.json. */
function definition(name: string, def: string): ValidateFunction {
  const schema = readSchema(name);
  return compiler().compile({ ...schema, $id: `grafana:${name}:${def}`, $ref: `#/definitions/${def}` });
}

const describeError = (where: string, error: ErrorObject): string => {
  const extra =
    error.keyword === "additionalProperties"
      ? ` (unknown field "${(error.params as { additionalProperty: string }).additionalProperty}")`
      : "";
  return `${where}${error.instancePath} ${error.message ?? error.keyword}${extra}`;
};

const problems = (validate: ValidateFunction, value: unknown, where: string): string[] =>
  validate(value) ? [] : (validate.errors ?? []).map((error) => describeError(where, error));

let validators:
  | {
      dashboard: ValidateFunction;
      options: ValidateFunction;
      custom: ValidateFunction;
      query: ValidateFunction;
    }
  | undefined;

/**
 * Every problem Grafana's published schemas find in `dashboard`, each as "<where><JSON pointer>
 * <message>"; none when it is valid.
 */
export function dashboardProblems(dashboard: unknown): string[] {
  validators ??= {
    dashboard: definition("dashboard", "Dashboard"),
    options: definition("timeseries", "Options"),
    custom: definition("timeseries", "FieldConfig"),
    query: definition("prometheus", "Dataquery"),
  };
  const { dashboard: whole, options, custom, query } = validators;
  const found = problems(whole, dashboard, "dashboard");
  const panels = (dashboard as { panels?: unknown }).panels;
  if (!Array.isArray(panels)) return found;
  panels.forEach((panel: Record<string, unknown>, index) => {
    if (panel.type !== "timeseries") return;
    const at = `panels/${index}`;
    found.push(...problems(options, panel.options, `${at}/options`));
    const defaults = (panel.fieldConfig as { defaults?: { custom?: unknown } } | undefined)?.defaults;
    found.push(...problems(custom, defaults?.custom ?? {}, `${at}/fieldConfig/defaults/custom`));
    const targets = Array.isArray(panel.targets) ? panel.targets : [];
    targets.forEach((target, t) => found.push(...problems(query, target, `${at}/targets/${t}`)));
  });
  return found;
}
