import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../reference";
import {
  type ReplicationResource,
  type ReplicationTriggerType,
  replicationPolicyDefaults,
  replicationPolicyProvider,
} from "./replication-policy";
import { type HarborConnection, harborModule, secretConnection } from "./resource-connection";

export type { ReplicationResource, ReplicationTriggerType } from "./replication-policy";
import { withSecretOutputs } from "../shared/secret-outputs";

/** What a replication policy copies. Every filter is off by default. */
export interface HarborReplicationFiltersArgs {
  /** Repository name pattern (doublestar), e.g. "library/**". Default: "" (all). */
  repositories?: pulumi.Input<string>;
  /** Tag pattern, e.g. "v*". Default: "" (all). */
  tags?: pulumi.Input<string>;
  /** Replicate tags NOT matching `tags`. Default: false. */
  excludeTags?: pulumi.Input<boolean>;
  /** Labels an artifact must carry. Default: none. */
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  /** Replicate artifacts NOT carrying `labels`. Default: false. */
  excludeLabels?: pulumi.Input<boolean>;
  /** "image" or "artifact". Default: "" (both). */
  resource?: pulumi.Input<ReplicationResource>;
}

export interface HarborReplicationPolicyArgs {
  connection: pulumi.Input<HarborConnection>;
  /** The policy's name in Harbor. Default: the resource name. */
  name?: pulumi.Input<string>;
  /** Default: "". */
  description?: pulumi.Input<string>;
  /** Pull from this endpoint (a `HarborRegistryEndpoint`'s `registryId`). Set this or `destinationRegistryId`. Default: 0 (this Harbor). */
  sourceRegistryId?: pulumi.Input<number>;
  /** Push to this endpoint. Default: 0 (this Harbor). */
  destinationRegistryId?: pulumi.Input<number>;
  /** The namespace at the destination. Default: "" (the source's). */
  destinationNamespace?: pulumi.Input<string>;
  /** How many leading path components `destinationNamespace` replaces (0-3); -1 is Harbor's legacy mode. Default: -1. */
  destinationNamespaceReplaceCount?: pulumi.Input<number>;
  filters?: pulumi.Input<HarborReplicationFiltersArgs>;
  /** "manual", "scheduled" (with `cron`) or "event_based" (push-based only). Default: "manual". */
  trigger?: pulumi.Input<ReplicationTriggerType>;
  /** Six-field cron (seconds first) for the scheduled trigger. Default: "". */
  cron?: pulumi.Input<string>;
  /** Overwrite artifacts at the destination. Default: true. */
  override?: pulumi.Input<boolean>;
  /** Default: true. */
  enabled?: pulumi.Input<boolean>;
  /** Replicate deletions too. Default: false. */
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
      withSecretOutputs(opts, ["connection"]),
      harborModule,
      "HarborReplicationPolicy",
    );
  }
}
