import * as pulumi from "@pulumi/pulumi";
import type { EngineConnection } from "./engine";
import { currentOwner, withSecretOutputs } from "./resource-options";
import { fileObjectProvider } from "./file-object";

const secretProvider = fileObjectProvider("secret");
const configProvider = fileObjectProvider("config");

export interface SwarmFileObjectArgs {
  /** Base name of the engine object; a content hash is appended. Default: the resource name. */
  name?: pulumi.Input<string>;
  /** The file's content (UTF-8). For a secret it is always treated as a Pulumi secret. */
  data: pulumi.Input<string>;
  /** Extra labels. Default: none. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnection>;
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
    connection: args.connection ?? {},
    name: args.name ?? name,
    data: secret ? pulumi.secret(args.data) : args.data,
    owner: currentOwner(args.component ?? name, { name, type, opts }),
    labels: args.labels ?? {},
    objectName: undefined,
    contentHash: undefined,
  };
}

/**
 * A Swarm secret, named by its content's hash. Changing the content creates a new secret before the
 * old one is deleted, so services move over without downtime. The content never enters outputs.
 */
export class SwarmSecret extends pulumi.dynamic.Resource {
  /** The engine object's name, `<name>-<hash>`. */
  declare readonly objectName: pulumi.Output<string>;
  declare readonly contentHash: pulumi.Output<string>;

  constructor(name: string, args: SwarmFileObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      secretProvider,
      name,
      inputs(name, args, "SwarmSecret", opts),
      withSecretOutputs(opts, ["connection", "contentHash"]),
      "berth/swarm",
      "SwarmSecret",
    );
  }
}

/** A Swarm config, named by its content's hash; replaced like {@link SwarmSecret}. */
export class SwarmConfig extends pulumi.dynamic.Resource {
  declare readonly objectName: pulumi.Output<string>;
  declare readonly contentHash: pulumi.Output<string>;

  constructor(name: string, args: SwarmFileObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      configProvider,
      name,
      inputs(name, args, "SwarmConfig", opts),
      withSecretOutputs(opts, ["connection"]),
      "berth/swarm",
      "SwarmConfig",
    );
  }
}
