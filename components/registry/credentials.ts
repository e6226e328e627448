import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import { gitlabCredentials, type GitLabRegistryToken } from "./gitlab/credentials";
import type { HarborRobotAccount } from "./harbor/robot-account";

/** A Harbor robot account, and the Harbor it belongs to. */
export interface RobotCredentialsSource {
  /** The Harbor robot account whose name and secret log in. */
  robot: HarborRobotAccount;
  /**
   * The Harbor: a `HarborRegistry`, a `HarborConnection`, or anything else with its base URL. The
   * registry host is the URL's host and port.
   */
  harbor: { url: pulumi.Input<string> };
}

/** Credentials given as they are. */
export interface GivenCredentialsSource {
  /** The registry host, as in image references (`registry.example.com`, `127.0.0.1:5000`); a URL is cut to its host. */
  server: pulumi.Input<string>;
  /** The user name to log in with. */
  username: pulumi.Input<string>;
  /** The password or token to log in with; kept secret. */
  password: pulumi.Input<string>;
}

/** A `GitLabDeployToken` or `GitLabProjectAccessToken` (anything with a registry host, user name and token). */
export type GitLabTokenSource = GitLabRegistryToken;

/** What {@link credentialsFor} makes registry credentials from. */
export type CredentialsSource = RobotCredentialsSource | GitLabTokenSource | GivenCredentialsSource;

/** The registry host of `server`: a URL's host and port, or `server` itself when it is a host. */
export function registryHost(server: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? new URL(server).host : server.replace(/\/+$/, "");
}

/**
 * Pull (or push) credentials that every cluster kind takes as `registryAuth`: Swarm sends them in
 * `X-Registry-Auth`, Kubernetes puts them in a dockerconfigjson Secret named in `imagePullSecrets`,
 * ECS keeps them in Secrets Manager for `repositoryCredentials`. The result is a Pulumi secret, so
 * the password stays secret in state wherever it goes.
 *
 * ```ts
 * const robot = new HarborRobotAccount("pull", { connection: harbor.connection, project: "apps", access });
 * new ContainerService("api", { cluster, image, registryAuth: credentialsFor({ robot, harbor }) });
 * const deploy = new GitLabDeployToken("pull", { connection, project: "group/app", scopes: ["read_registry"] });
 * new ContainerService("app", { cluster, image, registryAuth: credentialsFor(deploy) });
 * new ContainerService("web", { cluster, image, registryAuth: credentialsFor({ server, username, password }) });
 * ```
 *
 * @param source - A Harbor robot account (it logs in as its `robot$<project>+<name>` with its
 *   secret, at the Harbor's host), a GitLab deploy token or project access token (its registry user
 *   name and token, at its connection's registry host, as `gitlabCredentials` gives them), or given
 *   credentials.
 */
export function credentialsFor(source: CredentialsSource): pulumi.Output<RegistryCredentials> {
  if ("registryUsername" in source) return gitlabCredentials(source);
  const parts =
    "robot" in source
      ? { server: source.harbor.url, username: source.robot.fullName, password: source.robot.secret }
      : source;
  return pulumi.secret(
    pulumi.all([parts.server, parts.username, parts.password]).apply(([server, username, password]) => ({
      server: registryHost(server),
      username,
      password,
    })),
  );
}
