import * as pulumi from "@pulumi/pulumi";
import { missingPeersMessage } from "../../peer-packages";

/** How Berth reaches a GitLab. */
export interface GitLabConnection {
  /** GitLab's base URL, e.g. `https://gitlab.example.com` (the API lives under `/api/v4`). */
  url: pulumi.Input<string>;
  /**
   * A personal, group or project access token with the `api` scope and the Maintainer role (or
   * higher) in the projects it manages. Kept secret in state whether or not it was given as a secret.
   */
  token: pulumi.Input<string>;
  /**
   * The container registry's host as image references name it, e.g. `registry.gitlab.example.com`.
   * @default the host of `url`
   */
  registryHost?: pulumi.Input<string>;
  /**
   * Sends the token over plain `http://`, unencrypted.
   * @default false: an `http://` url is refused at preview (and so is a url with `user:password@`, always)
   */
  allowInsecureHttp?: pulumi.Input<boolean>;
}

/** The connection as a resource input: secret as a whole, because it carries the token. */
export function secretConnection(connection: pulumi.Input<GitLabConnection>) {
  return pulumi.secret(
    pulumi.output(connection).apply((c) => ({
      url: c.url,
      token: c.token,
      ...(c.registryHost ? { registryHost: c.registryHost } : {}),
      ...(c.allowInsecureHttp !== undefined ? { allowInsecureHttp: c.allowInsecureHttp } : {}),
    })),
  );
}

/** The Pulumi type token module of Berth's GitLab resources. */
export const gitlabModule = "berth/gitlab";

/**
 * Fails, naming `what` and the command that fixes it, unless `@gitbeaker/rest` is installed: Berth's
 * GitLab resources talk to GitLab through it, and leave it to the programs that use them.
 */
export function requireGitbeaker(what: string): void {
  const missing = missingPeersMessage(what, ["@gitbeaker/rest"]);
  if (missing) throw new Error(missing);
}
