import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../shared/unknowns";
import type { ExpirationPolicy, Project, ProjectEdit, RegistryAccessLevel } from "./api-types";
import { type GitLabConnection, gitlabClient, registryHostOf } from "./client";
import { checkCleanupPolicy, type CleanupPolicy, cleanupPolicyDefaults } from "./cleanup-policy";
import {
  aboutObject,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  createFailure,
  isGitLabNotFound,
  projectProblem,
} from "./common";

export const registryAccessLevels = ["enabled", "private", "disabled"] as const;

/** A project's container registry settings as Berth manages them. */
export interface RegistryInputs {
  connection: GitLabConnection;
  /** The project: its ID, or its full path (`group/app`). A new project replaces the resource. */
  project: string | number;
  accessLevel: RegistryAccessLevel;
  cleanupPolicy: CleanupPolicy;
  /** Take over an access level or a cleanup policy set before this resource (restored on delete); without it, create refuses them. */
  adopt: boolean;
}

/** The registry settings a project had before this resource: what delete puts back. */
export interface PriorRegistrySettings {
  accessLevel: RegistryAccessLevel;
  cleanupPolicy: CleanupPolicy;
}

export interface RegistryOutputs extends RegistryInputs {
  /**
   * The settings the project had before this resource. Absent in state written before they were
   * recorded; delete then turns the cleanup policy off and leaves the access level.
   */
  prior?: PriorRegistrySettings;
  projectId: number;
  projectPath: string;
  registryHost: string;
  /** Where the project's images live: `<registry host>/<project path>`. */
  imagePrefix: string;
}

export const registryDefaults = { accessLevel: "enabled", adopt: false } as const;

/**
 * The settings of `project` that were set before Berth (not GitLab's defaults: access `enabled`, the
 * cleanup policy off) and that `inputs` would change, each as `<field> (<value found>)`.
 */
function settingsTakenOver(inputs: RegistryInputs, prior: PriorRegistrySettings): string[] {
  const taken: string[] = [];
  if (prior.accessLevel !== registryDefaults.accessLevel && prior.accessLevel !== inputs.accessLevel)
    taken.push(`accessLevel (${prior.accessLevel})`);
  if (prior.cleanupPolicy.enabled && changedKeys(prior, inputs, ["cleanupPolicy"]).length > 0)
    taken.push(`cleanupPolicy (on: ${JSON.stringify(prior.cleanupPolicy)})`);
  return taken;
}

const compared = ["connection", "project", "accessLevel", "cleanupPolicy"] as const;

/** The settings as GitLab's `PUT /projects/:id` takes them. */
function editOf(inputs: RegistryInputs): ProjectEdit {
  const p = inputs.cleanupPolicy;
  return {
    container_registry_access_level: inputs.accessLevel,
    container_expiration_policy_attributes: {
      cadence: p.cadence,
      enabled: p.enabled,
      keep_n: p.keepN,
      older_than: p.olderThan,
      name_regex: p.nameRegex,
      name_regex_keep: p.nameRegexKeep === "" ? null : p.nameRegexKeep,
    },
  };
}

/** The policy GitLab holds, as the inputs spell it; a project without one holds GitLab's defaults. */
function policyAsWritten(policy: ExpirationPolicy | null): CleanupPolicy {
  if (!policy) return { ...cleanupPolicyDefaults };
  return {
    enabled: policy.enabled,
    cadence: policy.cadence as CleanupPolicy["cadence"],
    keepN: policy.keep_n as CleanupPolicy["keepN"],
    olderThan: policy.older_than as CleanupPolicy["olderThan"],
    nameRegex: policy.name_regex ?? "",
    nameRegexKeep: policy.name_regex_keep ?? "",
  };
}

function outputsOf(inputs: RegistryInputs, project: Project): RegistryOutputs {
  const registryHost = registryHostOf(inputs.connection);
  return {
    ...inputs,
    projectId: project.id,
    projectPath: project.path_with_namespace,
    registryHost,
    imagePrefix: `${registryHost}/${project.path_with_namespace}`.toLowerCase(),
  };
}

function priorOf(project: Project): PriorRegistrySettings {
  return {
    accessLevel: project.container_registry_access_level,
    cleanupPolicy: policyAsWritten(project.container_expiration_policy),
  };
}

function sameSettings(inputs: RegistryInputs, project: Project): string[] {
  const held = {
    accessLevel: project.container_registry_access_level,
    cleanupPolicy: policyAsWritten(project.container_expiration_policy),
  };
  return changedKeys<RegistryInputs>(held, inputs, ["accessLevel", "cleanupPolicy"]);
}

/**
 * The dynamic provider for a GitLab project's container registry settings: the registry's access
 * level and its cleanup policy. The project itself is not this resource's: create and update set the
 * settings on an existing project (found by ID or path), and identity is the project's ID. Create
 * refuses to change an access level or a cleanup policy set before it (not GitLab's defaults)
 * unless `adopt` is true, and records the settings it found; delete puts them back (so a policy
 * made for this resource is turned off, and no tags are removed by a policy nobody manages any
 * more), and leaves the images as they are.
 */
export const registryProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RegistryInputs, news: RegistryInputs) {
    const inputs = { ...registryDefaults, ...news } as RegistryInputs;
    const { policy, failures: policyFailures } = checkCleanupPolicy(news.cleanupPolicy);
    inputs.cleanupPolicy = policy as CleanupPolicy;
    const failures: CheckFailure[] = [
      ...connectionProblems(inputs.connection),
      ...projectProblem(inputs.project),
      ...policyFailures,
    ];
    if (!isUnknown(inputs.adopt) && typeof inputs.adopt !== "boolean")
      failures.push({ property: "adopt", reason: "must be true or false" });
    if (!isUnknown(inputs.accessLevel) && !registryAccessLevels.includes(inputs.accessLevel))
      failures.push({
        property: "accessLevel",
        reason: `${JSON.stringify(inputs.accessLevel)} is not one of GitLab's values: ${registryAccessLevels.join(", ")}`,
      });
    return { inputs, failures };
  },

  async diff(_id: string, olds: RegistryOutputs, news: RegistryInputs) {
    const replaces =
      isKnown(news.project) && String(olds.project) !== String(news.project) ? ["project"] : [];
    const changed = changedKeys<RegistryInputs>(olds, news, compared);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: RegistryInputs) {
    const what = `gitlab registry ${inputs.project}`;
    const client = gitlabClient(inputs.connection);
    let project: Project;
    try {
      project = await client.getProject(inputs.project);
    } catch (err) {
      throw aboutObject(what, err);
    }
    const prior = priorOf(project);
    const taken = settingsTakenOver(inputs, prior);
    if (taken.length > 0 && !inputs.adopt) {
      throw new Error(
        `${what}: project ${project.path_with_namespace} already has ${taken.join(" and ")} set outside this ` +
          `resource; Berth does not take them over. Set adopt: true to manage them (the settings found are ` +
          `put back when the resource is deleted)`,
      );
    }
    const outs: RegistryOutputs = { ...outputsOf(inputs, project), prior };
    try {
      const edited = await client.editProject(project.id, editOf(inputs));
      const differing = sameSettings(inputs, edited);
      if (differing.length > 0) throw new Error(`GitLab holds other values for ${differing.join(", ")}`);
    } catch (err) {
      throw createFailure(what, aboutObject(what, err), String(project.id), outs);
    }
    return { id: String(project.id), outs };
  },

  /**
   * Reads the settings back in the shape of the inputs, so changes made in GitLab show as drift.
   * With empty props (`pulumi import <type> <name> <project ID or path>`), the connection comes from
   * GITLAB_URL and GITLAB_TOKEN.
   */
  async read(id: string, props: Partial<RegistryOutputs>) {
    const what = `gitlab registry ${props.project ?? id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    let project: Project;
    try {
      project = await gitlabClient(connection).getProject(props.projectId ?? id);
    } catch (err) {
      if (isGitLabNotFound(err)) return {};
      throw aboutObject(what, err);
    }
    const inputs: RegistryInputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      project: props.project ?? project.path_with_namespace,
      ...priorOf(project),
      adopt: props.adopt ?? false,
    };
    const outs = { ...props, ...outputsOf(inputs, project) };
    return props.project === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(id: string, olds: RegistryOutputs, news: RegistryInputs) {
    const what = `gitlab registry ${news.project}`;
    try {
      const edited = await gitlabClient(news.connection).editProject(olds.projectId ?? id, editOf(news));
      const outs: RegistryOutputs = outputsOf(news, edited);
      if (olds.prior) outs.prior = olds.prior;
      return { outs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  async delete(id: string, props: RegistryOutputs) {
    const what = `gitlab registry ${props.project ?? id}`;
    const client = gitlabClient(connectionOrEnvironment(props.connection, what));
    try {
      const project = await client.getProject(props.projectId ?? id);
      if (props.prior) {
        await client.editProject(project.id, editOf({ ...props, ...props.prior }));
        return;
      }
      if (!project.container_expiration_policy?.enabled) return;
      await client.editProject(project.id, {
        container_expiration_policy_attributes: { enabled: false },
      } as ProjectEdit);
    } catch (err) {
      if (isGitLabNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
