import type Dockerode from "dockerode";
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
