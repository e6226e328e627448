import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../reference";
import { withSecretOutputs } from "../shared/secret-outputs";

interface SaltOutputs {
  /** Random bytes, hex. Secret. */
  salt: string;
}

/** Bytes of a new salt: as many as an HMAC-SHA-256 key uses in full. */
const saltBytes = 32;

/**
 * A random value made once, at create, and kept (secret) in state from then on: the key of the HMACs
 * that name objects by their secret content. It has no inputs, so it never changes or gets replaced.
 */
export const saltProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: object, news: object) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false, replaces: [] };
  },
  async create(inputs: object) {
    const crypto = require("crypto") as typeof import("crypto");
    const salt = crypto.randomBytes(saltBytes).toString("hex");
    return { id: crypto.randomUUID(), outs: { ...inputs, salt } satisfies SaltOutputs };
  },
  async read(id: string, props: Partial<SaltOutputs>) {
    // Nothing outside the state holds the value: `pulumi import` has nothing to read it from.
    if (!props.salt) throw new Error(`salt ${id} cannot be imported: it exists only in a stack's state`);
    return { id, props };
  },
  async update(_id: string, olds: SaltOutputs) {
    return { outs: olds };
  },
};

/** A random salt (64 hex digits), kept as a Pulumi secret in state and never changed. */
export class RandomSalt extends pulumi.dynamic.Resource {
  /** The salt. Secret. */
  declare readonly salt: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("random:salt", saltProvider),
      name,
      { salt: undefined },
      withSecretOutputs(opts, ["salt"]),
      "berth/random",
      "RandomSalt",
    );
  }
}
