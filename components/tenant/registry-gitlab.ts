import type * as pulumi from "@pulumi/pulumi";
import { GitLabDeployToken } from "../../provider/gitlab/deploy-token-resource";
import { gitlabCredentials } from "../registry/gitlab/credentials";
import type { TenantRequest } from "../tenant-contract";
import type { TenantGitLabRegistry, TenantRegistryRoom } from "./registry";

/**
 * A deploy token of the GitLab project that may only read its container registry, as a child of
 * `parent`: the tenant's pull credentials.
 */
export function gitlabTenantToken(
  request: TenantRequest,
  registry: TenantGitLabRegistry,
  parent: pulumi.ComponentResource,
): TenantRegistryRoom {
  const token = new GitLabDeployToken(
    `${request.name}-registry-pull`,
    {
      connection: registry.gitlab,
      project: registry.project,
      name: `tenant-${request.name}-pull`,
      scopes: ["read_registry"],
    },
    { parent },
  );
  return { pullCredentials: gitlabCredentials(token) };
}
