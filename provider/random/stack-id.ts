import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../reference";

interface StackIdOutputs {
  /** Random bytes, hex. */
  stackId: string;
}

/** Bytes of a new identity: enough that two stacks never draw the same one. */
const stackIdBytes = 16;

/**
 * A random identity made once, at create, and kept in state from then on: it tells a stack's objects
 * apart from those of another stack with the same project and stack names (another organisation's,
 * another backend's). It has no inputs, so it never changes or gets replaced.
 */
export const stackIdProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: object, news: object) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false, replaces: [] };
  },
  async create(inputs: object) {
    const crypto = require("crypto") as typeof import("crypto");
    const stackId = crypto.randomBytes(stackIdBytes).toString("hex");
    return { id: stackId, outs: { ...inputs, stackId } satisfies StackIdOutputs };
  },
  async read(id: string, props: Partial<StackIdOutputs>) {
    // The identity is the ID: `pulumi import` of a stack's identity (e.g. into a new backend) keeps it.
    return { id, props: { ...props, stackId: props.stackId ?? id } };
  },
  async update(_id: string, olds: StackIdOutputs) {
    return { outs: olds };
  },
};

/**
 * A stack's random identity (32 hex digits), kept in state and never changed: the `berth.stack-id`
 * label of every object Berth creates on a swarm. Berth makes one per program, when the program
 * declares its first Swarm object.
 */
export class RandomStackId extends pulumi.dynamic.Resource {
  /** The identity. */
  declare readonly stackId: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("random:stack-id", stackIdProvider),
      name,
      { stackId: undefined },
      opts,
      "berth/random",
      "RandomStackId",
    );
  }
}
