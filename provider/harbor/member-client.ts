import type { HarborConnection } from "./client";
import { harborHttp } from "./http";

/** `definitions.UserEntity` */
export interface UserEntity {
  user_id?: number;
  username?: string;
}

/** `definitions.UserGroup` */
export interface UserGroup {
  id?: number;
  group_name?: string;
  /** 1 LDAP, 2 HTTP, 3 OIDC. */
  group_type?: number;
  ldap_group_dn?: string;
}

/** `definitions.ProjectMember`: a user or a group, with a role. */
export interface ProjectMember {
  role_id?: number;
  member_user?: UserEntity;
  member_group?: UserGroup;
}

/** `definitions.ProjectMemberEntity` */
export interface ProjectMemberEntity {
  id?: number;
  project_id?: number;
  entity_name?: string;
  role_name?: string;
  role_id?: number;
  entity_id?: number;
  /** "u" for a user, "g" for a group. */
  entity_type?: string;
}

/** A client of Harbor's project member API (`/projects/{id}/members`) and user groups. */
export function memberClient(connection: HarborConnection) {
  const http = harborHttp(connection);
  const members = (projectId: number) => `/projects/${projectId}/members`;
  return {
    /** `createProjectMember`; the new member's ID. */
    createMember(projectId: number, member: ProjectMember): Promise<number> {
      return http.created(members(projectId), member, "createProjectMember");
    },

    /** `getProjectMember` */
    getMember(projectId: number, memberId: number): Promise<ProjectMemberEntity> {
      return http.json("GET", `${members(projectId)}/${memberId}`);
    },

    /** `updateProjectMember`: the role is all that changes. */
    async updateRole(projectId: number, memberId: number, roleId: number): Promise<void> {
      await http.send("PUT", `${members(projectId)}/${memberId}`, { body: { role_id: roleId } });
    },

    /** `deleteProjectMember` */
    async deleteMember(projectId: number, memberId: number): Promise<void> {
      await http.send("DELETE", `${members(projectId)}/${memberId}`);
    },

    /** `getUserGroup` */
    getGroup(groupId: number): Promise<UserGroup> {
      return http.json("GET", `/usergroups/${groupId}`);
    },
  };
}
