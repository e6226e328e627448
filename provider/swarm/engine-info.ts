import * as pulumi from "@pulumi/pulumi";
import { type EngineConnection, engineClient } from "./engine";

/** What {@link EngineInfo} reads from an engine. */
export interface EngineFacts {
  /** The engine's own id (`docker info` ID). */
  engineId: string;
  serverVersion: string;
  apiVersion: string;
  /** `inactive`, `pending`, `active`, `error` or `locked`. */
  swarmState: string;
  /** The swarm node id of this engine, or "" outside a swarm. */
  nodeId: string;
  /** Whether this engine is a swarm manager. */
  isManager: boolean;
}

interface EngineInfoInputs {
  connection: EngineConnection;
}

async function readEngineFacts(connection: EngineConnection): Promise<EngineFacts> {
  const docker = engineClient(connection);
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

/** Reads facts about an engine; `read` refreshes them, so a changed engine shows up as drift. */
export const engineInfoProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: EngineInfoInputs) {
    const facts = await readEngineFacts(inputs.connection);
    return { id: facts.engineId, outs: { ...inputs, ...facts } };
  },
  async read(id: string, props: EngineInfoInputs & EngineFacts) {
    const facts = await readEngineFacts(props.connection);
    return { id: facts.engineId === id ? id : facts.engineId, props: { ...props, ...facts } };
  },
  async diff(_id: string, olds: EngineInfoInputs, news: EngineInfoInputs) {
    const changed = JSON.stringify(olds.connection ?? {}) !== JSON.stringify(news.connection ?? {});
    return { changes: changed, replaces: changed ? ["connection"] : [] };
  },
};

export interface EngineInfoArgs {
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnection>;
}

/** The facts of a Docker engine, read when the stack is deployed or refreshed. */
export class EngineInfo extends pulumi.dynamic.Resource {
  declare readonly engineId: pulumi.Output<string>;
  declare readonly serverVersion: pulumi.Output<string>;
  declare readonly apiVersion: pulumi.Output<string>;
  declare readonly swarmState: pulumi.Output<string>;
  declare readonly nodeId: pulumi.Output<string>;
  declare readonly isManager: pulumi.Output<boolean>;

  constructor(name: string, args: EngineInfoArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      engineInfoProvider,
      name,
      {
        connection: args.connection ?? {},
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
