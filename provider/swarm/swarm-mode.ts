import * as pulumi from "@pulumi/pulumi";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { isUnknown } from "../unknowns";
import {
  describeConnections as describeConnection,
  type EngineConnections,
  managerClient as engineClient,
} from "./managers";
import { knownConnectionProblems, ownerFromLabels, requireSameSwarm, sameValue } from "./identity";
import { engineLog } from "./log";
import { isOwnedBy, type Owner, ownerLabels } from "./ownership";
import { currentOwner, withSecretOutputs } from "./resource-options";
import { dynamicProvider } from "../reference";

export interface SwarmModeInputs {
  connection: EngineConnections;
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

/** Puts `owner`'s labels on the swarm (a resource renamed with an alias keeps its swarm). */
async function relabelSwarm(docker: Dockerode, owner: Owner): Promise<void> {
  const swarm = (await docker.swarmInspect()) as {
    Version: { Index: number };
    Spec: { Labels?: Record<string, string> };
  };
  await docker.swarmUpdate({
    _query: { version: swarm.Version.Index },
    _body: { ...swarm.Spec, Labels: { ...swarm.Spec.Labels, ...ownerLabels(owner) } },
  } as never);
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
    const failures = knownConnectionProblems(news.connection);
    const known = (v: unknown) => !isUnknown(v);
    if (known(news.advertiseAddr) && (typeof news.advertiseAddr !== "string" || news.advertiseAddr === "")) {
      failures.push({ property: "advertiseAddr", reason: "must be an address or interface name" });
    }
    if (
      known(news.listenAddr) &&
      (typeof news.listenAddr !== "string" || !/^.+:\d{1,5}$/.test(news.listenAddr))
    ) {
      failures.push({ property: "listenAddr", reason: 'must be "<address>:<port>", e.g. "127.0.0.1:2377"' });
    }
    return { inputs: news, failures };
  },

  // The swarm is the resource's identity (its ID), not the connection: new credentials or another
  // manager of the same swarm update in place, and update checks the swarm is the same one.
  async diff(_id: string, olds: SwarmModeOutputs, news: SwarmModeInputs) {
    const changes = (["connection", "owner", "advertiseAddr", "listenAddr"] as const).some(
      (field) => !sameValue(olds[field] ?? (field === "connection" ? {} : null), news[field]),
    );
    return { changes, replaces: [], deleteBeforeReplace: false };
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

  /**
   * Refreshes the node ID; a swarm that is gone, or replaced by another on the engine, reads as gone.
   * With empty props (`pulumi import`) the local engine's swarm is read: it counts as initialised by
   * Berth (left on destroy) only when its labels name its Berth owner.
   */
  async read(id: string, props: Partial<SwarmModeOutputs>) {
    const connection = props.connection ?? {};
    const docker = engineClient(connection);
    const info = (await docker.info()) as {
      Swarm?: EngineSwarmInfo & { NodeAddr?: string; RemoteManagers?: { NodeID: string; Addr: string }[] };
    };
    if (info.Swarm?.LocalNodeState !== "active") return {};
    const swarm = await swarmOf(docker);
    // A different swarm on the same engine is not the one this resource stands for.
    if (swarm.ID !== id) return {};
    const nodeId = info.Swarm.NodeID ?? props.nodeId ?? "";
    if (props.owner) return { id, props: { ...props, connection, nodeId } };
    // Only a swarm labelled with its resource's URN counts as Berth's.
    const labelled = ownerFromLabels(swarm.Spec?.Labels);
    const owner = labelled?.urn ? labelled : undefined;
    const listenAddr = info.Swarm.RemoteManagers?.find((m) => m.NodeID === nodeId)?.Addr ?? "";
    const imported = {
      connection,
      owner,
      advertiseAddr: info.Swarm.NodeAddr ?? "",
      listenAddr,
      swarmId: swarm.ID,
      nodeId,
      initialized: owner !== undefined,
    };
    const { swarmId: _s, nodeId: _n, initialized: _i, ...inputs } = imported;
    return { id, props: imported, inputs };
  },

  /**
   * Takes a new connection (checked to reach the same swarm) and owner (relabelling a swarm Berth
   * initialised). A running swarm keeps the addresses it was initialised with: changing them on a
   * swarm Berth initialised fails with what to do, rather than being ignored; on an adopted swarm they
   * were never used and are only recorded.
   */
  async update(id: string, olds: SwarmModeOutputs, news: SwarmModeInputs) {
    const docker = engineClient(news.connection);
    const swarmId = await requireSameSwarm(news.connection, id, `SwarmMode ${id}`);
    if (olds.initialized) {
      const moved = (["advertiseAddr", "listenAddr"] as const).filter((f) => olds[f] !== news[f]);
      if (moved.length > 0) {
        const changes = moved.map((f) => `${f} ${JSON.stringify(olds[f])} -> ${JSON.stringify(news[f])}`);
        throw new Error(
          `cannot change ${changes.join(", ")} of the running swarm ${id} at ${describeConnection(news.connection)}: ` +
            `a swarm keeps the addresses it was initialised with, and moving it means leaving it and ` +
            `initialising a new one, which destroys its services, secrets, configs and networks. Put the ` +
            `old value back; to really move it, destroy what runs on it, then replace this resource ` +
            `(pulumi up --replace <its URN>)`,
        );
      }
      if (!sameValue(olds.owner, news.owner)) await relabelSwarm(docker, news.owner);
    }
    const info = await swarmInfo(docker);
    return { outs: { ...olds, ...news, swarmId, nodeId: info.NodeID ?? olds.nodeId } };
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

/** Arguments of {@link SwarmMode}. */
export interface SwarmModeArgs {
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnections>;
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
  /** The swarm's ID. */
  declare readonly swarmId: pulumi.Output<string>;
  /** The engine's swarm node ID. */
  declare readonly nodeId: pulumi.Output<string>;
  /** Whether this resource switched swarm mode on (and so leaves the swarm on delete). */
  declare readonly initialized: pulumi.Output<boolean>;

  constructor(name: string, args: SwarmModeArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:mode", swarmModeProvider),
      name,
      {
        // A connection may carry a key: it is secret in state whether or not the caller wrapped it.
        connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
        // The swarm and its nodes are labelled by project and stack only (a swarm is one stack's).
        owner: currentOwner(
          args.component ?? name,
          { name, type: "SwarmMode", opts },
          { stackIdentity: false },
        ),
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
