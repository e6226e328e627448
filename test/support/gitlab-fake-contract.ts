/**
 * The request bodies GitLab's REST API documentation gives the endpoints the fake serves, as field
 * specs, and the check of a body against them. Grape answers a body it refuses with 400 and
 * `{ "error": "<field> is missing" | "<field> is invalid" | "<field> does not have a valid value" }`;
 * the fake answers so too, and also refuses fields the documentation does not list (GitLab would
 * ignore them silently, which is how a misspelt field goes unnoticed).
 */

export interface FieldSpec {
  type: "string" | "integer" | "boolean" | "array" | "object" | "date" | "datetime";
  required?: boolean;
  nullable?: boolean;
  /** The values allowed (for an array: of its items). */
  values?: readonly unknown[];
  fields?: Record<string, FieldSpec>;
}

export type BodySpec = Record<string, FieldSpec>;

const levels = ["maintainer", "owner", "admin"] as const;

/** GitLab's documented request bodies, by endpoint. */
export const bodies = {
  editProject: {
    name: { type: "string" },
    description: { type: "string" },
    container_registry_enabled: { type: "boolean" },
    container_registry_access_level: { type: "string", values: ["enabled", "private", "disabled"] },
    container_expiration_policy_attributes: {
      type: "object",
      fields: {
        cadence: { type: "string", values: ["1d", "7d", "14d", "1month", "3month"] },
        keep_n: { type: "integer", nullable: true, values: [1, 5, 10, 25, 50, 100] },
        older_than: { type: "string", nullable: true, values: ["7d", "14d", "30d", "90d"] },
        name_regex: { type: "string", nullable: true },
        name_regex_delete: { type: "string", nullable: true },
        name_regex_keep: { type: "string", nullable: true },
        enabled: { type: "boolean" },
      },
    },
  },
  createDeployToken: {
    name: { type: "string", required: true },
    scopes: {
      type: "array",
      required: true,
      values: [
        "read_repository",
        "read_registry",
        "write_registry",
        "read_package_registry",
        "write_package_registry",
        "read_virtual_registry",
        "write_virtual_registry",
      ],
    },
    expires_at: { type: "datetime" },
    username: { type: "string" },
  },
  createAccessToken: {
    name: { type: "string", required: true },
    description: { type: "string" },
    scopes: {
      type: "array",
      required: true,
      values: [
        "api",
        "read_api",
        "read_registry",
        "write_registry",
        "read_repository",
        "write_repository",
        "create_runner",
        "manage_runner",
        "ai_features",
        "k8s_proxy",
        "self_rotate",
      ],
    },
    access_level: { type: "integer", values: [10, 15, 20, 30, 40, 50] },
    expires_at: { type: "date", required: true },
  },
  rotateAccessToken: { expires_at: { type: "date" } },
  createProtectionRule: {
    repository_path_pattern: { type: "string", required: true },
    minimum_access_level_for_push: { type: "string", nullable: true, values: levels },
    minimum_access_level_for_delete: { type: "string", nullable: true, values: levels },
  },
  updateProtectionRule: {
    repository_path_pattern: { type: "string" },
    minimum_access_level_for_push: { type: "string", nullable: true, values: levels },
    minimum_access_level_for_delete: { type: "string", nullable: true, values: levels },
  },
} satisfies Record<string, BodySpec>;

function typeProblem(value: unknown, spec: FieldSpec): boolean {
  switch (spec.type) {
    case "string":
      return typeof value !== "string";
    case "integer":
      return !Number.isInteger(value);
    case "boolean":
      return typeof value !== "boolean";
    case "array":
      return !Array.isArray(value);
    case "object":
      return !value || typeof value !== "object" || Array.isArray(value);
    case "date":
      return typeof value !== "string" || !/^\d{4}-\d\d-\d\d$/.test(value) || isNaN(Date.parse(value));
    case "datetime":
      return typeof value !== "string" || isNaN(Date.parse(value));
  }
}

/** Grape's error for the first problem of `body` against `spec`, or undefined when it keeps it. */
export function bodyError(body: unknown, spec: BodySpec, prefix = ""): string | undefined {
  const name = (key: string) => (prefix ? `${prefix}[${key}]` : key);
  const given = (body ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given))
    if (!(key in spec)) return `${name(key)} is not a parameter of this endpoint`;
  for (const [key, field] of Object.entries(spec)) {
    const value = given[key];
    if (value === undefined) {
      if (field.required) return `${name(key)} is missing`;
      continue;
    }
    if (value === null) {
      if (field.nullable) continue;
      return `${name(key)} is invalid`;
    }
    if (typeProblem(value, field)) return `${name(key)} is invalid`;
    if (field.values) {
      const items = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && value.length === 0) return `${name(key)} is empty`;
      if (items.some((v) => !field.values!.includes(v))) return `${name(key)} does not have a valid value`;
    }
    if (field.fields) {
      const nested = bodyError(value, field.fields, name(key));
      if (nested) return nested;
    }
  }
  return undefined;
}
