import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import { type RetentionTemplate, retentionProvider } from "../../../provider/harbor/retention";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

export type { RetentionTemplate } from "../../../provider/harbor/retention";

/** One retention rule: which tags to keep. Tags no rule keeps are deleted when the policy runs. */
export interface HarborRetentionRuleArgs {
  /**
   * Which tags to keep: the `count` most recently pushed (`latestPushedK`) or pulled
   * (`latestPulledN`), those pushed or pulled within `count` days (`nDaysSinceLastPush`,
   * `nDaysSinceLastPull`), or all (`always`).
   */
  template: pulumi.Input<RetentionTemplate>;
  /** The template's number. Required except for `always`. */
  count?: pulumi.Input<number>;
  /**
   * Tag pattern (doublestar).
   * @default "**"
   */
  tags?: pulumi.Input<string>;
  /**
   * Apply to tags NOT matching `tags`.
   * @default false
   */
  excludeTags?: pulumi.Input<boolean>;
  /**
   * Repository pattern, without the project.
   * @default "**"
   */
  repositories?: pulumi.Input<string>;
  /**
   * Apply to repositories NOT matching `repositories`.
   * @default false
   */
  excludeRepositories?: pulumi.Input<boolean>;
  /**
   * Count untagged artifacts as selected.
   * @default false
   */
  untagged?: pulumi.Input<boolean>;
  /** @default false */
  disabled?: pulumi.Input<boolean>;
}

/** Arguments of {@link HarborRetentionPolicy}. */
export interface HarborRetentionPolicyArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /** The project's Harbor ID (a `HarborProject`'s `projectId`). A new project replaces the policy. */
  projectId: pulumi.Input<number>;
  /** At most 15 rules; a tag is kept when any rule keeps it. */
  rules: pulumi.Input<pulumi.Input<HarborRetentionRuleArgs>[]>;
  /**
   * When the policy runs: a six-field cron such as "0 0 0 * * *".
   * @default "" (never; run by hand)
   */
  schedule?: pulumi.Input<string>;
  /**
   * Take over rules or a schedule the project's policy already has (when they differ from these); they are
   * put back when the resource is deleted. A policy with no rules and no schedule is taken over either way.
   * @default false (create fails, naming the policy found)
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A project's tag retention policy. Harbor keeps one per project: an empty one is taken over, one
 * with rules or a schedule only with `adopt: true`; deleting the resource puts back the policy it
 * found (an empty one when there was none). Refresh reports rules and schedules changed in Harbor. Import with the policy ID
 * (the project's `retention_id`), HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD set.
 */
export class HarborRetentionPolicy extends pulumi.dynamic.Resource {
  /** Harbor's ID of the policy. */
  declare readonly policyId: pulumi.Output<number>;

  constructor(name: string, args: HarborRetentionPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:retention-policy", retentionProvider),
      name,
      {
        connection: secretConnection(args.connection),
        projectId: args.projectId,
        rules: args.rules,
        schedule: args.schedule ?? "",
        adopt: args.adopt ?? false,
        policyId: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      harborModule,
      "HarborRetentionPolicy",
    );
  }
}
