/**
 * `serviceInputSchema` (the JSON schema that validates a service) describes `ServiceInput` a second
 * time, by hand. This reads the interface from its TypeScript source with the compiler API and
 * compares the two: every field of the interface must be in the schema and the other way round, at
 * every depth, required in one exactly when it is required in the other.
 *
 * Where a field takes a value or an object (`ulimits`' values, `networks`' items, `seccomp`), the
 * schema leaves the object's shape to `normalize`, and neither side's fields are compared there.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import ts from "typescript";
import { serviceInputSchema } from "../../components/spec/schema";

const root = path.join(__dirname, "..", "..", "..");
const typesFile = path.join(root, "components", "spec", "types.ts");

/** What both descriptions say about a value: its fields, its items, the values of a map. */
interface Shape {
  fields?: Map<string, { required: boolean; shape: Shape }>;
  items?: Shape;
  values?: Shape;
}

function interfaceShape(name: string): Shape {
  const program = ts.createProgram([typesFile], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typesFile);
  assert.ok(source, `cannot read ${typesFile}`);
  const declaration = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  assert.ok(declaration, `${name} is not declared in ${typesFile}`);

  const primitive =
    ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Null;
  const shapeOf = (given: ts.Type): Shape => {
    const type = checker.getNonNullableType(given);
    if (type.isUnion()) {
      const objects = type.types.filter((t) => !(t.flags & primitive));
      // A value or an object: the object's shape is checked by hand.
      if (objects.length === 0 || objects.length < type.types.length) return {};
      return objects.length === 1 ? shapeOf(objects[0]) : {};
    }
    if (checker.isArrayType(type))
      return { items: shapeOf(checker.getTypeArguments(type as ts.TypeReference)[0]) };
    if (!(type.flags & ts.TypeFlags.Object)) return {};
    const properties = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (properties.length === 0) return index ? { values: shapeOf(index.type) } : {};
    const fields = new Map<string, { required: boolean; shape: Shape }>();
    for (const property of properties)
      fields.set(property.name, {
        required: !(property.flags & ts.SymbolFlags.Optional),
        shape: shapeOf(checker.getTypeOfSymbolAtLocation(property, declaration)),
      });
    return { fields };
  };
  return shapeOf(checker.getTypeAtLocation(declaration));
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  required?: readonly string[];
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
}

function schemaShape(node: SchemaNode): Shape {
  if (node.properties) {
    const required = new Set(node.required ?? []);
    return {
      fields: new Map(
        Object.entries(node.properties).map(([name, child]) => [
          name,
          { required: required.has(name), shape: schemaShape(child) },
        ]),
      ),
    };
  }
  if (node.items) return { items: schemaShape(node.items) };
  if (typeof node.additionalProperties === "object")
    return { values: schemaShape(node.additionalProperties) };
  return {};
}

/** Every difference between the interface (`declared`) and the schema (`schema`), by path. */
export function shapeDifferences(declared: Shape, schema: Shape, at = "ServiceInput"): string[] {
  const problems: string[] = [];
  if (declared.fields || schema.fields) {
    if (!declared.fields || !schema.fields) {
      return [
        `${at}: ${declared.fields ? "the interface has fields, the schema none" : "the schema has fields, the interface none"}`,
      ];
    }
    for (const [name, field] of declared.fields) {
      const other = schema.fields.get(name);
      if (!other) problems.push(`${at}.${name}: in the interface, not in the schema`);
      else {
        if (field.required !== other.required)
          problems.push(
            `${at}.${name}: ${field.required ? "required" : "optional"} in the interface, ${other.required ? "required" : "optional"} in the schema`,
          );
        problems.push(...shapeDifferences(field.shape, other.shape, `${at}.${name}`));
      }
    }
    for (const name of schema.fields.keys())
      if (!declared.fields.has(name)) problems.push(`${at}.${name}: in the schema, not in the interface`);
  }
  if (declared.items && schema.items)
    problems.push(...shapeDifferences(declared.items, schema.items, `${at}[]`));
  if (declared.values && schema.values)
    problems.push(...shapeDifferences(declared.values, schema.values, `${at}{}`));
  return problems;
}

describe("the service schema and the ServiceInput interface", () => {
  const declared = interfaceShape("ServiceInput");
  const schema = schemaShape(serviceInputSchema as unknown as SchemaNode);

  it("name the same fields, required alike, at every depth", () => {
    assert.deepEqual(shapeDifferences(declared, schema), []);
  });

  it("are really read: the top level and nested fields of both are there", () => {
    for (const shape of [declared, schema]) {
      assert.equal(shape.fields?.get("image")?.required, true);
      assert.ok(shape.fields?.get("healthCheck")?.shape.fields?.has("startInterval"));
      assert.equal(shape.fields?.get("ports")?.shape.items?.fields?.get("target")?.required, true);
      assert.ok(
        shape.fields
          ?.get("resources")
          ?.shape.fields?.get("reservations")
          ?.shape.fields?.has("genericResources"),
      );
      assert.ok(shape.fields?.get("logging")?.shape.fields?.get("driver")?.required);
    }
  });

  it("tells a field missing on either side, a required-ness that differs and a nested difference", () => {
    const missing = structuredClone(serviceInputSchema) as unknown as {
      properties: Record<string, SchemaNode>;
      required: string[];
    };
    delete missing.properties.tty;
    missing.properties.extra = {};
    missing.required = [...missing.required, "user"];
    (missing.properties.autoscale as { required: string[] }).required = ["min"];
    assert.deepEqual(shapeDifferences(declared, schemaShape(missing as SchemaNode)), [
      "ServiceInput.autoscale.max: required in the interface, optional in the schema",
      "ServiceInput.user: optional in the interface, required in the schema",
      "ServiceInput.tty: in the interface, not in the schema",
      "ServiceInput.extra: in the schema, not in the interface",
    ]);
  });
});
