import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../shared/unknowns";
import type { ProtectionAccessLevel, ProtectionRule, ProtectionRuleBody } from "./api-types";
import { type GitLabConnection, gitlabClient } from "./client";
import {
  aboutObject,
  changedKeys,
  type CheckFailure,
  connectionProblems,
  findInProject,
  objectId,
  projectIdOf,
  projectProblem,
  removeFromProject,
} from "./common";

/** The roles a rule can require; "" requires none beyond GitLab's usual Developer. */
export const protectionAccessLevels = ["maintainer", "owner", "admin"] as const;

/** A container repository protection rule as Berth manages it. */
export interface ProtectionRuleInputs {
  connection: GitLabConnection;
  project: string | number;
  /** The repositories protected, e.g. `group/app/release*`: the project's path, then `*` wildcards. */
  repositoryPathPattern: string;
  minimumAccessLevelForPush: ProtectionAccessLevel | "";
  minimumAccessLevelForDelete: ProtectionAccessLevel | "";
}

export interface ProtectionRuleOutputs extends ProtectionRuleInputs {
  projectId: number;
  ruleId: number;
}

export const protectionRuleDefaults = {
  minimumAccessLevelForPush: "maintainer",
  minimumAccessLevelForDelete: "maintainer",
} as const;

const updatedInPlace = [
  "connection",
  "repositoryPathPattern",
  "minimumAccessLevelForPush",
  "minimumAccessLevelForDelete",
] as const;

const patternCharacters = /^[a-z0-9][a-z0-9._/*-]*$/;

function bodyOf(inputs: ProtectionRuleInputs): ProtectionRuleBody {
  return {
    repository_path_pattern: inputs.repositoryPathPattern,
    minimum_access_level_for_push: inputs.minimumAccessLevelForPush || null,
    minimum_access_level_for_delete: inputs.minimumAccessLevelForDelete || null,
  };
}

function asWritten(rule: ProtectionRule) {
  return {
    repositoryPathPattern: rule.repository_path_pattern,
    minimumAccessLevelForPush: rule.minimum_access_level_for_push ?? "",
    minimumAccessLevelForDelete: rule.minimum_access_level_for_delete ?? "",
  } satisfies Partial<ProtectionRuleInputs>;
}

function patternProblems(inputs: ProtectionRuleInputs): CheckFailure[] {
  const pattern: unknown = inputs.repositoryPathPattern;
  if (isUnknown(pattern)) return [];
  if (!(typeof pattern === "string" && pattern.length <= 255 && patternCharacters.test(pattern)))
    return [
      {
        property: "repositoryPathPattern",
        reason: `${JSON.stringify(pattern)} must be a lower-case repository path (letters, digits, ".", "_", "-", "/") with "*" wildcards`,
      },
    ];
  const project: unknown = inputs.project;
  if (typeof project === "string" && project.includes("/") && !pattern.startsWith(project.toLowerCase()))
    return [
      {
        property: "repositoryPathPattern",
        reason: `${JSON.stringify(pattern)} must start with the project's path ${project.toLowerCase()}`,
      },
    ];
  return [];
}

function levelProblems(inputs: ProtectionRuleInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of ["minimumAccessLevelForPush", "minimumAccessLevelForDelete"] as const) {
    const value: unknown = inputs[key];
    if (!isUnknown(value) && value !== "" && !protectionAccessLevels.includes(value as ProtectionAccessLevel))
      failures.push({
        property: key,
        reason: `${JSON.stringify(value)} is not one of GitLab's roles: ${protectionAccessLevels.join(", ")}, or ""`,
      });
  }
  if (
    failures.length === 0 &&
    inputs.minimumAccessLevelForPush === "" &&
    inputs.minimumAccessLevelForDelete === ""
  )
    failures.push({
      property: "minimumAccessLevelForPush",
      reason: "a rule must protect push or delete: set one of the two",
    });
  return failures;
}

async function findRule(client: ReturnType<typeof gitlabClient>, projectId: number | string, ruleId: number) {
  return (await client.listProtectionRules(projectId)).find((r) => r.id === ruleId);
}

/**
 * The dynamic provider for container repository protection rules (GitLab 17.2 and later:
 * `/projects/:id/registry/protection/repository/rules`). Every field but the project updates in place
 * (GitLab's PATCH). GitLab refuses a second rule with the same pattern (422), so create never takes
 * over a rule made elsewhere. Identity is `<project ID>/<rule ID>`.
 */
export const protectionRuleProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ProtectionRuleInputs, news: ProtectionRuleInputs) {
    const inputs = { ...protectionRuleDefaults, ...news } as ProtectionRuleInputs;
    const failures: CheckFailure[] = [
      ...connectionProblems(inputs.connection),
      ...projectProblem(inputs.project),
      ...patternProblems(inputs),
      ...levelProblems(inputs),
    ];
    return { inputs, failures };
  },

  async diff(_id: string, olds: ProtectionRuleOutputs, news: ProtectionRuleInputs) {
    const replaces =
      isKnown(news.project) && String(olds.project) !== String(news.project) ? ["project"] : [];
    const changed = changedKeys<ProtectionRuleInputs>(olds, news, ["project", ...updatedInPlace]);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: ProtectionRuleInputs) {
    const what = `gitlab protection rule ${inputs.repositoryPathPattern}`;
    const client = gitlabClient(inputs.connection);
    try {
      const projectId = await projectIdOf(client, inputs.project);
      const created = await client.createProtectionRule(projectId, bodyOf(inputs));
      const outs: ProtectionRuleOutputs = { ...inputs, projectId, ruleId: created.id };
      return { id: objectId(projectId, created.id), outs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  /**
   * Reads the rule back (GitLab lists a project's rules; there is no single-rule read). With empty
   * props (`pulumi import <type> <name> <project ID or path>/<rule ID>`), the connection comes from
   * GITLAB_URL and GITLAB_TOKEN.
   */
  async read(id: string, props: Partial<ProtectionRuleOutputs>) {
    const what = `gitlab protection rule ${props.repositoryPathPattern ?? id}`;
    const located = await findInProject(id, props, props.ruleId, what, findRule);
    if (!located) return {};
    const { connection, project, projectId, found } = located;
    const inputs: ProtectionRuleInputs = {
      ...props,
      connection,
      project: props.project ?? project,
      ...asWritten(found),
    };
    const outs: ProtectionRuleOutputs = { ...props, ...inputs, projectId, ruleId: found.id };
    return props.repositoryPathPattern === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(_id: string, olds: ProtectionRuleOutputs, news: ProtectionRuleInputs) {
    const what = `gitlab protection rule ${news.repositoryPathPattern}`;
    try {
      if (changedKeys<ProtectionRuleInputs>(olds, news, updatedInPlace.slice(1)).length > 0)
        await gitlabClient(news.connection).updateProtectionRule(olds.projectId, olds.ruleId, bodyOf(news));
    } catch (err) {
      throw aboutObject(what, err);
    }
    return {
      outs: { ...news, projectId: olds.projectId, ruleId: olds.ruleId } satisfies ProtectionRuleOutputs,
    };
  },

  async delete(id: string, props: ProtectionRuleOutputs) {
    const what = `gitlab protection rule ${props.repositoryPathPattern ?? id}`;
    await removeFromProject(id, props, props.ruleId, what, (client, project, objectId) =>
      client.deleteProtectionRule(project, objectId),
    );
  },
};
