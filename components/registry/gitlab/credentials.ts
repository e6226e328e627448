import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../../cluster";

/** A GitLab token that can log in to the container registry. */
export interface GitLabRegistryToken {
  /** The container registry's host. */
  registryHost: pulumi.Input<string>;
  /** The user name the registry accepts with this token. */
  registryUsername: pulumi.Input<string>;
  /** The token; kept secret. */
  token: pulumi.Input<string>;
}

/**
 * Registry credentials from a `GitLabDeployToken` or a `GitLabProjectAccessToken`, for any cluster's
 * `registryAuth`: the registry host given in the token's connection (`registryHost`, default the
 * GitLab URL's host), the token's user name, and the token as the password. The result is a Pulumi
 * secret, so the password stays secret wherever it goes.
 *
 * ```ts
 * const pull = new GitLabDeployToken("pull", { connection, project: "group/app", scopes: ["read_registry"] });
 * new ContainerService("api", { cluster, image, registryAuth: gitlabCredentials(pull) });
 * ```
 */
export function gitlabCredentials(token: GitLabRegistryToken): pulumi.Output<RegistryCredentials> {
  return pulumi.secret(
    pulumi
      .all([token.registryHost, token.registryUsername, token.token])
      .apply(([server, username, password]) => ({ server, username, password })),
  );
}
