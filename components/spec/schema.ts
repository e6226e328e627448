/**
 * The JSON Schema (draft-07) of {@link ServiceInput}: shapes, types, enums and ranges. Formats with a
 * grammar (durations, quantities, image references, ...) are checked in `normalize.ts`.
 */
const duration = { type: ["string", "number"] };
const quantity = { type: ["string", "number"] };
const port = { type: "integer", minimum: 1, maximum: 65535 };
const stringArray = { type: "array", items: { type: "string" } };
const stringMap = { type: "object", additionalProperties: { type: "string" } };
const nonNegativeInteger = { type: "integer", minimum: 0 };

const fileMount = {
  type: "object",
  additionalProperties: false,
  required: ["source"],
  properties: {
    source: { type: "string" },
    target: { type: "string" },
    mode: { type: "integer", minimum: 0, maximum: 0o777 },
  },
};

export const serviceInputSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Berth service",
  type: "object",
  additionalProperties: false,
  required: ["image"],
  properties: {
    image: { type: "string" },
    entrypoint: stringArray,
    command: stringArray,
    env: stringMap,
    secretEnv: stringMap,
    ports: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["target"],
        properties: {
          target: port,
          published: port,
          protocol: { enum: ["tcp", "udp"] },
          public: { type: "boolean" },
          publishMode: { enum: ["ingress", "host"] },
          http: {
            type: "object",
            additionalProperties: false,
            properties: { host: { type: "string" }, path: { type: "string" }, tls: { type: "boolean" } },
          },
        },
      },
    },
    endpointMode: { enum: ["vip", "dnsrr"] },
    mode: { enum: ["replicated", "global", "job"] },
    replicas: nonNegativeInteger,
    resources: {
      type: "object",
      additionalProperties: false,
      properties: {
        cpu: quantity,
        memory: quantity,
        reservations: {
          type: "object",
          additionalProperties: false,
          properties: { cpu: quantity, memory: quantity },
        },
      },
    },
    healthCheck: {
      type: "object",
      additionalProperties: false,
      properties: {
        command: { type: ["string", "array"], items: { type: "string" } },
        http: {
          type: "object",
          additionalProperties: false,
          required: ["path", "port"],
          properties: { path: { type: "string" }, port },
        },
        tcp: { type: "object", additionalProperties: false, required: ["port"], properties: { port } },
        interval: duration,
        timeout: duration,
        retries: { type: "integer", minimum: 1 },
        startPeriod: duration,
      },
    },
    update: {
      type: "object",
      additionalProperties: false,
      properties: {
        parallelism: nonNegativeInteger,
        delay: duration,
        order: { enum: ["start-first", "stop-first"] },
        failureAction: { enum: ["rollback", "pause", "continue"] },
        monitor: duration,
        maxFailureRatio: { type: "number", minimum: 0, maximum: 1 },
      },
    },
    restart: {
      type: "object",
      additionalProperties: false,
      properties: {
        condition: { enum: ["any", "on-failure", "none"] },
        delay: duration,
        maxAttempts: nonNegativeInteger,
        window: duration,
      },
    },
    placement: {
      type: "object",
      additionalProperties: false,
      properties: {
        constraints: stringArray,
        spread: { type: "string" },
        maxPerNode: { type: "integer", minimum: 1 },
      },
    },
    autoscale: {
      type: "object",
      additionalProperties: false,
      required: ["min", "max"],
      properties: {
        min: { type: "integer", minimum: 1 },
        max: { type: "integer", minimum: 1 },
        cpuPercent: { type: "integer", minimum: 1, maximum: 100 },
        memoryPercent: { type: "integer", minimum: 1, maximum: 100 },
        requestsPerTarget: { type: "number", exclusiveMinimum: 0 },
      },
    },
    volumes: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["type", "target"],
        properties: {
          type: { enum: ["volume", "bind", "tmpfs"] },
          source: { type: "string" },
          target: { type: "string" },
          readOnly: { type: "boolean" },
        },
      },
    },
    secrets: { type: "array", items: fileMount },
    configs: { type: "array", items: fileMount },
    networks: stringArray,
    labels: stringMap,
    user: { type: "string" },
    workingDir: { type: "string" },
    readOnlyRootFilesystem: { type: "boolean" },
    capAdd: stringArray,
    capDrop: stringArray,
    stopGracePeriod: duration,
    logging: {
      type: "object",
      additionalProperties: false,
      required: ["driver"],
      properties: { driver: { type: "string" }, options: stringMap },
    },
    ignoreUnsupported: { type: "array", items: { type: "string" } },
  },
} as const;
