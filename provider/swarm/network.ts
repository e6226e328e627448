import { setTimeout as sleep } from "timers/promises";
import * as pulumi from "@pulumi/pulumi";
import { connectionProblems, type EngineConnection, engineClient } from "./engine";
import { engineMessage, isNotFound } from "./engine-errors";
import { isOwnedBy, type Owner, ownerLabels, userLabels } from "./ownership";
import { currentOwner, withSecretOutputs } from "./resource-options";

export interface NetworkInputs {
  connection: EngineConnection;
  name: string;
  /** Containers outside services may join. */
  attachable: boolean;
  /** No route out of the network. */
  internal: boolean;
  /** IPsec-encrypted data path between nodes. */
  encrypted: boolean;
  owner: Owner;
  labels: Record<string, string>;
}

const networkNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/** How long delete waits for a removed service's tasks to leave the network. */
const endpointsGoneTimeoutMs = 60_000;

async function inspect(connection: EngineConnection, id: string) {
  const found = (await engineClient(connection).getNetwork(id).inspect()) as {
    Name: string;
    Attachable?: boolean;
    Internal?: boolean;
    Options?: Record<string, string>;
    Labels?: Record<string, string>;
  };
  return found;
}

/** The dynamic provider for Swarm overlay networks. Docker cannot change a network, so every change replaces it. */
export const networkProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: NetworkInputs, news: NetworkInputs) {
    const failures = connectionProblems(news.connection);
    if (typeof news.name !== "string" || !networkNamePattern.test(news.name)) {
      failures.push({
        property: "name",
        reason: `${JSON.stringify(news.name)} must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`,
      });
    }
    for (const flag of ["attachable", "internal", "encrypted"] as const) {
      if (typeof news[flag] !== "boolean") failures.push({ property: flag, reason: "must be true or false" });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: NetworkInputs, news: NetworkInputs) {
    const fields = ["name", "attachable", "internal", "encrypted", "labels", "connection"] as const;
    const replaces = fields.filter(
      (f) => JSON.stringify(olds[f] ?? null) !== JSON.stringify(news[f] ?? null),
    );
    // The name must be free before the new network is made.
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: olds.name === news.name };
  },

  async create(inputs: NetworkInputs) {
    const created = (await engineClient(inputs.connection).createNetwork({
      _query: {},
      _body: {
        Name: inputs.name,
        Driver: "overlay",
        Attachable: inputs.attachable,
        Internal: inputs.internal,
        CheckDuplicate: true,
        Options: inputs.encrypted ? { encrypted: "" } : {},
        Labels: { ...inputs.labels, ...ownerLabels(inputs.owner) },
      },
    } as never)) as { id: string };
    return { id: created.id, outs: inputs };
  },

  async read(id: string, props: NetworkInputs) {
    try {
      const found = await inspect(props.connection, id);
      return {
        id,
        props: {
          ...props,
          name: found.Name,
          attachable: Boolean(found.Attachable),
          internal: Boolean(found.Internal),
          encrypted: found.Options?.encrypted !== undefined,
          labels: userLabels(found.Labels),
        },
      };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async delete(id: string, props: NetworkInputs) {
    let found;
    try {
      found = await inspect(props.connection, id);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!isOwnedBy(found.Labels, props.owner)) {
      throw new Error(
        `network ${found.Name} does not belong to stack ${props.owner.project}/${props.owner.stack}; not deleting it`,
      );
    }
    const deadline = Date.now() + endpointsGoneTimeoutMs;
    for (;;) {
      try {
        await engineClient(props.connection).getNetwork(id).remove();
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
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnection>;
  /** The Berth component that owns the network, for its labels. Default: the resource name. */
  component?: string;
}

/** A Swarm overlay network. */
export class SwarmNetwork extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly attachable: pulumi.Output<boolean>;
  declare readonly internal: pulumi.Output<boolean>;
  declare readonly encrypted: pulumi.Output<boolean>;

  constructor(name: string, args: SwarmNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      networkProvider,
      name,
      {
        connection: args.connection ?? {},
        name: args.name ?? name,
        attachable: args.attachable ?? false,
        internal: args.internal ?? false,
        encrypted: args.encrypted ?? false,
        owner: currentOwner(args.component ?? name, { name, type: "SwarmNetwork", opts }),
        labels: args.labels ?? {},
      },
      withSecretOutputs(opts, ["connection"]),
      "berth/swarm",
      "SwarmNetwork",
    );
  }
}
