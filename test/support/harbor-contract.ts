/**
 * Harbor's published API description (../shared/contracts/harbor-v2.0-swagger.yaml), loaded once and
 * turned into checks of requests and responses. Swagger 2.0 `$ref`s to definitions, parameters and
 * responses are resolved; schemas are handed to ajv with `x-nullable` as "or null". Objects that
 * list their properties accept no others: Harbor ignores unknown fields silently, and a typo in a
 * field name is exactly the mistake a contract check must catch. A bare `type: object` is any value,
 * as Harbor's go-swagger server reads it.
 */
import fs from "fs";
import path from "path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse } from "yaml";

type Json = Record<string, unknown>;

/**
 * Where the API description is: `HARBOR_CONTRACT` when set, else the workplace's shared contracts
 * beside the repository (`../shared/contracts`), else the machine's (`/work/shared/contracts`), so a
 * checkout anywhere on our machines finds it. A missing contract fails the tests that need it.
 */
function findContract(): string {
  const name = path.join("shared", "contracts", "harbor-v2.0-swagger.yaml");
  const candidates = [
    process.env.HARBOR_CONTRACT,
    path.resolve(__dirname, "..", "..", "..", "..", name),
    path.join("/work", name),
  ].filter((c): c is string => c !== undefined && c !== "");
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(
      `Harbor's API description is not at ${candidates.join(" or ")}: set HARBOR_CONTRACT to its path`,
    );
  }
  return found;
}

export interface ContractParameter {
  name: string;
  in: "path" | "query" | "header" | "body" | "formData";
  required?: boolean;
  type?: string;
  maximum?: number;
  enum?: unknown[];
  schema?: Json;
}

export interface ContractResponse {
  headers?: Record<string, { type?: string }>;
  schema?: Json;
}

export interface ContractOperation {
  method: string;
  template: string;
  operationId: string;
  pattern: RegExp;
  /** Path parameter names, in the order of the pattern's groups. */
  pathNames: string[];
  /** Literal characters in the template: a more literal template wins over a parameter. */
  literalLength: number;
  parameters: ContractParameter[];
  responses: Record<string, ContractResponse>;
}

/** A Harbor API description: find an operation, check a request or a response against it. */
export class HarborContract {
  readonly basePath: string;
  readonly operations: ContractOperation[];
  private readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly validators = new Map<Json, ValidateFunction>();

  constructor(file = findContract()) {
    this.doc = parse(fs.readFileSync(file, "utf8")) as Json;
    this.basePath = String(this.doc.basePath ?? "");
    this.ajv = new Ajv({ strict: false, allErrors: true });
    const integerFormat = (bits: number) => ({
      type: "number" as const,
      validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1),
    });
    this.ajv.addFormat("int32", integerFormat(32));
    this.ajv.addFormat("int64", integerFormat(64));
    this.ajv.addFormat("int8", integerFormat(8));
    this.ajv.addFormat("int", integerFormat(64));
    this.ajv.addFormat("uint64", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });
    this.ajv.addFormat("float", true);
    this.ajv.addFormat("float64", true);
    this.ajv.addFormat("uri", true);
    this.ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    this.operations = this.loadOperations();
  }

  /** The operation serving `method` on `apiPath` (without the base path), with its path parameters. */
  find(
    method: string,
    apiPath: string,
  ): { operation: ContractOperation; params: Record<string, string> } | undefined {
    const candidates = this.operations
      .filter((op) => op.method === method.toLowerCase() && op.pattern.test(apiPath))
      .sort((a, b) => b.literalLength - a.literalLength);
    const operation = candidates[0];
    if (!operation) return undefined;
    const match = operation.pattern.exec(apiPath)!;
    const params = Object.fromEntries(
      operation.pathNames.map((name, i) => [name, decodeURIComponent(match[i + 1])]),
    );
    return { operation, params };
  }

  /** Problems with a request to `operation`; an empty list when it keeps the contract. */
  requestProblems(
    operation: ContractOperation,
    request: {
      params: Record<string, string>;
      query: URLSearchParams;
      headers: Record<string, string | string[] | undefined>;
      body: unknown;
      hasBody: boolean;
    },
  ): string[] {
    const problems: string[] = [];
    const where = `${operation.method.toUpperCase()} ${operation.template} (${operation.operationId})`;
    const byIn = (place: ContractParameter["in"]) => operation.parameters.filter((p) => p.in === place);
    for (const p of byIn("path")) {
      const problem = simpleValueProblem(p, request.params[p.name]);
      if (problem) problems.push(`${where}: path parameter ${p.name} ${problem}`);
    }
    const known = new Set(byIn("query").map((p) => p.name));
    for (const key of new Set(request.query.keys())) {
      if (!known.has(key)) problems.push(`${where}: query parameter ${key} is not in the contract`);
    }
    for (const p of byIn("query")) {
      const value = request.query.get(p.name);
      if (value === null) {
        if (p.required) problems.push(`${where}: required query parameter ${p.name} is missing`);
        continue;
      }
      const problem = simpleValueProblem(p, value);
      if (problem) problems.push(`${where}: query parameter ${p.name} ${problem}`);
    }
    for (const p of byIn("header")) {
      const raw = request.headers[p.name.toLowerCase()];
      const value = Array.isArray(raw) ? raw.join(",") : raw;
      if (value === undefined) {
        if (p.required) problems.push(`${where}: required header ${p.name} is missing`);
        continue;
      }
      const problem = simpleValueProblem(p, value);
      if (problem) problems.push(`${where}: header ${p.name} ${problem}`);
    }
    const bodyParam = byIn("body")[0];
    if (!bodyParam) {
      if (request.hasBody) problems.push(`${where}: takes no request body, but one was sent`);
    } else if (!request.hasBody) {
      if (bodyParam.required) problems.push(`${where}: the required body (${bodyParam.name}) is missing`);
    } else {
      const contentType = String(request.headers["content-type"] ?? "");
      if (!contentType.startsWith("application/json"))
        problems.push(`${where}: body sent as ${JSON.stringify(contentType)}, not application/json`);
      problems.push(...this.schemaProblems(`${where}: body`, bodyParam.schema ?? {}, request.body));
    }
    return problems;
  }

  /** Problems with a response the fake sends for `operation`. */
  responseProblems(
    operation: ContractOperation,
    status: number,
    headers: Record<string, string>,
    body: unknown,
  ): string[] {
    const where = `${operation.method.toUpperCase()} ${operation.template} (${operation.operationId})`;
    const documented = operation.responses[String(status)] ?? operation.responses.default;
    if (!documented) return [`${where}: status ${status} is not a documented response`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (name === "Location" && status === 201) problems.push(`${where}: 201 without its Location header`);
        continue;
      }
      if (header.type === "integer" && !/^-?\d+$/.test(value))
        problems.push(`${where}: header ${name} ${JSON.stringify(value)} is not an integer`);
    }
    if (!documented.schema) {
      if (body !== undefined)
        problems.push(`${where}: status ${status} has no body in the contract, one was sent`);
      return problems;
    }
    return [...problems, ...this.schemaProblems(`${where}: ${status} body`, documented.schema, body)];
  }

  private schemaProblems(where: string, schema: Json, value: unknown): string[] {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(this.asJsonSchema(schema) as Json);
      this.validators.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${where}${e.instancePath || ""} ${e.message ?? "is invalid"}`);
  }

  /** A Swagger schema as a self-contained JSON Schema: refs inlined, nullability spelled out. */
  private asJsonSchema(schema: unknown, seen: string[] = []): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.asJsonSchema(s, seen));
    if (!schema || typeof schema !== "object") return schema;
    const s = schema as Json;
    if (typeof s.$ref === "string") {
      if (seen.includes(s.$ref)) return {};
      const target = this.resolve(s.$ref) as Json;
      const nullable = s["x-nullable"] === true;
      const inlined = this.asJsonSchema(target, [...seen, s.$ref]);
      return nullable ? { anyOf: [inlined, { type: "null" }] } : inlined;
    }
    const out: Json = {};
    for (const [key, value] of Object.entries(s)) {
      if (key.startsWith("x-") || key === "example") continue;
      if (key === "properties") {
        out.properties = Object.fromEntries(
          Object.entries(value as Json).map(([name, prop]) => [name, this.asJsonSchema(prop, seen)]),
        );
      } else if (key === "items" || key === "additionalProperties") {
        out[key] = typeof value === "object" ? this.asJsonSchema(value, seen) : value;
      } else {
        out[key] = value;
      }
    }
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    // Harbor's server is generated by go-swagger, which reads a bare `type: object` (no properties)
    // as interface{}: any JSON value. Retention rule params ({"latestPushedK": 10}) depend on it.
    if (out.type === "object" && !out.properties && out.additionalProperties === undefined) delete out.type;
    return s["x-nullable"] === true ? { anyOf: [out, { type: "null" }] } : out;
  }

  private resolve(ref: string): unknown {
    const parts = ref.replace(/^#\//, "").split("/");
    let node: unknown = this.doc;
    for (const part of parts) node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (node === undefined) throw new Error(`the contract has no ${ref}`);
    return node;
  }

  private loadOperations(): ContractOperation[] {
    const operations: ContractOperation[] = [];
    for (const [template, item] of Object.entries(this.doc.paths as Record<string, Json>)) {
      const shared = ((item.parameters as Json[]) ?? []).map((p) => this.resolveParameter(p));
      for (const method of ["get", "put", "post", "delete", "patch", "head"]) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const own = ((op.parameters as Json[]) ?? []).map((p) => this.resolveParameter(p));
        const pathNames: string[] = [];
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const name = /^\{([^}]+)\}$/.exec(part)?.[1];
            if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
            pathNames.push(name);
            return "([^/]+)";
          })
          .join("");
        const responses = Object.fromEntries(
          Object.entries((op.responses as Json) ?? {}).map(([status, r]) => [
            status,
            ((r as Json).$ref ? this.resolve((r as Json).$ref as string) : r) as ContractResponse,
          ]),
        );
        operations.push({
          method,
          template,
          operationId: String(op.operationId),
          pattern: new RegExp(`^${source}$`),
          pathNames,
          literalLength: template.replace(/\{[^}]+\}/g, "").length,
          parameters: [...shared.filter((p) => !own.some((o) => o.name === p.name)), ...own],
          responses,
        });
      }
    }
    return operations;
  }

  private resolveParameter(p: Json): ContractParameter {
    return (p.$ref ? this.resolve(p.$ref as string) : p) as ContractParameter;
  }
}

/** Why a path, query or header value breaks its declared type, or undefined when it keeps it. */
function simpleValueProblem(p: ContractParameter, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return p.required ? "is missing" : undefined;
  if (p.type === "integer" && !/^-?\d+$/.test(value)) return `${JSON.stringify(value)} is not an integer`;
  if (p.type === "integer" && p.maximum !== undefined && Number(value) > p.maximum)
    return `${value} is above the maximum ${p.maximum}`;
  if (p.type === "boolean" && value !== "true" && value !== "false")
    return `${JSON.stringify(value)} is not true or false`;
  if (p.enum && !p.enum.includes(value)) return `${JSON.stringify(value)} is not one of ${p.enum.join(", ")}`;
  return undefined;
}

let shared: HarborContract | undefined;

/** The contract, parsed once per process. */
export function harborContract(): HarborContract {
  shared ??= new HarborContract();
  return shared;
}
