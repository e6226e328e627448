import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import type { AccessToken, NewAccessToken } from "./api-types";
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
  projectIdOf,
  projectProblem,
  removeFromProject,
} from "./common";

/** The scopes GitLab gives project access tokens. */
export const accessTokenScopes = [
  "api",
  "read_api",
  "read_registry",
  "write_registry",
  "read_repository",
  "write_repository",
  "create_runner",
  "manage_runner",
  "ai_features",
  "k8s_proxy",
  "self_rotate",
] as const;
/** A scope GitLab grants project access tokens. */
export type AccessTokenScope = (typeof accessTokenScopes)[number];

/** The roles a project access token can have: Guest, Planner, Reporter, Developer, Maintainer, Owner. */
export const accessTokenLevels = [10, 15, 20, 30, 40, 50] as const;

/** GitLab's longest token lifetime. */
export const maxLifetimeDays = 365;

/** A project access token as Berth manages it. */
export interface AccessTokenInputs {
  connection: GitLabConnection;
  project: string | number;
  name: string;
  description: string;
  scopes: AccessTokenScope[];
  accessLevel: number;
  /** A fixed expiry date, `YYYY-MM-DD`; "" when `lifetimeDays` sets it. */
  expiresAt: string;
  /** Days each token (the first and every rotation's) is valid for; 0 when `expiresAt` is fixed. */
  lifetimeDays: number;
  /** With `lifetimeDays`: an `up` this many days or fewer before expiry rotates the token. */
  rotateBeforeDays: number;
  /** Any value: a change rotates the token. */
  rotate: string;
}

export interface AccessTokenOutputs extends AccessTokenInputs {
  projectId: number;
  /** The current token's ID: rotation gives the token a new one (the resource's ID stays). */
  tokenId: number;
  /** The token (secret): GitLab shows it only when it is created or rotated. */
  token: string;
  /** When the current token expires, `YYYY-MM-DD`. */
  tokenExpiresAt: string;
  /** A user name for `docker login`: GitLab accepts any with an access token; this is the token's name. */
  registryUsername: string;
  registryHost: string;
}

export const accessTokenDefaults = { description: "", accessLevel: 30, expiresAt: "", rotate: "" } as const;

/** GitLab cannot change these on a token: a change replaces it. */
const replacedBy = ["project", "name", "description", "scopes", "accessLevel"] as const;
/** These rotate the token in place. */
const rotatedBy = ["expiresAt", "lifetimeDays", "rotate"] as const;

/** Today plus `days`, as `YYYY-MM-DD` (UTC). */
export function daysFromToday(days: number, now = Date.now()): string {
  return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whether the token expiring on `expiresAt` is `beforeDays` days or fewer from expiry. */
export function dueForRotation(expiresAt: string, beforeDays: number, now = Date.now()): boolean {
  return beforeDays > 0 && expiresAt !== "" && expiresAt <= daysFromToday(beforeDays, now);
}

const expiryOf = (inputs: AccessTokenInputs) => inputs.expiresAt || daysFromToday(inputs.lifetimeDays);

function integerProblem(property: string, value: unknown, min: number, max: number): CheckFailure[] {
  if (
    isUnknown(value) ||
    (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)
  )
    return [];
  return [{ property, reason: `${JSON.stringify(value)} must be a whole number from ${min} to ${max}` }];
}

function scopesProblems(scopes: unknown): CheckFailure[] {
  if (isUnknown(scopes)) return [];
  if (!Array.isArray(scopes) || scopes.length === 0)
    return [{ property: "scopes", reason: `must list at least one of ${accessTokenScopes.join(", ")}` }];
  return scopes.flatMap((s: unknown, i) =>
    isUnknown(s) || accessTokenScopes.includes(s as AccessTokenScope)
      ? []
      : [
          {
            property: `scopes[${i}]`,
            reason: `${JSON.stringify(s)} is not an access token scope (${accessTokenScopes.join(", ")})`,
          },
        ],
  );
}

/** Fills in the expiry fields: a fixed date, or a lifetime (30 days) renewed ahead of expiry. */
function expiryInputs(
  news: Partial<AccessTokenInputs>,
): Pick<AccessTokenInputs, "lifetimeDays" | "rotateBeforeDays"> {
  const fixed = news.expiresAt !== undefined && news.expiresAt !== "";
  const lifetimeDays = news.lifetimeDays ?? (fixed ? 0 : 30);
  const rotateBeforeDays =
    news.rotateBeforeDays ??
    (fixed || isUnknown(lifetimeDays) ? 0 : Math.min(7, Math.max(0, lifetimeDays - 1)));
  return { lifetimeDays, rotateBeforeDays };
}

function expiryProblems(inputs: AccessTokenInputs): CheckFailure[] {
  const { expiresAt, lifetimeDays, rotateBeforeDays } = inputs;
  const failures = [
    ...dateProblem("expiresAt", expiresAt, true),
    ...integerProblem("lifetimeDays", lifetimeDays, 0, maxLifetimeDays),
    ...integerProblem("rotateBeforeDays", rotateBeforeDays, 0, maxLifetimeDays),
  ];
  if (failures.length > 0 || !isKnown([expiresAt, lifetimeDays, rotateBeforeDays])) return failures;
  if ((expiresAt === "") === (lifetimeDays === 0))
    failures.push({
      property: "lifetimeDays",
      reason: "set either expiresAt (a fixed date) or lifetimeDays, not both",
    });
  else if (expiresAt !== "" && rotateBeforeDays > 0)
    failures.push({
      property: "rotateBeforeDays",
      reason: "rotates ahead of a lifetime: use it with lifetimeDays, not expiresAt",
    });
  else if (lifetimeDays > 0 && rotateBeforeDays >= lifetimeDays)
    failures.push({
      property: "rotateBeforeDays",
      reason: `must be less than lifetimeDays (${lifetimeDays}), or every up would rotate`,
    });
  return failures;
}

/** The token's fields as the inputs spell them. */
function asWritten(token: AccessToken) {
  return {
    name: token.name,
    description: token.description ?? "",
    scopes: [...token.scopes].sort() as AccessTokenScope[],
    accessLevel: token.access_level,
  };
}

function outputsOf(inputs: AccessTokenInputs, projectId: number, token: NewAccessToken): AccessTokenOutputs {
  return {
    ...inputs,
    projectId,
    tokenId: token.id,
    token: token.token,
    tokenExpiresAt: datePart(token.expires_at),
    registryUsername: inputs.name,
    registryHost: registryHostOf(inputs.connection),
  };
}

/**
 * The dynamic provider for project access tokens. Scopes, role, name and description cannot change
 * on a GitLab token: a change replaces it. Its expiry changes by rotation (GitLab's rotate endpoint
 * revokes the token and answers with a new one, which state keeps, secret): a new `rotate` value, a
 * new `expiresAt` or `lifetimeDays`, or an `up` within `rotateBeforeDays` of expiry rotates it in
 * place. A token revoked or expired in GitLab reads as gone. Identity is `<project ID>/<first token
 * ID>`; the current token's ID is `tokenId`.
 */
export const accessTokenProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: AccessTokenInputs, news: AccessTokenInputs) {
    const inputs = { ...accessTokenDefaults, ...news, ...expiryInputs(news) } as AccessTokenInputs;
    const failures: CheckFailure[] = [
      ...connectionProblems(inputs.connection),
      ...projectProblem(inputs.project),
      ...scopesProblems(inputs.scopes),
      ...expiryProblems(inputs),
    ];
    if (!isUnknown(inputs.name) && !(typeof inputs.name === "string" && inputs.name.trim().length > 0))
      failures.push({ property: "name", reason: "must be a non-empty string" });
    if (!isUnknown(inputs.accessLevel) && !accessTokenLevels.includes(inputs.accessLevel as never))
      failures.push({
        property: "accessLevel",
        reason: `${JSON.stringify(inputs.accessLevel)} is not one of GitLab's levels: ${accessTokenLevels.join(", ")}`,
      });
    if (failures.length === 0 && isKnown(inputs.scopes)) inputs.scopes = [...new Set(inputs.scopes)].sort();
    return { inputs, failures };
  },

  async diff(_id: string, olds: AccessTokenOutputs, news: AccessTokenInputs) {
    const replaces = replacedBy.filter(
      (k) => isKnown(news[k]) && changedKeys<AccessTokenInputs>(olds, news, [k]).length > 0,
    );
    const changed = changedKeys<AccessTokenInputs>(olds, news, [
      "connection",
      "rotateBeforeDays",
      ...replacedBy,
      ...rotatedBy,
    ]);
    const due =
      isKnown(news.rotateBeforeDays) && dueForRotation(olds.tokenExpiresAt ?? "", news.rotateBeforeDays);
    return { changes: changed.length > 0 || due, replaces };
  },

  async create(inputs: AccessTokenInputs) {
    const what = `gitlab access token ${inputs.project}/${inputs.name}`;
    const client = gitlabClient(inputs.connection);
    try {
      const projectId = await projectIdOf(client, inputs.project);
      const created = await client.createAccessToken(projectId, {
        name: inputs.name,
        description: inputs.description,
        scopes: inputs.scopes,
        access_level: inputs.accessLevel,
        expires_at: expiryOf(inputs),
      });
      return { id: objectId(projectId, created.id), outs: outputsOf(inputs, projectId, created) };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  /**
   * Reads the current token back; revoked, expired or deleted in GitLab, it is gone. With empty props
   * (`pulumi import <type> <name> <project ID or path>/<token ID>`), the connection comes from
   * GITLAB_URL and GITLAB_TOKEN, the token's expiry becomes a fixed `expiresAt`, and the token is ""
   * until it is rotated.
   */
  async read(id: string, props: Partial<AccessTokenOutputs>) {
    const what = `gitlab access token ${props.project ?? ""}/${props.name ?? id}`;
    const located = await findInProject(id, props, props.tokenId, what, (client, projectId, tokenId) =>
      client.getAccessToken(projectId, tokenId),
    );
    if (!located) return {};
    const { connection, project, projectId, found } = located;
    if (found.revoked || !found.active) return {};
    const imported = props.name === undefined;
    const inputs: AccessTokenInputs = {
      ...accessTokenDefaults,
      ...props,
      connection,
      project: props.project ?? project,
      ...asWritten(found),
      ...(imported ? { expiresAt: datePart(found.expires_at), lifetimeDays: 0, rotateBeforeDays: 0 } : {}),
    } as AccessTokenInputs;
    const outs: AccessTokenOutputs = {
      ...props,
      ...inputs,
      projectId,
      tokenId: found.id,
      token: props.token ?? "",
      tokenExpiresAt: datePart(found.expires_at),
      registryUsername: inputs.name,
      registryHost: registryHostOf(connection),
    };
    return imported ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(_id: string, olds: AccessTokenOutputs, news: AccessTokenInputs) {
    const what = `gitlab access token ${news.project}/${news.name}`;
    const rotating =
      changedKeys<AccessTokenInputs>(olds, news, rotatedBy).length > 0 ||
      dueForRotation(olds.tokenExpiresAt, news.rotateBeforeDays);
    if (!rotating) return { outs: { ...olds, ...news, registryHost: registryHostOf(news.connection) } };
    try {
      const rotated = await gitlabClient(news.connection).rotateAccessToken(
        olds.projectId,
        olds.tokenId,
        expiryOf(news),
      );
      return { outs: outputsOf(news, olds.projectId, rotated) };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  async delete(id: string, props: AccessTokenOutputs) {
    const what = `gitlab access token ${props.project ?? ""}/${props.name ?? id}`;
    await removeFromProject(id, props, props.tokenId, what, (client, project, objectId) =>
      client.revokeAccessToken(project, objectId),
    );
  },
};
