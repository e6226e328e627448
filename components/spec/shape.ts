import Ajv, { type ErrorObject } from "ajv";
import { IssueCollector } from "./errors";
import { serviceInputSchema } from "./schema";
import { closestName } from "./suggest";

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateShape = ajv.compile(serviceInputSchema);

/** `/ports/0/target` -> `ports[0].target`. */
export function toSpecPath(pointer: string, child?: string): string {
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) segments.push(child);
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
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
    case "type":
      return { path, message: `must be ${describeTypes(error.params.type as string | string[])}` };
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
  if (validateShape(input)) return broken;
  for (const error of validateShape.errors ?? []) {
    const { path, message } = describeError(error);
    issues.add(path, message);
    broken.add(path.split(/[.[]/)[0]);
  }
  return broken;
}
