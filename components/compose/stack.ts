import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import { normalizeService, renderSwarm, SpecError, type SwarmServiceSpec } from "../spec";
import { isSwarmTarget, type SwarmTarget } from "../swarm/engine-access";
import { engineRegistryAuth, engineSpec } from "../swarm/engine-spec";
import {
  type ProviderServiceSpec,
  SwarmConfig,
  SwarmNetwork,
  SwarmSecret,
  SwarmService,
} from "../../provider/swarm";
import { loadCompose } from "./load";
import { dependencyOrder, fileObjectData, stackNamespaceLabel, usedResources } from "./stack-objects";
import { toServiceSpecs } from "./to-service-specs";
import { ComposeError, type ComposeProject, type LoadComposeOptions } from "./types";

export interface ComposeStackArgs {
  /** The swarm to deploy to (`LocalSwarm`, or any cluster whose `target` is `"swarm"`). */
  cluster: SwarmTarget;
  /** A project from `loadCompose`, or the options to load one with. */
  project: ComposeProject | LoadComposeOptions;
  /** Make every ignored Compose key an error. Default: false (ignored keys are logged). */
  strict?: boolean;
  /**
   * Content for the project's secrets and configs by their key in the file, instead of the `file`,
   * `environment` or `content` it names: feed Pulumi secrets into Compose secrets. Default: none.
   */
  values?: Record<string, pulumi.Input<string>>;
  /** The environment for secrets and configs taken from `environment`. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Credentials for private images. Default: none. */
  registryAuth?: pulumi.Input<RegistryCredentials>;
  /** How long each service may take to converge. Default: 300 s. */
  timeoutSeconds?: number;
}

/**
 * A Compose project deployed to a swarm as `docker stack deploy` would: services named
 * `<project>_<service>` reachable by their short name on the stack's networks, networks, secrets and
 * configs named `<project>_<key>`, everything labelled `com.docker.stack.namespace`. Beyond
 * `docker stack`, it waits for every service to converge, creates services after the ones they
 * `depends_on` (healthy first, where a health check exists), and removes the networks, secrets and
 * configs that no service uses any more.
 */
export class ComposeStack extends pulumi.ComponentResource {
  /** The project's name: the stack's namespace. */
  readonly projectName: string;
  /** The project as loaded. */
  readonly project: ComposeProject;
  /** Swarm services by Compose service name. */
  readonly services: Record<string, SwarmService>;
  /** Engine service ids by Compose service name. */
  declare readonly serviceIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ComposeStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:compose:ComposeStack", name, {}, opts);
    const fail = (message: string) => new pulumi.ResourceError(`ComposeStack ${name}: ${message}`, this);
    if (!isSwarmTarget(args.cluster))
      throw fail('cluster: must be a swarm (a cluster whose target is "swarm")');
    const { engine } = args.cluster;
    let project: ComposeProject;
    let mapping: ReturnType<typeof toServiceSpecs>;
    try {
      project = "services" in args.project ? args.project : loadCompose(args.project);
      mapping = toServiceSpecs(project, { strict: args.strict });
    } catch (err) {
      if (err instanceof ComposeError) throw fail(err.message);
      throw err;
    }
    this.project = project;
    this.projectName = project.name;
    for (const i of mapping.ignored) {
      pulumi.log.warn(`service ${i.service}: ${i.key} is ignored: ${i.reason}`, this);
    }

    const namespace = { [stackNamespaceLabel]: project.name };
    const used = usedResources(project);
    const childOpts = (dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn: [...engine.ready, ...dependsOn],
    });
    const common = { connection: engine.connection, component: name };

    const networks: Record<string, SwarmNetwork> = {};
    const networkNames: Record<string, pulumi.Input<string>> = {};
    for (const key of used.networks) {
      const net = project.networks?.[key] ?? {};
      const engineName = net.name ?? `${project.name}_${key}`;
      if (net.external) {
        networkNames[key] = engineName;
        continue;
      }
      if (net.driver !== undefined && net.driver !== "overlay") {
        throw fail(`networks.${key}.driver: a stack's networks are overlay networks, not "${net.driver}"`);
      }
      networks[key] = new SwarmNetwork(
        `${name}-network-${key}`,
        {
          ...common,
          name: engineName,
          attachable: net.attachable ?? false,
          internal: net.internal ?? false,
          encrypted: net.driver_opts !== undefined && "encrypted" in net.driver_opts,
          labels: { ...net.labels, ...namespace },
        },
        childOpts(),
      );
      networkNames[key] = networks[key].name;
    }

    const files = (kind: "secret" | "config") => {
      const declared = (kind === "secret" ? project.secrets : project.configs) ?? {};
      const objects: pulumi.Resource[] = [];
      const names: Record<string, pulumi.Input<string>> = {};
      for (const key of kind === "secret" ? used.secrets : used.configs) {
        const object = declared[key] ?? {};
        const engineName = object.name ?? `${project.name}_${key}`;
        if (object.external) {
          names[key] = engineName;
          continue;
        }
        let data: pulumi.Input<string>;
        try {
          data = fileObjectData(kind, key, object, args.values?.[key], args.env ?? process.env);
        } catch (err) {
          throw fail((err as Error).message);
        }
        const fileArgs = { ...common, name: engineName, data, labels: { ...object.labels, ...namespace } };
        const resource =
          kind === "secret"
            ? new SwarmSecret(`${name}-secret-${key}`, fileArgs, childOpts())
            : new SwarmConfig(`${name}-config-${key}`, fileArgs, childOpts());
        objects.push(resource);
        names[key] = (resource as SwarmSecret).objectName;
      }
      return { objects, names };
    };
    const secrets = files("secret");
    const configs = files("config");

    let order: string[];
    try {
      order = dependencyOrder(
        Object.fromEntries(
          Object.keys(mapping.services).map((s) => [s, Object.keys(mapping.dependsOn[s] ?? {})]),
        ),
      );
    } catch (err) {
      throw fail((err as Error).message);
    }
    const registryAuth = engineRegistryAuth(args.registryAuth);
    this.services = {};
    for (const key of order) {
      const input = mapping.services[key];
      let rendered: SwarmServiceSpec;
      try {
        rendered = renderSwarm(normalizeService(key, { ...input, secretEnv: undefined }), {
          onIgnored: (issue) => pulumi.log.warn(`service ${key}: ${issue.path} ${issue.message}`, this),
        });
      } catch (err) {
        if (err instanceof SpecError) throw fail(err.message);
        throw err;
      }
      const spec = pulumi
        .all([pulumi.all(networkNames), pulumi.all(secrets.names), pulumi.all(configs.names)])
        .apply(([nets, secretNames, configNames]) =>
          stackServiceSpec(rendered, {
            project,
            service: key,
            containerLabels: mapping.containerLabels[key] ?? {},
            networks: nets,
            secrets: secretNames,
            configs: configNames,
          }),
        );
      const dependencies = Object.keys(mapping.dependsOn[key] ?? {}).map((d) => this.services[d]);
      this.services[key] = new SwarmService(
        `${name}-${key}`,
        {
          ...common,
          spec,
          secretEnv: input.secretEnv,
          registryAuth,
          timeoutSeconds: args.timeoutSeconds,
        },
        childOpts([...Object.values(networks), ...secrets.objects, ...configs.objects, ...dependencies]),
      );
    }
    this.serviceIds = pulumi.all(
      Object.fromEntries(Object.entries(this.services).map(([k, s]) => [k, s.id])),
    );
    this.registerOutputs({ serviceIds: this.serviceIds });
  }
}

interface StackNames {
  project: ComposeProject;
  service: string;
  /** Compose's service `labels`, which `docker stack` puts on containers (`deploy.labels` label the service). */
  containerLabels: Record<string, string>;
  networks: Record<string, string>;
  secrets: Record<string, string>;
  configs: Record<string, string>;
}

/** A rendered service as `docker stack deploy` names and labels it, pointing at the stack's objects. */
export function stackServiceSpec(rendered: SwarmServiceSpec, names: StackNames): ProviderServiceSpec {
  const { project, service } = names;
  const namespace = { [stackNamespaceLabel]: project.name };
  const container = rendered.TaskTemplate.ContainerSpec;
  const volumes = project.volumes ?? {};
  // Named volumes are created by the engine on first use; stacks label them like everything else.
  const mounts = container.Mounts?.map((m) =>
    m.Type === "volume" && m.Source
      ? {
          ...m,
          Source: volumes[m.Source]?.name ?? `${project.name}_${m.Source}`,
          VolumeOptions: { Labels: namespace },
        }
      : m,
  );
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
        Aliases: [service],
      })),
    },
  };
}
