import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import { immutableRuleDefaults, immutableTagRuleProvider } from "../../../provider/harbor/immutable-tag-rule";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

/** Arguments of {@link HarborImmutableTagRule}. */
export interface HarborImmutableTagRuleArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /** The project's Harbor ID (a `HarborProject`'s `projectId`). A new project replaces the rule. */
  projectId: pulumi.Input<number>;
  /**
   * Tag pattern (doublestar), e.g. "v*".
   * @default "**"
   */
  tags?: pulumi.Input<string>;
  /**
   * Protect tags NOT matching `tags`.
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
  /** @default false */
  disabled?: pulumi.Input<boolean>;
}

/**
 * An immutable tag rule: tags it selects can be neither overwritten by a push nor deleted. Refresh
 * reports changes made in Harbor. Import with `<project ID>/<rule ID>`, HARBOR_URL,
 * HARBOR_USERNAME and HARBOR_PASSWORD set.
 */
export class HarborImmutableTagRule extends pulumi.dynamic.Resource {
  /** Harbor's ID of the rule. */
  declare readonly ruleId: pulumi.Output<number>;

  constructor(name: string, args: HarborImmutableTagRuleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:immutable-tag-rule", immutableTagRuleProvider),
      name,
      {
        connection: secretConnection(args.connection),
        projectId: args.projectId,
        tags: args.tags ?? immutableRuleDefaults.tags,
        excludeTags: args.excludeTags ?? immutableRuleDefaults.excludeTags,
        repositories: args.repositories ?? immutableRuleDefaults.repositories,
        excludeRepositories: args.excludeRepositories ?? immutableRuleDefaults.excludeRepositories,
        disabled: args.disabled ?? immutableRuleDefaults.disabled,
        ruleId: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      harborModule,
      "HarborImmutableTagRule",
    );
  }
}
