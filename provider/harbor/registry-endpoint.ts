import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import { type HarborConnection, hasStatus, isNotFound } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  requireSameObject,
  createFailure,
} from "./common";
import { type Registry, type RegistryUpdate, replicationClient } from "./replication-client";
import { newSalt, sameSecret, secretHash } from "./secret-hash";

/** The kinds of registry Harbor has adapters for (`Registry.type`). */
export const registryTypes = [
  "harbor",
  "docker-hub",
  "docker-registry",
  "aws-ecr",
  "azure-acr",
  "ali-acr",
  "google-gcr",
  "huawei-SWR",
  "jfrog-artifactory",
  "quay",
  "gitlab",
  "github-ghcr",
  "tencent-tcr",
  "volcengine-cr",
  "dtr",
] as const;
/** The kind of a remote registry Harbor replicates with. */
export type RegistryType = (typeof registryTypes)[number];

/** A registry endpoint (another registry Harbor replicates to or from), as Berth manages it. */
export interface RegistryEndpointInputs {
  connection: HarborConnection;
  name: string;
  type: RegistryType;
  /** The registry's URL, without a trailing "/". */
  url: string;
  /** The credential's access key (e.g. a user name); "" for anonymous access. */
  accessKey: string;
  /** The credential's secret (e.g. a password or token); never kept in state, see `accessSecretHash`. */
  accessSecret: string;
  /** Skip verifying the registry's TLS certificate. */
  insecure: boolean;
  description: string;
}

export interface RegistryEndpointOutputs extends Omit<RegistryEndpointInputs, "accessSecret"> {
  registryId: number;
  /**
   * HMAC-SHA-256 of the access secret under `salt`: Harbor never shows the secret again, so this is
   * how a changed secret is seen. "" when Harbor's copy may differ from the program's: after an
   * import, or when refresh finds the endpoint changed in Harbor since Berth last wrote it.
   */
  accessSecretHash: string;
  /** The random key of `accessSecretHash`. Secret. */
  salt: string;
  /** Harbor's `update_time` of the endpoint when Berth last wrote or verified it. */
  updateTime: string;
}

export const registryEndpointDefaults = {
  accessKey: "",
  accessSecret: "",
  insecure: false,
  description: "",
} as const;

/** Fields compared as they are; the secret is compared through its hash. */
const comparedInputs = ["connection", "name", "type", "url", "accessKey", "insecure", "description"] as const;

function registryOf(inputs: RegistryEndpointInputs): Registry {
  return {
    name: inputs.name,
    type: inputs.type,
    url: inputs.url,
    insecure: inputs.insecure,
    description: inputs.description,
    ...(inputs.accessKey
      ? {
          credential: {
            type: "basic",
            access_key: inputs.accessKey,
            access_secret: inputs.accessSecret,
          },
        }
      : {}),
  };
}

function updateOf(inputs: RegistryEndpointInputs): RegistryUpdate {
  return {
    name: inputs.name,
    description: inputs.description,
    url: inputs.url,
    credential_type: "basic",
    access_key: inputs.accessKey,
    access_secret: inputs.accessSecret,
    insecure: inputs.insecure,
  };
}

/** The endpoint's fields as the inputs spell them (all but the secret, which Harbor masks). */
function asWritten(registry: Registry) {
  return {
    name: registry.name ?? "",
    type: (registry.type ?? "") as RegistryType,
    url: registry.url ?? "",
    accessKey: registry.credential?.access_key ?? "",
    insecure: registry.insecure ?? false,
    description: registry.description ?? "",
  };
}

function endpointProblems(inputs: RegistryEndpointInputs): CheckFailure[] {
  const failures: CheckFailure[] = [...booleanProblem("insecure", inputs.insecure)];
  const name: unknown = inputs.name;
  if (!isUnknown(name) && !(typeof name === "string" && name.length > 0 && name.length <= 255))
    failures.push({ property: "name", reason: "must be a non-empty name of at most 255 characters" });
  if (!isUnknown(inputs.type) && !registryTypes.includes(inputs.type))
    failures.push({ property: "type", reason: `must be one of ${registryTypes.join(", ")}` });
  const url: unknown = inputs.url;
  if (!isUnknown(url) && !(typeof url === "string" && /^https?:\/\/[^/\s]+/.test(url)))
    failures.push({ property: "url", reason: "must be an http:// or https:// URL" });
  for (const key of ["accessKey", "accessSecret", "description"] as const) {
    if (!isUnknown(inputs[key]) && typeof inputs[key] !== "string")
      failures.push({ property: key, reason: "must be a string" });
  }
  if (isKnown([inputs.accessKey, inputs.accessSecret]) && !inputs.accessKey && inputs.accessSecret)
    failures.push({ property: "accessKey", reason: "is required with an accessSecret" });
  return failures;
}

/**
 * The dynamic provider for Harbor registry endpoints. Identity is Harbor's registry ID; a new `type`
 * replaces the endpoint (Harbor cannot change it), everything else updates in place. Harbor never
 * answers with the access secret, so state keeps only its salted hash (see
 * {@link RegistryEndpointOutputs.accessSecretHash}). Create never takes over an endpoint of the same
 * name (Harbor's 409); delete fails, naming them, while replication policies still use it (412).
 */
export const registryEndpointProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RegistryEndpointInputs, news: RegistryEndpointInputs) {
    const inputs = { ...registryEndpointDefaults, ...news } as RegistryEndpointInputs;
    // Harbor stores the URL without a trailing "/": so does the state, so it reads back the same.
    if (typeof inputs.url === "string" && !isUnknown(inputs.url)) inputs.url = inputs.url.replace(/\/+$/, "");
    return { inputs, failures: [...connectionProblems(inputs.connection), ...endpointProblems(inputs)] };
  },

  async diff(_id: string, olds: RegistryEndpointOutputs, news: RegistryEndpointInputs) {
    const replaces = isKnown(news.type) && olds.type !== news.type ? ["type"] : [];
    const changed: string[] = changedKeys<RegistryEndpointInputs>(olds, news, comparedInputs);
    if (!sameSecret(news.accessSecret, olds.accessSecretHash, olds.salt)) changed.push("accessSecret");
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: RegistryEndpointInputs) {
    const what = `harbor registry endpoint ${inputs.name}`;
    const client = replicationClient(inputs.connection);
    let registryId: number;
    try {
      registryId = await client.createRegistry(registryOf(inputs));
    } catch (err) {
      throw aboutObject(what, err);
    }
    const { accessSecret, ...kept } = inputs;
    const salt = newSalt();
    const outs: RegistryEndpointOutputs = {
      ...kept,
      registryId,
      accessSecretHash: secretHash(accessSecret, salt),
      salt,
      updateTime: "",
    };
    try {
      outs.updateTime = (await client.getRegistry(registryId)).update_time ?? "";
    } catch (err) {
      throw createFailure(what, err, String(registryId), outs);
    }
    return { id: String(registryId), outs };
  },

  /**
   * Reads the endpoint back in the shape of its inputs. Its secret cannot be read: when Harbor's
   * `update_time` moved since Berth last wrote the endpoint, someone may have changed it, so the hash
   * is cleared and the next `up` sends the program's secret again. With empty props
   * (`pulumi import <type> <name> <registry ID>`), the connection comes from HARBOR_URL,
   * HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<RegistryEndpointOutputs>) {
    const what = `harbor registry endpoint ${props.name ?? id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    let found: Registry;
    try {
      found = await replicationClient(connection).getRegistry(Number(id));
      requireSameObject("registry endpoint", id, connection, props.name, found.name);
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
    const updateTime = found.update_time ?? "";
    const unchanged = props.updateTime !== undefined && props.updateTime === updateTime;
    const fields = asWritten(found);
    const outs: RegistryEndpointOutputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      ...fields,
      registryId: Number(id),
      accessSecretHash: unchanged ? (props.accessSecretHash ?? "") : "",
      salt: props.salt ?? "",
      updateTime,
    };
    if (props.name !== undefined) return { id, props: outs };
    const inputs: Partial<RegistryEndpointInputs> = { connection: outs.connection, ...fields };
    return { id, props: outs, inputs };
  },

  async update(id: string, olds: RegistryEndpointOutputs, news: RegistryEndpointInputs) {
    const what = `harbor registry endpoint ${news.name}`;
    const client = replicationClient(news.connection);
    try {
      const found = await client.getRegistry(Number(id));
      requireSameObject("registry endpoint", id, news.connection, olds.name, found.name);
      await client.updateRegistry(Number(id), updateOf(news));
      const { accessSecret, ...kept } = news;
      const salt = olds.salt || newSalt();
      const outs: RegistryEndpointOutputs = {
        ...kept,
        registryId: Number(id),
        accessSecretHash: secretHash(accessSecret, salt),
        salt,
        updateTime: (await client.getRegistry(Number(id))).update_time ?? "",
      };
      return { outs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  async delete(id: string, props: RegistryEndpointOutputs) {
    const what = `harbor registry endpoint ${props.name ?? id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    const client = replicationClient(connection);
    try {
      const found = await client.getRegistry(Number(id));
      requireSameObject("registry endpoint", id, connection, props.name, found.name);
      await client.deleteRegistry(Number(id));
    } catch (err) {
      if (isNotFound(err)) return;
      if (hasStatus(err, 412)) {
        throw new Error(
          `${what}: Harbor refuses to delete it while replication policies use it (${err.messages.join("; ")}); ` +
            `delete those policies first`,
          { cause: err },
        );
      }
      throw aboutObject(what, err);
    }
  },
};
