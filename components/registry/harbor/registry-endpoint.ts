import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import {
  registryEndpointDefaults,
  registryEndpointProvider,
  type RegistryType,
} from "../../../provider/harbor/registry-endpoint";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

export type { RegistryType } from "../../../provider/harbor/registry-endpoint";

/** Arguments of {@link HarborRegistryEndpoint}. */
export interface HarborRegistryEndpointArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /**
   * The endpoint's name in Harbor.
   * @default the resource name
   */
  name?: pulumi.Input<string>;
  /** The kind of registry, e.g. "harbor", "docker-registry", "docker-hub". A change replaces the endpoint. */
  type: pulumi.Input<RegistryType>;
  /** The registry's URL, e.g. "https://registry.example.com". */
  url: pulumi.Input<string>;
  /**
   * The credential's access key (a user name).
   * @default "" (anonymous)
   */
  accessKey?: pulumi.Input<string>;
  /**
   * The credential's secret (a password or token). Never kept in state, only its salted hash.
   * @default ""
   */
  accessSecret?: pulumi.Input<string>;
  /**
   * Skip verifying the registry's TLS certificate.
   * @default false
   */
  insecure?: pulumi.Input<boolean>;
  /** @default "" */
  description?: pulumi.Input<string>;
}

/**
 * A registry endpoint: another registry Harbor replicates to or from (see `HarborReplicationPolicy`).
 * Harbor never shows the access secret again, so state keeps only an HMAC of it under a random salt:
 * a new secret in the program updates the endpoint, and so does an `up` after a refresh found the
 * endpoint changed in Harbor (its secret may have changed with it). Refresh reports every other field
 * changed in Harbor. Import with the registry ID, HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD set;
 * the next `up` then sends the secret.
 */
export class HarborRegistryEndpoint extends pulumi.dynamic.Resource {
  /** Harbor's ID of the endpoint (a replication policy's source or destination). */
  declare readonly registryId: pulumi.Output<number>;
  /** The endpoint's name in Harbor. */
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: HarborRegistryEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:registry-endpoint", registryEndpointProvider),
      name,
      {
        connection: secretConnection(args.connection),
        name: args.name ?? name,
        type: args.type,
        url: args.url,
        accessKey: args.accessKey ?? registryEndpointDefaults.accessKey,
        accessSecret: pulumi.secret(args.accessSecret ?? registryEndpointDefaults.accessSecret),
        insecure: args.insecure ?? registryEndpointDefaults.insecure,
        description: args.description ?? registryEndpointDefaults.description,
        registryId: undefined,
        accessSecretHash: undefined,
        salt: undefined,
        updateTime: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection", "salt"],
      },
      harborModule,
      "HarborRegistryEndpoint",
    );
  }
}
