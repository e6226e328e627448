import * as pulumi from "@pulumi/pulumi";
import { membershipProvider, type RotationTriggers, type SwarmSettings } from "./membership";
import type { MemberSpec } from "./membership-plan";
import { currentOwner, withSecretOutputs } from "./resource-options";
import { dynamicProvider } from "../reference";

/** Arguments of {@link SwarmMembership}. */
export interface SwarmMembershipArgs {
  /** Every node, resolved; the first manager forms the swarm. */
  nodes: pulumi.Input<MemberSpec[]>;
  /** Default: autolock off, the engine's address pool and data path port. */
  swarm?: pulumi.Input<SwarmSettings>;
  /** Change a value to rotate that credential. Default: all "". */
  rotate?: pulumi.Input<Partial<RotationTriggers>>;
  /** How long a node may take to join, drain or leave. Default: 300. */
  timeoutSeconds?: number;
  /** The Berth component that owns the swarm, for its labels. Default: the resource name. */
  component?: string;
}

/** The membership of a multi-node swarm (see `membershipProvider`). */
export class SwarmMembership extends pulumi.dynamic.Resource {
  /** The swarm's ID. */
  declare readonly swarmId: pulumi.Output<string>;
  /** The swarm node IDs, by node name. */
  declare readonly nodeIds: pulumi.Output<Record<string, string>>;
  /** The join tokens of workers and managers; kept secret. */
  declare readonly joinTokens: pulumi.Output<{ worker: string; manager: string }>;
  /** The key that unlocks a restarted manager when autolock is on; kept secret. */
  declare readonly unlockKey: pulumi.Output<string>;
  /** The managers' addresses, in the node list's order. */
  declare readonly managerAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: SwarmMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:membership", membershipProvider),
      name,
      {
        // The swarm and its nodes are labelled by project and stack only (a swarm is one stack's).
        owner: currentOwner(
          args.component ?? name,
          { name, type: "SwarmMembership", opts },
          { stackIdentity: false },
        ),
        // Connections carry keys: secret in state whether or not the caller marked them.
        // (pulumi.secret straight over a list of outputs never resolved under the test harness.)
        nodes: pulumi.output(args.nodes).apply((nodes) => pulumi.secret(nodes)),
        swarm: args.swarm ?? { autolock: false },
        rotate: pulumi
          .output(args.rotate ?? {})
          .apply((r) => ({ workerToken: "", managerToken: "", unlockKey: "", ...r })),
        timeoutSeconds: args.timeoutSeconds ?? 300,
        swarmId: undefined,
        nodeIds: undefined,
        joinTokens: undefined,
        unlockKey: undefined,
        managerAddresses: undefined,
      },
      withSecretOutputs(opts, ["nodes", "joinTokens", "unlockKey"]),
      "berth/swarm",
      "SwarmMembership",
    );
  }
}
