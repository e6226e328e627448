import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import { type RobotAccess, robotDefaults, robotProvider } from "../../../provider/harbor/robot";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

export type { RobotAccess } from "../../../provider/harbor/robot";

/** Arguments of {@link HarborRobotAccount}. */
export interface HarborRobotAccountArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /** The project's name (e.g. a `HarborProject`'s `name`). A new project replaces the robot. */
  project: pulumi.Input<string>;
  /**
   * The robot's name; Harbor logs it in as `robot$<project>+<name>`. A new name replaces it.
   * @default the resource name
   */
  name?: pulumi.Input<string>;
  /** What it may do in the project, e.g. `[{ resource: "repository", action: "pull" }]`. */
  access: pulumi.Input<pulumi.Input<RobotAccess>[]>;
  /** @default "" */
  description?: pulumi.Input<string>;
  /**
   * Days until it expires; -1 never.
   * @default -1
   */
  durationDays?: pulumi.Input<number>;
  /** @default false */
  disabled?: pulumi.Input<boolean>;
  /**
   * Any value; changing it gives the robot a new secret in place (Harbor's refresh-secret).
   * @default ""
   */
  rotate?: pulumi.Input<string>;
}

/**
 * A project-scoped Harbor robot account. Harbor shows its secret only when it is created or
 * refreshed, so the secret lives in state, as a Pulumi secret; change `rotate` to get a new one
 * without replacing the robot. Refresh reports changes made in Harbor to its description, expiry,
 * state and permissions. Import with `pulumi import pulumi-nodejs:dynamic/berth/harbor:HarborRobotAccount
 * <name> <robot ID>` (HARBOR_URL, HARBOR_USERNAME, HARBOR_PASSWORD set): the secret is then empty
 * until the first rotation.
 */
export class HarborRobotAccount extends pulumi.dynamic.Resource {
  /** The robot account's ID in Harbor. */
  declare readonly robotId: pulumi.Output<number>;
  /** The name to log in with: `robot$<project>+<name>`. */
  declare readonly fullName: pulumi.Output<string>;
  /** The password to log in with (secret). */
  declare readonly secret: pulumi.Output<string>;
  /** Expiry in seconds since the epoch; -1 never. */
  declare readonly expiresAt: pulumi.Output<number>;

  constructor(name: string, args: HarborRobotAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:robot", robotProvider),
      name,
      {
        connection: secretConnection(args.connection),
        project: args.project,
        name: args.name ?? name,
        access: args.access,
        description: args.description ?? robotDefaults.description,
        durationDays: args.durationDays ?? robotDefaults.durationDays,
        disabled: args.disabled ?? robotDefaults.disabled,
        rotate: args.rotate ?? robotDefaults.rotate,
        robotId: undefined,
        fullName: undefined,
        secret: undefined,
        expiresAt: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection", "secret"],
      },
      harborModule,
      "HarborRobotAccount",
    );
  }
}
