/**
 * A strict validator of Kubernetes objects for tests: each object is checked against the OpenAPI
 * schema of its apiVersion/kind with kubernetes-models (types, required fields, enums, formats), and
 * every field that schema does not declare is a failure too.
 */
import { AssertionError } from "node:assert";
import { compileKinds, unknownFieldProblems } from "./kubernetes-fields";

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: object): { validate(): void };
}

interface SchemaError {
  instancePath: string;
  message?: string;
  params?: { allowedValues?: unknown[] };
}

// kubernetes-models is an ES module: one dynamic import per kind (a module per kind loads several times
// faster than a whole API group's), kept for the process.
const modules = new Map<string, Promise<Record<string, unknown> | undefined>>();

function kindModule(apiVersion: string, kind: string): Promise<Record<string, unknown> | undefined> {
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  let loaded = modules.get(specifier);
  if (!loaded) {
    loaded = import(specifier).then(
      (m: Record<string, unknown>) => m,
      () => undefined,
    );
    modules.set(specifier, loaded);
  }
  return loaded;
}

async function modelClass(apiVersion: unknown, kind: unknown): Promise<ModelClass | string> {
  if (typeof apiVersion !== "string" || typeof kind !== "string")
    return "apiVersion and kind must be strings";
  const unknown = `unknown apiVersion/kind ${apiVersion}/${kind}`;
  // Guards the import specifier, which must name a kind of an API group version and nothing else.
  if (!/^([a-z0-9.-]+\/)?v\d+[a-z0-9]*$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind))
    return unknown;
  const model = (await kindModule(apiVersion, kind))?.[kind] as ModelClass | undefined;
  if (typeof model !== "function" || model.apiVersion !== apiVersion || model.kind !== kind) return unknown;
  return model;
}

function modelOf(object: object): Promise<ModelClass | string> {
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
  return modelClass(apiVersion, kind);
}

function schemaProblems(model: ModelClass, object: object): string[] {
  try {
    new model(object).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: SchemaError[] }).errors;
    if (!Array.isArray(errors)) throw err;
    return errors.map((e) => {
      const allowed = e.params?.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "";
      return `${e.instancePath || "/"}: ${e.message ?? "is invalid"}${allowed}`;
    });
  }
}

/**
 * Everything wrong with one Kubernetes object, as `"/json/pointer: message"` lines: an unknown
 * apiVersion/kind, schema violations (types, required fields, enums, formats) and fields the schema
 * does not declare. Empty when the object is valid.
 */
export async function kubernetesObjectProblems(object: object): Promise<string[]> {
  const model = await modelOf(object);
  if (typeof model === "string") return [model];
  return [...schemaProblems(model, object), ...unknownFieldProblems(model.apiVersion, model.kind, object)];
}

/**
 * Asserts that every object is valid Kubernetes, strictly.
 *
 * @throws {AssertionError} listing each invalid object's kind/name and every one of its problems.
 */
export async function assertValidKubernetesObjects(objects: object[]): Promise<void> {
  const models = await Promise.all(objects.map((o) => modelOf(o)));
  compileKinds(models.filter((m) => typeof m !== "string"));
  const report: string[] = [];
  for (const object of objects) {
    const problems = await kubernetesObjectProblems(object);
    if (problems.length === 0) continue;
    const { kind, metadata } = object as { kind?: unknown; metadata?: { name?: unknown } };
    report.push(`${String(kind)}/${String(metadata?.name)}:`, ...problems.map((p) => `  ${p}`));
  }
  if (report.length > 0) {
    throw new AssertionError({ message: `invalid Kubernetes objects:\n${report.join("\n")}` });
  }
}
