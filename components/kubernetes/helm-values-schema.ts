/**
 * Checking a Helm chart's values against its `values.schema.json` as Helm does: the chart's own
 * `values.yaml` with the given values over it, every problem listed at its path.
 */
import Ajv, { type ErrorObject } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import type { ArgumentIssue } from "../arguments";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The given values over the chart's defaults, as Helm merges them: maps merge key by key, anything
 * else replaces, and `null` removes the chart's default.
 */
export function mergeHelmValues(
  defaults: Record<string, unknown>,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (value === null) delete merged[key];
    else if (isObject(value) && isObject(merged[key]))
      merged[key] = mergeHelmValues(merged[key] as Record<string, unknown>, value);
    else merged[key] = value;
  }
  return merged;
}

function validator(schema: Record<string, unknown>) {
  const draft = String(schema.$schema ?? "");
  const options = { allErrors: true, strict: false, validateFormats: false } as const;
  const ajv = draft.includes("2020-12")
    ? new Ajv2020(options)
    : draft.includes("2019-09")
      ? new Ajv2019(options)
      : new Ajv(options);
  return ajv.compile(schema);
}

const pointerToPath = (pointer: string) =>
  pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), "values");

/** One ajv error at its path, in words that never quote the value (which may be secret). */
function issue(error: ErrorObject): ArgumentIssue {
  const at = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required")
    return {
      path: `${at}.${String(params.missingProperty)}`,
      message: "required by the chart's values.schema.json",
    };
  if (error.keyword === "additionalProperties")
    return {
      path: `${at}.${String(params.additionalProperty)}`,
      message: "not allowed by the chart's values.schema.json",
    };
  if (error.keyword === "enum")
    return { path: at, message: `must be one of ${JSON.stringify(params.allowedValues)}` };
  return { path: at, message: error.message ?? error.keyword };
}

/**
 * Every problem of `given` over the chart's `defaults` against `schema`, each at its path under
 * `values` (`values.image.tag`).
 */
export function valuesSchemaIssues(
  schema: Record<string, unknown>,
  defaults: Record<string, unknown>,
  given: Record<string, unknown>,
): ArgumentIssue[] {
  const validate = validator(schema);
  if (validate(mergeHelmValues(defaults, given))) return [];
  const seen = new Set<string>();
  return (validate.errors ?? []).map(issue).filter((i) => {
    const key = `${i.path} ${i.message}`;
    return !seen.has(key) && seen.add(key);
  });
}
