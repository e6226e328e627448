import * as pulumi from "@pulumi/pulumi";
import { type EngineConnections, managerClient } from "./managers";
import { knownConnectionProblems, sameValue } from "./identity";
import { dynamicProvider } from "../reference";

/** What {@link EngineInfo} reads from an engine. */
export interface EngineFacts {
  /** The engine's own id (`docker info` ID). */
  engineId: string;
  /** The Docker Engine's version. */
  serverVersion: string;
  /** The Engine API version the engine speaks. */
  apiVersion: string;
  /** `inactive`, `pending`, `active`, `error` or `locked`. */
  swarmState: string;
  /** The swarm node id of this engine, or "" outside a swarm. */
  nodeId: string;
  /** Whether this engine is a swarm manager. */
  isManager: boolean;
}

interface EngineInfoInputs {
  connection: EngineConnections;
}

async function readEngineFacts(connection: EngineConnections): Promise<EngineFacts> {
  const docker = managerClient(connection);
  const [info, version] = await Promise.all([docker.info(), docker.version()]);
  return {
    engineId: String(info.ID),
    serverVersion: String(version.Version),
    apiVersion: String(version.ApiVersion),
    swarmState: String(info.Swarm?.LocalNodeState ?? "inactive"),
    nodeId: String(info.Swarm?.NodeID ?? ""),
    isManager: Boolean(info.Swarm?.ControlAvailable),
  };
}

/**
 * Reads facts about an engine; `read` refreshes them, so a changed engine shows up as drift. A changed
 * connection reads the facts again in place: the resource stands for "the engine this connection
 * reaches", and new credentials must not replace it.
 */
export const engineInfoProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: EngineInfoInputs, news: EngineInfoInputs) {
    return { inputs: news, failures: knownConnectionProblems(news.connection) };
  },
  async create(inputs: EngineInfoInputs) {
    const facts = await readEngineFacts(inputs.connection);
    return { id: facts.engineId, outs: { ...inputs, ...facts } };
  },
  async read(id: string, props: EngineInfoInputs & EngineFacts) {
    // `pulumi import` sends no props: the local engine is read.
    const connection = props.connection ?? {};
    const facts = await readEngineFacts(connection);
    return { id: facts.engineId === id ? id : facts.engineId, props: { ...props, connection, ...facts } };
  },
  async diff(_id: string, olds: EngineInfoInputs, news: EngineInfoInputs) {
    // An unknown connection differs from any known one, so it reports a change too.
    return { changes: !sameValue(olds.connection ?? {}, news.connection ?? {}), replaces: [] };
  },
  async update(_id: string, _olds: EngineInfoInputs & EngineFacts, news: EngineInfoInputs) {
    return { outs: { ...news, ...(await readEngineFacts(news.connection)) } };
  },
};

/** Arguments of {@link EngineInfo}. */
export interface EngineInfoArgs {
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnections>;
}

/** The facts of a Docker engine, read when the stack is deployed or refreshed. */
export class EngineInfo extends pulumi.dynamic.Resource {
  /** The engine's ID. */
  declare readonly engineId: pulumi.Output<string>;
  /** The Docker Engine's version. */
  declare readonly serverVersion: pulumi.Output<string>;
  /** The Engine API version the engine speaks. */
  declare readonly apiVersion: pulumi.Output<string>;
  /** The engine's swarm state (`inactive`, `active`, ...). */
  declare readonly swarmState: pulumi.Output<string>;
  /** The engine's swarm node ID, when it is in a swarm. */
  declare readonly nodeId: pulumi.Output<string>;
  /** Whether the engine is a swarm manager. */
  declare readonly isManager: pulumi.Output<boolean>;

  constructor(name: string, args: EngineInfoArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:engine-info", engineInfoProvider),
      name,
      {
        // A connection may carry a key: it is secret in state whether or not the caller wrapped it.
        connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
        engineId: undefined,
        serverVersion: undefined,
        apiVersion: undefined,
        swarmState: undefined,
        nodeId: undefined,
        isManager: undefined,
      },
      opts,
      "berth/swarm",
      "EngineInfo",
    );
  }
}
