import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import { protectionRuleDefaults, protectionRuleProvider } from "../../../provider/gitlab/protection-rule";
import type { ProtectionAccessLevel } from "../../../provider/gitlab/api-types";
import { type GitLabConnection, gitlabModule, requireGitbeaker, secretConnection } from "./connection";

export type { ProtectionAccessLevel } from "../../../provider/gitlab/api-types";

/** Arguments of {@link GitLabProtectedRepositoryRule}. */
export interface GitLabProtectedRepositoryRuleArgs {
  /** The GitLab instance and the token to manage it with. */
  connection: pulumi.Input<GitLabConnection>;
  /** The project: its numeric ID or its full path (`group/app`). A new project replaces the rule. */
  project: pulumi.Input<string | number>;
  /** The repositories protected: the project's path, then a name with `*` wildcards (`group/app/release*`). */
  repositoryPathPattern: pulumi.Input<string>;
  /**
   * The least role that may push: "maintainer", "owner", "admin", or "" (no restriction).
   * @default "maintainer"
   */
  minimumAccessLevelForPush?: pulumi.Input<ProtectionAccessLevel | "">;
  /**
   * The least role that may delete images: as above.
   * @default "maintainer"
   */
  minimumAccessLevelForDelete?: pulumi.Input<ProtectionAccessLevel | "">;
}

/**
 * A container repository protection rule (GitLab 17.2 and later): only the roles named may push to
 * or delete from the repositories its pattern matches. Every field but the project updates in place.
 * GitLab refuses a second rule with the same pattern. Import with `pulumi import
 * pulumi-nodejs:dynamic/berth/gitlab:GitLabProtectedRepositoryRule <name> <project>/<rule ID>`
 * (GITLAB_URL, GITLAB_TOKEN set). Needs `@gitbeaker/rest` installed.
 */
export class GitLabProtectedRepositoryRule extends pulumi.dynamic.Resource {
  /** The numeric ID of the project the rule belongs to. */
  declare readonly projectId: pulumi.Output<number>;
  /** The rule's ID in GitLab. */
  declare readonly ruleId: pulumi.Output<number>;

  constructor(name: string, args: GitLabProtectedRepositoryRuleArgs, opts?: pulumi.CustomResourceOptions) {
    requireGitbeaker(`GitLabProtectedRepositoryRule ${name}`);
    super(
      dynamicProvider("gitlab:protection-rule", protectionRuleProvider),
      name,
      {
        connection: secretConnection(args.connection),
        project: args.project,
        repositoryPathPattern: args.repositoryPathPattern,
        minimumAccessLevelForPush:
          args.minimumAccessLevelForPush ?? protectionRuleDefaults.minimumAccessLevelForPush,
        minimumAccessLevelForDelete:
          args.minimumAccessLevelForDelete ?? protectionRuleDefaults.minimumAccessLevelForDelete,
        projectId: undefined,
        ruleId: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      gitlabModule,
      "GitLabProtectedRepositoryRule",
    );
  }
}
