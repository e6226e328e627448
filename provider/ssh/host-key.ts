import * as pulumi from "@pulumi/pulumi";

export interface HostKeyInputs {
  /** Change it to generate a new key (the machine using it must then be given the new one). */
  rotate: string;
}

export interface HostKeyOutputs extends HostKeyInputs {
  /** OpenSSH private key. Secret. */
  privateKey: string;
  /** `ssh-ed25519 AAAA...`: the known_hosts entry clients check the server against. */
  publicKey: string;
}

/**
 * An ed25519 SSH host key made once and kept in the stack's state, so that a machine can be given its
 * host key before it first boots and every SSH connection to it verifies that key from the start.
 */
export const hostKeyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: HostKeyInputs, news: HostKeyInputs) {
    const failures =
      typeof news.rotate === "string" ? [] : [{ property: "rotate", reason: "must be a string" }];
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: HostKeyOutputs, news: HostKeyInputs) {
    const rotated = olds.rotate !== news.rotate;
    return { changes: rotated, replaces: rotated ? ["rotate"] : [] };
  },

  async create(inputs: HostKeyInputs) {
    // Loaded here, so the serialized provider captures no module.
    const { utils } = require("ssh2") as typeof import("ssh2");
    const pair = utils.generateKeyPairSync("ed25519");
    const publicKey = pair.public.split(" ").slice(0, 2).join(" ");
    const id = `sha256:${require("crypto").createHash("sha256").update(publicKey).digest("hex").slice(0, 16)}`;
    const outs: HostKeyOutputs = { ...inputs, privateKey: pair.private, publicKey };
    return { id, outs };
  },
};

export interface SshHostKeyArgs {
  /** Change it to replace the key. Default: "". */
  rotate?: pulumi.Input<string>;
}

/** An SSH host key pair for one machine (see {@link hostKeyProvider}). */
export class SshHostKey extends pulumi.dynamic.Resource {
  /** Secret. */
  declare readonly privateKey: pulumi.Output<string>;
  declare readonly publicKey: pulumi.Output<string>;

  constructor(name: string, args: SshHostKeyArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      hostKeyProvider,
      name,
      { rotate: args.rotate ?? "", privateKey: undefined, publicKey: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "privateKey"] },
      "berth/ssh",
      "SshHostKey",
    );
  }
}
