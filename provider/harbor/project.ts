import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../shared/unknowns";
import { redactedUrl } from "../shared/endpoint";
import type { Project, ProjectMetadata, ProjectReq } from "./api-types";
import { type HarborConnection, hasStatus, harborClient, isNotFound } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  createFailure,
  nameProblem,
} from "./common";

export const severities = ["none", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof severities)[number];

/** A Harbor project as Berth manages it (every field set: the resource class fills in defaults). */
export interface ProjectInputs {
  connection: HarborConnection;
  name: string;
  public: boolean;
  autoScan: boolean;
  preventVulnerable: boolean;
  severity: Severity;
  reuseSystemCveAllowlist: boolean;
  /** CVE IDs the project's allowlist holds. */
  cveAllowlist: string[];
  /** The project's storage quota in bytes; -1 is unlimited. */
  storageLimitBytes: number;
}

export interface ProjectOutputs extends ProjectInputs {
  /** Harbor's ID of the project: with the name, the resource's identity. */
  projectId: number;
}

/** The defaults the provider applies to absent inputs (and that an imported project is compared with). */
export const projectDefaults = {
  public: false,
  autoScan: false,
  preventVulnerable: false,
  severity: "low",
  reuseSystemCveAllowlist: true,
  cveAllowlist: [] as string[],
  storageLimitBytes: -1,
} as const;

const comparedInputs = [
  "connection",
  "name",
  "public",
  "autoScan",
  "preventVulnerable",
  "severity",
  "reuseSystemCveAllowlist",
  "cveAllowlist",
  "storageLimitBytes",
] as const;

const flag = (value: boolean) => (value ? "true" : "false");

/** The metadata Berth manages, as Harbor spells it: every key sent, so drift shows in each. */
function metadataOf(inputs: ProjectInputs): ProjectMetadata {
  return {
    public: flag(inputs.public),
    auto_scan: flag(inputs.autoScan),
    prevent_vul: flag(inputs.preventVulnerable),
    severity: inputs.severity,
    reuse_sys_cve_allowlist: flag(inputs.reuseSystemCveAllowlist),
  };
}

function requestOf(inputs: ProjectInputs): ProjectReq {
  return {
    metadata: metadataOf(inputs),
    cve_allowlist: { items: inputs.cveAllowlist.map((cve_id) => ({ cve_id })) },
  };
}

/** The project's fields as the inputs spell them; metadata Harbor does not hold reads as its default. */
function asWritten(project: Project, storageLimitBytes: number) {
  const m = project.metadata ?? {};
  const bool = (value: string | null | undefined, absent: boolean) =>
    value === undefined || value === null ? absent : value === "true";
  return {
    name: project.name ?? "",
    public: bool(m.public, false),
    autoScan: bool(m.auto_scan, false),
    preventVulnerable: bool(m.prevent_vul, false),
    severity: (m.severity ?? projectDefaults.severity) as Severity,
    reuseSystemCveAllowlist: bool(m.reuse_sys_cve_allowlist, false),
    cveAllowlist: (project.cve_allowlist?.items ?? []).map((i) => i.cve_id ?? "").filter(Boolean),
    storageLimitBytes,
  };
}

/** Fails unless the project found under the recorded ID is the one this resource made. */
function requireSameProject(
  found: Project,
  name: string | undefined,
  id: string,
  connection: HarborConnection,
) {
  if (name !== undefined && found.name !== name) {
    throw new Error(
      `harbor project ${name}: project ID ${id} at ${redactedUrl(connection.url)} is named ${found.name}, not ${name}; ` +
        `the connection reaches another Harbor than the one the project was made in. Point it back, ` +
        `or replace the resource (pulumi up --replace)`,
    );
  }
}

async function storageLimitOf(client: ReturnType<typeof harborClient>, projectId: number): Promise<number> {
  const quota = await client.projectQuota(projectId);
  return quota?.hard?.storage ?? -1;
}

/**
 * The dynamic provider for Harbor projects. A project's identity is its Harbor ID (and name, which
 * Harbor cannot change: a new name replaces it). Harbor has no labels, so ownership is the ID in
 * state: create never takes over an existing project (Harbor's 409 is reported naming the resource),
 * and update and delete act only on the recorded ID after checking it still bears the recorded name.
 * The storage quota changes through `/quotas` (Harbor ignores it in a project update).
 */
export const projectProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ProjectInputs, news: ProjectInputs) {
    const inputs = { ...projectDefaults, ...news } as ProjectInputs;
    const failures: CheckFailure[] = [
      ...connectionProblems(inputs.connection),
      ...nameProblem("name", inputs.name),
    ];
    for (const key of ["public", "autoScan", "preventVulnerable", "reuseSystemCveAllowlist"] as const)
      failures.push(...booleanProblem(key, inputs[key]));
    if (!isUnknown(inputs.severity) && !severities.includes(inputs.severity))
      failures.push({ property: "severity", reason: `must be one of ${severities.join(", ")}` });
    const limit: unknown = inputs.storageLimitBytes;
    if (
      !isUnknown(limit) &&
      !(limit === -1 || (typeof limit === "number" && Number.isSafeInteger(limit) && limit > 0))
    )
      failures.push({
        property: "storageLimitBytes",
        reason: "must be -1 (unlimited) or a positive number of bytes",
      });
    const allowlist: unknown = inputs.cveAllowlist;
    if (
      !isUnknown(allowlist) &&
      !(
        Array.isArray(allowlist) &&
        allowlist.every((c) => isUnknown(c) || (typeof c === "string" && c.length > 0))
      )
    )
      failures.push({ property: "cveAllowlist", reason: "must be a list of CVE IDs" });
    return { inputs, failures };
  },

  async diff(_id: string, olds: ProjectOutputs, news: ProjectInputs) {
    const replaces = isKnown(news.name) && olds.name !== news.name ? ["name"] : [];
    const changed = changedKeys<ProjectInputs>(olds, news, comparedInputs);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: ProjectInputs) {
    const what = `harbor project ${inputs.name}`;
    const client = harborClient(inputs.connection);
    let projectId: number;
    try {
      projectId = await client.createProject({
        project_name: inputs.name,
        ...requestOf(inputs),
        storage_limit: inputs.storageLimitBytes,
      });
    } catch (err) {
      throw aboutObject(what, err);
    }
    const outs: ProjectOutputs = { ...inputs, projectId };
    try {
      // Harbor keeps metadata it was not sent at its own defaults: read back what it holds.
      const found = await client.getProject(projectId);
      const held = asWritten(found, await storageLimitOf(client, projectId));
      if (held.storageLimitBytes !== inputs.storageLimitBytes) {
        throw new Error(
          `Harbor set the storage quota to ${held.storageLimitBytes}, not ${inputs.storageLimitBytes}`,
        );
      }
    } catch (err) {
      throw createFailure(what, err, String(projectId), outs);
    }
    return { id: String(projectId), outs };
  },

  /**
   * Reads the project back in the shape of its inputs, so any change made in Harbor shows as a
   * difference. With empty props (`pulumi import <type> <name> <project ID>`), the connection comes
   * from HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<ProjectOutputs>) {
    const connection = connectionOrEnvironment(props.connection, `harbor project ${props.name ?? id}`);
    const client = harborClient(connection);
    let found: Project;
    try {
      found = await client.getProject(Number(id));
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(`harbor project ${props.name ?? id}`, err);
    }
    requireSameProject(found, props.name, id, connection);
    const inputs: ProjectInputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      ...asWritten(found, await storageLimitOf(client, Number(id))),
    };
    const outs: ProjectOutputs = { ...props, ...inputs, projectId: Number(id) };
    return props.name === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(id: string, olds: ProjectOutputs, news: ProjectInputs) {
    const what = `harbor project ${news.name}`;
    const client = harborClient(news.connection);
    try {
      requireSameProject(await client.getProject(Number(id)), olds.name, id, news.connection);
      await client.updateProject(Number(id), requestOf(news));
      const quota = await client.projectQuota(Number(id));
      if (!quota?.id) throw new Error("Harbor has no quota for the project");
      if (quota.hard?.storage !== news.storageLimitBytes) {
        await client.updateQuota(quota.id, { storage: news.storageLimitBytes });
      }
    } catch (err) {
      throw aboutObject(what, err);
    }
    return { outs: { ...news, projectId: Number(id) } satisfies ProjectOutputs };
  },

  async delete(id: string, props: ProjectOutputs) {
    const what = `harbor project ${props.name ?? id}`;
    const client = harborClient(connectionOrEnvironment(props.connection, what));
    try {
      requireSameProject(await client.getProject(Number(id)), props.name, id, props.connection);
      await client.deleteProject(Number(id));
    } catch (err) {
      if (isNotFound(err)) return;
      if (hasStatus(err, 412)) {
        throw new Error(
          `${what}: Harbor refuses to delete it while it still holds repositories (${err.messages.join("; ")}); ` +
            `delete its repositories first, or remove the resource from the stack with pulumi state delete`,
          { cause: err },
        );
      }
      throw aboutObject(what, err);
    }
  },
};
