import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import type { RetentionPolicy, TagRule } from "./api-types";
import { type HarborConnection, harborClient, isNotFound } from "./client";
import {
  aboutObject,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
} from "./common";
import {
  selectionDefaults,
  selectionOf,
  selectionProblems,
  selectorsOf,
  type TagSelection,
} from "./selectors";

export const retentionTemplates = [
  "latestPushedK",
  "latestPulledN",
  "nDaysSinceLastPush",
  "nDaysSinceLastPull",
  "always",
] as const;
export type RetentionTemplate = (typeof retentionTemplates)[number];

/**
 * One retention rule: keep the tags it selects. `template` says which: the `count` most recently
 * pushed (`latestPushedK`) or pulled (`latestPulledN`), those pushed or pulled in the last `count`
 * days (`nDaysSinceLastPush`, `nDaysSinceLastPull`), or all of them (`always`).
 */
export interface RetentionRule extends TagSelection {
  template: RetentionTemplate;
  /** The template's number; not used by `always`. */
  count: number;
  /** Untagged artifacts count as selected too. */
  untagged: boolean;
  disabled: boolean;
}

export interface RetentionInputs {
  connection: HarborConnection;
  /** Harbor's ID of the project; a project has one retention policy. */
  projectId: number;
  rules: RetentionRule[];
  /** When the policy runs: a six-field cron (`0 0 0 * * *`), or "" for never (run by hand). */
  schedule: string;
}

export interface RetentionOutputs extends RetentionInputs {
  policyId: number;
}

export const ruleDefaults = { ...selectionDefaults, count: 0, untagged: false, disabled: false } as const;

function ruleOf(rule: RetentionRule, priority: number): TagRule {
  return {
    priority,
    disabled: rule.disabled,
    action: "retain",
    template: rule.template,
    params: rule.template === "always" ? {} : { [rule.template]: rule.count },
    ...selectorsOf(rule, JSON.stringify({ untagged: rule.untagged })),
  };
}

function policyOf(inputs: RetentionInputs): RetentionPolicy {
  return {
    algorithm: "or",
    rules: inputs.rules.map((r, i) => ruleOf(r, i + 1)),
    trigger: { kind: "Schedule", settings: { cron: inputs.schedule }, references: {} },
    scope: { level: "project", ref: inputs.projectId },
  };
}

/** Whether a tag selector's `extras` (a JSON string such as `{"untagged":true}`) selects untagged artifacts. */
function untaggedIn(extras: string | undefined): boolean {
  try {
    return Boolean(extras && (JSON.parse(extras) as { untagged?: boolean }).untagged);
  } catch {
    return false;
  }
}

/** The policy's rules and schedule as the inputs spell them. */
function asWritten(policy: RetentionPolicy): Pick<RetentionInputs, "rules" | "schedule"> {
  return {
    rules: (policy.rules ?? []).map((rule) => {
      const template = (rule.template ?? "always") as RetentionTemplate;
      const untagged = untaggedIn(rule.tag_selectors?.[0]?.extras);
      return {
        template,
        count: template === "always" ? 0 : Number(rule.params?.[template] ?? 0),
        ...selectionOf(rule),
        untagged,
        disabled: rule.disabled ?? false,
      };
    }),
    schedule: String(policy.trigger?.settings?.cron ?? ""),
  };
}

function ruleProblems(rules: unknown): CheckFailure[] {
  if (isUnknown(rules)) return [];
  if (!Array.isArray(rules) || rules.length > 15)
    return [{ property: "rules", reason: "must be a list of at most 15 rules" }];
  return rules.flatMap((r: Partial<RetentionRule>, i) => {
    if (isUnknown(r)) return [];
    const at = `rules[${i}].`;
    const problems = selectionProblems(r, at);
    if (!isUnknown(r.template) && !retentionTemplates.includes(r.template as RetentionTemplate))
      problems.push({ property: `${at}template`, reason: `must be one of ${retentionTemplates.join(", ")}` });
    const count: unknown = r.count;
    if (r.template !== "always" && !isUnknown(count) && !(Number.isInteger(count) && (count as number) > 0))
      problems.push({ property: `${at}count`, reason: `must be a positive whole number for ${r.template}` });
    return problems;
  });
}

/**
 * The dynamic provider for a project's tag retention policy. Harbor allows one per project and
 * refuses a second, so create adopts a policy the project already has and replaces its rules; a new
 * project replaces the resource. Delete leaves the project an empty policy (no rules, no schedule),
 * as Harbor's own UI does. Identity is the policy ID (the project's `retention_id`).
 */
export const retentionProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RetentionInputs, news: RetentionInputs) {
    const rules: unknown = news.rules;
    const inputs: RetentionInputs = {
      ...news,
      schedule: news.schedule ?? "",
      rules: Array.isArray(rules)
        ? rules.map((r: RetentionRule) => (isUnknown(r) ? r : { ...ruleDefaults, ...r }))
        : news.rules,
    };
    const failures = [...connectionProblems(inputs.connection), ...ruleProblems(inputs.rules)];
    const projectId: unknown = inputs.projectId;
    if (!isUnknown(projectId) && !(Number.isInteger(projectId) && (projectId as number) > 0))
      failures.push({ property: "projectId", reason: "must be a Harbor project ID" });
    if (!isUnknown(inputs.schedule) && typeof inputs.schedule !== "string")
      failures.push({ property: "schedule", reason: 'must be a cron expression, or "" for none' });
    return { inputs, failures };
  },

  async diff(_id: string, olds: RetentionOutputs, news: RetentionInputs) {
    const replaces = isKnown(news.projectId) && olds.projectId !== news.projectId ? ["projectId"] : [];
    const changed = changedKeys<RetentionInputs>(olds, news, [
      "connection",
      "projectId",
      "rules",
      "schedule",
    ]);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: RetentionInputs) {
    const what = `harbor retention policy of project ${inputs.projectId}`;
    const client = harborClient(inputs.connection);
    try {
      const project = await client.getProject(inputs.projectId);
      const existing = Number(project.metadata?.retention_id);
      let policyId: number;
      if (existing) {
        // One policy per project: take over the one Harbor already keeps, replacing its rules.
        await client.updateRetention(existing, { ...policyOf(inputs), id: existing });
        policyId = existing;
      } else {
        policyId = await client.createRetention(policyOf(inputs));
      }
      return { id: String(policyId), outs: { ...inputs, policyId } satisfies RetentionOutputs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  /**
   * Reads the policy back; a project that is gone, or that now points at another policy, reports it
   * gone. With empty props (`pulumi import <type> <name> <policy ID>`), the connection comes from
   * HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD and the project from the policy's scope.
   */
  async read(id: string, props: Partial<RetentionOutputs>) {
    const what = `harbor retention policy ${id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    const client = harborClient(connection);
    try {
      let projectId = props.projectId;
      if (projectId === undefined) {
        projectId = Number((await client.getRetention(Number(id))).scope?.ref);
      }
      const project = await client.getProject(projectId);
      if (project.metadata?.retention_id !== id) return {};
      const policy = await client.getRetention(Number(id));
      const inputs: RetentionInputs = {
        ...props,
        connection: storedConnection(props.connection, connection),
        projectId,
        ...asWritten(policy),
      };
      const outs: RetentionOutputs = { ...props, ...inputs, policyId: Number(id) };
      return props.projectId === undefined ? { id, props: outs, inputs } : { id, props: outs };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
  },

  async update(id: string, _olds: RetentionOutputs, news: RetentionInputs) {
    try {
      await harborClient(news.connection).updateRetention(Number(id), { ...policyOf(news), id: Number(id) });
    } catch (err) {
      throw aboutObject(`harbor retention policy of project ${news.projectId}`, err);
    }
    return { outs: { ...news, policyId: Number(id) } satisfies RetentionOutputs };
  },

  async delete(id: string, props: RetentionOutputs) {
    const what = `harbor retention policy of project ${props.projectId}`;
    const client = harborClient(connectionOrEnvironment(props.connection, what));
    try {
      const project = await client.getProject(props.projectId);
      if (project.metadata?.retention_id !== id) return;
      await client.updateRetention(Number(id), {
        ...policyOf({ ...props, rules: [], schedule: "" }),
        id: Number(id),
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
