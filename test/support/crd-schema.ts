/**
 * A strict validator of custom resources for tests, from the CustomResourceDefinitions kept in
 * test/fixtures/crds. One version's `openAPIV3Schema` is compiled with ajv after the changes that make
 * it judge an object the way the API server does under `kubectl apply --validate=strict`:
 *
 * - Unknown fields are errors. The API server prunes every field a structural schema does not declare,
 *   and strict validation reports what it would prune: each object node of the schema's skeleton
 *   without `additionalProperties` or `x-kubernetes-preserve-unknown-fields: true` gets
 *   `additionalProperties: false`.
 * - `x-kubernetes-int-or-string: true` takes an integer or a string.
 * - `x-kubernetes-embedded-resource: true` takes `apiVersion`, `kind` and `metadata`, and so does the
 *   top level, where `apiVersion` and `kind` must name this CRD's group/version and kind and
 *   `metadata` is any object.
 * - Formats are checked as the API server checks them: the formats it does not know (`int32`,
 *   `int64`, ...) are ignored, `duration` is a Go duration (`30s`, `1h30m`) and `date-time` an
 *   RFC 3339 time.
 * - Patterns are Go's (RE2): flags set at the start (`^(?i)(abort|warn)?$`) become the RegExp's flags.
 *
 * Not modelled: CEL rules (`x-kubernetes-validations`), list types (`x-kubernetes-list-type`, which
 * reject duplicates), defaulting, and the ObjectMeta rules for `metadata`.
 */
import fs from "fs";
import { isIPv4, isIPv6 } from "net";
import path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { RegExpEngine } from "ajv/dist/types";
import { parse } from "yaml";

const fixturesDir = path.resolve(__dirname, "..", "..", "..", "test", "fixtures", "crds");

type SchemaNode = Record<string, unknown>;

interface CustomResourceDefinition {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema?: SchemaNode } }[];
  };
}

const isNode = (value: unknown): value is SchemaNode =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Units of the durations the API server accepts beside Go's own syntax; the last name of each is a prefix. */
const durationUnits = [
  ["ns", "nano"],
  ["us", "µs", "micro"],
  ["ms", "milli"],
  ["s", "sec"],
  ["m", "min"],
  ["h", "hr", "hour"],
  ["d", "day"],
  ["w", "wk", "week"],
];

const goDuration = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/u;

/**
 * The API server's `duration`: Go's `time.ParseDuration` syntax, or else (as Kubernetes' strfmt does)
 * any string holding at least one "<digits> <unit>" with a unit it knows, such as `3 days`.
 */
function isDuration(value: string): boolean {
  if (goDuration.test(value)) return true;
  for (const [, , unit] of value.matchAll(/(\d+)\s*([A-Za-zµ]+)/gu)) {
    const lower = unit.toLowerCase();
    const known = durationUnits.some((names) =>
      names.some((name, i) => lower === name || (i === names.length - 1 && lower.startsWith(name))),
    );
    if (known) return true;
  }
  return false;
}

const isDate = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  return Number(bits) <= max;
}

const uuid = (version: string) =>
  new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${version}[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$`, "i");

/**
 * The formats the API server checks in CRD schemas, by their names without "-" as it compares them,
 * with this helper's check, or `undefined` where this helper has none (a schema using one is refused
 * rather than half checked).
 */
const kubernetesFormats: Record<string, ((value: string) => boolean) | RegExp | true | undefined> = {
  bsonobjectid: /^[0-9a-f]{24}$/i,
  uri: undefined,
  email: undefined,
  hostname: undefined,
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr: isCidr,
  mac: undefined,
  uuid: uuid("[0-9a-f]"),
  uuid3: uuid("3"),
  uuid4: uuid("4"),
  uuid5: uuid("5"),
  isbn: undefined,
  isbn10: undefined,
  isbn13: undefined,
  creditcard: undefined,
  ssn: /^\d{3}[- ]?\d{2}[- ]?\d{4}$/,
  hexcolor: /^#?(?:[0-9a-f]{3}|[0-9a-f]{6})$/i,
  rgbcolor: undefined,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  password: true,
  date: isDate,
  duration: isDuration,
  datetime: (value) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$/i.test(value) &&
    isDate(value.slice(0, 10)),
};

const intOrString = (anyOf: unknown) =>
  Array.isArray(anyOf) &&
  anyOf.length === 2 &&
  isNode(anyOf[0]) &&
  isNode(anyOf[1]) &&
  anyOf[0].type === "integer" &&
  anyOf[1].type === "string" &&
  Object.keys(anyOf[0]).length === 1 &&
  Object.keys(anyOf[1]).length === 1;

const resourceFields = (apiVersion: SchemaNode, kind: SchemaNode): Record<string, SchemaNode> => ({
  apiVersion,
  kind,
  metadata: { type: "object" },
});

/**
 * Rewrites one node (of a deep copy) and its children for ajv. `skeleton` is false inside `anyOf`,
 * `allOf`, `oneOf` and `not`, whose properties validate values but declare no fields, so they close
 * no object.
 */
function tighten(node: SchemaNode, at: string, skeleton: boolean): void {
  if (node["x-kubernetes-int-or-string"] === true) {
    if (node.type === undefined) node.type = ["integer", "string"];
    if (intOrString(node.anyOf)) delete node.anyOf;
  }
  if (node["x-kubernetes-embedded-resource"] === true) {
    const properties = isNode(node.properties) ? node.properties : {};
    node.properties = { ...resourceFields({ type: "string" }, { type: "string" }), ...properties };
  }
  const open = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (skeleton && !open && node.additionalProperties === undefined) {
    if (node.type === "object" || node.properties !== undefined) node.additionalProperties = false;
  }
  for (const key of Object.keys(node)) if (key.startsWith("x-kubernetes-")) delete node[key];

  if (typeof node.format === "string") {
    const name = node.format.replace(/-/g, "");
    if (!(name in kubernetesFormats)) delete node.format;
    else if (kubernetesFormats[name] === undefined)
      throw new Error(
        `${at || "/"}: format "${node.format}" is checked by Kubernetes but not by crdValidator`,
      );
    else node.format = name;
  }

  if (isNode(node.properties)) {
    for (const [name, child] of Object.entries(node.properties))
      if (isNode(child)) tighten(child, `${at}/properties/${name}`, skeleton);
  }
  if (isNode(node.items)) tighten(node.items, `${at}/items`, skeleton);
  if (isNode(node.additionalProperties))
    tighten(node.additionalProperties, `${at}/additionalProperties`, skeleton);
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const branches = node[keyword];
    if (Array.isArray(branches))
      branches.forEach((branch, i) => isNode(branch) && tighten(branch, `${at}/${keyword}/${i}`, false));
  }
  if (isNode(node.not)) tighten(node.not, `${at}/not`, false);
}

/** A Go (RE2) pattern as a RegExp: a flag group at its start, which JavaScript lacks, becomes flags. */
const goRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const leading = /^(\^?)\(\?([imsU]+)\)/.exec(pattern);
    if (!leading) return new RegExp(pattern, flags);
    if (leading[2].includes("U"))
      throw new Error(`pattern ${pattern}: RE2's ungreedy flag has no RegExp form`);
    return new RegExp(leading[1] + pattern.slice(leading[0].length), flags + leading[2]);
  },
  { code: "goRegExp" },
);

let ajv: Ajv | undefined;

function compiler(): Ajv {
  if (!ajv) {
    // Strict about the schema (an unknown keyword or format is an error), but not about types:
    // int-or-string nodes are union types and CRDs put string keywords on them.
    ajv = new Ajv({
      allErrors: true,
      strict: true,
      strictTypes: false,
      strictNumbers: true,
      code: { regExp: goRegExp },
    });
    for (const [name, check] of Object.entries(kubernetesFormats)) {
      if (check === undefined) continue;
      ajv.addFormat(name, typeof check === "function" ? { type: "string", validate: check } : check);
    }
  }
  return ajv;
}

/** The validator of `version` of the CRD in test/fixtures/crds/`fixture`. */
function compile(fixture: string, version: string): ValidateFunction {
  const file = path.join(fixturesDir, fixture);
  const crd = parse(fs.readFileSync(file, "utf8")) as CustomResourceDefinition;
  const served = crd.spec.versions.find((v) => v.name === version);
  const schema = served?.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`${file} has no openAPIV3Schema for version ${version}`);
  const root = structuredClone(schema);
  tighten(root, "", true);
  const properties = isNode(root.properties) ? root.properties : {};
  root.properties = {
    ...properties,
    ...resourceFields(
      { type: "string", enum: [`${crd.spec.group}/${version}`] },
      { type: "string", enum: [crd.spec.names.kind] },
    ),
  };
  return compiler().compile(root);
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || "/";
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  let detail = "";
  if (error.keyword === "additionalProperties") detail = ` (unknown field "${params.additionalProperty}")`;
  if (error.keyword === "enum")
    detail = ` (${(params.allowedValues ?? []).map((v) => JSON.stringify(v)).join(", ")})`;
  return `${at} ${error.message ?? "is invalid"}${detail}`;
}

const validators = new Map<string, ValidateFunction>();

/**
 * A validator for `version` of the CRD in test/fixtures/crds/`fixture`: it returns every problem of an
 * object as `"<instancePath> <message>"`, none when the object is valid. The object is checked as JSON
 * would carry it (fields set to `undefined` are left out). Throws if the fixture has no such version.
 */
export function crdValidator(fixture: string, version: string): (object: unknown) => string[] {
  const key = `${fixture}\n${version}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = compile(fixture, version);
    validators.set(key, validate);
  }
  const compiled = validate;
  return (object) => {
    const text = JSON.stringify(object);
    if (text === undefined) return ["/ must be object"];
    return compiled(JSON.parse(text)) ? [] : (compiled.errors ?? []).map(describe);
  };
}
