import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../shared/unknowns";
import type { TagRule } from "./api-types";
import { type HarborConnection, harborClient, isNotFound } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  requireSameObject,
} from "./common";
import {
  selectionDefaults,
  selectionOf,
  selectionProblems,
  selectorsOf,
  type TagSelection,
} from "./selectors";

export interface ImmutableTagRuleInputs extends TagSelection {
  connection: HarborConnection;
  /** Harbor's ID of the project the rule protects tags in. */
  projectId: number;
  disabled: boolean;
}

export interface ImmutableTagRuleOutputs extends ImmutableTagRuleInputs {
  ruleId: number;
  /** The project's name when the rule was made: what says project ID `projectId` is still that project. */
  projectName: string;
}

export const immutableRuleDefaults = { ...selectionDefaults, disabled: false } as const;

function ruleOf(inputs: ImmutableTagRuleInputs): TagRule {
  return {
    disabled: inputs.disabled,
    action: "immutable",
    template: "immutable_template",
    ...selectorsOf(inputs),
  };
}

/** `<project ID>/<rule ID>`: the resource's ID, as `pulumi import` takes it. */
function parseId(id: string): { projectId: number; ruleId: number } {
  const match = /^(\d+)\/(\d+)$/.exec(id);
  if (!match) throw new Error(`harbor immutable tag rule ${id}: the ID must be <project ID>/<rule ID>`);
  return { projectId: Number(match[1]), ruleId: Number(match[2]) };
}

/**
 * Rule `ruleId` of project `projectId`, or undefined when the project has none of that ID, after
 * checking the project still bears `projectName` (unchecked when undefined: import, or state written
 * before project names were kept).
 */
async function findRule(
  connection: HarborConnection,
  projectId: number,
  ruleId: number,
  projectName: string | undefined,
) {
  const client = harborClient(connection);
  if (projectName !== undefined)
    requireSameObject(
      "project",
      projectId,
      connection,
      projectName,
      (await client.getProject(projectId)).name,
    );
  const rules = await client.listImmutableRules(projectId);
  return rules.find((r) => r.id === ruleId);
}

/**
 * The dynamic provider for a project's immutable tag rule: tags it selects cannot be overwritten
 * or deleted. Identity is `<project ID>/<rule ID>`; a new project replaces the rule. Read, update
 * and delete act on the recorded IDs only while the project still bears the name it had at create.
 */
export const immutableTagRuleProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ImmutableTagRuleInputs, news: ImmutableTagRuleInputs) {
    const inputs = { ...immutableRuleDefaults, ...news } as ImmutableTagRuleInputs;
    const failures = [
      ...connectionProblems(inputs.connection),
      ...selectionProblems(inputs, ""),
      ...booleanProblem("disabled", inputs.disabled),
    ];
    const projectId: unknown = inputs.projectId;
    if (!isUnknown(projectId) && !(Number.isInteger(projectId) && (projectId as number) > 0))
      failures.push({ property: "projectId", reason: "must be a Harbor project ID" });
    return { inputs, failures };
  },

  async diff(_id: string, olds: ImmutableTagRuleOutputs, news: ImmutableTagRuleInputs) {
    const replaces = isKnown(news.projectId) && olds.projectId !== news.projectId ? ["projectId"] : [];
    const keys = [
      "connection",
      "projectId",
      "tags",
      "excludeTags",
      "repositories",
      "excludeRepositories",
      "disabled",
    ] as const;
    return { changes: changedKeys<ImmutableTagRuleInputs>(olds, news, keys).length > 0, replaces };
  },

  async create(inputs: ImmutableTagRuleInputs) {
    const client = harborClient(inputs.connection);
    try {
      const projectName = (await client.getProject(inputs.projectId)).name ?? "";
      const ruleId = await client.createImmutableRule(inputs.projectId, ruleOf(inputs));
      return {
        id: `${inputs.projectId}/${ruleId}`,
        outs: { ...inputs, ruleId, projectName } satisfies ImmutableTagRuleOutputs,
      };
    } catch (err) {
      throw aboutObject(`harbor immutable tag rule ${inputs.tags} in project ${inputs.projectId}`, err);
    }
  },

  /**
   * Reads the rule back from the project's rules; a rule or project that is gone reports it gone.
   * With empty props (`pulumi import <type> <name> <project ID>/<rule ID>`), the connection comes
   * from HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<ImmutableTagRuleOutputs>) {
    const { projectId, ruleId } = parseId(id);
    const what = `harbor immutable tag rule ${id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    let rule: TagRule | undefined;
    let projectName: string;
    try {
      rule = await findRule(connection, projectId, ruleId, props.projectName);
      projectName = props.projectName ?? (await harborClient(connection).getProject(projectId)).name ?? "";
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
    if (!rule) return {};
    const inputs: ImmutableTagRuleInputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      projectId,
      ...selectionOf(rule),
      disabled: rule.disabled ?? false,
    };
    const outs: ImmutableTagRuleOutputs = { ...props, ...inputs, ruleId, projectName };
    return props.projectId === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(id: string, olds: ImmutableTagRuleOutputs, news: ImmutableTagRuleInputs) {
    const { projectId, ruleId } = parseId(id);
    const client = harborClient(news.connection);
    let projectName: string;
    try {
      if (!(await findRule(news.connection, projectId, ruleId, olds.projectName)))
        throw new Error(`project ${projectId} at ${news.connection.url} has no immutable tag rule ${ruleId}`);
      await client.updateImmutableRule(projectId, ruleId, { id: ruleId, ...ruleOf(news) });
      projectName = olds.projectName ?? (await client.getProject(projectId)).name ?? "";
    } catch (err) {
      throw aboutObject(`harbor immutable tag rule ${id}`, err);
    }
    return { outs: { ...news, ruleId, projectName } satisfies ImmutableTagRuleOutputs };
  },

  async delete(id: string, props: ImmutableTagRuleOutputs) {
    const { projectId, ruleId } = parseId(id);
    const what = `harbor immutable tag rule ${id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    try {
      if (!(await findRule(connection, projectId, ruleId, props.projectName))) return;
      await harborClient(connection).deleteImmutableRule(projectId, ruleId);
    } catch (err) {
      if (isNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
