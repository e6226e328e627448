/**
 * The Harbor fake's registry endpoints, replication policies and garbage collection schedule, with
 * Harbor's behaviours: unique names (409), registry types Harbor has adapters for, the access secret
 * answered masked ("*****"), a registry in use by a policy not deletable (412), one side of a
 * policy this Harbor, event-based triggers for push-based policies only, six-field crons, one
 * garbage collection schedule (a second create is a 409; type None cancels it).
 */
import type { FakeRegistry, FakeReplicationPolicy, HarborFakeState } from "./harbor-fake-handlers";
import { errorReply, type Handler, isSixFieldCron, notFound, nowPrecise } from "./harbor-fake-reply";

const registryTypes = [
  "harbor",
  "docker-hub",
  "docker-registry",
  "aws-ecr",
  "azure-acr",
  "ali-acr",
  "google-gcr",
  "huawei-SWR",
  "jfrog-artifactory",
  "quay",
  "gitlab",
  "github-ghcr",
  "tencent-tcr",
  "volcengine-cr",
  "dtr",
];

/** This Harbor, as policies show their local side. */
const localRegistry = {
  id: 0,
  name: "Local",
  type: "harbor",
  url: "http://harbor-core:8080",
  insecure: true,
  description: "",
  status: "healthy",
};

function registryView(r: FakeRegistry) {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    url: r.url,
    insecure: r.insecure,
    description: r.description,
    status: "healthy",
    ...(r.credential
      ? { credential: { ...r.credential, access_secret: r.credential.access_secret ? "*****" : "" } }
      : {}),
    creation_time: r.creation_time,
    update_time: r.update_time,
  };
}

/** Harbor's URL check: http(s) with a host; stored without a trailing "/". */
function normalizedUrl(url: unknown): string | undefined {
  if (typeof url !== "string" || !/^https?:\/\/[^/\s]+/.test(url)) return undefined;
  return url.replace(/\/+$/, "");
}

function nameTaken(state: HarborFakeState, name: string, except?: number) {
  return [...state.registries.values()].some((r) => r.name === name && r.id !== except);
}

export const registryHandlers: Record<string, Handler> = {
  createRegistry(state, req) {
    const body = req.body as {
      name?: string;
      type?: string;
      url?: string;
      insecure?: boolean;
      description?: string;
      credential?: { type?: string; access_key?: string; access_secret?: string };
    };
    if (!body.name) return errorReply(400, "BAD_REQUEST", "name is required");
    const url = normalizedUrl(body.url);
    if (!url) return errorReply(400, "BAD_REQUEST", `invalid URL ${JSON.stringify(body.url)}`);
    if (!registryTypes.includes(body.type ?? ""))
      return errorReply(400, "BAD_REQUEST", `adapter for type ${body.type} isn't registered`);
    if (nameTaken(state, body.name))
      return errorReply(409, "CONFLICT", `registry ${body.name} already exists`);
    const id = state.nextId++;
    const created = nowPrecise();
    state.registries.set(id, {
      id,
      name: body.name,
      type: body.type!,
      url,
      insecure: body.insecure ?? false,
      description: body.description ?? "",
      ...(body.credential
        ? {
            credential: {
              type: body.credential.type ?? "basic",
              access_key: body.credential.access_key ?? "",
              access_secret: body.credential.access_secret ?? "",
            },
          }
        : {}),
      creation_time: created,
      update_time: created,
    });
    return { status: 201, headers: { Location: `${req.basePath}/registries/${id}` } };
  },

  getRegistry(state, req) {
    const registry = state.registries.get(Number(req.params.id));
    return registry ? { status: 200, body: registryView(registry) } : notFound(`registry ${req.params.id}`);
  },

  listRegistries(state) {
    const all = [...state.registries.values()];
    return { status: 200, headers: { "X-Total-Count": String(all.length) }, body: all.map(registryView) };
  },

  updateRegistry(state, req) {
    const registry = state.registries.get(Number(req.params.id));
    if (!registry) return notFound(`registry ${req.params.id}`);
    const body = req.body as Record<string, string | boolean | null | undefined>;
    if (typeof body.name === "string" && nameTaken(state, body.name, registry.id))
      return errorReply(409, "CONFLICT", `registry ${body.name} already exists`);
    if (body.url !== undefined && body.url !== null) {
      const url = normalizedUrl(body.url);
      if (!url) return errorReply(400, "BAD_REQUEST", `invalid URL ${JSON.stringify(body.url)}`);
      registry.url = url;
    }
    if (typeof body.name === "string") registry.name = body.name;
    if (typeof body.description === "string") registry.description = body.description;
    if (typeof body.insecure === "boolean") registry.insecure = body.insecure;
    const credential = registry.credential ?? { type: "basic", access_key: "", access_secret: "" };
    if (typeof body.credential_type === "string") credential.type = body.credential_type;
    if (typeof body.access_key === "string") credential.access_key = body.access_key;
    if (typeof body.access_secret === "string") credential.access_secret = body.access_secret;
    registry.credential = credential;
    registry.update_time = nowPrecise();
    return { status: 200 };
  },

  deleteRegistry(state, req) {
    const id = Number(req.params.id);
    if (!state.registries.has(id)) return notFound(`registry ${id}`);
    const users = [...state.replicationPolicies.values()].filter(
      (p) => p.src_registry_id === id || p.dest_registry_id === id,
    );
    if (users.length > 0)
      return errorReply(
        412,
        "PRECONDITION",
        `the registry ${id} is referenced by replication policies: ${users.map((p) => p.name).join(", ")}`,
      );
    state.registries.delete(id);
    return { status: 200 };
  },
};

interface PolicyBody {
  name?: string;
  description?: string;
  src_registry?: { id?: number };
  dest_registry?: { id?: number };
  dest_namespace?: string;
  dest_namespace_replace_count?: number;
  trigger?: { type?: string; trigger_settings?: { cron?: string } };
  filters?: { type?: string; value?: unknown; decoration?: string }[];
  replicate_deletion?: boolean;
  deletion?: boolean;
  override?: boolean;
  enabled?: boolean;
}

/** Harbor's checks on a replication policy, or undefined when it passes. */
function policyProblem(state: HarborFakeState, body: PolicyBody): string | undefined {
  if (!body.name) return "name is required";
  const src = body.src_registry?.id ?? 0;
  const dest = body.dest_registry?.id ?? 0;
  if (Boolean(src) === Boolean(dest)) return "either src_registry or dest_registry should be this Harbor";
  for (const id of [src, dest]) if (id && !state.registries.has(id)) return `registry ${id} not found`;
  const trigger = body.trigger?.type ?? "manual";
  if (!["manual", "scheduled", "event_based"].includes(trigger)) return `invalid trigger type ${trigger}`;
  if (trigger === "scheduled" && !isSixFieldCron(body.trigger?.trigger_settings?.cron))
    return `invalid cron ${JSON.stringify(body.trigger?.trigger_settings?.cron)}`;
  if (trigger === "event_based" && src)
    return "the event based trigger is not supported for pull-based policies";
  const count = body.dest_namespace_replace_count ?? -1;
  if (count < -1 || count > 3) return `invalid dest_namespace_replace_count ${count}`;
  for (const f of body.filters ?? []) {
    if (!["name", "tag", "label", "resource"].includes(f.type ?? "")) return `invalid filter type ${f.type}`;
    if (f.type === "label" ? !Array.isArray(f.value) : typeof f.value !== "string")
      return `invalid value of the ${f.type} filter`;
    if (f.decoration !== undefined && !["matches", "excludes"].includes(f.decoration))
      return `invalid filter decoration ${f.decoration}`;
    if (f.type === "resource" && !["image", "artifact"].includes(f.value as string))
      return `invalid resource filter ${String(f.value)}`;
  }
  return undefined;
}

function policyFrom(id: number, body: PolicyBody, created: string): FakeReplicationPolicy {
  return {
    id,
    name: body.name!,
    description: body.description ?? "",
    src_registry_id: body.src_registry?.id ?? 0,
    dest_registry_id: body.dest_registry?.id ?? 0,
    dest_namespace: body.dest_namespace ?? "",
    dest_namespace_replace_count: body.dest_namespace_replace_count ?? -1,
    trigger: JSON.parse(
      JSON.stringify(body.trigger ?? { type: "manual" }),
    ) as FakeReplicationPolicy["trigger"],
    filters: JSON.parse(JSON.stringify(body.filters ?? [])) as FakeReplicationPolicy["filters"],
    replicate_deletion: body.replicate_deletion ?? body.deletion ?? false,
    override: body.override ?? false,
    enabled: body.enabled ?? false,
    creation_time: created,
    update_time: created,
  };
}

function policyView(state: HarborFakeState, p: FakeReplicationPolicy) {
  const side = (id: number) => {
    const registry = state.registries.get(id);
    return registry ? registryView(registry) : localRegistry;
  };
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    src_registry: side(p.src_registry_id),
    dest_registry: side(p.dest_registry_id),
    dest_namespace: p.dest_namespace,
    dest_namespace_replace_count: p.dest_namespace_replace_count,
    trigger: JSON.parse(JSON.stringify(p.trigger)) as unknown,
    filters: JSON.parse(JSON.stringify(p.filters)) as unknown,
    replicate_deletion: p.replicate_deletion,
    deletion: p.replicate_deletion,
    override: p.override,
    enabled: p.enabled,
    creation_time: p.creation_time,
    update_time: p.update_time,
  };
}

function policyNameTaken(state: HarborFakeState, name: string, except?: number) {
  return [...state.replicationPolicies.values()].some((p) => p.name === name && p.id !== except);
}

export const replicationHandlers: Record<string, Handler> = {
  createReplicationPolicy(state, req) {
    const body = req.body as PolicyBody;
    const problem = policyProblem(state, body);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    if (policyNameTaken(state, body.name!))
      return errorReply(409, "CONFLICT", `policy ${body.name} already exists`);
    const id = state.nextId++;
    state.replicationPolicies.set(id, policyFrom(id, body, nowPrecise()));
    return { status: 201, headers: { Location: `${req.basePath}/replication/policies/${id}` } };
  },

  getReplicationPolicy(state, req) {
    const policy = state.replicationPolicies.get(Number(req.params.id));
    return policy
      ? { status: 200, body: policyView(state, policy) }
      : notFound(`replication policy ${req.params.id}`);
  },

  listReplicationPolicies(state) {
    const all = [...state.replicationPolicies.values()];
    return {
      status: 200,
      headers: { "X-Total-Count": String(all.length) },
      body: all.map((p) => policyView(state, p)),
    };
  },

  updateReplicationPolicy(state, req) {
    const policy = state.replicationPolicies.get(Number(req.params.id));
    if (!policy) return notFound(`replication policy ${req.params.id}`);
    const body = req.body as PolicyBody;
    const problem = policyProblem(state, body);
    if (problem) return errorReply(400, "BAD_REQUEST", problem);
    if (policyNameTaken(state, body.name!, policy.id))
      return errorReply(409, "CONFLICT", `policy ${body.name} already exists`);
    state.replicationPolicies.set(policy.id, {
      ...policyFrom(policy.id, body, policy.creation_time),
      update_time: nowPrecise(),
    });
    return { status: 200 };
  },

  deleteReplicationPolicy(state, req) {
    const id = Number(req.params.id);
    if (!state.replicationPolicies.has(id)) return notFound(`replication policy ${id}`);
    state.replicationPolicies.delete(id);
    return { status: 200 };
  },
};

/** The cron Harbor keeps for each schedule type. */
const presetCrons: Record<string, string> = {
  Hourly: "0 0 * * * *",
  Daily: "0 0 0 * * *",
  Weekly: "0 0 0 * * 0",
};

interface ScheduleBody {
  schedule?: { type?: string; cron?: string };
  parameters?: Record<string, unknown>;
}

/** Applies a schedule request as Harbor's GC handler does; `create` refuses to replace one (409). */
function applySchedule(state: HarborFakeState, body: ScheduleBody, create: boolean, basePath: string) {
  const type = body.schedule?.type ?? "";
  const parameters = body.parameters ?? {};
  const workers = parameters.workers;
  if (
    workers !== undefined &&
    !(Number.isInteger(workers) && (workers as number) >= 1 && (workers as number) <= 5)
  )
    return errorReply(400, "BAD_REQUEST", `workers must be between 1 and 5, not ${String(workers)}`);
  if (parameters.delete_untagged !== undefined && typeof parameters.delete_untagged !== "boolean")
    return errorReply(400, "BAD_REQUEST", "delete_untagged must be true or false");
  if (type === "None") {
    state.gcSchedule = undefined;
    return {
      status: create ? 201 : 200,
      headers: create ? { Location: `${basePath}/system/gc/0` } : undefined,
    };
  }
  if (type === "Manual") {
    const run = state.nextId++;
    return {
      status: create ? 201 : 200,
      headers: create ? { Location: `${basePath}/system/gc/${run}` } : undefined,
    };
  }
  const cron = presetCrons[type] ?? body.schedule?.cron;
  if (!["Hourly", "Daily", "Weekly", "Custom", "Schedule"].includes(type) || !isSixFieldCron(cron))
    return errorReply(400, "BAD_REQUEST", `invalid schedule type ${type} or cron ${JSON.stringify(cron)}`);
  if (create && state.gcSchedule) return errorReply(409, "CONFLICT", "a gc schedule already exists");
  const id = state.nextId++;
  const time = nowPrecise();
  state.gcSchedule = {
    id,
    type,
    cron: cron!,
    parameters,
    creation_time: state.gcSchedule?.creation_time ?? time,
    update_time: time,
  };
  return {
    status: create ? 201 : 200,
    headers: create ? { Location: `${basePath}/system/gc/${id}` } : undefined,
  };
}

export const gcHandlers: Record<string, Handler> = {
  getGCSchedule(state) {
    const s = state.gcSchedule;
    // Harbor answers OK with no payload when there is no schedule.
    if (!s) return { status: 200 };
    return {
      status: 200,
      body: {
        id: s.id,
        job_name: "",
        job_kind: s.type,
        job_parameters: JSON.stringify(s.parameters),
        schedule: { type: s.type, cron: s.cron },
        job_status: "",
        deleted: false,
        creation_time: s.creation_time,
        update_time: s.update_time,
      },
    };
  },

  createGCSchedule: (state, req) => applySchedule(state, req.body as ScheduleBody, true, req.basePath),

  updateGCSchedule: (state, req) => applySchedule(state, req.body as ScheduleBody, false, req.basePath),
};
