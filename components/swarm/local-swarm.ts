import * as pulumi from "@pulumi/pulumi";
import type { MonitoringDeployment, MonitoringRequest } from "../observability-contract";
import type { TenantPlacement, TenantRequest } from "../tenant-contract";
import type { ServiceCluster, StackDeployment, StackRequest, Workload, WorkloadRequest } from "../cluster";
import type { LoggingDeployment, LoggingRequest } from "../observability-contract";
import { type EngineConnections, SwarmMode, type SwarmNetwork } from "../../provider/swarm";
import {
  createDefaultNetwork,
  type DefaultNetworkOptions,
  deployMonitoringOnSwarm,
  deployTenantOnSwarm,
  deployStackOnSwarm,
  deploySwarmWorkload,
} from "./cluster-services";
import { type DockerProviderSettings, dockerProviderConnection, isDockerProvider } from "./docker-provider";
import type { SwarmEngineAccess, SwarmTarget } from "./engine-access";
import { clusterLoggingIssues } from "./cluster-logging";
import type { SwarmLogging } from "../spec/render/swarm";
import { issueCollector } from "../arguments/issues";
import { ComponentArgumentsError } from "../arguments/error";

/** Arguments of {@link LocalSwarm}. */
export interface LocalSwarmArgs {
  /**
   * The engine, or the engines of several managers of an existing swarm (any reachable one is used; the list
   * may change without replacing anything).
   * @default the local one (`DOCKER_HOST`, else `/var/run/docker.sock`); a `DOCKER_HOST` that is `ssh://`, or
   * `tcp://` without `DOCKER_TLS_VERIFY=1` and `DOCKER_CERT_PATH`, is refused: give a connection with a host
   * key or TLS
   *
   * A `@pulumi/docker` `Provider` the program already has is taken as is (its `host` and TLS material);
   * for one with an `ssh://` host, pass `dockerProviderConnection(provider, { privateKey, hostKey })`.
   */
  connection?: pulumi.Input<EngineConnections> | DockerProviderSettings;
  /**
   * Advertised address when Berth initialises swarm mode.
   * @default `"127.0.0.1"`
   */
  advertiseAddr?: pulumi.Input<string>;
  /**
   * Control-plane listen address when Berth initialises swarm mode.
   * @default `"127.0.0.1:2377"`
   */
  listenAddr?: pulumi.Input<string>;
  /** @default an overlay network named `<cluster>-default` */
  defaultNetwork?: DefaultNetworkOptions;
  /**
   * The host published ports are reached at, in services' `endpoints`.
   * @default `"localhost"`
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
 * The local Docker engine as a cluster. Initialises swarm mode when it is off (and leaves the swarm
 * again on destroy), or uses the swarm that is already active (and leaves it as it was).
 */
export class LocalSwarm extends pulumi.ComponentResource implements ServiceCluster, SwarmTarget {
  readonly target = "swarm" as const;
  /** How stacks reach this swarm. */
  readonly engine: SwarmEngineAccess;
  /** The swarm membership of the engine. */
  readonly swarmMode: SwarmMode;
  /** The default overlay network every service joins, unless skipped. */
  readonly defaultNetwork?: SwarmNetwork;
  /** The swarm's id. */
  declare readonly swarmId: pulumi.Output<string>;
  /** This engine's node id in the swarm. */
  declare readonly nodeId: pulumi.Output<string>;
  /** Whether Berth initialised swarm mode (and so leaves the swarm on destroy). */
  declare readonly initialized: pulumi.Output<boolean>;

  constructor(name: string, args: LocalSwarmArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:LocalSwarm", name, {}, opts);
    const logging = issueCollector();
    clusterLoggingIssues(args.logging, logging.add);
    if (logging.issues.length > 0)
      throw new ComponentArgumentsError("LocalSwarm", name, logging.issues, this);
    // A connection may carry a key: every resource made with it keeps it secret in state.
    const given = isDockerProvider(args.connection)
      ? dockerProviderConnection(args.connection)
      : args.connection;
    const connection = given === undefined ? undefined : pulumi.secret(given);
    this.swarmMode = new SwarmMode(
      `${name}-swarm`,
      {
        connection,
        advertiseAddr: args.advertiseAddr,
        listenAddr: args.listenAddr,
        component: name,
      },
      { parent: this },
    );
    this.engine = {
      connection,
      ready: [this.swarmMode],
      publicHost: args.publicHost ?? "localhost",
      logging: args.logging,
    };
    this.defaultNetwork = createDefaultNetwork(name, args.defaultNetwork, this.engine, this);
    this.swarmId = this.swarmMode.swarmId;
    this.nodeId = this.swarmMode.nodeId;
    this.initialized = this.swarmMode.initialized;
    this.registerOutputs({ swarmId: this.swarmId, nodeId: this.nodeId, initialized: this.initialized });
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
