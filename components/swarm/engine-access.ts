import type * as pulumi from "@pulumi/pulumi";
import type { SwarmLogging } from "../spec/render/swarm";
import type { EngineConnections } from "../../provider/swarm";

/** How components other than services reach a swarm's manager: stacks, for one. */
export interface SwarmEngineAccess {
  /** The managers' engines (any of them will do). Undefined: the local one. */
  connection?: pulumi.Input<EngineConnections>;
  /** What must exist before anything is deployed (swarm mode switched on, say). */
  ready: pulumi.Resource[];
  /** The host that published ports are reached at. */
  publicHost: pulumi.Input<string>;
  /** The log driver of services that name none. Default: `json-file` rotated at 10 MB, three files kept. */
  logging?: SwarmLogging;
}

/** A cluster that is a swarm. */
export interface SwarmTarget {
  readonly target: "swarm";
  readonly engine: SwarmEngineAccess;
}

/** Whether a cluster is a swarm that stacks can deploy to. */
export function isSwarmTarget(cluster: unknown): cluster is SwarmTarget {
  const c = cluster as Partial<SwarmTarget> | undefined;
  return c?.target === "swarm" && typeof c.engine === "object" && c.engine !== null;
}
