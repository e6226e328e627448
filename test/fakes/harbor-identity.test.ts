/**
 * Harbor objects that Berth finds by numeric ID (robot accounts, registry endpoints, replication
 * policies, project members, immutable tag rules) through the test engine and Pulumi's own
 * dynamic-provider host, against the contract-checked Harbor fake. For each: deploy, then make the
 * recorded ID hold another object (renamed in the fake, as a second Harbor or one restored from a
 * backup would hold someone else's object under the same ID). An update, a refresh and a destroy
 * are then refused with an error naming both objects, and no PUT or DELETE reaches Harbor; once the
 * ID holds this resource's object again, destroy deletes it. Ends with no contract violation.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HarborImmutableTagRule,
  HarborProject,
  HarborProjectMember,
  HarborRegistryEndpoint,
  HarborReplicationPolicy,
  HarborRobotAccount,
} from "../../components/registry/harbor";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { type ProgramRun, runProgram } from "../support/harness";

let fake: HarborFake;
/** Projects made outside the stacks under test, by name: their IDs. */
const projectIds: Record<string, number> = {};
const typeOf = (kind: string) => `pulumi-nodejs:dynamic/berth/harbor:${kind}`;

interface Case {
  kind: string;
  /** The program; `changed` alters one field of the object, so `up` updates it. */
  program(changed: boolean): () => void;
  /** Makes the object's ID hold another object; returns what undoes it. */
  swap(run: ProgramRun): () => void;
  /** The recorded name and the one Harbor now holds under the ID, as the error must name them. */
  names: [string, string];
  /** Whether Harbor still holds the object under the resource's ID. */
  held(run: ProgramRun): boolean;
}

function project(name: string) {
  return new HarborProject("project", { connection: fake.connection, name });
}

function projectNamed(name: string) {
  return [...fake.state.projects.values()].find((p) => p.name === name)!;
}

/** Renames project `from` to `to` in Harbor; returns what renames it back. */
function renameProject(from: string, to: string): () => void {
  const p = projectNamed(from);
  p.name = to;
  return () => {
    p.name = from;
  };
}

const cases: Case[] = [
  {
    kind: "HarborRobotAccount",
    program: (changed) => () => {
      const p = project("robots");
      new HarborRobotAccount("object", {
        connection: fake.connection,
        project: p.name,
        name: "ci",
        description: changed ? "changed" : "",
        access: [{ resource: "repository", action: "pull" }],
      });
    },
    swap(run) {
      const robot = fake.state.robots.get(Number(run.byName("object", typeOf(this.kind)).id))!;
      robot.name = "robot$theirs+ci";
      return () => {
        robot.name = "robot$robots+ci";
      };
    },
    names: ["robot$robots+ci", "robot$theirs+ci"],
    held: (run) => fake.state.robots.has(Number(run.byName("object", typeOf("HarborRobotAccount")).id)),
  },
  {
    kind: "HarborRegistryEndpoint",
    program: (changed) => () =>
      new HarborRegistryEndpoint("object", {
        connection: fake.connection,
        name: "mirror",
        type: "docker-registry",
        url: "https://mirror.example.com/",
        description: changed ? "changed" : "",
      }),
    swap(run) {
      const registry = fake.state.registries.get(Number(run.byName("object", typeOf(this.kind)).id))!;
      registry.name = "their-mirror";
      return () => {
        registry.name = "mirror";
      };
    },
    names: ["mirror", "their-mirror"],
    held: (run) =>
      fake.state.registries.has(Number(run.byName("object", typeOf("HarborRegistryEndpoint")).id)),
  },
  {
    kind: "HarborReplicationPolicy",
    program: (changed) => () => {
      const e = new HarborRegistryEndpoint("endpoint", {
        connection: fake.connection,
        name: "target",
        type: "docker-registry",
        url: "https://target.example.com/",
      });
      new HarborReplicationPolicy("object", {
        connection: fake.connection,
        name: "push",
        destinationRegistryId: e.registryId,
        trigger: "manual",
        description: changed ? "changed" : "",
      });
    },
    swap(run) {
      const policy = fake.state.replicationPolicies.get(Number(run.byName("object", typeOf(this.kind)).id))!;
      policy.name = "their-push";
      return () => {
        policy.name = "push";
      };
    },
    names: ["push", "their-push"],
    held: (run) =>
      fake.state.replicationPolicies.has(Number(run.byName("object", typeOf("HarborReplicationPolicy")).id)),
  },
  {
    kind: "HarborProjectMember",
    program: (changed) => () => {
      new HarborProjectMember("object", {
        connection: fake.connection,
        projectId: projectIds.members,
        user: "alice",
        role: changed ? "maintainer" : "developer",
      });
    },
    swap: () => renameProject("members", "their-members"),
    names: ["members", "their-members"],
    held(run) {
      const memberId = Number(run.byName("object", typeOf(this.kind)).id!.split("/")[1]);
      return fake.state.members.has(memberId);
    },
  },
  {
    kind: "HarborImmutableTagRule",
    program: (changed) => () => {
      new HarborImmutableTagRule("object", {
        connection: fake.connection,
        projectId: projectIds.rules,
        tags: "v*",
        disabled: changed,
      });
    },
    swap: () => renameProject("rules", "their-rules"),
    names: ["rules", "their-rules"],
    held(run) {
      const ruleId = Number(run.byName("object", typeOf(this.kind)).id!.split("/")[1]);
      return fake.state.immutableRules.has(ruleId);
    },
  },
];

/** `text` as a regular expression that matches it literally. */
function escaped(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Harbor writes (PUT, POST, DELETE) sent since request `since`. */
function writesSince(since: number) {
  return fake.requests.slice(since).filter((r) => r.method !== "GET");
}

describe("Harbor objects found by ID are checked to be this resource's before every change", () => {
  before(async () => {
    fake = await startHarborFake();
    fake.addUser("alice");
    // Members and rules belong to projects of another stack: only the object under test is in theirs.
    await runProgram(
      () =>
        ["members", "rules"].map((name) => new HarborProject(name, { connection: fake.connection, name })),
      { project: "harbor-e2e", stack: "projects" },
    );
    for (const name of ["members", "rules"]) projectIds[name] = projectNamed(name).project_id;
  });
  after(() => fake.close());
  afterEach(() =>
    assert.deepEqual(fake.violations.splice(0), [], "requests and responses keep Harbor's contract"),
  );

  /** The error names the object under the ID and the one state records, and says what to do. */
  const namesBoth = (c: Case) => (err: Error) => {
    const [ours, theirs] = c.names;
    assert.match(err.message, new RegExp(`"${escaped(theirs)}", not "${escaped(ours)}"`));
    assert.match(err.message, /neither changes nor deletes it/);
    assert.match(err.message, /pulumi state delete/);
    return true;
  };

  for (const c of cases) {
    it(`${c.kind}: refuses to update, refresh or delete another object under its ID`, async () => {
      const stack = c.kind.toLowerCase();
      const up = await runProgram(c.program(false), { project: "harbor-e2e", stack });
      const undo = c.swap(up);

      let since = fake.requests.length;
      await assert.rejects(
        runProgram(c.program(true), { project: "harbor-e2e", stack, previous: up }),
        namesBoth(c),
      );
      assert.deepEqual(writesSince(since), [], "nothing is written to the other object");

      await assert.rejects(up.refresh(), namesBoth(c));

      since = fake.requests.length;
      await assert.rejects(up.destroy(), namesBoth(c));
      assert.deepEqual(writesSince(since), [], "the other object is not deleted");
      assert.equal(c.held(up), true);

      undo();
      await up.destroy();
      assert.equal(c.held(up), false, "this resource's own object is deleted");
    });
  }
});
