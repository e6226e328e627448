import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import type { RetentionPolicy, TagRule } from "./api-types";
import { type HarborConnection, harborClient, isNotFound } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  sameValue,
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
/** A retention rule's template. */
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
  /** Take over rules or a schedule the project's policy already has (restored on delete); without it, create refuses them. */
  adopt: boolean;
}

export interface RetentionOutputs extends RetentionInputs {
  policyId: number;
  /**
   * The policy's rules, algorithm and trigger before this resource (no rules and no schedule when
   * the project had no policy): what delete puts back. Absent in state written before it was
   * recorded; delete then leaves the policy empty.
   */
  priorPolicy?: Pick<RetentionPolicy, "algorithm" | "rules" | "trigger">;
}

/** A policy with no rules and no schedule: what a project without one is left with. */
function isEmptyPolicy(policy: Pick<RetentionPolicy, "rules" | "trigger"> | undefined): boolean {
  return !policy || ((policy.rules ?? []).length === 0 && !policy.trigger?.settings?.cron);
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
 * refuses a second, so create takes over the policy a project already has: an empty one (no rules,
 * no schedule) freely, one with rules or a schedule that differ from this resource's only when
 * `adopt` is true. It records what it found, and delete puts that back (a project that had none, or
 * an empty one, is left an empty policy, as Harbor's own UI does). A new project replaces the
 * resource. Identity is the policy ID (the project's `retention_id`).
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
    inputs.adopt = news.adopt ?? false;
    const failures = [
      ...connectionProblems(inputs.connection),
      ...ruleProblems(inputs.rules),
      ...booleanProblem("adopt", inputs.adopt),
    ];
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
      let priorPolicy: RetentionOutputs["priorPolicy"] = {
        algorithm: "or",
        rules: [],
        trigger: { kind: "Schedule", settings: { cron: "" }, references: {} },
      };
      if (existing) {
        // One policy per project: the one Harbor already keeps is replaced, and put back on delete.
        const found = await client.getRetention(existing);
        priorPolicy = { algorithm: found.algorithm, rules: found.rules ?? [], trigger: found.trigger };
        const held = asWritten(found);
        if (
          !isEmptyPolicy(found) &&
          !inputs.adopt &&
          !sameValue(held, { rules: inputs.rules, schedule: inputs.schedule })
        ) {
          throw new Error(
            `project ${inputs.projectId} already has a retention policy set outside this resource ` +
              `(${(found.rules ?? []).length} rules, schedule ${JSON.stringify(held.schedule)}); Berth does not ` +
              `take it over. Set adopt: true to manage it (the policy found is put back when the resource is deleted)`,
          );
        }
        await client.updateRetention(existing, { ...policyOf(inputs), id: existing });
        policyId = existing;
      } else {
        policyId = await client.createRetention(policyOf(inputs));
      }
      const outs: RetentionOutputs = { ...inputs, policyId, priorPolicy };
      return { id: String(policyId), outs };
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
        adopt: props.adopt ?? false,
      };
      const outs: RetentionOutputs = { ...props, ...inputs, policyId: Number(id) };
      return props.projectId === undefined ? { id, props: outs, inputs } : { id, props: outs };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
  },

  async update(id: string, olds: RetentionOutputs, news: RetentionInputs) {
    try {
      await harborClient(news.connection).updateRetention(Number(id), { ...policyOf(news), id: Number(id) });
    } catch (err) {
      throw aboutObject(`harbor retention policy of project ${news.projectId}`, err);
    }
    const outs: RetentionOutputs = { ...news, policyId: Number(id) };
    if (olds.priorPolicy) outs.priorPolicy = olds.priorPolicy;
    return { outs };
  },

  async delete(id: string, props: RetentionOutputs) {
    const what = `harbor retention policy of project ${props.projectId}`;
    const client = harborClient(connectionOrEnvironment(props.connection, what));
    try {
      const project = await client.getProject(props.projectId);
      if (project.metadata?.retention_id !== id) return;
      const empty = policyOf({ ...props, rules: [], schedule: "" });
      const prior = props.priorPolicy;
      await client.updateRetention(Number(id), {
        ...empty,
        ...(prior && !isEmptyPolicy(prior) ? prior : {}),
        scope: empty.scope,
        id: Number(id),
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
