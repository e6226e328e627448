import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import {
  type ReplicationResource,
  type ReplicationTriggerType,
  replicationPolicyDefaults,
  replicationPolicyProvider,
} from "../../../provider/harbor/replication-policy";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

export type {
  ReplicationResource,
  ReplicationTriggerType,
} from "../../../provider/harbor/replication-policy";

/** What a replication policy copies. Every filter is off by default. */
export interface HarborReplicationFiltersArgs {
  /**
   * Repository name pattern (doublestar), e.g. "library/**".
   * @default "" (all)
   */
  repositories?: pulumi.Input<string>;
  /**
   * Tag pattern, e.g. "v*".
   * @default "" (all)
   */
  tags?: pulumi.Input<string>;
  /**
   * Replicate tags NOT matching `tags`.
   * @default false
   */
  excludeTags?: pulumi.Input<boolean>;
  /**
   * Labels an artifact must carry.
   * @default none
   */
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Replicate artifacts NOT carrying `labels`.
   * @default false
   */
  excludeLabels?: pulumi.Input<boolean>;
  /**
   * "image" or "artifact".
   * @default "" (both)
   */
  resource?: pulumi.Input<ReplicationResource>;
}

/** Arguments of {@link HarborReplicationPolicy}. */
export interface HarborReplicationPolicyArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /**
   * The policy's name in Harbor.
   * @default the resource name
   */
  name?: pulumi.Input<string>;
  /** @default "" */
  description?: pulumi.Input<string>;
  /**
   * Pull from this endpoint (a `HarborRegistryEndpoint`'s `registryId`). Set this or `destinationRegistryId`.
   * @default 0 (this Harbor)
   */
  sourceRegistryId?: pulumi.Input<number>;
  /**
   * Push to this endpoint.
   * @default 0 (this Harbor)
   */
  destinationRegistryId?: pulumi.Input<number>;
  /**
   * The namespace at the destination.
   * @default "" (the source's)
   */
  destinationNamespace?: pulumi.Input<string>;
  /**
   * How many leading path components `destinationNamespace` replaces (0-3); -1 is Harbor's legacy mode.
   * @default -1
   */
  destinationNamespaceReplaceCount?: pulumi.Input<number>;
  /** Which artifacts are replicated. */
  filters?: pulumi.Input<HarborReplicationFiltersArgs>;
  /**
   * "manual", "scheduled" (with `cron`) or "event_based" (push-based only).
   * @default "manual"
   */
  trigger?: pulumi.Input<ReplicationTriggerType>;
  /**
   * Six-field cron (seconds first) for the scheduled trigger.
   * @default ""
   */
  cron?: pulumi.Input<string>;
  /**
   * Overwrite artifacts at the destination.
   * @default true
   */
  override?: pulumi.Input<boolean>;
  /** @default true */
  enabled?: pulumi.Input<boolean>;
  /**
   * Replicate deletions too.
   * @default false
   */
  replicateDeletion?: pulumi.Input<boolean>;
}

/**
 * A replication policy: copies artifacts from this Harbor to a registry endpoint (push) or from one
 * into this Harbor (pull), by hand, on a schedule or on each push. Everything updates in place;
 * refresh reports changes made in Harbor. Import with the policy ID, HARBOR_URL, HARBOR_USERNAME and
 * HARBOR_PASSWORD set.
 */
export class HarborReplicationPolicy extends pulumi.dynamic.Resource {
  /** Harbor's ID of the policy. */
  declare readonly policyId: pulumi.Output<number>;

  constructor(name: string, args: HarborReplicationPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    const d = replicationPolicyDefaults;
    super(
      dynamicProvider("harbor:replication-policy", replicationPolicyProvider),
      name,
      {
        connection: secretConnection(args.connection),
        name: args.name ?? name,
        description: args.description ?? d.description,
        sourceRegistryId: args.sourceRegistryId ?? d.sourceRegistryId,
        destinationRegistryId: args.destinationRegistryId ?? d.destinationRegistryId,
        destinationNamespace: args.destinationNamespace ?? d.destinationNamespace,
        destinationNamespaceReplaceCount:
          args.destinationNamespaceReplaceCount ?? d.destinationNamespaceReplaceCount,
        filters: args.filters ?? {},
        trigger: args.trigger ?? d.trigger,
        cron: args.cron ?? d.cron,
        override: args.override ?? d.override,
        enabled: args.enabled ?? d.enabled,
        replicateDeletion: args.replicateDeletion ?? d.replicateDeletion,
        policyId: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      harborModule,
      "HarborReplicationPolicy",
    );
  }
}
