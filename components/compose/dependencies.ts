import type { ComposeIssue } from "./types";
import { type Dict, isDict } from "./dict";

/** Keys that share another service's namespace when set to `service:<name>`. */
const namespaceKeys = ["network_mode", "ipc", "pid", "uts", "cgroup"];

interface Reference {
  /** Where the service is named, relative to the referring service: `volumes_from[0]`. */
  key: string;
  service: string;
  /** Whether a restart of the named service restarts this one, as Compose sets it. */
  restart: boolean;
}

/** The services a service names outside `depends_on`: `volumes_from`, `service:` namespaces and `links`. */
function referencesOf(service: Dict): Reference[] {
  const refs: Reference[] = [];
  (Array.isArray(service.volumes_from) ? service.volumes_from : []).forEach((entry, i) => {
    const text = String(entry);
    if (!text.startsWith("container:"))
      refs.push({ key: `volumes_from[${i}]`, service: text.split(":")[0], restart: false });
  });
  for (const key of namespaceKeys) {
    const value = service[key];
    if (typeof value === "string" && value.startsWith("service:"))
      refs.push({ key, service: value.slice("service:".length), restart: true });
  }
  (Array.isArray(service.links) ? service.links : []).forEach((entry, i) => {
    refs.push({ key: `links[${i}]`, service: String(entry).split(":")[0], restart: true });
  });
  return refs;
}

/**
 * Adds the services named by `volumes_from`, `network_mode`/`ipc`/`pid`/`uts`/`cgroup: service:x` and
 * `links` to `depends_on` (started first), as Compose does; a name that no service has is an error.
 * Runs before profiles are applied, so that a reference to a disabled service is reported as such.
 */
export function addImplicitDependencies(services: Dict, issues: ComposeIssue[]): void {
  for (const [name, service] of Object.entries(services)) {
    if (!isDict(service)) continue;
    for (const ref of referencesOf(service)) {
      if (!(ref.service in services)) {
        issues.push({
          path: `services.${name}.${ref.key}`,
          message: `uses the undefined service "${ref.service}"`,
        });
        continue;
      }
      const dependsOn = isDict(service.depends_on) ? service.depends_on : (service.depends_on = {});
      dependsOn[ref.service] ??= { condition: "service_started", required: true, restart: ref.restart };
    }
  }
}

/** Refuses `depends_on` cycles, each reported once at the first service of the cycle in file order. */
export function checkDependencyCycles(services: Dict, issues: ComposeIssue[]): void {
  const dependencies = (name: string): string[] => {
    const service = services[name];
    return isDict(service) && isDict(service.depends_on)
      ? Object.keys(service.depends_on).filter((d) => d in services)
      : [];
  };
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    const at = path.indexOf(name);
    if (at >= 0) {
      const cycle = [...path.slice(at), name];
      issues.push({
        path: `services.${cycle[0]}.depends_on`,
        message: `dependency cycle: ${cycle.join(" -> ")}`,
      });
      for (const member of cycle) done.add(member);
      return;
    }
    for (const dependency of dependencies(name)) visit(dependency, [...path, name]);
    done.add(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
}
