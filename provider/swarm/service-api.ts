// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");

/** A spec field the engine ignores without a word below the API version that introduced it. */
interface VersionedField {
  /** Where it is in the spec. */
  path: string;
  /** The Engine API version that honours it. */
  since: string;
  /** Docker Engine release with that API. */
  release: string;
  /** The portable spec field it comes from. */
  from: string;
  isSet: (container: Record<string, unknown>) => boolean;
}

const field = (container: Record<string, unknown>, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined,
    container,
  );

const versionedFields: VersionedField[] = [
  {
    path: "Healthcheck.StartInterval",
    since: "1.44",
    release: "25.0",
    from: "healthCheck.startInterval",
    isSet: (c) => Boolean(field(c, "Healthcheck", "StartInterval")),
  },
  {
    path: "Privileges.NoNewPrivileges",
    since: "1.44",
    release: "25.0",
    from: "securityOpt.noNewPrivileges",
    isSet: (c) => field(c, "Privileges", "NoNewPrivileges") === true,
  },
  {
    path: "Privileges.Seccomp",
    since: "1.44",
    release: "25.0",
    from: "securityOpt.seccomp",
    isSet: (c) => field(c, "Privileges", "Seccomp") !== undefined,
  },
  {
    path: "Privileges.AppArmor",
    since: "1.44",
    release: "25.0",
    from: "securityOpt.appArmor",
    isSet: (c) => field(c, "Privileges", "AppArmor") !== undefined,
  },
];

/** `"1.41"` < `"1.44"`, numerically per part. */
export function apiBelow(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/**
 * What a spec asks of an engine that speaks `apiVersion` and that the engine would drop silently
 * (it ignores fields it does not know): one message per field, empty when the engine honours all.
 */
export function apiVersionProblems(
  name: string,
  spec: { TaskTemplate?: { ContainerSpec?: object } },
  apiVersion: string,
): string[] {
  const container = (spec.TaskTemplate?.ContainerSpec ?? {}) as Record<string, unknown>;
  return versionedFields
    .filter((f) => f.isSet(container) && apiBelow(apiVersion, f.since))
    .map(
      (f) =>
        `service ${name}: ${f.from} (ContainerSpec.${f.path}) needs Docker Engine API ${f.since} (Docker ${f.release}) or later, but the engine speaks ${apiVersion} and would ignore it; upgrade the engine or remove ${f.from}`,
    );
}

/** Refuses, before anything is written, a spec the engine would apply only in part. */
export async function requireEngineApi(
  docker: Dockerode,
  spec: { Name: string; TaskTemplate?: { ContainerSpec?: object } },
): Promise<void> {
  const container = (spec.TaskTemplate?.ContainerSpec ?? {}) as Record<string, unknown>;
  if (!versionedFields.some((f) => f.isSet(container))) return;
  const version = String(((await docker.version()) as { ApiVersion?: string }).ApiVersion ?? "0");
  const problems = apiVersionProblems(spec.Name, spec, version);
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
