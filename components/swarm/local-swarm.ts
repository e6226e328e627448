import * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, Workload, WorkloadRequest } from "../cluster";
import { type EngineConnection, SwarmMode, SwarmNetwork, type SwarmNetworkArgs } from "../../provider/swarm";
import type { SwarmEngineAccess, SwarmTarget } from "./engine-access";
import { SwarmWorkload } from "./workload";

/** The overlay network every service of the cluster joins, so they reach each other by name. */
export interface DefaultNetworkOptions {
  /** Create no default network; services join only the networks they name. Default: false. */
  skip?: boolean;
  /** Default: name `<cluster>-default`, not attachable, not internal, not encrypted. */
  args?: Pick<SwarmNetworkArgs, "name" | "attachable" | "internal" | "encrypted" | "labels">;
}

export interface LocalSwarmArgs {
  /** The engine. Default: the local one (`DOCKER_HOST`, else `/var/run/docker.sock`). */
  connection?: pulumi.Input<EngineConnection>;
  /** Advertised address when Berth initialises swarm mode. Default: `"127.0.0.1"`. */
  advertiseAddr?: pulumi.Input<string>;
  /** Control-plane listen address when Berth initialises swarm mode. Default: `"127.0.0.1:2377"`. */
  listenAddr?: pulumi.Input<string>;
  /** Default: an overlay network named `<cluster>-default`. */
  defaultNetwork?: DefaultNetworkOptions;
  /** The host published ports are reached at, in services' `endpoints`. Default: `"localhost"`. */
  publicHost?: pulumi.Input<string>;
}

/**
 * The local Docker engine as a cluster. Initialises swarm mode when it is off (and leaves the swarm
 * again on destroy), or uses the swarm that is already active (and leaves it as it was).
 */
export class LocalSwarm extends pulumi.ComponentResource implements ServiceCluster, SwarmTarget {
  readonly target = "swarm" as const;
  /** How stacks reach this swarm. */
  readonly engine: SwarmEngineAccess;
  readonly swarmMode: SwarmMode;
  readonly defaultNetwork?: SwarmNetwork;
  /** The swarm's id. */
  declare readonly swarmId: pulumi.Output<string>;
  /** This engine's node id in the swarm. */
  declare readonly nodeId: pulumi.Output<string>;
  /** Whether Berth initialised swarm mode (and so leaves the swarm on destroy). */
  declare readonly initialized: pulumi.Output<boolean>;
  private readonly connection?: pulumi.Input<EngineConnection>;
  private readonly publicHost: pulumi.Input<string>;

  constructor(name: string, args: LocalSwarmArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:LocalSwarm", name, {}, opts);
    this.connection = args.connection;
    this.publicHost = args.publicHost ?? "localhost";
    this.swarmMode = new SwarmMode(
      `${name}-swarm`,
      {
        connection: args.connection,
        advertiseAddr: args.advertiseAddr,
        listenAddr: args.listenAddr,
        component: name,
      },
      { parent: this },
    );
    if (!args.defaultNetwork?.skip) {
      this.defaultNetwork = new SwarmNetwork(
        `${name}-default`,
        {
          name: `${name}-default`,
          ...args.defaultNetwork?.args,
          connection: args.connection,
          component: name,
        },
        { parent: this, dependsOn: [this.swarmMode] },
      );
    }
    this.engine = { connection: args.connection, ready: [this.swarmMode], publicHost: this.publicHost };
    this.swarmId = this.swarmMode.swarmId;
    this.nodeId = this.swarmMode.nodeId;
    this.initialized = this.swarmMode.initialized;
    this.registerOutputs({ swarmId: this.swarmId, nodeId: this.nodeId, initialized: this.initialized });
  }

  /** Runs a portable service on this swarm (used by `ContainerService`). */
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload {
    return new SwarmWorkload(
      name,
      {
        request,
        connection: this.connection,
        clusterNetworks: this.defaultNetwork ? [this.defaultNetwork.name] : [],
        publicHost: this.publicHost,
      },
      { parent, dependsOn: [this.swarmMode] },
    );
  }
}
