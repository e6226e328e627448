import * as pulumi from "@pulumi/pulumi";
import type { ServiceEndpoint, WorkloadFile, WorkloadRequest } from "../cluster";
import { type NormalizedService, renderSwarm } from "../spec";
import type { SwarmLogging } from "../spec/render/swarm";
import { type EngineConnections, SwarmConfig, SwarmSecret, SwarmService } from "../../provider/swarm";
import { engineRegistryAuth, engineSpec } from "./engine-spec";

/** Arguments of {@link SwarmWorkload}, which a swarm cluster passes for each service. */
export interface SwarmWorkloadArgs {
  /** The service and its files. */
  request: WorkloadRequest;
  /** @default the local engine */
  connection?: pulumi.Input<EngineConnections>;
  /**
   * Networks every service of the cluster joins (by name).
   * @default none
   */
  clusterNetworks?: pulumi.Input<string>[];
  /**
   * The host that published ports are reached at, for `endpoints`.
   * @default `"localhost"`
   */
  publicHost?: pulumi.Input<string>;
  /**
   * The log driver of a service that names none.
   * @default `json-file` rotated at 10 MB, three files kept
   */
  logging?: SwarmLogging;
}

/**
 * One portable service on a swarm: its secrets and configs (content-addressed, so new content moves the
 * service to a new object before the old one goes) and the Swarm service itself.
 */
export class SwarmWorkload extends pulumi.ComponentResource {
  /** The Swarm service's ID. */
  declare readonly serviceId: pulumi.Output<string>;
  /** The name the swarm knows the service by. */
  declare readonly serviceName: pulumi.Output<string>;
  /** One entry per port: the service's short name, and `host:port` for published ports. */
  declare readonly endpoints: pulumi.Output<ServiceEndpoint[]>;
  /** The secrets created with the service. */
  readonly secrets: SwarmSecret[];
  /** The configs created with the service. */
  readonly configs: SwarmConfig[];
  /** The Swarm service. */
  readonly service: SwarmService;

  constructor(name: string, args: SwarmWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:SwarmWorkload", name, {}, opts);
    const { request } = args;
    const warnIgnored = (service: NormalizedService) =>
      renderSwarm(service, {
        logging: args.logging,
        onIgnored: (issue) =>
          pulumi.log.warn(`service ${service.name}: ${issue.path} ${issue.message}`, this),
      });
    // Refusals (autoscale, HTTP routing...) fail the preview, not the deployment.
    warnIgnored(request.preview);

    const childOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts?.dependsOn };
    const file = (kind: "secret" | "config", f: WorkloadFile) => {
      const fileArgs = {
        name: `${request.preview.name}-${f.source}`,
        data: f.data,
        connection: args.connection,
        component: name,
      };
      return kind === "secret"
        ? new SwarmSecret(`${name}-secret-${f.source}`, fileArgs, childOpts)
        : new SwarmConfig(`${name}-config-${f.source}`, fileArgs, childOpts);
    };
    this.secrets = request.files.secrets.map((f) => file("secret", f) as SwarmSecret);
    this.configs = request.files.configs.map((f) => file("config", f) as SwarmConfig);

    const objectNames = (sources: WorkloadFile[], objects: (SwarmSecret | SwarmConfig)[]) =>
      pulumi
        .all(objects.map((o) => o.objectName))
        .apply((engineNames) => Object.fromEntries(sources.map((f, i) => [f.source, engineNames[i]])));
    const spec = pulumi
      .all([
        request.service,
        objectNames(request.files.secrets, this.secrets),
        objectNames(request.files.configs, this.configs),
        pulumi.all(args.clusterNetworks ?? []),
      ])
      .apply(([service, secretNames, configNames, clusterNetworks]) =>
        engineSpec(
          renderSwarm(
            { ...service, secretEnv: {}, networks: [...clusterNetworks, ...service.networks] },
            { logging: args.logging },
          ),
          secretNames,
          configNames,
        ),
      );

    this.service = new SwarmService(
      name,
      {
        spec,
        secretEnv: request.secretEnv,
        registryAuth: engineRegistryAuth(request.registryAuth),
        timeoutSeconds: request.timeoutSeconds,
        connection: args.connection,
        component: name,
      },
      childOpts,
    );
    this.serviceId = this.service.id;
    this.serviceName = this.service.spec.apply((s) => s.Name);
    this.endpoints = pulumi
      .all([request.service, args.publicHost ?? "localhost"])
      .apply(([service, publicHost]) => endpointsOf(service, publicHost));
    this.registerOutputs({
      serviceId: this.serviceId,
      serviceName: this.serviceName,
      endpoints: this.endpoints,
    });
  }
}

export function endpointsOf(service: NormalizedService, publicHost: string): ServiceEndpoint[] {
  return service.ports.map((p) => ({
    host: service.name,
    port: p.target,
    protocol: p.protocol,
    ...(p.public && { publicAddress: `${publicHost}:${p.published}` }),
  }));
}
