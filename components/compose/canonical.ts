import {
  canonicalLongPort,
  canonicalLongVolume,
  expandPort,
  expandVolume,
  type PathContext,
  resolveHostPath,
} from "./short-syntax";
import { splitShellWords } from "./shell-words";
import type { ComposePath } from "./types";
import { type Dict, isDict } from "./dict";

type Report = (path: ComposePath, message: string) => void;

const scalarText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** `["A=1", "B"]` or `{A: 1, B: null}` -> `{A: "1", B: listValue}`: what a `B` without a value means. */
function toMapping(value: unknown, listValue: string | null): Record<string, string | null> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((item) => {
        const text = String(item);
        const eq = text.indexOf("=");
        return eq < 0 ? [text, listValue] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  if (!isDict(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarText(v) ?? listValue]));
}

/** Keys given as list entries (`KEY=value`, `host:ip`), which become mappings' keys. */
const listKeys: ComposePath[] = [
  ["environment"],
  ["labels"],
  ["annotations"],
  ["sysctls"],
  ["extra_hosts"],
  ["build", "args"],
  ["deploy", "labels"],
];

/**
 * The key `__proto__` given as a list entry (`- __proto__=x`) is refused, as it is as a YAML key: no
 * JavaScript object carries it as data, and it would be dropped on the way to the target.
 */
function refuseProtoEntries(service: Dict, path: ComposePath, report: Report): void {
  for (const keys of listKeys) {
    let list: unknown = service;
    for (const key of keys) list = isDict(list) ? list[key] : undefined;
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      if (String(entry).split(/[=:]/)[0].trim() === "__proto__")
        report(
          [...path, ...keys, i],
          "the key __proto__ is not accepted: it cannot be carried as data; rename it",
        );
    });
  }
}

const toList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function command(value: unknown, path: ComposePath, report: Report): unknown {
  if (typeof value !== "string") return Array.isArray(value) ? value.map(String) : value;
  try {
    return splitShellWords(value);
  } catch (err) {
    report(path, (err as Error).message);
    return value;
  }
}

/** A service's short syntax expanded, relative paths resolved: the canonical form Compose prints. */
export function canonicalService(service: Dict, path: ComposePath, ctx: PathContext, report: Report): Dict {
  const s: Dict = { ...service };
  const at = (key: string, ...rest: ComposePath) => [...path, key, ...rest];
  refuseProtoEntries(s, path, report);
  if (typeof s.build === "string") s.build = { context: s.build };
  if (isDict(s.build)) {
    const context = typeof s.build.context === "string" ? s.build.context : ".";
    const remote = /^(https?:\/\/|git@|github\.com\/)/.test(context) || context.includes(".git#");
    s.build = {
      dockerfile: "Dockerfile",
      ...s.build,
      context: remote ? context : resolveHostPath(context, ctx),
    };
  }
  for (const key of ["command", "entrypoint"]) if (key in s) s[key] = command(s[key], at(key), report);
  if ("environment" in s) s.environment = toMapping(s.environment, null);
  for (const key of ["labels", "annotations", "sysctls"]) if (key in s) s[key] = toMapping(s[key], "");
  if (isDict(s.deploy) && "labels" in s.deploy)
    s.deploy = { ...s.deploy, labels: toMapping(s.deploy.labels, "") };
  if ("env_file" in s) {
    s.env_file = toList(s.env_file).map((entry) => {
      const long = isDict(entry) ? entry : { path: String(entry) };
      return { required: true, ...long, path: resolveHostPath(String(long.path), ctx) };
    });
  }
  if (Array.isArray(s.ports)) {
    s.ports = s.ports.flatMap((port, i) => {
      if (isDict(port)) return [canonicalLongPort(port)];
      try {
        return expandPort(port as string | number);
      } catch (err) {
        report(at("ports", i), (err as Error).message);
        return [];
      }
    });
  }
  if (Array.isArray(s.expose)) s.expose = s.expose.map(String);
  if (Array.isArray(s.volumes)) {
    s.volumes = s.volumes.flatMap((volume, i) => {
      if (isDict(volume)) return [canonicalLongVolume(volume, ctx)];
      try {
        return [expandVolume(String(volume), ctx)];
      } catch (err) {
        report(at("volumes", i), (err as Error).message);
        return [];
      }
    });
  }
  for (const key of ["tmpfs", "dns", "dns_search"]) {
    if (typeof s[key] === "string") s[key] = [s[key]];
  }
  if ("depends_on" in s) {
    const deps = Array.isArray(s.depends_on)
      ? Object.fromEntries(s.depends_on.map((name) => [String(name), {}]))
      : isDict(s.depends_on)
        ? s.depends_on
        : {};
    s.depends_on = Object.fromEntries(
      Object.entries(deps).map(([name, dep]) => [
        name,
        { condition: "service_started", required: true, ...(isDict(dep) ? dep : {}) },
      ]),
    );
  }
  if (Array.isArray(s.networks)) s.networks = Object.fromEntries(s.networks.map((n) => [String(n), null]));
  for (const key of ["secrets", "configs"]) {
    if (Array.isArray(s[key])) {
      s[key] = (s[key] as unknown[]).map((ref) => (isDict(ref) ? { ...ref } : { source: String(ref) }));
    }
  }
  if (isDict(s.healthcheck)) {
    const test = s.healthcheck.test;
    if (typeof test === "string") s.healthcheck = { ...s.healthcheck, test: ["CMD-SHELL", test] };
  }
  if (typeof s.extends === "string") s.extends = { service: s.extends };
  return s;
}

/** Top-level networks, volumes, secrets and configs in canonical form (file paths resolved). */
export function canonicalResources(tree: Dict, ctx: PathContext, report: Report): void {
  for (const kind of ["networks", "volumes", "secrets", "configs"]) {
    if (!isDict(tree[kind])) continue;
    const resources = tree[kind];
    for (const [name, value] of Object.entries(resources)) {
      const r: Dict = isDict(value) ? { ...value } : {};
      // The old `external: { name }` form.
      if (isDict(r.external)) {
        if (typeof r.external.name === "string") r.name ??= r.external.name;
        r.external = true;
      }
      if ((kind === "secrets" || kind === "configs") && typeof r.file === "string") {
        r.file = resolveHostPath(r.file, ctx);
      }
      if ("labels" in r) {
        refuseProtoEntries({ labels: r.labels }, [kind, name], report);
        r.labels = toMapping(r.labels, "");
      }
      resources[name] = r;
    }
  }
}
