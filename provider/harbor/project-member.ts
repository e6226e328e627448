import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import { type HarborConnection, harborClient, isNotFound } from "./client";
import {
  aboutObject,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  requireSameObject,
  sameValue,
} from "./common";
import { memberClient, type ProjectMember, type ProjectMemberEntity } from "./member-client";

/** Harbor's project roles, by the names its API answers with (`role_name`), with their IDs. */
export const memberRoleIds = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
  limitedGuest: 5,
} as const;
/** A project member's role. */
export type MemberRole = keyof typeof memberRoleIds;
export const memberRoles = Object.keys(memberRoleIds) as MemberRole[];

/** Harbor's kinds of user group, with their `group_type` numbers. */
export const groupTypeIds = { ldap: 1, http: 2, oidc: 3 } as const;
/** The kind of a group member. */
export type GroupType = keyof typeof groupTypeIds;
export const groupTypes = Object.keys(groupTypeIds) as GroupType[];

/** A member of a Harbor project: a user or a group (exactly one of `user` and `group` is set). */
export interface ProjectMemberInputs {
  connection: HarborConnection;
  /** Harbor's ID of the project. */
  projectId: number;
  /** The user's name; "" for a group member. */
  user: string;
  /** The group's name; "" for a user member. */
  group: string;
  /** The group's kind (group members only). */
  groupType: GroupType;
  /** An LDAP group's DN, which is how Harbor finds LDAP groups ("" otherwise). */
  ldapGroupDn: string;
  role: MemberRole;
}

export interface ProjectMemberOutputs extends ProjectMemberInputs {
  memberId: number;
  /** Harbor's ID of the user or group. */
  entityId: number;
  /** The project's name when the member was added: what says project ID `projectId` is still that project. */
  projectName: string;
}

export const memberDefaults = { user: "", group: "", groupType: "http", ldapGroupDn: "" } as const;

/** Who the member is: a change replaces the membership (Harbor cannot move one to another entity). */
const identity = ["projectId", "user", "group", "groupType", "ldapGroupDn"] as const;

/** `<project ID>/<member ID>`: the resource's ID, as `pulumi import` takes it. */
function parseId(id: string): { projectId: number; memberId: number } {
  const match = /^(\d+)\/(\d+)$/.exec(id);
  if (!match) throw new Error(`harbor project member ${id}: the ID must be <project ID>/<member ID>`);
  return { projectId: Number(match[1]), memberId: Number(match[2]) };
}

function describe(inputs: Partial<ProjectMemberInputs>): string {
  const who = inputs.user ? `user ${inputs.user}` : `group ${inputs.group || inputs.ldapGroupDn}`;
  return `harbor project member ${who} of project ${inputs.projectId}`;
}

function memberOf(inputs: ProjectMemberInputs): ProjectMember {
  const role_id = memberRoleIds[inputs.role];
  if (inputs.user) return { role_id, member_user: { username: inputs.user } };
  return {
    role_id,
    member_group: {
      group_name: inputs.group,
      group_type: groupTypeIds[inputs.groupType],
      ...(inputs.ldapGroupDn ? { ldap_group_dn: inputs.ldapGroupDn } : {}),
    },
  };
}

/**
 * Member `memberId` of project `projectId`, after checking it is still the one state records: the
 * project bears the recorded name, the member the recorded user or group name (an LDAP group given
 * by DN alone is checked by its project only). What state does not hold (import, or state written
 * before project names were kept) is not checked.
 */
async function sameMember(
  connection: HarborConnection,
  projectId: number,
  memberId: number,
  recorded: Partial<ProjectMemberOutputs>,
): Promise<ProjectMemberEntity> {
  const entity = await memberClient(connection).getMember(projectId, memberId);
  if (recorded.projectName !== undefined) {
    const project = await harborClient(connection).getProject(projectId);
    requireSameObject("project", projectId, connection, recorded.projectName, project.name);
  }
  const name = recorded.user || recorded.group || undefined;
  requireSameObject("project member", `${projectId}/${memberId}`, connection, name, entity.entity_name);
  return entity;
}

function roleOf(entity: ProjectMemberEntity): MemberRole {
  const byId = memberRoles.find((r) => memberRoleIds[r] === entity.role_id);
  return byId ?? (entity.role_name as MemberRole);
}

function memberProblems(inputs: ProjectMemberInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const projectId: unknown = inputs.projectId;
  if (!isUnknown(projectId) && !(Number.isInteger(projectId) && (projectId as number) > 0))
    failures.push({ property: "projectId", reason: "must be a Harbor project ID" });
  for (const key of ["user", "group", "ldapGroupDn"] as const) {
    if (!isUnknown(inputs[key]) && typeof inputs[key] !== "string")
      failures.push({ property: key, reason: "must be a string" });
  }
  if (!isUnknown(inputs.role) && !memberRoles.includes(inputs.role))
    failures.push({ property: "role", reason: `must be one of ${memberRoles.join(", ")}` });
  if (!isUnknown(inputs.groupType) && !groupTypes.includes(inputs.groupType))
    failures.push({ property: "groupType", reason: `must be one of ${groupTypes.join(", ")}` });
  if (isKnown([inputs.user, inputs.group, inputs.ldapGroupDn, inputs.groupType])) {
    const isGroup = Boolean(inputs.group || inputs.ldapGroupDn);
    if (Boolean(inputs.user) === isGroup)
      failures.push({ property: "user", reason: "set exactly one of user and group" });
    else if (isGroup && inputs.groupType === "ldap" && !inputs.ldapGroupDn)
      failures.push({
        property: "ldapGroupDn",
        reason: "is required for an ldap group: Harbor finds LDAP groups by DN",
      });
    else if (isGroup && inputs.groupType !== "ldap" && !inputs.group)
      failures.push({ property: "group", reason: `must name the ${inputs.groupType} group` });
  }
  return failures;
}

/**
 * The dynamic provider for project members. Identity is `<project ID>/<member ID>`; another user,
 * group or project replaces the membership, a new role updates it in place. Harbor refuses a
 * second membership of the same user or group in a project (409), so create never takes over one
 * it did not make; read, update and delete act on the recorded IDs only while the project still
 * bears the recorded name and the member the recorded user or group.
 */
export const projectMemberProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ProjectMemberInputs, news: ProjectMemberInputs) {
    const inputs = { ...memberDefaults, ...news } as ProjectMemberInputs;
    return { inputs, failures: [...connectionProblems(inputs.connection), ...memberProblems(inputs)] };
  },

  async diff(_id: string, olds: ProjectMemberOutputs, news: ProjectMemberInputs) {
    const replaces = identity.filter((k) => isKnown(news[k]) && !sameValue(olds[k], news[k]));
    const changed = changedKeys<ProjectMemberInputs>(olds, news, ["connection", "role", ...identity]);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: ProjectMemberInputs) {
    const client = memberClient(inputs.connection);
    try {
      const projectName = (await harborClient(inputs.connection).getProject(inputs.projectId)).name ?? "";
      const memberId = await client.createMember(inputs.projectId, memberOf(inputs));
      const entity = await client.getMember(inputs.projectId, memberId);
      const outs: ProjectMemberOutputs = {
        ...inputs,
        memberId,
        entityId: entity.entity_id ?? 0,
        projectName,
      };
      return { id: `${inputs.projectId}/${memberId}`, outs };
    } catch (err) {
      throw aboutObject(describe(inputs), err);
    }
  },

  /**
   * Reads the membership back; a member or project that is gone reports it gone. With empty props
   * (`pulumi import <type> <name> <project ID>/<member ID>`), the connection comes from HARBOR_URL,
   * HARBOR_USERNAME and HARBOR_PASSWORD.
   */
  async read(id: string, props: Partial<ProjectMemberOutputs>) {
    const { projectId, memberId } = parseId(id);
    const what = `harbor project member ${id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    const client = memberClient(connection);
    try {
      const entity = await sameMember(connection, projectId, memberId, props);
      const name = entity.entity_name ?? "";
      let who: Pick<ProjectMemberInputs, "user" | "group" | "groupType" | "ldapGroupDn">;
      if (entity.entity_type === "u") {
        who = { user: name, group: "", groupType: props.groupType ?? "http", ldapGroupDn: "" };
      } else if (props.projectId !== undefined && props.entityId === entity.entity_id) {
        who = { user: "", group: name, groupType: props.groupType!, ldapGroupDn: props.ldapGroupDn ?? "" };
      } else {
        const group = await client.getGroup(entity.entity_id ?? 0);
        const groupType = groupTypes.find((t) => groupTypeIds[t] === group.group_type) ?? "http";
        who = {
          user: "",
          group: group.group_name ?? name,
          groupType,
          ldapGroupDn: group.ldap_group_dn ?? "",
        };
      }
      const inputs: ProjectMemberInputs = {
        ...props,
        connection: storedConnection(props.connection, connection),
        projectId,
        ...who,
        role: roleOf(entity),
      };
      const projectName =
        props.projectName ?? (await harborClient(connection).getProject(projectId)).name ?? "";
      const outs: ProjectMemberOutputs = {
        ...props,
        ...inputs,
        memberId,
        entityId: entity.entity_id ?? 0,
        projectName,
      };
      return props.projectId === undefined ? { id, props: outs, inputs } : { id, props: outs };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
  },

  async update(id: string, olds: ProjectMemberOutputs, news: ProjectMemberInputs) {
    const { projectId, memberId } = parseId(id);
    let projectName: string;
    try {
      await sameMember(news.connection, projectId, memberId, olds);
      await memberClient(news.connection).updateRole(projectId, memberId, memberRoleIds[news.role]);
      projectName =
        olds.projectName ?? (await harborClient(news.connection).getProject(projectId)).name ?? "";
    } catch (err) {
      throw aboutObject(describe(news), err);
    }
    return {
      outs: { ...news, memberId, entityId: olds.entityId, projectName } satisfies ProjectMemberOutputs,
    };
  },

  async delete(id: string, props: ProjectMemberOutputs) {
    const { projectId, memberId } = parseId(id);
    const what = describe({ ...props, projectId });
    const connection = connectionOrEnvironment(props.connection, what);
    try {
      await sameMember(connection, projectId, memberId, props);
      await memberClient(connection).deleteMember(projectId, memberId);
    } catch (err) {
      if (isNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
