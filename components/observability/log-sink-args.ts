/** Checks of a log sink, wherever one is given: `Logging`'s `sink`, an ECS cluster's FireLens `sink`. */
import * as pulumi from "@pulumi/pulumi";
import type { LogSink } from "../observability-contract";
import { type AddIssue, isObject, show, unknownFields } from "../arguments/issues";
import { closestName } from "../spec/suggest";
import { sinkEndpoint } from "./sink-url";

/** The sink kinds and the fields each takes. */
const sinkFields: Record<LogSink["kind"], readonly string[]> = {
  loki: ["kind", "url", "tenant", "username", "password"],
  elasticsearch: ["kind", "url", "index", "username", "password"],
  cloudwatch: ["kind", "region", "group", "streamPrefix", "credentials"],
  http: ["kind", "url", "headers"],
  stdout: ["kind"],
};

/** The sink kinds, as messages list them. */
export const sinkKinds = Object.keys(sinkFields) as LogSink["kind"][];

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const logGroupPattern = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the agent sets itself. */
const reservedHeaders = ["host", "content-type", "content-length", "content-encoding", "user-agent"];

/** Whether `value` can be a string once resolved: a string, an output or a promise. */
const stringLike = (value: unknown) =>
  typeof value === "string" || pulumi.Output.isInstance(value) || value instanceof Promise;

function secretIssue(value: unknown, path: string, add: AddIssue): void {
  if (value === undefined) return;
  if (!stringLike(value)) add(path, `must be a string, not ${show(value)}`);
  else if (value === "") add(path, "must not be empty");
}

function urlIssues(sink: Record<string, unknown>, path: string, add: AddIssue): void {
  const url = sink.url;
  if (url === undefined) return add(`${path}.url`, "is required");
  if (!stringLike(url)) return add(`${path}.url`, `must be a URL, not ${show(url)}`);
  if (typeof url !== "string") return;
  const endpoint = sinkEndpoint(url);
  if ("error" in endpoint) return add(`${path}.url`, endpoint.error);
  const credentials = ["username", "password", "headers"].filter((field) => sink[field] !== undefined);
  if (!endpoint.tls && credentials.length > 0)
    add(
      `${path}.url`,
      `is plain http://: ${credentials.join(" and ")} would cross the network unencrypted; use https://`,
    );
}

function basicAuthIssues(sink: Record<string, unknown>, path: string, add: AddIssue): void {
  secretIssue(sink.username, `${path}.username`, add);
  secretIssue(sink.password, `${path}.password`, add);
  if ((sink.username === undefined) !== (sink.password === undefined))
    add(
      `${path}.${sink.username === undefined ? "username" : "password"}`,
      "is required with the other: basic auth takes both",
    );
}

function indexIssues(index: unknown, path: string, add: AddIssue): void {
  if (index === undefined) return;
  if (
    typeof index !== "string" ||
    !/^[a-z0-9][^A-Z\\/*?"<>| ,#:]*$/.test(index) ||
    index.length > 255 ||
    index === "." ||
    index === ".."
  )
    add(
      path,
      `${show(index)} is not an index name: lower case, without \\ / * ? " < > | , # : or spaces, not starting with - _ +`,
    );
}

function cloudWatchIssues(sink: Record<string, unknown>, path: string, add: AddIssue): void {
  if (typeof sink.region !== "string" || !regionPattern.test(sink.region))
    add(`${path}.region`, `${show(sink.region)} is not an AWS region such as "eu-west-1"`);
  if (typeof sink.group !== "string" || !logGroupPattern.test(sink.group))
    add(
      `${path}.group`,
      `${show(sink.group)} is not a log group name: 1 to 512 of letters, digits and . - _ / #`,
    );
  const prefix = sink.streamPrefix;
  if (prefix !== undefined && (typeof prefix !== "string" || /[:*]/.test(prefix) || prefix.length > 256))
    add(`${path}.streamPrefix`, `${show(prefix)} is not a stream name prefix: no : or *, at most 256`);
  const credentials = sink.credentials;
  if (credentials === undefined) return;
  if (!isObject(credentials)) return add(`${path}.credentials`, "must be { accessKeyId, secretAccessKey }");
  unknownFields(credentials, ["accessKeyId", "secretAccessKey"], `${path}.credentials.`, add);
  for (const field of ["accessKeyId", "secretAccessKey"]) {
    if (credentials[field] === undefined) add(`${path}.credentials.${field}`, "is required");
    else secretIssue(credentials[field], `${path}.credentials.${field}`, add);
  }
}

function headerIssues(headers: unknown, path: string, add: AddIssue): void {
  if (headers === undefined) return;
  if (!isObject(headers)) return add(path, "must be a map of header names to values");
  for (const [name, value] of Object.entries(headers)) {
    if (!headerNamePattern.test(name)) add(`${path}.${name}`, "is not an HTTP header name");
    else if (reservedHeaders.includes(name.toLowerCase()))
      add(`${path}.${name}`, "is set by the agent itself");
    secretIssue(value, `${path}.${name}`, add);
    if (typeof value === "string" && /[\r\n]/.test(value))
      add(`${path}.${name}`, "must not contain a line break");
  }
}

/** Every problem with `sink`, each at `<path>.<field>`. */
export function logSinkIssues(sink: unknown, path: string, add: AddIssue): void {
  if (!isObject(sink))
    return add(path, `must be a sink: { kind: ${sinkKinds.map((k) => `"${k}"`).join(" | ")}, ... }`);
  const kind = sink.kind;
  if (typeof kind !== "string" || !(sinkKinds as string[]).includes(kind)) {
    const hint = typeof kind === "string" ? closestName(kind, sinkKinds) : undefined;
    return add(
      `${path}.kind`,
      `${show(kind)} is not a sink kind: ${sinkKinds.join(", ")}${hint ? `; did you mean "${hint}"?` : ""}`,
    );
  }
  unknownFields(sink, sinkFields[kind as LogSink["kind"]], `${path}.`, add);
  switch (kind) {
    case "loki":
      urlIssues(sink, path, add);
      basicAuthIssues(sink, path, add);
      if (sink.tenant !== undefined && (typeof sink.tenant !== "string" || sink.tenant.trim() === ""))
        add(`${path}.tenant`, `${show(sink.tenant)} is not a tenant ID`);
      return;
    case "elasticsearch":
      urlIssues(sink, path, add);
      basicAuthIssues(sink, path, add);
      return indexIssues(sink.index, `${path}.index`, add);
    case "cloudwatch":
      return cloudWatchIssues(sink, path, add);
    case "http":
      urlIssues(sink, path, add);
      return headerIssues(sink.headers, `${path}.headers`, add);
  }
}
