import * as pulumi from "@pulumi/pulumi";
import { hostKeyBlob } from "../swarm/engine";
import { isUnknown } from "../unknowns";
import { withSecretOutputs } from "../swarm/resource-options";
import { dynamicProvider } from "../reference";

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
    // A trigger not known yet (at preview) is a string once it is.
    const failures =
      typeof news.rotate === "string" ? [] : [{ property: "rotate", reason: "must be a string" }];
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: HostKeyOutputs, news: HostKeyInputs) {
    // Only a known new trigger replaces the key; one not known yet may change it, and is diffed again once known.
    if (isUnknown(news.rotate)) return { changes: true, replaces: [] };
    const rotated = olds.rotate !== news.rotate;
    return { changes: rotated, replaces: rotated ? ["rotate"] : [] };
  },

  async create(inputs: HostKeyInputs) {
    const { privateKey, publicKey } = wellFormedPair();
    const { createHash } = require("crypto") as typeof import("crypto");
    const id = `sha256:${createHash("sha256").update(publicKey).digest("hex").slice(0, 16)}`;
    const outs: HostKeyOutputs = { ...inputs, privateKey, publicKey };
    return { id, outs };
  },
};

/**
 * A fresh ed25519 pair in OpenSSH format. ssh2 drops the leading zero byte of a public key that starts
 * with one (about one key in 256, mscdex/ssh2#1390), which leaves a pair that neither OpenSSH nor ssh2
 * can read; such a pair is thrown away and another made.
 */
function wellFormedPair(): { privateKey: string; publicKey: string } {
  // Loaded here, so the serialized provider captures no module.
  const { utils } = require("ssh2") as typeof import("ssh2");
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519");
    const publicKey = pair.public.split(" ").slice(0, 2).join(" ");
    const blob = hostKeyBlob(publicKey);
    const parsed = utils.parseKey(pair.private);
    // The blob is the type name (4 + 11 bytes) and the 32-byte key (4 + 32).
    if (blob.length === 51 && !(parsed instanceof Error) && parsed.getPublicSSH().equals(blob))
      return { privateKey: pair.private, publicKey };
  }
  throw new Error("could not generate a well-formed ed25519 host key");
}

/** Arguments of {@link SshHostKey}. */
export interface SshHostKeyArgs {
  /** Change it to replace the key. Default: "". */
  rotate?: pulumi.Input<string>;
}

/** An SSH host key pair for one machine (see `hostKeyProvider`). */
export class SshHostKey extends pulumi.dynamic.Resource {
  /** Secret. */
  declare readonly privateKey: pulumi.Output<string>;
  /** The public key, in `known_hosts` form. */
  declare readonly publicKey: pulumi.Output<string>;

  constructor(name: string, args: SshHostKeyArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("ssh:host-key", hostKeyProvider),
      name,
      { rotate: args.rotate ?? "", privateKey: undefined, publicKey: undefined },
      withSecretOutputs(opts, ["privateKey"]),
      "berth/ssh",
      "SshHostKey",
    );
  }
}
