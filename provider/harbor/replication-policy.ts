import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import { type HarborConnection, isNotFound } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  requireSameObject,
} from "./common";
import { cronProblem } from "./cron";
import { type ReplicationFilter, type ReplicationPolicy, replicationClient } from "./replication-client";

export const replicationTriggers = ["manual", "scheduled", "event_based"] as const;
/** What starts a replication. */
export type ReplicationTriggerType = (typeof replicationTriggers)[number];
export const replicationResources = ["", "image", "artifact"] as const;
/** What a replication filter selects. */
export type ReplicationResource = (typeof replicationResources)[number];

/** What a policy replicates; an empty pattern or list filters nothing. */
export interface ReplicationFilters {
  /** Repository name pattern (doublestar), e.g. `library/**`. */
  repositories: string;
  /** Tag pattern, e.g. `v*`. */
  tags: string;
  /** Replicate tags NOT matching `tags`. */
  excludeTags: boolean;
  /** Labels an artifact must carry. */
  labels: string[];
  /** Replicate artifacts NOT carrying `labels`. */
  excludeLabels: boolean;
  /** `image` or `artifact`; "" for both. */
  resource: ReplicationResource;
}

export interface ReplicationPolicyInputs {
  connection: HarborConnection;
  name: string;
  description: string;
  /** The registry endpoint replicated from; 0 is this Harbor (a push-based policy). */
  sourceRegistryId: number;
  /** The registry endpoint replicated to; 0 is this Harbor (a pull-based policy). */
  destinationRegistryId: number;
  /** The namespace (project) at the destination; "" keeps the source's. */
  destinationNamespace: string;
  /** How many leading path components `destinationNamespace` replaces; -1 Harbor's legacy mode. */
  destinationNamespaceReplaceCount: number;
  filters: ReplicationFilters;
  trigger: ReplicationTriggerType;
  /** A six-field cron for the `scheduled` trigger; "" otherwise. */
  cron: string;
  /** Overwrite artifacts that exist at the destination. */
  override: boolean;
  enabled: boolean;
  /** Replicate deletions too. */
  replicateDeletion: boolean;
}

export interface ReplicationPolicyOutputs extends ReplicationPolicyInputs {
  policyId: number;
}

export const filterDefaults: ReplicationFilters = {
  repositories: "",
  tags: "",
  excludeTags: false,
  labels: [],
  excludeLabels: false,
  resource: "",
};

export const replicationPolicyDefaults = {
  description: "",
  sourceRegistryId: 0,
  destinationRegistryId: 0,
  destinationNamespace: "",
  destinationNamespaceReplaceCount: -1,
  trigger: "manual",
  cron: "",
  override: true,
  enabled: true,
  replicateDeletion: false,
} as const;

const comparedInputs = [
  "connection",
  "name",
  "description",
  "sourceRegistryId",
  "destinationRegistryId",
  "destinationNamespace",
  "destinationNamespaceReplaceCount",
  "filters",
  "trigger",
  "cron",
  "override",
  "enabled",
  "replicateDeletion",
] as const;

function filtersOf(f: ReplicationFilters): ReplicationFilter[] {
  const filters: ReplicationFilter[] = [];
  if (f.repositories) filters.push({ type: "name", value: f.repositories });
  if (f.tags)
    filters.push({ type: "tag", value: f.tags, decoration: f.excludeTags ? "excludes" : "matches" });
  if (f.labels.length > 0)
    filters.push({ type: "label", value: f.labels, decoration: f.excludeLabels ? "excludes" : "matches" });
  if (f.resource) filters.push({ type: "resource", value: f.resource });
  return filters;
}

function policyOf(inputs: ReplicationPolicyInputs): ReplicationPolicy {
  return {
    name: inputs.name,
    description: inputs.description,
    ...(inputs.sourceRegistryId ? { src_registry: { id: inputs.sourceRegistryId } } : {}),
    ...(inputs.destinationRegistryId ? { dest_registry: { id: inputs.destinationRegistryId } } : {}),
    dest_namespace: inputs.destinationNamespace,
    dest_namespace_replace_count: inputs.destinationNamespaceReplaceCount,
    trigger: {
      type: inputs.trigger,
      ...(inputs.trigger === "scheduled" ? { trigger_settings: { cron: inputs.cron } } : {}),
    },
    filters: filtersOf(inputs.filters),
    replicate_deletion: inputs.replicateDeletion,
    override: inputs.override,
    enabled: inputs.enabled,
  };
}

/** The policy's fields as the inputs spell them. */
function asWritten(policy: ReplicationPolicy): Omit<ReplicationPolicyInputs, "connection"> {
  const filter = (type: string) => policy.filters?.find((f) => f.type === type);
  const labels = filter("label")?.value;
  const trigger = (policy.trigger?.type ?? "manual") as ReplicationTriggerType;
  return {
    name: policy.name ?? "",
    description: policy.description ?? "",
    sourceRegistryId: policy.src_registry?.id ?? 0,
    destinationRegistryId: policy.dest_registry?.id ?? 0,
    destinationNamespace: policy.dest_namespace ?? "",
    destinationNamespaceReplaceCount: policy.dest_namespace_replace_count ?? -1,
    filters: {
      repositories: String(filter("name")?.value ?? ""),
      tags: String(filter("tag")?.value ?? ""),
      excludeTags: filter("tag")?.decoration === "excludes",
      labels: Array.isArray(labels) ? labels.map(String) : [],
      excludeLabels: filter("label")?.decoration === "excludes",
      resource: String(filter("resource")?.value ?? "") as ReplicationResource,
    },
    trigger,
    cron: trigger === "scheduled" ? (policy.trigger?.trigger_settings?.cron ?? "") : "",
    override: policy.override ?? false,
    enabled: policy.enabled ?? false,
    replicateDeletion: policy.replicate_deletion ?? policy.deletion ?? false,
  };
}

function filterProblems(filters: unknown): CheckFailure[] {
  if (isUnknown(filters)) return [];
  if (!filters || typeof filters !== "object" || Array.isArray(filters))
    return [{ property: "filters", reason: "must be an object" }];
  const f = filters as Partial<Record<keyof ReplicationFilters, unknown>>;
  const failures: CheckFailure[] = [];
  for (const key of ["repositories", "tags"] as const) {
    if (!isUnknown(f[key]) && typeof f[key] !== "string")
      failures.push({ property: `filters.${key}`, reason: 'must be a pattern, or "" for none' });
  }
  failures.push(...booleanProblem("filters.excludeTags", f.excludeTags));
  failures.push(...booleanProblem("filters.excludeLabels", f.excludeLabels));
  if (
    !isUnknown(f.labels) &&
    !(
      Array.isArray(f.labels) &&
      f.labels.every((l) => isUnknown(l) || (typeof l === "string" && l.length > 0))
    )
  )
    failures.push({ property: "filters.labels", reason: "must be a list of label names" });
  if (!isUnknown(f.resource) && !replicationResources.includes(f.resource as ReplicationResource))
    failures.push({ property: "filters.resource", reason: 'must be "image", "artifact" or "" for both' });
  return failures;
}

function policyProblems(inputs: ReplicationPolicyInputs): CheckFailure[] {
  const failures: CheckFailure[] = [...filterProblems(inputs.filters)];
  const name: unknown = inputs.name;
  if (!isUnknown(name) && !(typeof name === "string" && name.length > 0 && name.length <= 255))
    failures.push({ property: "name", reason: "must be a non-empty name of at most 255 characters" });
  for (const key of ["description", "destinationNamespace"] as const) {
    if (!isUnknown(inputs[key]) && typeof inputs[key] !== "string")
      failures.push({ property: key, reason: "must be a string" });
  }
  for (const key of ["sourceRegistryId", "destinationRegistryId"] as const) {
    const id: unknown = inputs[key];
    if (!isUnknown(id) && !(Number.isInteger(id) && (id as number) >= 0))
      failures.push({ property: key, reason: "must be a registry endpoint ID, or 0 for this Harbor" });
  }
  const count: unknown = inputs.destinationNamespaceReplaceCount;
  if (!isUnknown(count) && !(Number.isInteger(count) && (count as number) >= -1 && (count as number) <= 3))
    failures.push({ property: "destinationNamespaceReplaceCount", reason: "must be -1, 0, 1, 2 or 3" });
  for (const key of ["override", "enabled", "replicateDeletion"] as const)
    failures.push(...booleanProblem(key, inputs[key]));
  if (!isUnknown(inputs.trigger) && !replicationTriggers.includes(inputs.trigger))
    failures.push({ property: "trigger", reason: `must be one of ${replicationTriggers.join(", ")}` });
  if (inputs.trigger === "scheduled") failures.push(...cronProblem("cron", inputs.cron));
  else if (isKnown([inputs.trigger, inputs.cron]) && inputs.cron !== "")
    failures.push({ property: "cron", reason: `is only for the scheduled trigger, not ${inputs.trigger}` });
  const { sourceRegistryId: src, destinationRegistryId: dest } = inputs;
  if (isKnown([src, dest]) && Boolean(src) === Boolean(dest))
    failures.push({
      property: "destinationRegistryId",
      reason:
        "exactly one of sourceRegistryId (pull) and destinationRegistryId (push) names a registry endpoint; the other is 0, this Harbor",
    });
  if (isKnown(src) && src && inputs.trigger === "event_based")
    failures.push({
      property: "trigger",
      reason: "event_based works for push-based policies only (sourceRegistryId 0)",
    });
  return failures;
}

/**
 * The dynamic provider for replication policies. Identity is Harbor's policy ID; every field
 * updates in place. Create never takes over a policy of the same name (Harbor's 409), and read,
 * update and delete act on the recorded ID only while it still bears the recorded name.
 */
export const replicationPolicyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ReplicationPolicyInputs, news: ReplicationPolicyInputs) {
    const filters: unknown = news.filters;
    const inputs = {
      ...replicationPolicyDefaults,
      ...news,
      filters:
        filters && typeof filters === "object" && !Array.isArray(filters)
          ? { ...filterDefaults, ...(filters as Partial<ReplicationFilters>) }
          : (filters ?? filterDefaults),
    } as ReplicationPolicyInputs;
    return { inputs, failures: [...connectionProblems(inputs.connection), ...policyProblems(inputs)] };
  },

  async diff(_id: string, olds: ReplicationPolicyOutputs, news: ReplicationPolicyInputs) {
    return {
      changes: changedKeys<ReplicationPolicyInputs>(olds, news, comparedInputs).length > 0,
      replaces: [],
    };
  },

  async create(inputs: ReplicationPolicyInputs) {
    try {
      const policyId = await replicationClient(inputs.connection).createPolicy(policyOf(inputs));
      return { id: String(policyId), outs: { ...inputs, policyId } satisfies ReplicationPolicyOutputs };
    } catch (err) {
      throw aboutObject(`harbor replication policy ${inputs.name}`, err);
    }
  },

  /**
   * Reads the policy back in the shape of its inputs. With empty props (`pulumi import <type> <name>
   * <policy ID>`), the connection comes from HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<ReplicationPolicyOutputs>) {
    const what = `harbor replication policy ${props.name ?? id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    let found: ReplicationPolicy;
    try {
      found = await replicationClient(connection).getPolicy(Number(id));
      requireSameObject("replication policy", id, connection, props.name, found.name);
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
    const inputs: ReplicationPolicyInputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      ...asWritten(found),
    };
    const outs: ReplicationPolicyOutputs = { ...props, ...inputs, policyId: Number(id) };
    return props.name === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(id: string, olds: ReplicationPolicyOutputs, news: ReplicationPolicyInputs) {
    const what = `harbor replication policy ${news.name}`;
    const client = replicationClient(news.connection);
    try {
      const found = await client.getPolicy(Number(id));
      requireSameObject("replication policy", id, news.connection, olds.name, found.name);
      await client.updatePolicy(Number(id), policyOf(news));
    } catch (err) {
      throw aboutObject(what, err);
    }
    return { outs: { ...news, policyId: Number(id) } satisfies ReplicationPolicyOutputs };
  },

  async delete(id: string, props: ReplicationPolicyOutputs) {
    const what = `harbor replication policy ${props.name ?? id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    const client = replicationClient(connection);
    try {
      const found = await client.getPolicy(Number(id));
      requireSameObject("replication policy", id, connection, props.name, found.name);
      await client.deletePolicy(Number(id));
    } catch (err) {
      if (isNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
