/**
 * HarborProjectMember through the test engine and Pulumi's own dynamic-provider host, against the
 * contract-checked Harbor fake, in one sequence of runs: a preview with the project ID unknown,
 * create (a user and a group member), no change, a role updated in place, a group replaced, drift
 * found by refresh and repaired by up, import, a duplicate refused, bad input refused before any
 * API call, and delete. Ends with no contract violation recorded by the fake.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HarborProject,
  HarborProjectMember,
  type HarborProjectMemberArgs,
} from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { loadSerializedProvider, type ProgramRun, runProgram, unknownValue } from "../support/harness";

let fake: HarborFake;
const memberType = "pulumi-nodejs:dynamic/berth/harbor:HarborProjectMember";
type MemberArgs = Omit<HarborProjectMemberArgs, "connection" | "projectId">;

function deploy(
  members: Record<string, MemberArgs>,
  options: { previous?: ProgramRun; preview?: boolean } = {},
) {
  return runProgram(
    () => {
      const p = new HarborProject("project", { connection: fake.connection, name: "team" });
      for (const [name, args] of Object.entries(members))
        new HarborProjectMember(name, { connection: fake.connection, projectId: p.projectId, ...args });
    },
    { project: "harbor-e2e", stack: "members", ...options },
  );
}

describe("HarborProjectMember through Pulumi's dynamic-provider host, on the Harbor fake", () => {
  before(async () => {
    fake = await startHarborFake();
    fake.addUser("alice");
  });
  after(() => fake.close());

  it("previews, creates, keeps, updates the role in place, replaces the group, repairs drift, imports and deletes", async () => {
    const alice: MemberArgs = { user: "alice", role: "developer" };
    const ops: MemberArgs = { group: "ops", role: "guest" };

    const preview = await deploy({ alice, ops }, { preview: true });
    assert.equal(preview.byName("alice", memberType).operation, "create");
    assert.equal(preview.byName("alice", memberType).programInputs.projectId, unknownValue);
    assert.equal(fake.state.members.size, 0, "a preview creates nothing");

    const up = await deploy({ alice, ops });
    const project = [...fake.state.projects.values()].find((p) => p.name === "team")!;
    const aliceId = up.byName("alice", memberType).id!;
    const [projectId, memberId] = aliceId.split("/").map(Number);
    assert.equal(projectId, project.project_id);
    assert.deepEqual(
      [...fake.state.members.values()]
        .filter((m) => m.project_id === project.project_id)
        .map((m) => [m.entity_type, m.entity_name, m.role_id])
        .sort(),
      [
        ["g", "ops", 3],
        ["u", "admin", 1],
        ["u", "alice", 2],
      ],
      "Harbor holds both members (and the creator, as project admin)",
    );
    const group = [...fake.state.groups.values()].find((g) => g.group_name === "ops")!;
    assert.equal(group.group_type, 2, "an HTTP group by default");

    const same = await deploy({ alice, ops }, { previous: up });
    assert.equal(same.byName("alice", memberType).operation, "same");
    assert.equal(same.byName("ops", memberType).operation, "same");

    const opsId = up.byName("ops", memberType).id!;
    const changed = await deploy(
      { alice: { ...alice, role: "maintainer" }, ops: { group: "sre", role: "guest" } },
      { previous: same },
    );
    assert.equal(changed.byName("alice", memberType).operation, "update", "a role changes in place");
    assert.equal(changed.byName("alice", memberType).id, aliceId);
    assert.equal(fake.state.members.get(memberId)!.role_id, 4);
    assert.equal(changed.byName("ops", memberType).operation, "replace", "another group replaces the member");
    assert.equal(fake.state.members.has(Number(opsId.split("/")[1])), false, "the old membership is deleted");
    assert.equal(
      fake.state.members.get(Number(changed.byName("ops", memberType).id!.split("/")[1]))!.entity_name,
      "sre",
    );

    fake.state.members.get(memberId)!.role_id = 5;
    const refreshed = await changed.refresh();
    assert.equal(
      refreshed.byName("alice", memberType).outputs.role,
      "limitedGuest",
      "refresh sees the role set in Harbor",
    );
    const repaired = await deploy(
      { alice: { ...alice, role: "maintainer" }, ops: { group: "sre", role: "guest" } },
      { previous: refreshed },
    );
    assert.equal(repaired.byName("alice", memberType).operation, "update");
    assert.equal(repaired.byName("ops", memberType).operation, "same");
    assert.equal(fake.state.members.get(memberId)!.role_id, 4, "up puts the role back");

    const provider = loadSerializedProvider(up.byName("alice", memberType).providerText!);
    const sreId = repaired.byName("ops", memberType).id!;
    const imported = await fake.inEnvironment(() => provider.read!(sreId, {}));
    assert.deepEqual(
      (({ projectId, user, group, groupType, role }) => ({ projectId, user, group, groupType, role }))(
        (imported as { inputs: Record<string, unknown> }).inputs,
      ),
      { projectId: project.project_id, user: "", group: "sre", groupType: "http", role: "guest" },
    );

    const connection = fake.connection;
    await assert.rejects(
      provider.create({
        connection,
        projectId,
        user: "alice",
        group: "",
        groupType: "http",
        ldapGroupDn: "",
        role: "guest",
      }),
      /harbor project member user alice of project \d+ already exists in Harbor and is not this resource's/,
    );
    await assert.rejects(
      provider.create({
        connection,
        projectId,
        user: "nobody",
        group: "",
        groupType: "http",
        ldapGroupDn: "",
        role: "guest",
      }),
      /harbor project member user nobody .*404.*user nobody not found/,
    );
    const before = fake.requests.length;
    const checked = await provider.check!(
      {},
      { connection, projectId, user: "alice", group: "ops", role: "owner" },
    );
    assert.deepEqual(
      checked.failures?.map((f) => f.property).sort(),
      ["role", "user"],
      JSON.stringify(checked.failures),
    );
    const ldap = await provider.check!(
      {},
      { connection, projectId, group: "admins", groupType: "ldap", role: "guest" },
    );
    assert.match(ldap.failures?.[0]?.reason ?? "", /required for an ldap group/);
    assert.equal(fake.requests.length, before, "bad input is refused before any API call");

    await repaired.destroy();
    assert.equal(
      [...fake.state.members.values()].some((m) => m.entity_name === "alice"),
      false,
    );
    assert.deepEqual(fake.violations, [], "requests and responses keep Harbor's contract");
  });
});
