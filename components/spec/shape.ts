import type { ErrorObject, ValidateFunction } from "ajv";
import { IssueCollector } from "./errors";
import { serviceInputSchema } from "./schema";
import { generatedValidatorModule, shapeValidatorOptions } from "./shape-options";
import { closestName } from "./suggest";

let validator: ValidateFunction | undefined;

/**
 * The schema's validator: the standalone code the build generated beside this module, or, where there
 * is none (a development build), the schema compiled with ajv on first use. Either way, once a process.
 */
export function shapeValidator(): ValidateFunction {
  validator ??= generatedValidator() ?? compiledValidator();
  return validator;
}

function generatedValidator(): ValidateFunction | undefined {
  const file = `./${generatedValidatorModule}`;
  try {
    return require(file) as ValidateFunction;
  } catch (err) {
    const missing =
      (err as { code?: string }).code === "MODULE_NOT_FOUND" &&
      String(err).includes(generatedValidatorModule);
    if (missing) return undefined;
    throw err;
  }
}

/** Compiles the schema with ajv, as the build does (same options). */
export function compiledValidator(): ValidateFunction {
  const { default: Ajv } = require("ajv") as typeof import("ajv");
  return new Ajv(shapeValidatorOptions).compile(serviceInputSchema);
}

/** `/ports/0/target` -> `ports[0].target`; a key that is empty shows as `[""]`, so no path is empty. */
export function toSpecPath(pointer: string, child?: string): string {
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) segments.push(child);
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    if (segment === "") return `${path}[""]`;
    return path === "" ? segment : `${path}.${segment}`;
  }, "");
}

function describeTypes(types: string | string[]): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    integer: "an integer",
    boolean: "a boolean",
    array: "a list",
    object: "an object",
  };
  const list = Array.isArray(types) ? types : [types];
  return list.map((t) => names[t] ?? t).join(" or ");
}

function describeError(error: ErrorObject): { path: string; message: string } {
  const path = toSpecPath(error.instancePath);
  switch (error.keyword) {
    case "type": {
      const wanted = `must be ${describeTypes(error.params.type as string | string[])}`;
      const infinite = typeof error.data === "number" && !Number.isFinite(error.data);
      return { path, message: infinite ? `${wanted}, not ${String(error.data)}` : wanted };
    }
    case "enum": {
      const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const hint =
        typeof error.data === "string"
          ? closestName(
              error.data,
              (error.params.allowedValues as unknown[]).map((v) => String(v)),
            )
          : undefined;
      return {
        path,
        message: `${JSON.stringify(error.data)} is not one of ${allowed.join(", ")}${hint ? `; did you mean "${hint}"?` : ""}`,
      };
    }
    case "required":
      return {
        path: toSpecPath(error.instancePath, error.params.missingProperty as string),
        message: "is required",
      };
    case "additionalProperties": {
      const field = error.params.additionalProperty as string;
      const known = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const hint = closestName(field, known);
      return {
        path: toSpecPath(error.instancePath, field),
        message: `unknown field${hint ? `; did you mean "${hint}"?` : ""}`,
      };
    }
    case "minimum":
      return { path, message: `must be at least ${String(error.params.limit)}` };
    case "maximum":
      return { path, message: `must be at most ${String(error.params.limit)}` };
    case "exclusiveMinimum":
      return { path, message: `must be greater than ${String(error.params.limit)}` };
    default:
      return { path, message: error.message ?? "is not valid" };
  }
}

/**
 * The key `__proto__` cannot travel as data: Pulumi's serializer, and any object assignment on the
 * way, would drop it or make it the object's prototype. It is refused wherever it appears.
 */
function findProtoKeys(value: unknown, pointer: string, found: string[], depth = 0): void {
  if (typeof value !== "object" || value === null || depth > 32) return;
  for (const key of Object.keys(value)) {
    const at = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (key === "__proto__") found.push(at);
    else findProtoKeys((value as Record<string, unknown>)[key], at, found, depth + 1);
  }
}

/**
 * Checks the structure of a service input against its JSON Schema. Returns the top-level fields that
 * have problems, so that later checks can skip them.
 */
export function checkShape(input: unknown, issues: IssueCollector): Set<string> {
  const broken = new Set<string>();
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    issues.add("(service)", "must be an object");
    broken.add("*");
    return broken;
  }
  const protoKeys: string[] = [];
  findProtoKeys(input, "", protoKeys);
  for (const pointer of protoKeys) {
    const path = toSpecPath(pointer);
    issues.add(path, "the key __proto__ is not accepted: it cannot be carried as data; rename it");
    broken.add(path.split(/[.[]/)[0]);
  }
  const validateShape = shapeValidator();
  if (validateShape(input)) return broken;
  for (const error of validateShape.errors ?? []) {
    const { path, message } = describeError(error);
    issues.add(path, message);
    broken.add(path.split(/[.[]/)[0]);
  }
  return broken;
}
