import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import { HarborProject } from "../../provider/harbor/project-resource";
import { HarborProjectMember } from "../../provider/harbor/project-member-resource";
import { HarborRobotAccount } from "../../provider/harbor/robot-account";
import { parseMemory } from "../spec/units";
import type { TenantRequest } from "../tenant-contract";
import { harborRoleOf, type TenantHarborRegistry, type TenantRegistryRoom } from "./registry";

const pull = { resource: "repository", action: "pull" };
const push = { resource: "repository", action: "push" };

function credentials(
  server: pulumi.Input<string>,
  robot: HarborRobotAccount,
): pulumi.Output<RegistryCredentials> {
  return pulumi.secret(
    pulumi
      .all([server, robot.fullName, robot.secret])
      .apply(([s, username, password]) => ({ server: s, username, password })),
  );
}

/**
 * The tenant's Harbor project (named after the tenant, with its storage quota), a pull robot for its
 * clusters, a push robot for its CI, and a member per owner, as children of `parent`.
 */
export function harborTenantProject(
  request: TenantRequest,
  registry: TenantHarborRegistry,
  parent: pulumi.ComponentResource,
): TenantRegistryRoom {
  const name = request.name;
  const { connection, server } = registry.harbor;
  const opts = { parent };
  const storage =
    registry.storageQuota !== undefined ? parseMemory(registry.storageQuota) : request.quota.storage;
  const project = new HarborProject(
    `${name}-registry`,
    { connection, name, storageLimitBytes: storage ?? -1 },
    opts,
  );
  const robot = (role: string, access: (typeof pull)[], description: string) =>
    new HarborRobotAccount(
      `${name}-registry-${role}`,
      { connection, project: project.name, name: role, access, description },
      opts,
    );
  const puller = robot("pull", [pull], `Tenant ${name}: its clusters pull its images`);
  const pusher = robot("push", [pull, push], `Tenant ${name}: its CI pushes its images`);
  for (const owner of request.owners) {
    new HarborProjectMember(
      `${name}-registry-${owner.kind}-${owner.name}`,
      {
        connection,
        projectId: project.projectId,
        ...(owner.kind === "user"
          ? { user: owner.name }
          : { group: owner.name, groupType: registry.groupType ?? "http" }),
        role: harborRoleOf[owner.role],
      },
      opts,
    );
  }
  return {
    pullCredentials: credentials(server, puller),
    pushCredentials: credentials(server, pusher),
    project: project.name,
  };
}
