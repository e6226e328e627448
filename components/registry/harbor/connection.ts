import * as pulumi from "@pulumi/pulumi";

/** How Berth reaches a Harbor: its base URL and an account allowed to manage projects. */
export interface HarborConnection {
  /** Harbor's base URL, e.g. `https://harbor.example.com` (the API lives under `/api/v2.0`). */
  url: pulumi.Input<string>;
  /** An administrator, or an account with the rights the resources need. */
  username: pulumi.Input<string>;
  /** The account's password. Kept secret in state whether or not it was given as a secret. */
  password: pulumi.Input<string>;
  /**
   * Sends the password over plain `http://`, unencrypted.
   * @default false: an `http://` url is refused at preview (and so is a url with `user:password@`, always)
   */
  allowInsecureHttp?: pulumi.Input<boolean>;
}

/** The connection as a resource input: secret as a whole, because it carries the password. */
export function secretConnection(connection: pulumi.Input<HarborConnection>) {
  return pulumi.secret(
    pulumi.output(connection).apply((c) => ({
      url: c.url,
      username: c.username,
      password: c.password,
      ...(c.allowInsecureHttp !== undefined ? { allowInsecureHttp: c.allowInsecureHttp } : {}),
    })),
  );
}

/** The Pulumi type token module of Berth's Harbor resources. */
export const harborModule = "berth/harbor";
