import { setTimeout as sleep } from "timers/promises";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../shared/unknowns";
import { type EngineConnections, managerClient } from "./managers";
import { engineMessage, isNotFound } from "../shared/engine-errors";
import {
  createFailure,
  knownConnectionProblems,
  notOwnedReason,
  ownerFromLabels,
  requireSameSwarm,
  sameValue,
  swarmIdOf,
} from "./identity";
import { adoptionRefusal, type Owner, ownerLabelKeys, ownerLabels, userLabels } from "./ownership";
import { currentOwner } from "./resource-options";
import { withSecretOutputs } from "../shared/secret-outputs";
import { dynamicProvider } from "../reference";

export interface NetworkInputs {
  connection: EngineConnections;
  name: string;
  /** Containers outside services may join. */
  attachable: boolean;
  /** No route out of the network. */
  internal: boolean;
  /** IPsec-encrypted data path between nodes. */
  encrypted: boolean;
  owner: Owner;
  labels: Record<string, string>;
  /** Driver options other than `encrypted` (e.g. `com.docker.network.driver.mtu`). Absent in older state. */
  options?: Record<string, string>;
  /** Address management; empty: the swarm picks a subnet. Absent in older state. */
  ipam?: NetworkIpam;
}

/** A network's address management, as the engine's IPAM takes it. */
export interface NetworkIpam {
  /** Default: the engine's ("default"). */
  driver?: string;
  /** One entry per address pool. */
  config?: NetworkIpamPool[];
  /** Options for the IPAM driver. */
  options?: Record<string, string>;
}

export interface NetworkIpamPool {
  /** CIDR, e.g. "10.20.0.0/24". */
  subnet?: string;
  /** The part of the subnet tasks get addresses from. */
  ipRange?: string;
  gateway?: string;
  /** Addresses kept out of the pool, by host name. */
  auxAddresses?: Record<string, string>;
}

const networkNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/** How long delete waits for a removed service's tasks to leave the network. */
const endpointsGoneTimeoutMs = 60_000;

/** What the provider keeps in state: the inputs, and where the network lives. */
export interface NetworkOutputs extends NetworkInputs {
  /** The swarm the network was made in (its cluster ID). */
  swarmId: string;
  /**
   * The URN in the network's `berth.resource` label. Docker cannot relabel a network, so after a
   * rename with an alias the label keeps the old URN while `owner` holds the new one.
   */
  labelledUrn: string;
}

interface EngineNetwork {
  Id: string;
  Name: string;
  Attachable?: boolean;
  Internal?: boolean;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string>;
  IPAM?: {
    Driver?: string;
    Options?: Record<string, string> | null;
    Config?: {
      Subnet?: string;
      IPRange?: string;
      Gateway?: string;
      AuxiliaryAddresses?: Record<string, string>;
    }[];
  };
}

/** Driver options the engine adds by itself: reading them back is not drift. */
const engineAddedOptions = [
  "com.docker.network.driver.overlay.vxlanid_list",
  "com.docker.network.ipam.serial",
];

const identityFields = ["name", "attachable", "internal", "encrypted"] as const;
/** The inputs `diff` compares, each with the value an absent old one stands for. */
const comparedInputs = {
  name: null,
  attachable: null,
  internal: null,
  encrypted: null,
  labels: {},
  options: {},
  ipam: {},
  connection: {},
  owner: null,
} as const;

async function inspect(connection: EngineConnections, id: string): Promise<EngineNetwork> {
  return (await managerClient(connection).getNetwork(id).inspect()) as EngineNetwork;
}

/**
 * A network just created, once the manager answering shows the driver options it was created with: a
 * manager can answer before its copy of the new network is complete (seen under load, options empty),
 * which would record drift that is not there. Tries for about 3 s, then returns what it sees.
 */
async function inspectAsCreated(
  connection: EngineConnections,
  id: string,
  options: Record<string, string>,
): Promise<EngineNetwork> {
  for (let attempt = 0; ; attempt++) {
    const found = await inspect(connection, id);
    const complete = Object.keys(options).every((key) => found.Options?.[key] !== undefined);
    if (complete || attempt >= 15) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The driver options a create asks for: the user's, and `encrypted` when the network is encrypted. */
function requestedOptions(inputs: NetworkInputs): Record<string, string> {
  return { ...inputs.options, ...(inputs.encrypted && { encrypted: "" }) };
}

/** The network named exactly `name`, if any (the engine's name filter matches substrings). */
async function findByName(connection: EngineConnections, name: string): Promise<EngineNetwork | undefined> {
  const found = (await managerClient(connection).listNetworks({
    filters: JSON.stringify({ name: [name] }),
  })) as EngineNetwork[];
  return found.find((n) => n.Name === name);
}

/** The owner the network's labels were written for: `owner` under the URN it was labelled with. */
function labelledOwner(props: Pick<NetworkOutputs, "owner" | "labelledUrn">): Owner {
  return { ...props.owner, urn: props.labelledUrn ?? props.owner.urn };
}

/** The engine's options without `encrypted` and without those it adds itself, unless they were asked for. */
function userOptions(found: Record<string, string> | null | undefined, asked: Record<string, string> = {}) {
  return Object.fromEntries(
    Object.entries(found ?? {}).filter(
      ([key]) => key !== "encrypted" && (key in asked || !engineAddedOptions.includes(key)),
    ),
  );
}

/**
 * The engine's IPAM in the inputs' terms, limited to what `asked` sets: the swarm fills in a subnet and
 * gateway where none is given, and does not report auxiliary addresses, so those are taken as asked.
 */
function writtenIpam(found: EngineNetwork["IPAM"], asked: NetworkIpam = {}): NetworkIpam {
  const pools = found?.Config ?? [];
  return {
    ...(asked.driver !== undefined && { driver: found?.Driver }),
    ...(asked.options !== undefined && { options: userOptions(found?.Options, asked.options) }),
    ...(asked.config !== undefined && {
      config: asked.config.map((pool, i) => ({
        ...(pool.subnet !== undefined && { subnet: pools[i]?.Subnet }),
        ...(pool.ipRange !== undefined && { ipRange: pools[i]?.IPRange }),
        ...(pool.gateway !== undefined && { gateway: pools[i]?.Gateway }),
        ...(pool.auxAddresses !== undefined && {
          auxAddresses: pools[i]?.AuxiliaryAddresses ?? pool.auxAddresses,
        }),
      })),
    }),
  };
}

/** The state fields the engine holds, as the inputs spell them; `asked` is what the inputs set. */
function asWritten(found: EngineNetwork, asked: Partial<Pick<NetworkInputs, "options" | "ipam">> = {}) {
  return {
    name: found.Name,
    attachable: Boolean(found.Attachable),
    internal: Boolean(found.Internal),
    encrypted: found.Options?.encrypted !== undefined,
    labels: userLabels(found.Labels),
    options: userOptions(found.Options, asked.options),
    ipam: writtenIpam(found.IPAM, asked.ipam),
  };
}

/** The IPAM part of a network create request, or undefined for the swarm's own choice. */
function engineIpam(ipam: NetworkIpam = {}) {
  if (ipam.driver === undefined && ipam.config === undefined && ipam.options === undefined) return undefined;
  return {
    Driver: ipam.driver ?? "default",
    Options: ipam.options ?? {},
    Config: (ipam.config ?? []).map((pool) => ({
      Subnet: pool.subnet,
      IPRange: pool.ipRange,
      Gateway: pool.gateway,
      AuxiliaryAddresses: pool.auxAddresses,
    })),
  };
}

function isStringMap(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string" || isUnknown(v))
  );
}

/** Fails unless the network is `props`' own to change or delete. */
function requireOwned(found: EngineNetwork, props: NetworkOutputs, doing: string): void {
  const refusal = notOwnedReason(`network ${found.Name}`, found.Labels, labelledOwner(props), doing);
  if (refusal) throw new Error(refusal);
}

/**
 * The dynamic provider for Swarm overlay networks. Docker cannot change a network, so a change of name,
 * flags, labels, options or IPAM replaces it; a new connection (to the same swarm) or owner is kept in state only.
 */
export const networkProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: NetworkInputs, news: NetworkInputs) {
    const failures = knownConnectionProblems(news.connection);
    if (!isUnknown(news.name) && (typeof news.name !== "string" || !networkNamePattern.test(news.name))) {
      failures.push({
        property: "name",
        reason: `${JSON.stringify(news.name)} must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`,
      });
    }
    for (const flag of ["attachable", "internal", "encrypted"] as const) {
      if (!isUnknown(news[flag]) && typeof news[flag] !== "boolean")
        failures.push({ property: flag, reason: "must be true or false" });
    }
    if (news.options !== undefined && !isUnknown(news.options)) {
      if (!isStringMap(news.options))
        failures.push({ property: "options", reason: "must map option names to strings" });
      else if ("encrypted" in news.options)
        failures.push({ property: "options", reason: "must not hold encrypted; set encrypted: true" });
    }
    const ipam = news.ipam;
    if (ipam !== undefined && !isUnknown(ipam)) {
      if (typeof ipam !== "object" || ipam === null || Array.isArray(ipam))
        failures.push({ property: "ipam", reason: "must be an object with driver, config and options" });
      else if (ipam.config !== undefined && !isUnknown(ipam.config) && !Array.isArray(ipam.config))
        failures.push({ property: "ipam", reason: "config must be a list of address pools" });
      else if (ipam.options !== undefined && !isUnknown(ipam.options) && !isStringMap(ipam.options))
        failures.push({ property: "ipam", reason: "options must map option names to strings" });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: NetworkOutputs, news: NetworkInputs) {
    const differs = (f: keyof typeof comparedInputs) =>
      !sameValue(olds[f] ?? comparedInputs[f], news[f] ?? comparedInputs[f]);
    // Labels are immutable too, so a known label change replaces; an unknown one waits for its value.
    const replaces = [...identityFields, "labels" as const, "options" as const, "ipam" as const].filter(
      (f) => isKnown(news[f]) && differs(f),
    );
    const changes =
      replaces.length > 0 || (Object.keys(comparedInputs) as (keyof typeof comparedInputs)[]).some(differs);
    // The name must be free before the new network is made.
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && olds.name === news.name };
  },

  async create(inputs: NetworkInputs) {
    const swarmId = await swarmIdOf(inputs.connection);
    const existing = await findByName(inputs.connection, inputs.name);
    let id: string;
    if (existing) {
      // Only this resource's own network, left by an interrupted run, is taken back.
      const refusal = adoptionRefusal(`network ${inputs.name}`, existing.Labels, inputs.owner);
      if (refusal) throw new Error(refusal);
      id = existing.Id;
    } else {
      const created = (await managerClient(inputs.connection).createNetwork({
        _query: {},
        _body: {
          Name: inputs.name,
          Driver: "overlay",
          Attachable: inputs.attachable,
          Internal: inputs.internal,
          CheckDuplicate: true,
          Options: requestedOptions(inputs),
          IPAM: engineIpam(inputs.ipam),
          Labels: { ...inputs.labels, ...ownerLabels(inputs.owner) },
        },
      } as never)) as { id: string };
      id = created.id;
    }
    const planned: NetworkOutputs = { ...inputs, swarmId, labelledUrn: inputs.owner.urn };
    try {
      // What the engine holds, so an adopted network that differs shows as a change on the next up.
      const found = await inspectAsCreated(inputs.connection, id, existing ? {} : requestedOptions(inputs));
      const labelledUrn = found.Labels?.[ownerLabelKeys.resource] ?? inputs.owner.urn;
      return { id, outs: { ...planned, ...asWritten(found, inputs), labelledUrn } };
    } catch (err) {
      throw createFailure(`network ${inputs.name}`, err, id, planned);
    }
  },

  /**
   * Reports drift in name, flags and labels; a network that is gone reads as {}. With empty props
   * (`pulumi import`) the network is read from the local engine and its owner from its `berth.*`
   * labels; a network without them is refused, since Docker cannot relabel a network for Berth to own.
   */
  async read(id: string, props: Partial<NetworkOutputs>) {
    const connection = props.connection ?? {};
    const swarmId = await requireSameSwarm(connection, props.swarmId, `network ${props.name ?? id}`);
    let found: EngineNetwork;
    try {
      found = await inspect(connection, id);
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    if (props.owner) {
      const labelledUrn = props.labelledUrn ?? found.Labels?.[ownerLabelKeys.resource] ?? props.owner.urn;
      return { id, props: { ...props, connection, ...asWritten(found, props), swarmId, labelledUrn } };
    }
    const owner = ownerFromLabels(found.Labels);
    if (!owner?.urn) {
      throw new Error(
        `network ${found.Name} carries no Berth owner labels (${Object.values(ownerLabelKeys).join(", ")}); ` +
          `Docker cannot relabel a network, so Berth cannot take it over: create the network with Berth instead`,
      );
    }
    const inputs: NetworkInputs = { connection, owner, ...asWritten(found) };
    return { id, props: { ...inputs, swarmId, labelledUrn: owner.urn }, inputs };
  },

  /**
   * Keeps a new connection (to the same swarm) and a new owner in state. Docker cannot relabel a
   * network, and replacing it would detach every service on it, so after a rename with an alias the
   * network keeps its old `berth.resource` label, recorded as `labelledUrn`.
   */
  async update(id: string, olds: NetworkOutputs, news: NetworkInputs) {
    const swarmId = await requireSameSwarm(news.connection, olds.swarmId, `network ${olds.name}`);
    const found = await inspect(news.connection, id);
    requireOwned(found, olds, "updating");
    const labelledUrn = found.Labels?.[ownerLabelKeys.resource] ?? olds.labelledUrn ?? olds.owner.urn;
    return { outs: { ...news, swarmId, labelledUrn } };
  },

  async delete(id: string, props: NetworkOutputs) {
    await requireSameSwarm(props.connection, props.swarmId, `network ${props.name}`);
    let found;
    try {
      found = await inspect(props.connection, id);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    requireOwned(found, props, "deleting");
    const deadline = Date.now() + endpointsGoneTimeoutMs;
    for (;;) {
      try {
        await managerClient(props.connection).getNetwork(id).remove();
        break;
      } catch (err) {
        if (isNotFound(err)) return;
        // A removed service's tasks leave the network a moment after the service is gone.
        const inUse = /active endpoints|in use/i.test(engineMessage(err));
        if (!inUse || Date.now() > deadline) {
          throw new Error(`cannot delete network ${props.name}: ${engineMessage(err)}`, { cause: err });
        }
        await sleep(500);
      }
    }
    // Swarm accepts the removal of a network that tasks still hold and finishes it once they are gone;
    // wait for that, so that a replacement can take the name.
    for (;;) {
      try {
        await inspect(props.connection, id);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (Date.now() > deadline)
        throw new Error(
          `network ${props.name} is still being removed after ${endpointsGoneTimeoutMs / 1000} s`,
        );
      await sleep(500);
    }
  },
};

/** Arguments of {@link SwarmNetwork}. */
export interface SwarmNetworkArgs {
  /** Default: the resource name. */
  name?: pulumi.Input<string>;
  /** Default: false. */
  attachable?: pulumi.Input<boolean>;
  /** Default: false. */
  internal?: pulumi.Input<boolean>;
  /** Encrypt traffic between nodes (IPsec). Default: false. */
  encrypted?: pulumi.Input<boolean>;
  /** Extra labels. Default: none. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Driver options other than `encrypted`, e.g. `{ "com.docker.network.driver.mtu": "1400" }`. Default: none. */
  options?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Subnets, ranges, gateways and the IPAM driver. Default: the swarm picks a subnet. */
  ipam?: pulumi.Input<NetworkIpam>;
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnections>;
  /** The Berth component that owns the network, for its labels. Default: the resource name. */
  component?: string;
}

/** A Swarm overlay network. */
export class SwarmNetwork extends pulumi.dynamic.Resource {
  /** The network's name on the engine. */
  declare readonly name: pulumi.Output<string>;
  /** Whether standalone containers may attach. */
  declare readonly attachable: pulumi.Output<boolean>;
  /** Whether the network has no outside access. */
  declare readonly internal: pulumi.Output<boolean>;
  /** Whether the network's traffic is encrypted. */
  declare readonly encrypted: pulumi.Output<boolean>;
  /** The swarm the network lives in (its cluster ID). */
  declare readonly swarmId: pulumi.Output<string>;

  constructor(name: string, args: SwarmNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:network", networkProvider),
      name,
      {
        // A connection may carry a key: it is secret in state whether or not the caller wrapped it.
        connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
        name: args.name ?? name,
        attachable: args.attachable ?? false,
        internal: args.internal ?? false,
        encrypted: args.encrypted ?? false,
        owner: currentOwner(args.component ?? name, { name, type: "SwarmNetwork", opts }),
        labels: args.labels ?? {},
        options: args.options ?? {},
        ipam: args.ipam ?? {},
        swarmId: undefined,
        labelledUrn: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      "berth/swarm",
      "SwarmNetwork",
    );
  }
}
