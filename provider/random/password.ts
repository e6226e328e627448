import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../reference";
import { isUnknown } from "../shared/unknowns";
import { withSecretOutputs } from "../shared/secret-outputs";

interface PasswordInputs {
  /** Characters in the password. */
  length: number;
}

interface PasswordOutputs extends PasswordInputs {
  /** The password. Secret. */
  result: string;
}

const lower = "abcdefghijkmnopqrstuvwxyz";
const upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const digits = "23456789";

/**
 * A random password made once, at create, and kept (secret) in state: letters and digits, with at
 * least one lower-case letter, one upper-case letter and one digit (what Harbor and most services ask
 * of an administrator's password). A new length makes a new password.
 */
export const passwordProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: object, news: Partial<PasswordInputs>) {
    const { length } = news;
    if (
      !isUnknown(length) &&
      !(Number.isInteger(length) && (length as number) >= 8 && (length as number) <= 128)
    ) {
      return {
        inputs: news,
        failures: [{ property: "length", reason: "must be a whole number from 8 to 128" }],
      };
    }
    return { inputs: news };
  },
  async diff(_id: string, olds: PasswordOutputs, news: PasswordInputs) {
    const changed = olds.length !== news.length;
    return { changes: changed, replaces: changed ? ["length"] : [] };
  },
  async create(inputs: PasswordInputs) {
    const crypto = require("crypto") as typeof import("crypto");
    const pick = (set: string) => set[crypto.randomInt(set.length)];
    const all = lower + upper + digits;
    const chars = [pick(lower), pick(upper), pick(digits)];
    while (chars.length < inputs.length) chars.push(pick(all));
    // Fisher-Yates, so the required classes sit anywhere.
    for (let i = chars.length - 1; i > 0; i--) {
      const j = crypto.randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return { id: crypto.randomUUID(), outs: { ...inputs, result: chars.join("") } satisfies PasswordOutputs };
  },
  async read(id: string, props: Partial<PasswordOutputs>) {
    // Nothing outside the state holds the value: `pulumi import` has nothing to read it from.
    if (!props.result)
      throw new Error(`password ${id} cannot be imported: it exists only in a stack's state`);
    return { id, props };
  },
};

/** A random password, kept as a Pulumi secret in state and changed only when its length is. */
export class RandomPassword extends pulumi.dynamic.Resource {
  /** The password. Secret. */
  declare readonly result: pulumi.Output<string>;

  /** @param args.length - Characters. Default: 24. */
  constructor(
    name: string,
    args: { length?: pulumi.Input<number> } = {},
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      dynamicProvider("random:password", passwordProvider),
      name,
      { length: args.length ?? 24, result: undefined },
      withSecretOutputs(opts, ["result"]),
      "berth/random",
      "RandomPassword",
    );
  }
}
