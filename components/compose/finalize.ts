import { readFileSync } from "fs";
import { parseDotenv } from "./dotenv";
import type { Lookup } from "./interpolate";
import type { ComposeIssue, ComposeProject } from "./types";
import { type Dict, isDict, own } from "./dict";

/**
 * Drops services outside the active profiles (`"*"` enables all). A service that stays and requires a
 * dropped one is an error naming both.
 */
export function applyProfiles(services: Dict, active: string[], issues: ComposeIssue[]): void {
  const enabled = (s: unknown) => {
    const profiles = isDict(s) && Array.isArray(s.profiles) ? (s.profiles as string[]) : [];
    return profiles.length === 0 || active.includes("*") || profiles.some((p) => active.includes(p));
  };
  const disabled = Object.keys(services).filter((name) => !enabled(services[name]));
  for (const [name, service] of Object.entries(services)) {
    if (disabled.includes(name) || !isDict(service) || !isDict(service.depends_on)) continue;
    for (const [dep, how] of Object.entries(service.depends_on)) {
      if (!disabled.includes(dep)) continue;
      // Reported once here, not again as an undefined service.
      delete service.depends_on[dep];
      if (isDict(how) && how.required === false) continue;
      const profiles = (services[dep] as Dict).profiles as string[];
      issues.push({
        path: `services.${name}.depends_on.${dep}`,
        message: `service "${name}" depends on service "${dep}", which is disabled: it needs one of the profiles ${profiles.map((p) => `"${p}"`).join(", ")}`,
      });
    }
  }
  for (const name of disabled) delete services[name];
}

/**
 * Reads each service's `env_file`s in order (a later file wins, `environment` wins over all), and
 * takes `environment` entries given without a value from the environment. As Compose does, a variable
 * in an env file is looked up in the project's environment, then in the service's `environment`, then
 * among the variables the service's earlier env files (and earlier lines) set.
 */
export function resolveEnvironment(services: Dict, lookup: Lookup, issues: ComposeIssue[]): void {
  for (const [name, service] of Object.entries(services)) {
    if (!isDict(service)) continue;
    const declared: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(isDict(service.environment) ? service.environment : {})) {
      declared[key] = value === null ? (lookup(key) ?? null) : String(value);
    }
    const declaredValues = Object.fromEntries(
      Object.entries(declared).filter((e): e is [string, string] => e[1] !== null),
    );
    const fileLookup: Lookup = (key) => lookup(key) ?? own(declaredValues, key);
    const fromFiles: Record<string, string> = {};
    const envFiles = Array.isArray(service.env_file) ? (service.env_file as Dict[]) : [];
    envFiles.forEach((entry, i) => {
      const path = String(entry.path);
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (err) {
        if (entry.required === false) return;
        issues.push({
          path: `services.${name}.env_file[${i}]`,
          message: `cannot read ${path}: ${(err as Error).message}`,
        });
        return;
      }
      try {
        Object.assign(fromFiles, parseDotenv(text, fileLookup, { ...declaredValues, ...fromFiles }));
      } catch (err) {
        const line = (err as { line?: number }).line;
        issues.push({ file: path, line, path: "", message: (err as Error).message });
      }
    });
    delete service.env_file;
    if (envFiles.length === 0 && !isDict(service.environment)) continue;
    service.environment = { ...fromFiles, ...declared };
  }
}

/** References to networks, volumes, secrets and configs that the project does not define. */
export function checkReferences(project: ComposeProject, issues: ComposeIssue[]): void {
  const defined = (kind: "networks" | "volumes" | "secrets" | "configs", name: string) =>
    isDict(project[kind]) && name in (project[kind] as Dict);
  for (const [name, s] of Object.entries(project.services)) {
    for (const net of Object.keys(s.networks ?? {})) {
      if (net !== "default" && !defined("networks", net))
        issues.push({
          path: `services.${name}.networks.${net}`,
          message: `uses the undefined network "${net}"`,
        });
    }
    (s.volumes ?? []).forEach((v, i) => {
      if (v.type === "volume" && v.source && !defined("volumes", v.source))
        issues.push({
          path: `services.${name}.volumes[${i}]`,
          message: `uses the undefined volume "${v.source}"`,
        });
    });
    for (const kind of ["secrets", "configs"] as const) {
      (s[kind] ?? []).forEach((ref, i) => {
        if (!defined(kind, ref.source))
          issues.push({
            path: `services.${name}.${kind}[${i}]`,
            message: `uses the undefined ${kind.slice(0, -1)} "${ref.source}"`,
          });
      });
    }
    for (const dep of Object.keys(s.depends_on ?? {})) {
      if (!(dep in project.services))
        issues.push({
          path: `services.${name}.depends_on.${dep}`,
          message: `depends on the undefined service "${dep}"`,
        });
    }
  }
}

/**
 * What Compose fills in last: the implicit `default` network for services that name none, and the
 * engine names of networks, volumes, secrets and configs (`<project>_<key>`, or the key when external).
 */
export function fillProjectDefaults(project: ComposeProject): void {
  let usesDefault = false;
  for (const s of Object.values(project.services)) {
    if (s.network_mode === undefined && (s.networks === undefined || Object.keys(s.networks).length === 0)) {
      s.networks = { default: null };
    }
    if (s.networks && "default" in s.networks) usesDefault = true;
  }
  if (usesDefault) project.networks = { ...project.networks, default: { ...project.networks?.default } };
  for (const kind of ["networks", "volumes", "secrets", "configs"] as const) {
    const resources = project[kind] as Record<string, Dict> | undefined;
    for (const [key, r] of Object.entries(resources ?? {})) {
      r.name ??= r.external === true ? key : `${project.name}_${key}`;
    }
  }
}
