import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import {
  type AccessTokenScope,
  accessTokenDefaults,
  accessTokenProvider,
} from "../../../provider/gitlab/access-token";
import { type GitLabConnection, gitlabModule, requireGitbeaker, secretConnection } from "./connection";

export type { AccessTokenScope } from "../../../provider/gitlab/access-token";

/** Arguments of {@link GitLabProjectAccessToken}. */
export interface GitLabProjectAccessTokenArgs {
  /** The GitLab instance and the token to manage it with. */
  connection: pulumi.Input<GitLabConnection>;
  /** The project: its numeric ID or its full path (`group/app`). */
  project: pulumi.Input<string | number>;
  /**
   * The token's name in GitLab (and the user name it logs in to the registry with).
   * @default the resource name
   */
  name?: pulumi.Input<string>;
  /** @default "" */
  description?: pulumi.Input<string>;
  /** What it may do, e.g. `["read_registry"]`, `["read_registry", "write_registry"]`. */
  scopes: pulumi.Input<pulumi.Input<AccessTokenScope>[]>;
  /**
   * The role of the token's bot user: 10 Guest, 15 Planner, 20 Reporter, 30 Developer, 40 Maintainer, 50
   * Owner. Pulling images needs Reporter, pushing Developer.
   * @default 30
   */
  accessLevel?: pulumi.Input<number>;
  /**
   * A fixed expiry date, `YYYY-MM-DD` (instead of `lifetimeDays`).
   * @default ""
   */
  expiresAt?: pulumi.Input<string>;
  /**
   * Days each token is valid, counted from its creation or rotation (at most 365).
   * @default 30 unless `expiresAt` is set
   */
  lifetimeDays?: pulumi.Input<number>;
  /**
   * With `lifetimeDays`: an `up` this many days or fewer before expiry rotates the token. 0 never.
   * @default 7 (less for short lifetimes)
   */
  rotateBeforeDays?: pulumi.Input<number>;
  /**
   * Any value; changing it rotates the token now.
   * @default ""
   */
  rotate?: pulumi.Input<string>;
}

/**
 * A project access token. Its token lives in state as a Pulumi secret (GitLab shows it only when it
 * is created or rotated). Rotation uses GitLab's rotate endpoint, which revokes the old token and
 * issues a new one, in place: when `rotate` changes, when `expiresAt` or `lifetimeDays` changes, and
 * on any `up` within `rotateBeforeDays` of expiry. Scopes, role, name and description cannot change on
 * a GitLab token: a change replaces it (new first). A token revoked or expired in GitLab reads as gone.
 * Import with `pulumi import pulumi-nodejs:dynamic/berth/gitlab:GitLabProjectAccessToken <name>
 * <project>/<token ID>` (GITLAB_URL, GITLAB_TOKEN set): its expiry becomes a fixed `expiresAt` and
 * the token is "" until rotated. Needs `@gitbeaker/rest` installed.
 */
export class GitLabProjectAccessToken extends pulumi.dynamic.Resource {
  /** The numeric ID of the project the token belongs to. */
  declare readonly projectId: pulumi.Output<number>;
  /** The current token's ID (rotation gives it a new one). */
  declare readonly tokenId: pulumi.Output<number>;
  /** The token (secret). */
  declare readonly token: pulumi.Output<string>;
  /** When the current token expires, `YYYY-MM-DD`. */
  declare readonly tokenExpiresAt: pulumi.Output<string>;
  /** A user name for `docker login` (GitLab takes any with an access token): the token's name. */
  declare readonly registryUsername: pulumi.Output<string>;
  /** The registry's host, from the connection. */
  declare readonly registryHost: pulumi.Output<string>;

  constructor(name: string, args: GitLabProjectAccessTokenArgs, opts?: pulumi.CustomResourceOptions) {
    requireGitbeaker(`GitLabProjectAccessToken ${name}`);
    super(
      dynamicProvider("gitlab:access-token", accessTokenProvider),
      name,
      {
        connection: secretConnection(args.connection),
        project: args.project,
        name: args.name ?? name,
        description: args.description ?? accessTokenDefaults.description,
        scopes: args.scopes,
        accessLevel: args.accessLevel ?? accessTokenDefaults.accessLevel,
        expiresAt: args.expiresAt ?? accessTokenDefaults.expiresAt,
        lifetimeDays: args.lifetimeDays,
        rotateBeforeDays: args.rotateBeforeDays,
        rotate: args.rotate ?? accessTokenDefaults.rotate,
        projectId: undefined,
        tokenId: undefined,
        token: undefined,
        tokenExpiresAt: undefined,
        registryUsername: undefined,
        registryHost: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection", "token"],
      },
      gitlabModule,
      "GitLabProjectAccessToken",
    );
  }
}
