/**
 * Unknown-field detection for Kubernetes objects. kubernetes-models' validators accept any extra
 * property, so the field names come from its TypeScript declarations (`IDeployment`, `IPodSpec`, ...),
 * generated from the same OpenAPI schemas, read with the TypeScript compiler.
 */
import * as ts from "typescript";

/** What a declared type allows an object value to hold. */
type Shape =
  | { kind: "free" }
  | { kind: "unresolved" }
  | { kind: "array"; element: ts.Type }
  | { kind: "map"; value: ts.Type }
  | { kind: "struct"; name: string; fields: Map<string, ts.Type>; rest?: ts.Type }
  | { kind: "union"; members: ts.Type[] };

const options: ts.CompilerOptions = {
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es5.d.ts"],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

// Parsed declaration files are shared by every program: a program only parses what no earlier one
// needed, and kinds share most of their files.
const parsed = new Map<string, ts.SourceFile | undefined>();
const host = ts.createCompilerHost(options);
const readSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  if (!parsed.has(fileName))
    parsed.set(fileName, readSourceFile(fileName, languageVersion, onError, shouldCreate));
  return parsed.get(fileName);
};

/** The shapes of the types of one compiled program, each computed once. */
class Shapes {
  private readonly shapes = new Map<ts.Type, Shape>();

  constructor(private readonly checker: ts.TypeChecker) {}

  of(type: ts.Type): Shape {
    let shape = this.shapes.get(type);
    if (!shape) {
      shape = this.classify(type);
      this.shapes.set(type, shape);
    }
    return shape;
  }

  private classify(type: ts.Type): Shape {
    const c = this.checker;
    if (type.isUnion()) {
      const members = type.types.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0);
      return members.length === 0 ? { kind: "free" } : { kind: "union", members };
    }
    if (c.isArrayType(type) || c.isTupleType(type)) {
      return { kind: "array", element: c.getTypeArguments(type as ts.TypeReference)[0] };
    }
    // The declarations use no `any`: one is an import the compiler could not resolve, which must not
    // pass for "anything goes".
    if ((type.flags & ts.TypeFlags.Any) !== 0) return { kind: "unresolved" };
    // Primitives (their types are validate()'s job), `unknown` and `object` hold no fields to check.
    if ((type.flags & ts.TypeFlags.Object) === 0) return { kind: "free" };
    const fields = new Map(
      c.getPropertiesOfType(type).map((p) => [p.name, c.getNonNullableType(c.getTypeOfSymbol(p))]),
    );
    const rest = c.getIndexInfoOfType(type, ts.IndexKind.String)?.type;
    if (fields.size === 0 && rest) return { kind: "map", value: rest };
    // An interface without fields is how these declarations spell free-form JSON (FieldsV1, RawExtension).
    if (fields.size === 0) return { kind: "free" };
    return { kind: "struct", name: c.typeToString(type), fields, rest };
  }
}

/** A top-level kind's declared type, or why there is none. */
type KindType = { shapes: Shapes; root: ts.Type } | string;

const kinds = new Map<string, KindType>();
const kindKey = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

/**
 * Compiles the declarations of the kinds not compiled yet, all in one program: kinds share most of
 * their types (a Deployment, a DaemonSet and a Job share the pod template), which one checker resolves
 * once. Compiling is what costs; looking fields up afterwards is cheap.
 */
export function compileKinds(wanted: { apiVersion: string; kind: string }[]): void {
  const roots = new Map<string, { kind: string; file: string }>();
  for (const { apiVersion, kind } of wanted) {
    const key = kindKey(apiVersion, kind);
    if (kinds.has(key) || roots.has(key)) continue;
    const specifier = `kubernetes-models/${key}`;
    const resolved = ts.resolveModuleName(
      specifier,
      __filename,
      options,
      host,
      undefined,
      undefined,
      ts.ModuleKind.ESNext,
    ).resolvedModule?.resolvedFileName;
    if (resolved) roots.set(key, { kind, file: resolved });
    else kinds.set(key, `no type declarations for ${specifier}`);
  }
  if (roots.size === 0) return;
  const program = ts.createProgram({ rootNames: [...roots.values()].map((r) => r.file), options, host });
  const checker = program.getTypeChecker();
  const shapes = new Shapes(checker);
  for (const [key, { kind, file }] of roots) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    const declared =
      moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `I${kind}`);
    kinds.set(
      key,
      declared
        ? { shapes, root: checker.getDeclaredTypeOfSymbol(declared) }
        : `${file} declares no interface I${kind}`,
    );
  }
}

function kindType(apiVersion: string, kind: string): KindType {
  compileKinds([{ apiVersion, kind }]);
  return kinds.get(kindKey(apiVersion, kind)) ?? `no type declarations for ${kindKey(apiVersion, kind)}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function walk(shapes: Shapes, value: unknown, type: ts.Type, path: string, problems: string[]): void {
  if (value === undefined || value === null) return;
  const shape = shapes.of(type);
  switch (shape.kind) {
    case "free":
      return;
    case "unresolved":
      problems.push(`${path || "/"}: its declared type did not resolve, so its fields cannot be checked`);
      return;
    case "array":
      if (Array.isArray(value))
        value.forEach((v, i) => walk(shapes, v, shape.element, `${path}/${i}`, problems));
      return;
    case "map":
      if (isPlainObject(value)) {
        for (const [key, v] of Object.entries(value))
          walk(shapes, v, shape.value, `${path}/${key}`, problems);
      }
      return;
    case "union": {
      // The value fits the union when it fits one member; otherwise report the closest member's misfits.
      let closest: string[] | undefined;
      for (const member of shape.members) {
        const found: string[] = [];
        walk(shapes, value, member, path, found);
        if (closest === undefined || found.length < closest.length) closest = found;
      }
      problems.push(...(closest ?? []));
      return;
    }
    case "struct":
      if (!isPlainObject(value)) return;
      for (const [key, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const fieldType = shape.fields.get(key) ?? shape.rest;
        if (fieldType) walk(shapes, v, fieldType, `${path}/${key}`, problems);
        else problems.push(`${path}/${key}: unknown field "${key}" (${shape.name} has no such field)`);
      }
  }
}

/**
 * Every field of `object` that the declared type of `apiVersion`/`kind` does not have, at any depth,
 * as `"/json/pointer: unknown field ..."`. Map-valued fields (labels, annotations, resource amounts)
 * take any key. Fields whose value is `undefined` are ignored, as JSON drops them.
 */
export function unknownFieldProblems(apiVersion: string, kind: string, object: object): string[] {
  const declared = kindType(apiVersion, kind);
  if (typeof declared === "string") return [declared];
  const problems: string[] = [];
  walk(declared.shapes, object, declared.root, "", problems);
  return problems;
}
