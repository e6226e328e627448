import * as pulumi from "@pulumi/pulumi";
import type Dockerode from "dockerode";
import { connectionProblems, describeConnection, type EngineConnection, engineClient } from "./engine";
import { engineLog } from "./log";
import { isOwnedBy, type Owner, ownerLabels } from "./ownership";
import { currentOwner, withSecretOutputs } from "./resource-options";

export interface SwarmModeInputs {
  connection: EngineConnection;
  owner: Owner;
  /** Used only when Berth initialises swarm mode. */
  advertiseAddr: string;
  /** Used only when Berth initialises swarm mode. */
  listenAddr: string;
}

export interface SwarmModeOutputs extends SwarmModeInputs {
  swarmId: string;
  nodeId: string;
  /** True when Berth initialised swarm mode, and so leaves it on delete. */
  initialized: boolean;
}

/** An engine's own view of its swarm membership (`docker info`'s `Swarm`). */
export interface EngineSwarmInfo {
  LocalNodeState?: string;
  NodeID?: string;
  ControlAvailable?: boolean;
  Error?: string;
}

export async function swarmInfo(docker: Dockerode): Promise<EngineSwarmInfo> {
  const info = (await docker.info()) as { Swarm?: EngineSwarmInfo };
  return info.Swarm ?? {};
}

async function swarmOf(
  docker: Dockerode,
): Promise<{ ID: string; Spec?: { Labels?: Record<string, string> } }> {
  return (await docker.swarmInspect()) as { ID: string; Spec?: { Labels?: Record<string, string> } };
}

/** What remains on the swarm that leaving it would destroy, or "" when nothing does. */
async function leftovers(docker: Dockerode): Promise<string> {
  const [services, secrets, configs, networks] = await Promise.all([
    docker.listServices(),
    docker.listSecrets(),
    docker.listConfigs(),
    docker.listNetworks({ filters: JSON.stringify({ driver: ["overlay"] }) }),
  ]);
  const userNetworks = networks.filter((n) => !(n as { Ingress?: boolean }).Ingress && n.Name !== "ingress");
  const counts = [
    [services.length, "services"],
    [secrets.length, "secrets"],
    [configs.length, "configs"],
    [userNetworks.length, "overlay networks"],
  ] as const;
  return counts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(", ");
}

/**
 * Swarm mode on one engine: initialised when inactive, adopted when already active. Delete leaves the
 * swarm only if Berth initialised it and nothing else lives on it.
 */
export const swarmModeProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: SwarmModeInputs, news: SwarmModeInputs) {
    const failures = connectionProblems(news.connection);
    if (typeof news.advertiseAddr !== "string" || news.advertiseAddr === "") {
      failures.push({ property: "advertiseAddr", reason: "must be an address or interface name" });
    }
    if (typeof news.listenAddr !== "string" || !/^.+:\d{1,5}$/.test(news.listenAddr)) {
      failures.push({ property: "listenAddr", reason: 'must be "<address>:<port>", e.g. "127.0.0.1:2377"' });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: SwarmModeOutputs, news: SwarmModeInputs) {
    const sameEngine = JSON.stringify(olds.connection ?? {}) === JSON.stringify(news.connection ?? {});
    const changed =
      !sameEngine || olds.advertiseAddr !== news.advertiseAddr || olds.listenAddr !== news.listenAddr;
    return { changes: changed, replaces: sameEngine ? [] : ["connection"], deleteBeforeReplace: true };
  },

  async create(inputs: SwarmModeInputs) {
    const docker = engineClient(inputs.connection);
    const where = describeConnection(inputs.connection);
    const before = await swarmInfo(docker);
    const state = before.LocalNodeState ?? "inactive";
    let initialized: boolean;
    if (state === "inactive") {
      engineLog("info", `initialising swarm mode on ${where} (advertising ${inputs.advertiseAddr})`);
      await docker.swarmInit({
        ListenAddr: inputs.listenAddr,
        AdvertiseAddr: inputs.advertiseAddr,
        Spec: { Labels: ownerLabels(inputs.owner) },
      });
      initialized = true;
    } else if (state === "active") {
      if (!before.ControlAvailable) {
        throw new Error(
          `the engine at ${where} is a swarm worker; services can only be deployed through a manager`,
        );
      }
      // A swarm this stack initialised in an interrupted run carries its labels: it is still ours.
      initialized = isOwnedBy((await swarmOf(docker)).Spec?.Labels, inputs.owner);
      if (!initialized)
        engineLog("info", `using the active swarm of ${where}; it is left as it is on destroy`);
    } else if (state === "locked") {
      throw new Error(`the swarm of ${where} is locked: unlock it with "docker swarm unlock" first`);
    } else {
      throw new Error(
        `the engine at ${where} is in swarm state "${state}"${before.Error ? ` (${before.Error})` : ""}; it must be inactive or active`,
      );
    }
    const [swarm, after] = await Promise.all([swarmOf(docker), swarmInfo(docker)]);
    const outs: SwarmModeOutputs = { ...inputs, swarmId: swarm.ID, nodeId: after.NodeID ?? "", initialized };
    return { id: swarm.ID, outs };
  },

  async read(id: string, props: SwarmModeOutputs) {
    const docker = engineClient(props.connection);
    const info = await swarmInfo(docker);
    if (info.LocalNodeState !== "active") return {};
    const swarm = await swarmOf(docker);
    // A different swarm on the same engine is not the one this resource stands for.
    if (swarm.ID !== id) return {};
    return { id, props: { ...props, nodeId: info.NodeID ?? props.nodeId } };
  },

  async update(_id: string, olds: SwarmModeOutputs, news: SwarmModeInputs) {
    if (olds.initialized) {
      engineLog(
        "warn",
        "advertiseAddr and listenAddr apply when swarm mode is initialised; the running swarm keeps its addresses",
      );
    }
    return { outs: { ...olds, ...news } };
  },

  async delete(id: string, props: SwarmModeOutputs) {
    if (!props.initialized) return;
    const docker = engineClient(props.connection);
    const info = await swarmInfo(docker);
    if (info.LocalNodeState !== "active" || (await swarmOf(docker)).ID !== id) return;
    const remaining = await leftovers(docker);
    if (remaining) {
      engineLog(
        "warn",
        `swarm mode stays on at ${describeConnection(props.connection)}: leaving would destroy ${remaining} that this stack does not manage`,
      );
      return;
    }
    await docker.swarmLeave({ force: true });
  },
};

export interface SwarmModeArgs {
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnection>;
  /** The address other nodes would reach this one at, when Berth initialises swarm mode. Default: `"127.0.0.1"`. */
  advertiseAddr?: pulumi.Input<string>;
  /** Where the swarm's control plane listens, when Berth initialises swarm mode. Default: `"127.0.0.1:2377"`. */
  listenAddr?: pulumi.Input<string>;
  /** The Berth component that owns the swarm, for its labels. Default: the resource name. */
  component?: string;
}

/**
 * Swarm mode on one engine. Initialises it when the engine is not in a swarm (and then leaves the swarm
 * on delete, unless something this stack does not manage still lives on it); adopts an active swarm and
 * leaves that as it was.
 */
export class SwarmMode extends pulumi.dynamic.Resource {
  declare readonly swarmId: pulumi.Output<string>;
  declare readonly nodeId: pulumi.Output<string>;
  declare readonly initialized: pulumi.Output<boolean>;

  constructor(name: string, args: SwarmModeArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      swarmModeProvider,
      name,
      {
        connection: args.connection ?? {},
        owner: currentOwner(args.component ?? name, { name, type: "SwarmMode", opts }),
        advertiseAddr: args.advertiseAddr ?? "127.0.0.1",
        listenAddr: args.listenAddr ?? "127.0.0.1:2377",
        swarmId: undefined,
        nodeId: undefined,
        initialized: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      "berth/swarm",
      "SwarmMode",
    );
  }
}
