import * as pulumi from "@pulumi/pulumi";
import type { ServiceCluster, Workload, WorkloadRequest } from "../cluster";
import {
  type EngineConnection,
  SwarmMembership,
  SwarmNetwork,
  type SwarmSettings,
} from "../../provider/swarm";
import type { SwarmEngineAccess, SwarmTarget } from "./engine-access";
import { createDefaultNetwork, type DefaultNetworkOptions, deploySwarmWorkload } from "./cluster-services";
import { managerWarning, memberSpec, nodeConnection, nodeIssues } from "./member-spec";
import type { SwarmNodeArgs } from "./node-types";

export interface SwarmClusterArgs {
  /**
   * The machines, each reached over SSH or TLS. The first manager forms the swarm; the others join.
   * Add, remove or change entries to grow, shrink or reconfigure the swarm: a node that goes is drained
   * (its tasks move), demoted if it manages, and leaves.
   */
  nodes: SwarmNodeArgs[];
  /** Settings fixed when the swarm forms (changing one re-forms it). Default: the engine's. */
  swarm?: {
    /** Subnets for overlay networks. Default: `10.0.0.0/8`. */
    defaultAddrPool?: string[];
    /** Prefix length of each overlay network. Default: 24. */
    subnetSize?: number;
    /** The VXLAN port for overlay traffic. Default: 4789. */
    dataPathPort?: number;
    /** Lock managers' keys at rest: a restarted manager needs `unlockKey`. Default: false. */
    autolock?: boolean;
  };
  /** Change any value to rotate that credential on the next update. Default: none. */
  rotate?: { workerToken?: string; managerToken?: string; unlockKey?: string };
  /** How long a node may take to join, drain or leave. Default: 300 s. */
  timeoutSeconds?: number;
  /** Default: an overlay network `<cluster>-default` that every service joins. */
  defaultNetwork?: DefaultNetworkOptions;
  /** The host published ports are reached at. Default: the first manager's SSH or TLS host. */
  publicHost?: pulumi.Input<string>;
}

/** A cluster's node list is wrong; `issues` lists every problem. */
export class SwarmClusterError extends Error {
  constructor(
    readonly resource: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`SwarmCluster ${resource}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`);
    this.name = "SwarmClusterError";
  }
}

/**
 * A swarm formed from ordinary machines over SSH (host keys verified) or the Docker API with TLS, and
 * kept as the node list says. It is a cluster for `ContainerService` and `ComposeStack`, which reach
 * it through the first manager.
 */
export class SwarmCluster extends pulumi.ComponentResource implements ServiceCluster, SwarmTarget {
  readonly target = "swarm" as const;
  readonly engine: SwarmEngineAccess;
  readonly membership: SwarmMembership;
  readonly defaultNetwork?: SwarmNetwork;
  declare readonly swarmId: pulumi.Output<string>;
  /** Swarm node ids by node name. */
  declare readonly nodeIds: pulumi.Output<Record<string, string>>;
  /** `<address>:2377` of each manager. */
  declare readonly managerEndpoints: pulumi.Output<string[]>;
  /** Secret. */
  declare readonly joinTokens: pulumi.Output<{ worker: string; manager: string }>;
  /** Secret; empty unless autolock is on. */
  declare readonly unlockKey: pulumi.Output<string>;
  /** The first manager's engine: what services are deployed through. Secret (it holds a key). */
  readonly connection: pulumi.Output<EngineConnection>;

  constructor(name: string, args: SwarmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:SwarmCluster", name, {}, opts);
    const issues = nodeIssues(args.nodes ?? []);
    if (issues.length > 0) throw new SwarmClusterError(name, issues);
    const warning = managerWarning(args.nodes);
    if (warning) pulumi.log.warn(`SwarmCluster ${name}: ${warning}`, this);

    const founder = args.nodes.find((n) => n.role === "manager")!;
    this.connection = pulumi.secret(nodeConnection(founder));
    const publicHost = args.publicHost ?? founder.ssh?.host ?? founder.tls!.host;
    this.membership = new SwarmMembership(
      `${name}-membership`,
      {
        nodes: pulumi.all(args.nodes.map(memberSpec)),
        swarm: { ...args.swarm, autolock: args.swarm?.autolock ?? false } as SwarmSettings,
        rotate: args.rotate,
        timeoutSeconds: args.timeoutSeconds,
        component: name,
      },
      { parent: this },
    );
    this.engine = { connection: this.connection, ready: [this.membership], publicHost };
    this.defaultNetwork = createDefaultNetwork(name, args.defaultNetwork, this.engine, this);
    this.swarmId = this.membership.swarmId;
    this.nodeIds = this.membership.nodeIds;
    this.managerEndpoints = this.membership.managerAddresses;
    this.joinTokens = this.membership.joinTokens;
    this.unlockKey = this.membership.unlockKey;
    this.registerOutputs({
      swarmId: this.swarmId,
      nodeIds: this.nodeIds,
      managerEndpoints: this.managerEndpoints,
      joinTokens: this.joinTokens,
      unlockKey: this.unlockKey,
    });
  }

  /** Runs a portable service on this swarm (used by `ContainerService`). */
  deployWorkload(name: string, request: WorkloadRequest, parent: pulumi.Resource): Workload {
    return deploySwarmWorkload(name, request, parent, this.engine, this.defaultNetwork);
  }
}
