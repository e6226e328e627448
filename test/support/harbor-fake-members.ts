/**
 * The Harbor fake's project members and user groups (`/projects/{id}/members`, `/usergroups/{id}`),
 * with Harbor's behaviours: a user must exist (404, as Harbor's user onboarding answers), HTTP and
 * OIDC groups are onboarded by name and LDAP groups by DN, one membership per user or group in a
 * project (409), roles 1-5.
 */
import type { FakeGroup, FakeMember, FakeProject, HarborFakeState } from "./harbor-fake-handlers";
import { errorReply, type FakeReply, type FakeRequest, type Handler, notFound } from "./harbor-fake-reply";

const roleNames: Record<number, string> = {
  1: "projectAdmin",
  2: "developer",
  3: "guest",
  4: "maintainer",
  5: "limitedGuest",
};

function projectOf(state: HarborFakeState, req: FakeRequest): FakeProject | undefined {
  const ref = req.params.project_name_or_id;
  if (!req.byName && /^\d+$/.test(ref)) return state.projects.get(Number(ref));
  return [...state.projects.values()].find((p) => p.name === ref);
}

function inProject(
  state: HarborFakeState,
  req: FakeRequest,
  then: (project: FakeProject) => FakeReply,
): FakeReply {
  const project = projectOf(state, req);
  return project ? then(project) : notFound(`project ${req.params.project_name_or_id}`);
}

function memberView(m: FakeMember) {
  return { ...m, role_name: roleNames[m.role_id] };
}

interface MemberBody {
  role_id?: number;
  member_user?: { user_id?: number; username?: string };
  member_group?: { id?: number; group_name?: string; group_type?: number; ldap_group_dn?: string };
}

/** The group a member request names, onboarded as Harbor does, or why Harbor refuses it. */
function groupFor(
  state: HarborFakeState,
  wanted: NonNullable<MemberBody["member_group"]>,
): FakeGroup | string {
  if (wanted.id) return state.groups.get(wanted.id) ?? `user group ${wanted.id} not found`;
  const type = wanted.group_type ?? 0;
  if (![1, 2, 3].includes(type)) return `invalid group type ${type}`;
  if (type === 1 && !wanted.ldap_group_dn) return "an LDAP group needs ldap_group_dn";
  if (type !== 1 && !wanted.group_name) return "a group needs group_name";
  const existing = [...state.groups.values()].find((g) =>
    type === 1
      ? g.group_type === 1 && g.ldap_group_dn === wanted.ldap_group_dn
      : g.group_type === type && g.group_name === wanted.group_name,
  );
  if (existing) return existing;
  const id = state.nextId++;
  const group: FakeGroup = {
    id,
    group_name: wanted.group_name || (wanted.ldap_group_dn ?? "").replace(/^cn=([^,]+).*$/i, "$1"),
    group_type: type,
    ldap_group_dn: wanted.ldap_group_dn ?? "",
  };
  state.groups.set(id, group);
  return group;
}

export const memberHandlers: Record<string, Handler> = {
  listProjectMembers: (state, req) =>
    inProject(state, req, (project) => {
      const name = req.query.get("entityname");
      const found = [...state.members.values()].filter(
        (m) => m.project_id === project.project_id && (name === null || m.entity_name.includes(name)),
      );
      return { status: 200, headers: { "X-Total-Count": String(found.length) }, body: found.map(memberView) };
    }),

  createProjectMember: (state, req) =>
    inProject(state, req, (project) => {
      const body = (req.body ?? {}) as MemberBody;
      if (!roleNames[body.role_id ?? 0])
        return errorReply(400, "BAD_REQUEST", `invalid role_id ${body.role_id}`);
      if (Boolean(body.member_user) === Boolean(body.member_group))
        return errorReply(400, "BAD_REQUEST", "set one of member_user and member_group");
      let entity: Pick<FakeMember, "entity_type" | "entity_id" | "entity_name">;
      if (body.member_user) {
        const { user_id, username } = body.member_user;
        const user = [...state.users.values()].find((u) => u.user_id === user_id || u.username === username);
        if (!user) return notFound(`user ${username ?? user_id}`);
        entity = { entity_type: "u", entity_id: user.user_id, entity_name: user.username };
      } else {
        const group = groupFor(state, body.member_group!);
        if (typeof group === "string") return errorReply(400, "BAD_REQUEST", group);
        entity = { entity_type: "g", entity_id: group.id, entity_name: group.group_name };
      }
      const taken = [...state.members.values()].some(
        (m) =>
          m.project_id === project.project_id &&
          m.entity_type === entity.entity_type &&
          m.entity_id === entity.entity_id,
      );
      if (taken) return errorReply(409, "CONFLICT", `The member ${entity.entity_name} already exists`);
      const id = state.nextId++;
      state.members.set(id, { id, project_id: project.project_id, ...entity, role_id: body.role_id! });
      const ref = req.byName ? project.name : project.project_id;
      return { status: 201, headers: { Location: `${req.basePath}/projects/${ref}/members/${id}` } };
    }),

  getProjectMember: (state, req) =>
    inProject(state, req, (project) => {
      const member = state.members.get(Number(req.params.mid));
      if (!member || member.project_id !== project.project_id) return notFound(`member ${req.params.mid}`);
      return { status: 200, body: memberView(member) };
    }),

  updateProjectMember: (state, req) =>
    inProject(state, req, (project) => {
      const member = state.members.get(Number(req.params.mid));
      if (!member || member.project_id !== project.project_id) return notFound(`member ${req.params.mid}`);
      const role = (req.body as { role_id?: number } | undefined)?.role_id ?? 0;
      if (!roleNames[role]) return errorReply(400, "BAD_REQUEST", `invalid role_id ${role}`);
      member.role_id = role;
      return { status: 200 };
    }),

  deleteProjectMember: (state, req) =>
    inProject(state, req, (project) => {
      const member = state.members.get(Number(req.params.mid));
      if (!member || member.project_id !== project.project_id) return notFound(`member ${req.params.mid}`);
      state.members.delete(member.id);
      return { status: 200 };
    }),

  getUserGroup(state, req) {
    const group = state.groups.get(Number(req.params.group_id));
    if (!group) return notFound(`user group ${req.params.group_id}`);
    return {
      status: 200,
      body: {
        id: group.id,
        group_name: group.group_name,
        group_type: group.group_type,
        ...(group.ldap_group_dn ? { ldap_group_dn: group.ldap_group_dn } : {}),
      },
    };
  },
};
