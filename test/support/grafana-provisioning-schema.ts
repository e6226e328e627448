/**
 * Grafana's provisioning files (format `apiVersion: 1`) as JSON schemas, for tests. Grafana publishes
 * no machine-readable schema of them: these are written from its documentation ("Provision Grafana":
 * the data source and dashboard provider examples, and the table of `jsonData` settings for
 * Prometheus and every HTTP data source). Each object takes only the fields documented for it, with
 * their documented types; Grafana itself ignores a field it does not know, which is why a test must
 * catch a misspelt one.
 */
import Ajv, { type ValidateFunction } from "ajv";

const string = { type: "string" };
const boolean = { type: "boolean" };
const integer = { type: "integer" };

/** `jsonData` settings documented for Prometheus and for every data source that speaks HTTP. */
const prometheusJsonData = {
  type: "object",
  additionalProperties: false,
  properties: {
    tlsAuth: boolean,
    tlsAuthWithCACert: boolean,
    tlsSkipVerify: boolean,
    serverName: string,
    timeout: string,
    keepCookies: { type: "array", items: string },
    timeInterval: { type: "string", pattern: "^(\\d+(ms|s|m|h|d|w|y))+$" },
    httpMethod: { enum: ["GET", "POST"] },
    customQueryParameters: string,
    manageAlerts: boolean,
    alertmanagerUid: string,
    prometheusVersion: string,
    prometheusType: { enum: ["Prometheus", "Cortex", "Mimir", "Thanos"] },
    cacheLevel: { enum: ["Low", "Medium", "High", "None"] },
    incrementalQuerying: boolean,
    incrementalQueryOverlapWindow: string,
    disableRecordingRules: boolean,
  },
};

const datasourcesSchema = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion"],
  properties: {
    apiVersion: { const: 1 },
    prune: boolean,
    deleteDatasources: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: { name: string, orgId: integer },
      },
    },
    datasources: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "type", "access"],
        properties: {
          name: string,
          type: string,
          access: { enum: ["proxy", "direct"] },
          orgId: integer,
          uid: string,
          url: string,
          user: string,
          database: string,
          basicAuth: boolean,
          basicAuthUser: string,
          withCredentials: boolean,
          isDefault: boolean,
          jsonData: prometheusJsonData,
          secureJsonData: { type: "object", additionalProperties: string },
          version: integer,
          editable: boolean,
        },
      },
    },
  },
};

const dashboardsSchema = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "providers"],
  properties: {
    apiVersion: { const: 1 },
    providers: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "options"],
        properties: {
          name: string,
          orgId: integer,
          folder: string,
          folderUid: string,
          type: { const: "file" },
          disableDeletion: boolean,
          updateIntervalSeconds: integer,
          allowUiUpdates: boolean,
          options: {
            type: "object",
            additionalProperties: false,
            required: ["path"],
            properties: { path: string, foldersFromFilesStructure: boolean },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validators: Record<"datasources" | "dashboards", ValidateFunction> = {
  datasources: ajv.compile(datasourcesSchema),
  dashboards: ajv.compile(dashboardsSchema),
};

/** Every problem of a parsed provisioning file of `kind`, as "<JSON pointer> <message>"; none when valid. */
export function provisioningProblems(kind: "datasources" | "dashboards", file: unknown): string[] {
  const validate = validators[kind];
  if (validate(file)) return [];
  return (validate.errors ?? []).map((error) => {
    const unknown =
      error.keyword === "additionalProperties"
        ? ` (unknown field "${(error.params as { additionalProperty: string }).additionalProperty}")`
        : "";
    return `${error.instancePath} ${error.message ?? error.keyword}${unknown}`;
  });
}
