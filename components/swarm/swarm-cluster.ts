import * as pulumi from "@pulumi/pulumi";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import type { TenantPlacement, TenantRequest } from "../tenant-contract";
import type { ServiceCluster, StackDeployment, StackRequest, Workload, WorkloadRequest } from "../cluster";
import type { LoggingDeployment, LoggingRequest } from "../observability-contract";
import {
  type EngineConnection,
  SwarmMembership,
  SwarmNetwork,
  type SwarmSettings,
} from "../../provider/swarm";
import type { SwarmEngineAccess, SwarmTarget } from "./engine-access";
import {
  createDefaultNetwork,
  type DefaultNetworkOptions,
  deployMonitoringOnSwarm,
  deployTenantOnSwarm,
  deployStackOnSwarm,
  deploySwarmWorkload,
} from "./cluster-services";
import type { MemberSpec } from "../../provider/swarm/membership-plan";
import { managerWarnings, memberSpec, nodeConnection, nodeHost, nodeIssues } from "./member-spec";
import type { SwarmNodeArgs } from "./node-types";
import { clusterLoggingIssues } from "./cluster-logging";
import type { SwarmLogging } from "../spec/render/swarm";
import { issueCollector } from "../arguments/issues";
import { type ArgumentIssue, ComponentArgumentsError } from "../arguments/error";

/** Arguments of {@link SwarmCluster}. */
export interface SwarmClusterArgs {
  /**
   * The machines, each reached over SSH or TLS. The first manager forms the swarm; the others join.
   * Add, remove or change entries to grow, shrink or reconfigure the swarm: a node that goes is drained
   * (its tasks move), demoted if it manages, and leaves. A node whose swarm addresses change leaves
   * and joins again with the new ones (refused for a swarm's only manager). The list may come from
   * other resources (`AwsSwarmNodes.nodes`, say); a list that is itself an output is checked once it
   * resolves.
   */
  nodes: pulumi.Input<SwarmNodeArgs[]>;
  /**
   * Settings fixed when the swarm forms (changing one re-forms it).
   * @default the engine's
   */
  swarm?: {
    /**
     * Subnets for overlay networks.
     * @default `10.0.0.0/8`
     */
    defaultAddrPool?: string[];
    /**
     * Prefix length of each overlay network.
     * @default 24
     */
    subnetSize?: number;
    /**
     * The VXLAN port for overlay traffic.
     * @default 4789
     */
    dataPathPort?: number;
    /**
     * Lock managers' keys at rest: a restarted manager needs `unlockKey`.
     * @default false
     */
    autolock?: boolean;
  };
  /**
   * Change any value to rotate that credential on the next update.
   * @default none
   */
  rotate?: { workerToken?: string; managerToken?: string; unlockKey?: string };
  /**
   * How long a node may take to join, drain or leave.
   * @default 300 s
   */
  timeoutSeconds?: number;
  /** @default an overlay network `<cluster>-default` that every service joins */
  defaultNetwork?: DefaultNetworkOptions;
  /**
   * The host published ports are reached at.
   * @default the first manager's SSH or TLS host
   */
  publicHost?: pulumi.Input<string>;
  /**
   * The log driver of every service that names none (a service's own `logging` wins). `json-file`
   * always gets a `max-size` and `max-file` (`max-size: "-1"` for none), so logs never fill a disk.
   * @default `{ driver: "json-file", options: { "max-size": "10m", "max-file": "3" } }`
   */
  logging?: SwarmLogging;
}

/**
 * A cluster's node list or logging is wrong; `issues` lists every problem. Pulumi reports it against the
 * component (`resource`), named in the message.
 */
export class SwarmClusterError extends ComponentArgumentsError {
  constructor(
    resourceName: string,
    issues: ArgumentIssue[],
    /** The SwarmCluster the node list was given to. */
    resource?: pulumi.Resource,
  ) {
    super("SwarmCluster", resourceName, issues, resource);
    this.name = "SwarmClusterError";
  }
}

/** The first manager of a node list that passed `nodeIssues`. */
const founderOf = (nodes: SwarmNodeArgs[]) => nodes.find((n) => n.role === "manager")!;
const managersOf = (nodes: SwarmNodeArgs[]) => nodes.filter((n) => n.role === "manager");

/**
 * A swarm formed from ordinary machines over SSH (host keys verified) or the Docker API with TLS, and
 * kept as the node list says. It is a cluster for `ContainerService` and `ComposeStack`, which reach
 * it through any of its managers: one that is down or electing a leader is skipped.
 */
export class SwarmCluster extends pulumi.ComponentResource implements ServiceCluster, SwarmTarget {
  readonly target = "swarm" as const;
  /** The connections to every manager's engine, which the cluster's services use. */
  readonly engine: SwarmEngineAccess;
  /** The swarm's membership: which nodes are in it, and their roles. */
  readonly membership: SwarmMembership;
  /** The default overlay network every service joins, unless skipped. */
  readonly defaultNetwork?: SwarmNetwork;
  /** The swarm's ID. */
  declare readonly swarmId: pulumi.Output<string>;
  /** Swarm node ids by node name. */
  declare readonly nodeIds: pulumi.Output<Record<string, string>>;
  /** `<address>:2377` of each manager. */
  declare readonly managerEndpoints: pulumi.Output<string[]>;
  /** Secret. */
  declare readonly joinTokens: pulumi.Output<{ worker: string; manager: string }>;
  /** Secret; empty unless autolock is on. */
  declare readonly unlockKey: pulumi.Output<string>;
  /** The first manager's engine. Secret (it holds a key). */
  readonly connection: pulumi.Output<EngineConnection>;
  /**
   * The engines of every manager, in the order of the node list: what services, networks, secrets and
   * configs are deployed through (any reachable manager will do). Secret (they hold keys).
   */
  readonly connections: pulumi.Output<EngineConnection[]>;

  constructor(name: string, args: SwarmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:SwarmCluster", name, {}, opts);
    const logging = issueCollector();
    clusterLoggingIssues(args.logging, logging.add);
    if (logging.issues.length > 0) throw new SwarmClusterError(name, logging.issues, this);
    const checked = (nodes: SwarmNodeArgs[]) => {
      const issues = nodeIssues(nodes ?? []);
      if (issues.length > 0) throw new SwarmClusterError(name, issues, this);
      for (const warning of managerWarnings(nodes)) pulumi.log.warn(`SwarmCluster ${name}: ${warning}`, this);
      return nodes;
    };
    let connection: pulumi.Output<EngineConnection>;
    let connections: pulumi.Output<EngineConnection[]>;
    let members: pulumi.Output<MemberSpec[]>;
    let founderHost: pulumi.Input<string>;
    if (Array.isArray(args.nodes) || args.nodes === undefined) {
      // A list written in the program is refused before anything is registered.
      const nodes = checked(args.nodes as SwarmNodeArgs[]);
      const founder = founderOf(nodes);
      connection = nodeConnection(founder);
      connections = pulumi.all(managersOf(nodes).map(nodeConnection));
      members = pulumi.all(nodes.map((n) => memberSpec(n, nodes)));
      founderHost = nodeHost(founder, connection);
    } else {
      const nodes = pulumi.output(args.nodes).apply((list) => checked(list as SwarmNodeArgs[]));
      connection = nodes.apply((list) => nodeConnection(founderOf(list)));
      connections = nodes.apply((list) => pulumi.all(managersOf(list).map(nodeConnection)));
      members = nodes.apply((list) => pulumi.all(list.map((n) => memberSpec(n, list))));
      // Only the host: the list as a whole is secret when any key in it is.
      founderHost = pulumi.unsecret(nodes.apply((list) => pulumi.output(nodeHost(founderOf(list)))));
    }
    this.connection = pulumi.secret(connection);
    this.connections = pulumi.secret(connections);
    const publicHost = args.publicHost ?? founderHost;
    this.membership = new SwarmMembership(
      `${name}-membership`,
      {
        nodes: members,
        swarm: { ...args.swarm, autolock: args.swarm?.autolock ?? false } as SwarmSettings,
        rotate: args.rotate,
        timeoutSeconds: args.timeoutSeconds,
        component: name,
      },
      { parent: this },
    );
    this.engine = {
      connection: this.connections,
      ready: [this.membership],
      publicHost,
      logging: args.logging,
    };
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

  /** The service's own name: what other services on its networks reach it by. */
  serviceHost(serviceName: string): pulumi.Output<string> {
    return pulumi.output(serviceName);
  }

  /** Deploys a Compose stack as `docker stack deploy` would (used by `ComposeStack`). */
  deployStack(name: string, request: StackRequest, parent: pulumi.ComponentResource): StackDeployment {
    return deployStackOnSwarm(name, request, parent, this.engine);
  }

  /** Deploys Prometheus, Alertmanager and the exporters on this swarm (used by `Monitoring`). */
  deployMonitoring(
    name: string,
    request: MonitoringRequest,
    parent: pulumi.ComponentResource,
  ): MonitoringDeployment {
    return deployMonitoringOnSwarm(name, request, parent, this, this.defaultNetwork);
  }

  /** Makes room for a tenant on this swarm: its own encrypted network (used by `Tenant`). */
  deployTenant(name: string, request: TenantRequest, parent: pulumi.ComponentResource): TenantPlacement {
    return deployTenantOnSwarm(name, request, parent, this, this.engine);
  }

  /** Runs a log agent on every node, as a global service (used by `Logging`). */
  deployLogging(name: string, request: LoggingRequest, parent: pulumi.ComponentResource): LoggingDeployment {
    const { deploySwarmLogging } = require("./logging") as typeof import("./logging");
    return deploySwarmLogging(name, request, parent, this);
  }
}
