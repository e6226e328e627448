import type { SwarmServiceSpec } from "../spec";
import type { ComposeProject } from "../compose/types";
import type { ProviderServiceSpec } from "../../provider/swarm";
import { engineSpec } from "./engine-spec";
import { stackVolumeOptions } from "./stack-networks";

/** The label `docker stack` puts on everything of a stack, so Docker's own tools recognise it. */
export const stackNamespaceLabel = "com.docker.stack.namespace";

/** `rendered` running `image` instead. */
export function withImage(rendered: SwarmServiceSpec, image: string): SwarmServiceSpec {
  const template = rendered.TaskTemplate;
  return {
    ...rendered,
    TaskTemplate: { ...template, ContainerSpec: { ...template.ContainerSpec, Image: image } },
  };
}

/** The names a stack's service refers to, as the engine knows them. */
export interface StackNames {
  /** The project the service belongs to: its name is the stack's namespace. */
  project: ComposeProject;
  /** The service's name in the Compose file. */
  service: string;
  /** Compose's service `labels`, which `docker stack` puts on containers (`deploy.labels` label the service). */
  containerLabels: Record<string, string>;
  /** The engine's name of each network, by its key in the file. */
  networks: Record<string, string>;
  /** The engine's name of each secret, by its key in the file. */
  secrets: Record<string, string>;
  /** The engine's name of each config, by its key in the file. */
  configs: Record<string, string>;
}

/** A rendered service as `docker stack deploy` names and labels it, pointing at the stack's objects. */
export function stackServiceSpec(rendered: SwarmServiceSpec, names: StackNames): ProviderServiceSpec {
  const { project, service } = names;
  const namespace = { [stackNamespaceLabel]: project.name };
  const container = rendered.TaskTemplate.ContainerSpec;
  const volumes = project.volumes ?? {};
  // Named volumes are created by the engine on first use; stacks label them like everything else.
  const mounts = container.Mounts?.map((m) => {
    if (m.Type !== "volume" || !m.Source) return m;
    const volumeOptions = stackVolumeOptions(volumes[m.Source], namespace);
    return {
      ...m,
      Source: volumes[m.Source]?.name ?? `${project.name}_${m.Source}`,
      ...(volumeOptions && { VolumeOptions: volumeOptions }),
    };
  });
  const named = engineSpec(rendered, names.secrets, names.configs);
  const containerSpec = {
    ...named.TaskTemplate.ContainerSpec,
    Labels: { ...names.containerLabels, ...namespace },
    Mounts: mounts,
  };
  return {
    ...named,
    Name: `${project.name}_${service}`,
    Labels: { ...rendered.Labels, ...namespace, "com.docker.stack.image": container.Image },
    TaskTemplate: {
      ...named.TaskTemplate,
      ContainerSpec: containerSpec,
      Networks: rendered.TaskTemplate.Networks?.map((n) => ({
        Target: names.networks[n.Target] ?? n.Target,
        // The file's aliases, then the service's own name, as docker stack deploy lists them.
        Aliases: [...(n.Aliases ?? []), service],
      })),
    },
  };
}
