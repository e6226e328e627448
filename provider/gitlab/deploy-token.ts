import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import type { DeployToken } from "./api-types";
import { type GitLabConnection, gitlabClient, registryHostOf } from "./client";
import {
  aboutObject,
  changedKeys,
  type CheckFailure,
  connectionProblems,
  datePart,
  dateProblem,
  findInProject,
  objectId,
  projectProblem,
  removeFromProject,
} from "./common";

/** The scopes GitLab gives project deploy tokens. */
export const deployTokenScopes = [
  "read_repository",
  "read_registry",
  "write_registry",
  "read_package_registry",
  "write_package_registry",
  "read_virtual_registry",
  "write_virtual_registry",
] as const;
/** A registry scope of a deploy token. */
export type DeployTokenScope = (typeof deployTokenScopes)[number];

/** A project deploy token as Berth manages it. */
export interface DeployTokenInputs {
  connection: GitLabConnection;
  project: string | number;
  name: string;
  scopes: DeployTokenScope[];
  /** `YYYY-MM-DD`; "" never expires. */
  expiresAt: string;
  /** The name the token logs in with; "" lets GitLab choose (`gitlab+deploy-token-<id>`). */
  username: string;
}

export interface DeployTokenOutputs extends DeployTokenInputs {
  projectId: number;
  tokenId: number;
  /** The token: GitLab shows it only in the create answer, so state is the only place it is kept. */
  token: string;
  /** The user name to log in to the registry with. */
  registryUsername: string;
  registryHost: string;
}

export const deployTokenDefaults = { expiresAt: "", username: "" } as const;

/** GitLab cannot change a deploy token: every one of these replaces it. */
const replacedBy = ["project", "name", "scopes", "expiresAt", "username"] as const;

const usernamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

function scopesProblems(scopes: unknown): CheckFailure[] {
  if (isUnknown(scopes)) return [];
  if (!Array.isArray(scopes) || scopes.length === 0)
    return [{ property: "scopes", reason: `must list at least one of ${deployTokenScopes.join(", ")}` }];
  return scopes.flatMap((s: unknown, i) =>
    isUnknown(s) || deployTokenScopes.includes(s as DeployTokenScope)
      ? []
      : [
          {
            property: `scopes[${i}]`,
            reason: `${JSON.stringify(s)} is not a deploy token scope (${deployTokenScopes.join(", ")})`,
          },
        ],
  );
}

/** The token's fields as the inputs spell them. */
function asWritten(token: DeployToken) {
  return {
    name: token.name,
    scopes: [...token.scopes].sort() as DeployTokenScope[],
    expiresAt: datePart(token.expires_at),
  };
}

/**
 * The dynamic provider for project deploy tokens. GitLab cannot update a deploy token, so any change
 * but the connection replaces it (the new one is made before the old one is revoked). Its token is in
 * the create answer only and lives in state (secret). A token revoked or expired in GitLab reads as
 * gone, so the next `up` makes a new one. Identity is `<project ID>/<token ID>`.
 */
export const deployTokenProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: DeployTokenInputs, news: DeployTokenInputs) {
    const inputs = { ...deployTokenDefaults, ...news } as DeployTokenInputs;
    const failures: CheckFailure[] = [
      ...connectionProblems(inputs.connection),
      ...projectProblem(inputs.project),
      ...scopesProblems(inputs.scopes),
      ...dateProblem("expiresAt", inputs.expiresAt, true),
    ];
    if (!isUnknown(inputs.name) && !(typeof inputs.name === "string" && inputs.name.trim().length > 0))
      failures.push({ property: "name", reason: "must be a non-empty string" });
    const username: unknown = inputs.username;
    if (
      !isUnknown(username) &&
      !(username === "" || (typeof username === "string" && usernamePattern.test(username)))
    )
      failures.push({
        property: "username",
        reason: `${JSON.stringify(username)} must start with a letter or digit and hold only letters, digits, "_", ".", "+" and "-"`,
      });
    if (failures.length === 0 && isKnown(inputs.scopes)) inputs.scopes = [...new Set(inputs.scopes)].sort();
    return { inputs, failures };
  },

  async diff(_id: string, olds: DeployTokenOutputs, news: DeployTokenInputs) {
    const replaces = replacedBy.filter(
      (k) => isKnown(news[k]) && changedKeys<DeployTokenInputs>(olds, news, [k]).length > 0,
    );
    const changed = changedKeys<DeployTokenInputs>(olds, news, ["connection", ...replacedBy]);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: DeployTokenInputs) {
    const what = `gitlab deploy token ${inputs.project}/${inputs.name}`;
    const client = gitlabClient(inputs.connection);
    try {
      const project = await client.getProject(inputs.project);
      const created = await client.createDeployToken(project.id, {
        name: inputs.name,
        scopes: inputs.scopes,
        expires_at: inputs.expiresAt,
        username: inputs.username,
      });
      const outs: DeployTokenOutputs = {
        ...inputs,
        projectId: project.id,
        tokenId: created.id,
        token: created.token,
        registryUsername: created.username,
        registryHost: registryHostOf(inputs.connection),
      };
      return { id: objectId(project.id, created.id), outs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  /**
   * Reads the token back; revoked, expired or deleted in GitLab, it is gone. With empty props
   * (`pulumi import <type> <name> <project ID or path>/<token ID>`), the connection comes from
   * GITLAB_URL and GITLAB_TOKEN, and the token is "" (GitLab never shows it again): replace it to
   * get one.
   */
  async read(id: string, props: Partial<DeployTokenOutputs>) {
    const what = `gitlab deploy token ${props.project ?? ""}/${props.name ?? id}`;
    const located = await findInProject(id, props, props.tokenId, what, (client, projectId, tokenId) =>
      client.getDeployToken(projectId, tokenId),
    );
    if (!located) return {};
    const { connection, project, projectId, found } = located;
    if (found.revoked || found.expired) return {};
    const inputs: DeployTokenInputs = {
      ...props,
      connection,
      project: props.project ?? project,
      ...asWritten(found),
      username: props.username ?? found.username,
    };
    const outs: DeployTokenOutputs = {
      ...props,
      ...inputs,
      projectId,
      tokenId: found.id,
      token: props.token ?? "",
      registryUsername: found.username,
      registryHost: registryHostOf(connection),
    };
    return props.name === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  /** Only a new connection reaches here (everything else replaces): nothing to tell GitLab. */
  async update(_id: string, olds: DeployTokenOutputs, news: DeployTokenInputs) {
    return { outs: { ...olds, ...news, registryHost: registryHostOf(news.connection) } };
  },

  async delete(id: string, props: DeployTokenOutputs) {
    const what = `gitlab deploy token ${props.project ?? ""}/${props.name ?? id}`;
    await removeFromProject(id, props, props.tokenId, what, (client, project, objectId) =>
      client.deleteDeployToken(project, objectId),
    );
  },
};
