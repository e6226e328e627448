// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import type { ProviderServiceSpec as SwarmServiceSpec } from "./service-spec";

/**
 * Fills the IDs of the secrets, configs and networks a rendered spec names. Every missing object is
 * reported at once.
 */
export async function resolveReferences(
  docker: Dockerode,
  spec: SwarmServiceSpec,
): Promise<SwarmServiceSpec> {
  const container = spec.TaskTemplate.ContainerSpec;
  const [secrets, configs, networks] = await Promise.all([
    container.Secrets?.length ? docker.listSecrets() : Promise.resolve([]),
    container.Configs?.length ? docker.listConfigs() : Promise.resolve([]),
    spec.TaskTemplate.Networks?.length ? docker.listNetworks() : Promise.resolve([]),
  ]);
  const missing: string[] = [];
  const idOf = (
    kind: string,
    name: string,
    objects: { ID?: string; Id?: string; Name?: string; Spec?: { Name?: string } }[],
  ) => {
    const found = objects.find((o) => (o.Spec?.Name ?? o.Name) === name || (o.ID ?? o.Id) === name);
    if (!found) missing.push(`${kind} "${name}"`);
    return found?.ID ?? found?.Id ?? "";
  };
  const resolved: SwarmServiceSpec = {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: {
        ...container,
        Secrets: container.Secrets?.map((s) => ({
          ...s,
          SecretID: s.SecretID || idOf("secret", s.SecretName, secrets),
        })),
        Configs: container.Configs?.map((c) => ({
          ...c,
          ConfigID: c.ConfigID || idOf("config", c.ConfigName, configs),
        })),
      },
      Networks: spec.TaskTemplate.Networks?.map((n) => ({
        ...n,
        Target: idOf("network", n.Target, networks),
      })),
    },
  };
  if (missing.length > 0) throw new Error(`service ${spec.Name}: no ${missing.join(", ")} on the engine`);
  return resolved;
}

type FileReference = { SecretName?: string; SecretID?: string; ConfigName?: string; ConfigID?: string };

/**
 * An engine-filled file reference in the shape the spec carries it: the ID the provider resolved is
 * left as the spec had it (empty, or absent), so only a changed name or file is a difference.
 */
function referenceAsWritten<T extends FileReference>(
  engine: T,
  ours: T[] | undefined,
  nameKey: "SecretName" | "ConfigName",
  idKey: "SecretID" | "ConfigID",
): T {
  const mine = ours?.find((o) => o[nameKey] === engine[nameKey]);
  if (mine?.[idKey]) return engine;
  const rest: T = { ...engine };
  delete rest[idKey];
  return mine && !(idKey in mine) ? rest : { ...rest, [idKey]: "" };
}

/**
 * The reverse of {@link resolveReferences} for a spec read from the engine: networks by the name (or
 * ID) `ours` used for them, else by their current name; secret and config IDs as `ours` carries them.
 * A network, secret or config `ours` does not reference stays visible, so a change made on the engine
 * shows as drift.
 */
export async function referencesAsWritten(
  docker: Dockerode,
  engine: SwarmServiceSpec,
  ours: SwarmServiceSpec | undefined,
): Promise<SwarmServiceSpec> {
  const container = engine.TaskTemplate.ContainerSpec;
  const mine = ours?.TaskTemplate?.ContainerSpec;
  const attached = engine.TaskTemplate.Networks;
  const networks = attached?.length ? ((await docker.listNetworks()) as { Id: string; Name: string }[]) : [];
  const networkName = (target: string) => {
    const network = networks.find((n) => n.Id === target);
    const named = ours?.TaskTemplate?.Networks?.find(
      (o) => network !== undefined && (o.Target === network.Name || o.Target === network.Id),
    );
    return named?.Target ?? network?.Name ?? target;
  };
  return {
    ...engine,
    TaskTemplate: {
      ...engine.TaskTemplate,
      ContainerSpec: {
        ...container,
        ...(container.Secrets && {
          Secrets: container.Secrets.map((s) =>
            referenceAsWritten(s, mine?.Secrets, "SecretName", "SecretID"),
          ),
        }),
        ...(container.Configs && {
          Configs: container.Configs.map((c) =>
            referenceAsWritten(c, mine?.Configs, "ConfigName", "ConfigID"),
          ),
        }),
      },
      ...(attached && { Networks: attached.map((n) => ({ ...n, Target: networkName(n.Target) })) }),
    },
  };
}
