/**
 * A tenant's room in a registry, whatever cluster it is on: a Harbor project of its own with robots and
 * members, or a pull-only deploy token of a GitLab project. Its pull credentials become the tenant's
 * `registryAuth` when it was given none.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import type { HarborConnection } from "../../provider/harbor/resource-connection";
import type { GitLabConnection } from "../../provider/gitlab/resource-connection";
import type { MemberRole } from "../../provider/harbor/project-member";
import { type AddIssue, isObject, isWhole, show, unknownFields } from "../arguments";
import { parseMemory } from "../spec/units";
import type { TenantOwner, TenantRequest } from "../tenant-contract";

/** A Harbor to make the tenant's project in: a `HarborRegistry`, or any Harbor by connection and host. */
export interface TenantHarbor {
  /** An administrator's connection, such as `HarborRegistry`'s `connection`. */
  connection: pulumi.Input<HarborConnection>;
  /** The host images are named with, such as `HarborRegistry`'s `server`. */
  server: pulumi.Input<string>;
}

/** The tenant's own project in a Harbor, named after the tenant. */
export interface TenantHarborRegistry {
  /** The Harbor. */
  harbor: TenantHarbor;
  /**
   * The most the project may store (`"50Gi"`, bytes).
   * @default the tenant's `quota.storage`, else no limit
   */
  storageQuota?: number | string;
  /**
   * How Harbor knows the owners' groups: groups of its HTTP authentication proxy, or of its OIDC provider.
   * @default `"http"`
   */
  groupType?: "http" | "oidc";
}

/** Pulls from a GitLab project's container registry with a deploy token of the tenant's. */
export interface TenantGitLabRegistry {
  /** The GitLab and a token that may manage the project's deploy tokens. */
  gitlab: pulumi.Input<GitLabConnection>;
  /** The project whose registry holds the tenant's images: its ID or full path (`group/app`). */
  project: pulumi.Input<string | number>;
}

/** Where the tenant's images live: a Harbor project of its own, or a GitLab project's registry. */
export type TenantRegistry = TenantHarborRegistry | TenantGitLabRegistry;

/** What the tenant's registry made. */
export interface TenantRegistryRoom {
  /** The pull robot's or deploy token's credentials. Secret. */
  pullCredentials: pulumi.Output<RegistryCredentials>;
  /** The push robot's credentials, for CI (Harbor). Secret. */
  pushCredentials?: pulumi.Output<RegistryCredentials>;
  /** The tenant's Harbor project. */
  project?: pulumi.Output<string>;
}

/**
 * The Harbor role an owner gets in the tenant's project, by their role in its namespaces: admins manage
 * the project and its members, editors push and pull (deleting images and changing the project's
 * policies stay with admins), viewers pull.
 */
export const harborRoleOf: Readonly<Record<NonNullable<TenantOwner["role"]>, MemberRole>> = {
  admin: "projectAdmin",
  edit: "developer",
  view: "guest",
};

const isHarbor = (r: TenantRegistry): r is TenantHarborRegistry => "harbor" in r;

/**
 * Every problem with `Tenant`'s `registry`, each at its path; with a Harbor, also an owner named twice
 * (each owner is one member of the project).
 */
export function tenantRegistryIssues(registry: unknown, owners: TenantOwner[], add: AddIssue): void {
  if (registry === undefined) return;
  if (!isObject(registry) || "harbor" in registry === "gitlab" in registry) {
    add("registry", "must be { harbor, storageQuota?, groupType? } or { gitlab, project }");
    return;
  }
  if ("harbor" in registry) {
    unknownFields(registry, ["harbor", "storageQuota", "groupType"], "registry.", add);
    const harbor = registry.harbor;
    if (!isObject(harbor) || harbor.connection === undefined || harbor.server === undefined)
      add("registry.harbor", "must be a HarborRegistry, or a Harbor's { connection, server }");
    const quota = registry.storageQuota;
    if (quota !== undefined && !((parseMemory(quota) ?? 0) > 0))
      add("registry.storageQuota", `${show(quota)} is not an amount of storage such as "50Gi"`);
    const groupType = registry.groupType;
    if (groupType !== undefined && groupType !== "http" && groupType !== "oidc")
      add("registry.groupType", `${show(groupType)} is not "http" or "oidc"`);
    const seen = new Set<string>();
    owners.forEach((owner, i) => {
      const key = `${owner.kind} ${owner.name}`;
      if (seen.has(key)) add(`owners[${i}]`, `names ${key} a second time: each owner is one Harbor member`);
      seen.add(key);
    });
    return;
  }
  unknownFields(registry, ["gitlab", "project"], "registry.", add);
  if (registry.gitlab === undefined || registry.gitlab === null)
    add("registry.gitlab", "must be a GitLab connection { url, token }");
  const project = registry.project;
  // An output is checked by GitLab's provider once known.
  const named =
    (typeof project === "string" && project.trim() !== "") ||
    isWhole(project, 1) ||
    (typeof project === "object" && project !== null);
  if (!named)
    add("registry.project", `${show(project)} does not name a GitLab project by its ID or full path`);
}

/**
 * Makes the tenant's room in its registry, as children of `parent`: what `Tenant` does with `registry`.
 * The registry's resources load only here.
 */
export function deployTenantRegistry(
  request: TenantRequest,
  registry: TenantRegistry,
  parent: pulumi.ComponentResource,
): TenantRegistryRoom {
  if (isHarbor(registry)) {
    const { harborTenantProject } = require("./registry-harbor") as typeof import("./registry-harbor");
    return harborTenantProject(request, registry, parent);
  }
  const { gitlabTenantToken } = require("./registry-gitlab") as typeof import("./registry-gitlab");
  return gitlabTenantToken(request, registry, parent);
}
