import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import type { RegistryAccessLevel } from "../../../provider/gitlab/api-types";
import type { CleanupAge, CleanupCadence, CleanupKeepCount } from "../../../provider/gitlab/cleanup-policy";
import { registryDefaults, registryProvider } from "../../../provider/gitlab/registry";
import { type GitLabConnection, gitlabModule, requireGitbeaker, secretConnection } from "./connection";

export type { RegistryAccessLevel } from "../../../provider/gitlab/api-types";
export type { CleanupAge, CleanupCadence, CleanupKeepCount } from "../../../provider/gitlab/cleanup-policy";

/** A container registry cleanup policy: which tags GitLab removes, and how often it looks. */
export interface GitLabCleanupPolicyArgs {
  /** @default true (a policy that is given runs) */
  enabled?: pulumi.Input<boolean>;
  /**
   * How often the cleanup runs: "1d", "7d", "14d", "1month" or "3month".
   * @default "1d"
   */
  cadence?: pulumi.Input<CleanupCadence>;
  /**
   * Tags kept per image whatever their age: 1, 5, 10, 25, 50 or 100.
   * @default 10
   */
  keepN?: pulumi.Input<CleanupKeepCount>;
  /**
   * Only tags older than this are removed: "7d", "14d", "30d" or "90d".
   * @default "90d"
   */
  olderThan?: pulumi.Input<CleanupAge>;
  /**
   * Tags whose names match are removed (RE2 syntax).
   * @default ".*"
   */
  nameRegex?: pulumi.Input<string>;
  /**
   * Tags whose names match are always kept (RE2 syntax).
   * @default "" (none)
   */
  nameRegexKeep?: pulumi.Input<string>;
}

/** Arguments of {@link GitLabRegistry}. */
export interface GitLabRegistryArgs {
  /** The GitLab instance and the token to manage it with. */
  connection: pulumi.Input<GitLabConnection>;
  /** The project: its numeric ID or its full path (`group/app`). A new project replaces the resource. */
  project: pulumi.Input<string | number>;
  /**
   * Who sees the registry: "enabled" (as the project), "private" (members only) or "disabled".
   * @default "enabled"
   */
  accessLevel?: pulumi.Input<RegistryAccessLevel>;
  /**
   * The cleanup policy.
   * @default none (GitLab's default policy, turned off)
   */
  cleanupPolicy?: pulumi.Input<GitLabCleanupPolicyArgs>;
  /**
   * Take over an access level other than "enabled", or a cleanup policy that is on, set before this resource
   * (when they differ from these); they are put back when the resource is deleted.
   * @default false (create fails, naming the settings found)
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The container registry of an existing GitLab project: who may see it, and the cleanup policy that
 * removes old tags. Values GitLab does not allow (a cadence, keep-n or age outside its lists, a
 * regex RE2 cannot run) fail at preview, naming the field. Refresh reports changes made in GitLab
 * and `up` puts the settings back. Settings made before the resource (an access level other than
 * "enabled", a cleanup policy that is on) are taken over only with `adopt: true`. Deleting the
 * resource puts back the settings it found (so a policy it turned on is off again, and no tag is
 * removed by a policy nobody manages) and leaves every image as it is.
 * Import with `pulumi import pulumi-nodejs:dynamic/berth/gitlab:GitLabRegistry <name> <project ID>`,
 * with GITLAB_URL and GITLAB_TOKEN set. Needs `@gitbeaker/rest` installed (`npm install @gitbeaker/rest`).
 */
export class GitLabRegistry extends pulumi.dynamic.Resource {
  /** The project's numeric ID. */
  declare readonly projectId: pulumi.Output<number>;
  /** The project's full path. */
  declare readonly projectPath: pulumi.Output<string>;
  /** The registry's host, e.g. `registry.gitlab.example.com`. */
  declare readonly registryHost: pulumi.Output<string>;
  /** Where the project's images live: `<registry host>/<project path>`. */
  declare readonly imagePrefix: pulumi.Output<string>;
  /** The container registry's access level that is set. */
  declare readonly accessLevel: pulumi.Output<RegistryAccessLevel>;

  constructor(name: string, args: GitLabRegistryArgs, opts?: pulumi.CustomResourceOptions) {
    requireGitbeaker(`GitLabRegistry ${name}`);
    super(
      dynamicProvider("gitlab:registry", registryProvider),
      name,
      {
        connection: secretConnection(args.connection),
        project: args.project,
        accessLevel: args.accessLevel ?? registryDefaults.accessLevel,
        cleanupPolicy: args.cleanupPolicy,
        adopt: args.adopt ?? registryDefaults.adopt,
        projectId: undefined,
        projectPath: undefined,
        registryHost: undefined,
        imagePrefix: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      gitlabModule,
      "GitLabRegistry",
    );
  }
}
