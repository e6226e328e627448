/**
 * Building blocks of the Compose file schema (JSON Schema draft-07), and the parts several keys share.
 *
 * Where the Compose Specification accepts one of several shapes (a string or a list, short or long
 * syntax), the shapes always differ in JSON type, so each is written as one schema with a union `type`
 * and the keywords of each type side by side (`pattern` for strings, `items` for lists, `properties`
 * for mappings) instead of `oneOf`: a value then fails in exactly one way, and the message names it.
 *
 * The schema checks files after interpolation. A variable always yields a string, so wherever a
 * number or a boolean is expected a string is accepted too, but only when it reads as one.
 *
 * Three annotations of Berth's own shape the error messages and do not affect validation:
 * `expected` (phrases naming what is accepted), `suggest` (values to offer when a string is not one
 * of them) and `keyKind` (what the keys of a map of names are).
 */

/** A schema node. */
export type Schema = Record<string, unknown>;

export const annotationKeywords = ["expected", "suggest", "keyKind"] as const;

const typeOrder = ["string", "integer", "number", "boolean", "array", "object", "null"];
const typePhrase: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  null: "null",
};

/** `"string"`, `["array", "object"]` -> `["a string"]`, `["a list", "a mapping"]`. */
export function typePhrases(type: unknown): string[] {
  const types = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === "string");
  return [...types]
    .sort((a, b) => typeOrder.indexOf(a) - typeOrder.indexOf(b))
    .map((t) => typePhrase[t] ?? t);
}

const typesOf = (schema: Schema): string[] =>
  schema.type === undefined
    ? []
    : Array.isArray(schema.type)
      ? (schema.type as string[])
      : [schema.type as string];

/**
 * One schema accepting any of `shapes`, which must not share a JSON type: their keywords apply each to
 * its own type, so they sit side by side.
 */
export function either(...shapes: Schema[]): Schema {
  const merged: Schema = { type: [] as string[], expected: [] as string[] };
  for (const shape of shapes) {
    const { type, expected, suggest, ...rest } = shape;
    const types = typesOf(shape);
    if (types.length === 0) throw new Error("either(): every shape needs a type");
    for (const t of types) {
      if ((merged.type as string[]).includes(t)) throw new Error(`either(): type ${t} appears twice`);
      (merged.type as string[]).push(t);
    }
    (merged.expected as string[]).push(...((expected as string[] | undefined) ?? typePhrases(type)));
    if (suggest)
      merged.suggest = [...((merged.suggest as string[] | undefined) ?? []), ...(suggest as string[])];
    for (const [keyword, value] of Object.entries(rest)) {
      if (keyword in merged) throw new Error(`either(): keyword ${keyword} appears twice`);
      merged[keyword] = value;
    }
  }
  return merged;
}

/** Also accepts null, without saying so in messages (null is the "nothing to set" of YAML). */
export function nullable(schema: Schema): Schema {
  return {
    ...schema,
    type: [...typesOf(schema), "null"],
    expected: (schema.expected as string[] | undefined) ?? typePhrases(schema.type),
  };
}

/** Any value: what `x-` extensions hold. */
const anything: Schema = {};
const extensions = { "^x-": anything };

export const string = (): Schema => ({ type: "string" });
export const boolean = (): Schema => ({ type: "boolean" });

/** A string matching `pattern`; `expected` says what it must be, in words. */
export function matching(pattern: string, expected: string[], suggest?: string[]): Schema {
  return { type: "string", pattern, expected, ...(suggest ? { suggest } : {}) };
}

/** Exactly one of `values`. */
export const oneOf = (...values: string[]): Schema => ({ enum: values });

/** `"true"` -> `[tT][rR][uU][eE]`. */
const anyCase = (word: string) =>
  [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join("");

// The words Compose reads as booleans from a variable, in any case.
const booleanWords = ["true", "false", "yes", "no", "y", "n", "on", "off"];

/** true or false, or a string that reads as one. */
export const flag = (): Schema => ({
  type: ["boolean", "string"],
  pattern: `^(${booleanWords.map(anyCase).join("|")})$`,
  expected: ["true", "false"],
});

/** An integer, or a string of one; `minimum` and `maximum` bound the number. */
export function integer(range: { minimum?: number; maximum?: number } = {}): Schema {
  const { minimum, maximum } = range;
  const words =
    minimum !== undefined && maximum !== undefined
      ? `an integer from ${minimum} to ${maximum}`
      : minimum !== undefined
        ? `an integer of at least ${minimum}`
        : "an integer";
  return {
    type: ["integer", "string"],
    pattern: minimum !== undefined && minimum >= 0 ? "^[0-9]+$" : "^[-+]?[0-9]+$",
    ...range,
    expected: [words],
  };
}

const decimal = "[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?";

/** A number, or a string of one. */
export const number = (): Schema => ({
  type: ["number", "string"],
  pattern: `^${decimal}$`,
  expected: ["a number"],
});

const durationPattern = "[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)";
const durationWords = 'a duration such as "10s" or "1m30s"';

/** A duration string: `10s`, `1m30s`, `1h5m30s20ms`. */
export const duration = (): Schema => matching(`^${durationPattern}$`, [durationWords]);

/** An integer (of microseconds, say) or a duration string. */
export const integerOrDuration = (): Schema => ({
  type: ["integer", "string"],
  pattern: `^([-+]?[0-9]+|${durationPattern})$`,
  expected: ["an integer", durationWords],
});

const sizePattern = "[0-9]+(\\.[0-9]+)? ?[kKmMgGtTpP]?[iI]?[bB]?";

/** A number of bytes, or a size such as `512m`; `-1` too when it means "no limit". */
export function bytes(options: { unlimited?: boolean } = {}): Schema {
  return {
    type: ["integer", "string"],
    pattern: options.unlimited ? `^(-1|${sizePattern})$` : `^${sizePattern}$`,
    expected: [`a size such as 1024, "512m" or "2g"${options.unlimited ? " (-1 for no limit)" : ""}`],
  };
}

/** A list of `items`; `unique` when an item may appear only once. */
export function list(items: Schema, options: { unique?: boolean } = {}): Schema {
  return { type: "array", items, ...(options.unique ? { uniqueItems: true } : {}) };
}

export const stringList = (): Schema => list(string());
export const uniqueStrings = (): Schema => list(string(), { unique: true });
export const stringOrList = (): Schema => either(string(), uniqueStrings());

/** A mapping whose keys are free and whose values are all `values`. */
export const mapping = (values: Schema): Schema => ({ type: "object", additionalProperties: values });

/**
 * A mapping with exactly the keys in `properties` (and `x-` extensions, unless `extensible` is false).
 */
export function object(
  properties: Record<string, Schema>,
  options: { required?: string[]; extensible?: boolean } = {},
): Schema {
  return {
    type: "object",
    properties,
    ...(options.extensible === false ? {} : { patternProperties: extensions }),
    additionalProperties: false,
    ...(options.required ? { required: options.required } : {}),
  };
}

/** A mapping with the keys in `properties` that accepts other keys as well. */
export const openObject = (properties: Record<string, Schema>): Schema => ({ type: "object", properties });

const namePattern = "^[a-zA-Z0-9._-]+$";

/**
 * A mapping of names (of services, volumes, ...) to `value`. With `strictNames`, a key other than
 * letters, digits, `.`, `_` and `-` is an error; otherwise any key is taken.
 */
export function names(kind: string, value: Schema, options: { strictNames?: boolean } = {}): Schema {
  return options.strictNames === false
    ? { type: "object", additionalProperties: value }
    : {
        type: "object",
        patternProperties: { [namePattern]: value },
        additionalProperties: false,
        keyKind: kind,
      };
}

/** The top-level `x-` keys; exported for the top level, which takes them as well. */
export const extensionKeys = (): Schema => ({ ...extensions });

// --- Shapes several keys share ---------------------------------------------------------------------

/** `KEY=VALUE` strings, or a mapping of keys to scalars (null: "take it from the environment"). */
export const listOrDict = (): Schema =>
  either(uniqueStrings(), mapping({ type: ["string", "number", "boolean", "null"] }));

/** A command: a string for the shell, a list to exec, or null for the image's own. */
export const command = (): Schema => nullable(either(string(), stringList()));

/** Driver options: values are strings or numbers. */
export const driverOptions = (): Schema => mapping({ type: ["string", "number"] });

/** `host:ip` strings, or a mapping of host names to one address or several. */
export const extraHosts = (): Schema => either(uniqueStrings(), mapping(either(string(), stringList())));

/** Per-resource limits: one number for both, or `soft` and `hard`. */
export const ulimits = (): Schema => ({
  type: "object",
  patternProperties: {
    "^[a-z]+$": either(
      integer(),
      object({ soft: integer(), hard: integer() }, { required: ["soft", "hard"] }),
    ),
  },
});

/** A service's `secrets` or `configs`, or a build's `secrets`: names, or `source` with mount details. */
export const fileReferences = (): Schema =>
  list(
    either(
      string(),
      object({
        source: string(),
        target: string(),
        uid: string(),
        gid: string(),
        mode: { type: ["number", "string"] },
      }),
    ),
  );

/** `external`: a flag, or (the older form) a mapping naming the resource. */
export const external = (options: { strict?: boolean } = {}): Schema =>
  either(flag(), options.strict === false ? openObject({ name: string() }) : object({ name: string() }));

/** Requests for devices such as GPUs; `capabilities` is required unless `forGpus`. */
export function deviceRequest(options: { forGpus?: boolean } = {}): Schema {
  return object(
    {
      capabilities: uniqueStrings(),
      count: {
        type: ["integer", "string"],
        pattern: "^(-?[0-9]+|all)$",
        expected: ["an integer", '"all"'],
      },
      device_ids: uniqueStrings(),
      driver: string(),
      options: listOrDict(),
    },
    options.forGpus ? {} : { required: ["capabilities"] },
  );
}

/** A command run in or beside the service's container: `post_start`, `pre_stop`, a watch's `exec`. */
export const hook = (): Schema =>
  object(
    {
      command: command(),
      user: string(),
      privileged: flag(),
      working_dir: string(),
      environment: listOrDict(),
    },
    { required: ["command"] },
  );

/** An init container run to completion before the service's container starts. */
export const preStartHook = (): Schema =>
  object({
    command: command(),
    image: string(),
    user: string(),
    privileged: flag(),
    working_dir: string(),
    environment: listOrDict(),
    per_replica: flag(),
  });

export const healthcheck = (): Schema =>
  object({
    disable: flag(),
    interval: duration(),
    retries: integer(),
    test: either(string(), stringList()),
    timeout: duration(),
    start_period: duration(),
    start_interval: duration(),
  });

const rollout = (failureActions: string[]): Schema =>
  object({
    parallelism: integer(),
    delay: duration(),
    failure_action: oneOf(...failureActions),
    monitor: duration(),
    max_failure_ratio: number(),
    order: oneOf("start-first", "stop-first"),
  });

/** `deploy`: how an orchestrator runs the service. */
export const deploy = (): Schema =>
  nullable(
    object({
      mode: oneOf("replicated", "global", "replicated-job", "global-job"),
      endpoint_mode: string(),
      replicas: integer(),
      labels: listOrDict(),
      rollback_config: rollout(["continue", "pause"]),
      update_config: rollout(["continue", "rollback", "pause"]),
      resources: object({
        limits: object({ cpus: number(), memory: bytes(), pids: integer() }),
        reservations: object({
          cpus: number(),
          memory: bytes(),
          generic_resources: list(
            object({ discrete_resource_spec: object({ kind: string(), value: number() }) }),
          ),
          devices: list(deviceRequest()),
        }),
      }),
      restart_policy: object({
        condition: oneOf("none", "on-failure", "any"),
        delay: duration(),
        max_attempts: integer(),
        window: duration(),
      }),
      placement: object({
        constraints: stringList(),
        preferences: list(object({ spread: string() })),
        max_replicas_per_node: integer(),
      }),
    }),
  );

/** `develop`: what `docker compose watch` does on changes. */
export const develop = (): Schema =>
  nullable(
    object({
      watch: list(
        object(
          {
            ignore: stringOrList(),
            include: stringOrList(),
            path: string(),
            action: oneOf("rebuild", "sync", "restart", "sync+restart", "sync+exec"),
            target: string(),
            exec: hook(),
            initial_sync: flag(),
          },
          { required: ["path", "action"] },
        ),
      ),
    }),
  );
