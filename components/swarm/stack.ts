import * as pulumi from "@pulumi/pulumi";
import type { StackDeployment, StackRequest, Workload } from "../cluster";
import { normalizeService, renderSwarm, SpecError, type SwarmServiceSpec } from "../spec";
import { dependencyOrder, fileObjectData, usedResources } from "../compose/stack-objects";
import { ComposeError } from "../compose/types";
import {
  SwarmConfig,
  SwarmNetwork,
  SwarmSecret,
  SwarmService,
  SwarmStackConvergence,
} from "../../provider/swarm";
import type { SwarmEngineAccess } from "./engine-access";
import { engineRegistryAuth } from "./engine-spec";
import { stackNetworkSettings, swarmStackIssues } from "./stack-networks";
import { stackNamespaceLabel, stackServiceSpec, withImage } from "./stack-service-spec";
import { endpointsOf } from "./workload";

/**
 * A Compose stack on a swarm, as `docker stack deploy` would make it: services named
 * `<project>_<service>` reachable by their short name on the stack's networks, networks, secrets and
 * configs named `<project>_<key>`, everything labelled `com.docker.stack.namespace`. Beyond
 * `docker stack`, services are created after the ones they `depends_on` (which converge first), and the
 * others are waited for together by one `SwarmStackConvergence` (`<name>-converged`), as
 * `docker stack deploy --detach=false` waits for all at once.
 *
 * @throws ComposeError naming every path the swarm cannot deploy, before anything is registered.
 */
export function deploySwarmStack(
  name: string,
  request: StackRequest,
  parent: pulumi.ComponentResource,
  engine: SwarmEngineAccess,
): StackDeployment {
  const { project, mapping } = request;
  const namespace = { [stackNamespaceLabel]: project.name };
  const used = usedResources(project);
  const issues = swarmStackIssues(project, used);
  if (issues.length > 0) throw new ComposeError(issues);
  const childOpts = (dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
    parent,
    dependsOn: [...engine.ready, ...dependsOn],
  });
  const common = { connection: engine.connection, component: name };

  const networks: SwarmNetwork[] = [];
  const networkNames: Record<string, pulumi.Input<string>> = {};
  for (const key of used.networks) {
    const net = project.networks?.[key] ?? {};
    const engineName = net.name ?? `${project.name}_${key}`;
    if (net.external) {
      networkNames[key] = engineName;
      continue;
    }
    const network = new SwarmNetwork(
      `${name}-network-${key}`,
      { ...common, name: engineName, ...stackNetworkSettings(net), labels: { ...net.labels, ...namespace } },
      childOpts(),
    );
    networks.push(network);
    networkNames[key] = network.name;
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
      const data = fileObjectData(kind, key, object, request.values?.[key], request.env);
      const fileArgs = { ...common, name: engineName, data, labels: { ...object.labels, ...namespace } };
      const resource =
        kind === "secret"
          ? new SwarmSecret(`${name}-secret-${key}`, fileArgs, childOpts())
          : new SwarmConfig(`${name}-config-${key}`, fileArgs, childOpts());
      objects.push(resource);
      names[key] = resource.objectName;
    }
    return { objects, names };
  };
  const secrets = files("secret");
  const configs = files("config");

  const order = dependencyOrder(
    Object.fromEntries(
      Object.keys(mapping.services).map((s) => [s, Object.keys(mapping.dependsOn[s] ?? {})]),
    ),
  );
  const registryAuth = engineRegistryAuth(request.registryAuth);
  // A service others depend on converges before they are created; the rest are waited for together.
  const dependedOn = new Set(Object.values(mapping.dependsOn).flatMap((d) => Object.keys(d ?? {})));
  const services: Record<string, SwarmService> = {};
  const workloads: Record<string, Workload> = {};
  for (const key of order) {
    const builtImage = request.images[key];
    const input = mapping.services[key];
    let rendered: SwarmServiceSpec;
    const normalized = normalizeService(key, { ...input, secretEnv: undefined });
    try {
      rendered = renderSwarm(normalized, {
        logging: engine.logging,
        onIgnored: (issue) => pulumi.log.warn(`service ${key}: ${issue.path} ${issue.message}`, parent),
      });
    } catch (err) {
      if (err instanceof SpecError) throw new Error(err.message, { cause: err });
      throw err;
    }
    const spec = pulumi
      .all([
        pulumi.all(networkNames),
        pulumi.all(secrets.names),
        pulumi.all(configs.names),
        builtImage?.image ?? rendered.TaskTemplate.ContainerSpec.Image,
      ])
      .apply(([nets, secretNames, configNames, image]) =>
        stackServiceSpec(withImage(rendered, image), {
          project,
          service: key,
          containerLabels: mapping.containerLabels[key] ?? {},
          networks: nets,
          secrets: secretNames,
          configs: configNames,
        }),
      );
    const dependencies = Object.keys(mapping.dependsOn[key] ?? {}).map((d) => services[d]);
    const service = new SwarmService(
      `${name}-${key}`,
      {
        ...common,
        spec,
        secretEnv: input.secretEnv,
        registryAuth: builtImage ? engineRegistryAuth(builtImage.registryAuth) : registryAuth,
        timeoutSeconds: request.timeoutSeconds(key),
        awaitConvergence: dependedOn.has(key),
      },
      childOpts([...networks, ...secrets.objects, ...configs.objects, ...dependencies]),
    );
    services[key] = service;
    workloads[key] = {
      serviceId: service.id,
      serviceName: pulumi.output(`${project.name}_${key}`),
      endpoints: pulumi
        .output(engine.publicHost)
        .apply((host) => endpointsOf({ ...normalized, name: key }, host)),
    };
  }
  const deferred = order.filter((key) => !dependedOn.has(key)).map((key) => services[key]);
  if (deferred.length > 0) {
    new SwarmStackConvergence(
      `${name}-converged`,
      { services: deferred, connection: engine.connection },
      { parent, dependsOn: deferred },
    );
  }
  return { workloads, resources: services };
}
