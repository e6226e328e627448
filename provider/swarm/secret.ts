import * as pulumi from "@pulumi/pulumi";
import type { EngineConnections } from "./managers";
import { currentOwner, withSecretOutputs } from "./resource-options";
import { fileObjectProvider } from "./file-object";
import { dynamicProvider } from "../reference";

const secretProvider = fileObjectProvider("secret");
const configProvider = fileObjectProvider("config");

/** Arguments of {@link SwarmSecret} and {@link SwarmConfig}. */
export interface SwarmFileObjectArgs {
  /**
   * Base name of the engine object; 12 hex digits of the content's digest are appended (a salted HMAC
   * for a secret, SHA-256 for a config). Default: the resource name.
   */
  name?: pulumi.Input<string>;
  /** The file's content (UTF-8). For a secret it is always treated as a Pulumi secret. */
  data: pulumi.Input<string>;
  /** Extra labels. Default: none. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnections>;
  /** The Berth component that owns the object, for its labels. Default: the resource name. */
  component?: string;
}

function inputs(
  name: string,
  args: SwarmFileObjectArgs,
  type: "SwarmSecret" | "SwarmConfig",
  opts: pulumi.CustomResourceOptions | undefined,
) {
  const secret = type === "SwarmSecret";
  return {
    // A connection may carry a key: it is secret in state whether or not the caller wrapped it.
    connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
    name: args.name ?? name,
    data: secret ? pulumi.secret(args.data) : args.data,
    owner: currentOwner(args.component ?? name, { name, type, opts }),
    labels: args.labels ?? {},
    objectName: undefined,
    contentHash: undefined,
    swarmId: undefined,
    ...(secret ? { salt: undefined } : {}),
  };
}

/**
 * A Swarm secret, named by an HMAC of its content under a random salt made at create (kept in state as
 * a secret), so its name does not reveal whether a guessed value is right. Changing the content creates
 * a new secret before the old one is deleted, so services move over without downtime. The content
 * never enters outputs. Imported secrets are replaced on the next up: their content cannot be read back.
 */
export class SwarmSecret extends pulumi.dynamic.Resource {
  /** The engine object's name, `<name>-<12 hex of the salted HMAC>`. */
  declare readonly objectName: pulumi.Output<string>;
  /** A hash of the content, which names the object; kept secret. */
  declare readonly contentHash: pulumi.Output<string>;
  /** The swarm the secret lives in (its cluster ID). */
  declare readonly swarmId: pulumi.Output<string>;

  constructor(name: string, args: SwarmFileObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:secret", secretProvider),
      name,
      inputs(name, args, "SwarmSecret", opts),
      withSecretOutputs(opts, ["connection", "contentHash", "salt"]),
      "berth/swarm",
      "SwarmSecret",
    );
  }
}

/** A Swarm config, named by its content's SHA-256; replaced like {@link SwarmSecret}. */
export class SwarmConfig extends pulumi.dynamic.Resource {
  /** The config's name on the engine (`<name>-<hash prefix>`). */
  declare readonly objectName: pulumi.Output<string>;
  /** The SHA-256 of the content. */
  declare readonly contentHash: pulumi.Output<string>;
  /** The swarm the config lives in (its cluster ID). */
  declare readonly swarmId: pulumi.Output<string>;

  constructor(name: string, args: SwarmFileObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:config", configProvider),
      name,
      inputs(name, args, "SwarmConfig", opts),
      withSecretOutputs(opts, ["connection"]),
      "berth/swarm",
      "SwarmConfig",
    );
  }
}
