import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import {
  type DeployTokenScope,
  deployTokenDefaults,
  deployTokenProvider,
} from "../../../provider/gitlab/deploy-token";
import { type GitLabConnection, gitlabModule, requireGitbeaker, secretConnection } from "./connection";

export type { DeployTokenScope } from "../../../provider/gitlab/deploy-token";

/** Arguments of {@link GitLabDeployToken}. */
export interface GitLabDeployTokenArgs {
  /** The GitLab instance and the token to manage it with. */
  connection: pulumi.Input<GitLabConnection>;
  /** The project: its numeric ID or its full path (`group/app`). */
  project: pulumi.Input<string | number>;
  /**
   * The token's name in GitLab.
   * @default the resource name
   */
  name?: pulumi.Input<string>;
  /** What it may do, e.g. `["read_registry"]` to pull or `["read_registry", "write_registry"]` to push. */
  scopes: pulumi.Input<pulumi.Input<DeployTokenScope>[]>;
  /**
   * Expiry date, `YYYY-MM-DD`.
   * @default "" (never)
   */
  expiresAt?: pulumi.Input<string>;
  /**
   * The user name it logs in with.
   * @default "" (GitLab's `gitlab+deploy-token-<id>`)
   */
  username?: pulumi.Input<string>;
}

/**
 * A project deploy token, e.g. for clusters that pull the project's images. GitLab cannot change a
 * deploy token, so any change replaces it: the new token is made before the old one is revoked. Its
 * token exists only in GitLab's create answer and lives in state as a Pulumi secret. A token revoked
 * or expired in GitLab reads as gone at refresh, and the next `up` makes a new one. Import with
 * `pulumi import pulumi-nodejs:dynamic/berth/gitlab:GitLabDeployToken <name> <project>/<token ID>`
 * (GITLAB_URL, GITLAB_TOKEN set): the token is then "" and the program must give the same username.
 * Needs `@gitbeaker/rest` installed.
 */
export class GitLabDeployToken extends pulumi.dynamic.Resource {
  /** The numeric ID of the project the token belongs to. */
  declare readonly projectId: pulumi.Output<number>;
  /** The deploy token's ID in GitLab. */
  declare readonly tokenId: pulumi.Output<number>;
  /** The token (secret): the password for `docker login`. */
  declare readonly token: pulumi.Output<string>;
  /** The user name for `docker login`. */
  declare readonly registryUsername: pulumi.Output<string>;
  /** The registry's host, from the connection. */
  declare readonly registryHost: pulumi.Output<string>;

  constructor(name: string, args: GitLabDeployTokenArgs, opts?: pulumi.CustomResourceOptions) {
    requireGitbeaker(`GitLabDeployToken ${name}`);
    super(
      dynamicProvider("gitlab:deploy-token", deployTokenProvider),
      name,
      {
        connection: secretConnection(args.connection),
        project: args.project,
        name: args.name ?? name,
        scopes: args.scopes,
        expiresAt: args.expiresAt ?? deployTokenDefaults.expiresAt,
        username: args.username ?? deployTokenDefaults.username,
        projectId: undefined,
        tokenId: undefined,
        token: undefined,
        registryUsername: undefined,
        registryHost: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection", "token"],
      },
      gitlabModule,
      "GitLabDeployToken",
    );
  }
}
