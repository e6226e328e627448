import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import { gcScheduleDefaults, gcScheduleProvider } from "../../../provider/harbor/gc-schedule";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

/** Arguments of {@link HarborGarbageCollection}. */
export interface HarborGarbageCollectionArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /** When garbage collection runs: a six-field cron, seconds first, e.g. "0 0 3 * * 0". */
  schedule: pulumi.Input<string>;
  /**
   * Delete untagged artifacts too.
   * @default false
   */
  deleteUntagged?: pulumi.Input<boolean>;
  /**
   * Parallel workers, 1 to 5.
   * @default 1
   */
  workers?: pulumi.Input<number>;
  /**
   * Take over a schedule Harbor already has (one that differs from this one); it is put back when the
   * resource is deleted.
   * @default false (create fails, naming the schedule found)
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * Harbor's garbage collection schedule. Harbor keeps one: a schedule set before this resource is
 * taken over only with `adopt: true`, and deleting the resource puts back the schedule it found
 * (none when there was none). Declare one per Harbor.
 * Refresh reports changes made in Harbor. Import with the ID `gc-schedule`, HARBOR_URL,
 * HARBOR_USERNAME and HARBOR_PASSWORD set.
 */
export class HarborGarbageCollection extends pulumi.dynamic.Resource {
  /** The GC schedule that is set. */
  declare readonly schedule: pulumi.Output<string>;

  constructor(name: string, args: HarborGarbageCollectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:gc-schedule", gcScheduleProvider),
      name,
      {
        connection: secretConnection(args.connection),
        schedule: args.schedule,
        deleteUntagged: args.deleteUntagged ?? gcScheduleDefaults.deleteUntagged,
        workers: args.workers ?? gcScheduleDefaults.workers,
        adopt: args.adopt ?? gcScheduleDefaults.adopt,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      harborModule,
      "HarborGarbageCollection",
    );
  }
}
