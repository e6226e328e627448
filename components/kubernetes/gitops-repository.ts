/**
 * The repositories an Argo CD project deploys from, with their credentials: types of their own, free of
 * the Kubernetes SDK, so that `Tenant` can name them for users who do not install it.
 */
import type * as pulumi from "@pulumi/pulumi";

/** HTTPS credentials of a Git or Helm repository: a user name and a token (or password). */
export interface GitOpsHttpsCredentials {
  /** The user name; many hosts accept any non-empty name with a token. */
  username: pulumi.Input<string>;
  /** The token or password. Secret: kept in state and in the repository Secret as a Pulumi secret. */
  token: pulumi.Input<string>;
}

/** SSH credentials of a Git repository. */
export interface GitOpsSshCredentials {
  /** The private key, in OpenSSH or PEM form. Secret: kept as a Pulumi secret. */
  sshPrivateKey: pulumi.Input<string>;
}

/** A repository a project may deploy from, with the credentials Argo CD needs to read it. */
export interface GitOpsRepository {
  /** The repository's URL: `https://...` or `git@host:org/repo.git` for Git, or a Helm repository URL. */
  url: string;
  /**
   * `git` (the default) or `helm` (a chart repository).
   * @default "git"
   */
  type?: "git" | "helm";
  /** The credentials; none for a public repository. */
  credentials?: GitOpsHttpsCredentials | GitOpsSshCredentials;
}
