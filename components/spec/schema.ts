import { platforms } from "./platform";
import { maxCount, maxExactInteger } from "./units";

/**
 * The JSON Schema (draft-07) of {@link ServiceInput}: shapes, types, enums and ranges. Formats with a
 * grammar (durations, quantities, image references, ...) are checked in `normalize.ts`. Every number
 * is finite (the validator runs with `strictNumbers`), and every integer has a maximum: counts fit
 * Kubernetes' int32 ({@link maxCount}), other integers the range a JavaScript number holds exactly.
 */
const duration = { type: ["string", "number"] };
const quantity = { type: ["string", "number"] };
const port = { type: "integer", minimum: 1, maximum: 65535 };
const stringArray = { type: "array", items: { type: "string" } };
const stringMap = { type: "object", additionalProperties: { type: "string" } };
/** A count: replicas, parallelism, attempts. */
const nonNegativeInteger = { type: "integer", minimum: 0, maximum: maxCount };
const positiveCount = { type: "integer", minimum: 1, maximum: maxCount };
const numericId = { type: ["string", "integer"] };
/** Shapes with two forms are typed here and checked in `normalize` (one message per problem). */
const ulimit = { type: ["integer", "object"] };
const networkAttachment = { type: ["string", "object"] };

const fileMount = {
  type: "object",
  additionalProperties: false,
  required: ["source"],
  properties: {
    source: { type: "string" },
    target: { type: "string" },
    mode: { type: "integer", minimum: 0, maximum: 0o777 },
    uid: numericId,
    gid: numericId,
  },
};

/** The JSON Schema of a service description ({@link ServiceInput}). */
export const serviceInputSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Berth service",
  type: "object",
  additionalProperties: false,
  required: ["image"],
  properties: {
    image: { type: "string" },
    platform: { enum: [...platforms] },
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
          sourceRanges: stringArray,
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
        pids: { type: "integer", minimum: 1, maximum: maxExactInteger },
        reservations: {
          type: "object",
          additionalProperties: false,
          properties: {
            cpu: quantity,
            memory: quantity,
            genericResources: {
              type: "object",
              additionalProperties: { type: "integer", minimum: 1, maximum: maxExactInteger },
            },
          },
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
        retries: positiveCount,
        startPeriod: duration,
        startInterval: duration,
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
        canary: {
          type: "object",
          additionalProperties: false,
          properties: {
            replicas: positiveCount,
            percent: { type: "integer", minimum: 1, maximum: 99 },
            pause: { type: "boolean" },
            promote: { type: "boolean" },
          },
        },
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
        maxPerNode: positiveCount,
      },
    },
    autoscale: {
      type: "object",
      additionalProperties: false,
      required: ["min", "max"],
      properties: {
        min: positiveCount,
        max: positiveCount,
        cpuPercent: { type: "integer", minimum: 1, maximum: 100 },
        memoryPercent: { type: "integer", minimum: 1, maximum: 100 },
        requestsPerTarget: { type: "number", exclusiveMinimum: 0, maximum: maxCount },
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
          tmpfs: {
            type: "object",
            additionalProperties: false,
            properties: { size: quantity, mode: { type: "integer", minimum: 0, maximum: 0o7777 } },
          },
        },
      },
    },
    secrets: { type: "array", items: fileMount },
    configs: { type: "array", items: fileMount },
    networks: { type: "array", items: networkAttachment },
    labels: stringMap,
    user: { type: "string" },
    workingDir: { type: "string" },
    readOnlyRootFilesystem: { type: "boolean" },
    capAdd: stringArray,
    capDrop: stringArray,
    stopGracePeriod: duration,
    stopSignal: { type: "string" },
    hostname: { type: "string" },
    stdinOpen: { type: "boolean" },
    tty: { type: "boolean" },
    sysctls: stringMap,
    ulimits: { type: "object", additionalProperties: ulimit },
    dns: stringArray,
    dnsSearch: stringArray,
    dnsOptions: stringArray,
    extraHosts: stringMap,
    init: { type: "boolean" },
    securityOpt: {
      type: "object",
      additionalProperties: false,
      properties: {
        noNewPrivileges: { type: "boolean" },
        seccomp: { type: ["string", "object"] },
        appArmor: { enum: ["default", "unconfined"] },
      },
    },
    metrics: {
      type: "object",
      additionalProperties: false,
      required: ["port"],
      properties: { port, path: { type: "string" }, scheme: { enum: ["http", "https"] } },
    },
    logging: {
      type: "object",
      additionalProperties: false,
      required: ["driver"],
      properties: { driver: { type: "string" }, options: stringMap },
    },
    ignoreUnsupported: { type: "array", items: { type: "string" } },
  },
} as const;
