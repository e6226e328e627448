/**
 * A stack's random identity on the swarm objects it owns, through the test engine and Pulumi's own
 * dynamic-provider host against the real swarm: two stacks of the same project and stack names (two
 * organisations', two backends') do not take or delete each other's objects; objects made by a Berth
 * that wrote no identity are relabelled on their next update when the stack's state records them, and
 * never adopted when it does not.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import { runProgram, type ProgramRun, failedRun } from "../support/harness";
import type { StateEntry } from "../support/engine/state";
import { needEngine } from "../support/engine";
import { removeLabelled } from "../support/cleanup";
import { normalizeService, renderSwarm } from "../../components/spec";
import { SwarmConfig, SwarmNetwork, SwarmSecret, SwarmService } from "../../provider/swarm";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const image = "local/busybox:1";
const project = `berth-test-${randomBytes(4).toString("hex")}`;
const stack = "test";
const kinds = ["network", "config", "service"] as const;
type Kind = (typeof kinds)[number];
const types: Record<Kind, string> = {
  network: "SwarmNetwork",
  config: "SwarmConfig",
  service: "SwarmService",
};
const configData = "same content, same name";

/** One resource of `kind`, with the engine name every program of this project gives it. */
function declare(kind: Kind): void {
  if (kind === "network") new SwarmNetwork("net", { name: `${project}-net`, attachable: true });
  if (kind === "config") new SwarmConfig("conf", { name: `${project}-conf`, data: configData });
  if (kind === "service") {
    const spec = renderSwarm(
      normalizeService(`${project}-svc`, { image, command: ["sleep", "600"], stopGracePeriod: "1s" }),
    );
    new SwarmService("svc", { spec, timeoutSeconds: 60 });
  }
}

const run = (kinds: readonly Kind[], previous?: ProgramRun, extra?: () => void) =>
  runProgram(
    () => {
      for (const kind of kinds) declare(kind);
      extra?.();
    },
    { project, stack, previous },
  );

const urnOf = (kind: Kind, name: string) =>
  `urn:pulumi:${stack}::${project}::pulumi-nodejs:dynamic/berth/swarm:${types[kind]}::${name}`;
const nameOf: Record<Kind, string> = { network: "net", config: "conf", service: "svc" };

function labelsOf(kind: Kind, id: string): Record<string, string> {
  const field = kind === "network" ? ".Labels" : ".Spec.Labels";
  return (JSON.parse(docker(kind, "inspect", id, "--format", `{{json ${field}}}`)) ?? {}) as Record<
    string,
    string
  >;
}

function exists(kind: Kind | "secret", id: string): boolean {
  try {
    docker(kind, "inspect", id, "--format", "{{.ID}}");
    return true;
  } catch {
    return false;
  }
}

/** The labels a Berth without stack identities wrote on the object `kind` of resource `name`. */
function oldLabels(kind: Kind): string[] {
  return Object.entries({
    "berth.project": project,
    "berth.stack": stack,
    "berth.component": nameOf[kind],
    "berth.resource": urnOf(kind, nameOf[kind]),
  }).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
}

/** Makes `kind`'s object by hand as a Berth without stack identities did: its ID. */
function makeOld(kind: Kind): string {
  if (kind === "network")
    return docker(
      "network",
      "create",
      "--driver",
      "overlay",
      "--attachable",
      ...oldLabels(kind),
      `${project}-net`,
    );
  if (kind === "config") {
    // The name a config of this content gets: 12 hex digits of its SHA-256.
    const hash = createHash("sha256").update(configData).digest("hex");
    return execFileSync(
      "docker",
      ["config", "create", ...oldLabels(kind), `${project}-conf-${hash.slice(0, 12)}`, "-"],
      {
        input: configData,
        encoding: "utf8",
      },
    ).trim();
  }
  return docker(
    "service",
    "create",
    "--detach",
    "--quiet",
    "--no-resolve-image",
    "--name",
    `${project}-svc`,
    ...oldLabels(kind),
    image,
    "sleep",
    "600",
  );
}

/** `state` as a Berth without stack identities left it: no identity resource, owners without one. */
function withoutIdentity(state: StateEntry[]): StateEntry[] {
  const strip = (props: Record<string, unknown>) => {
    if (!props.owner) return props;
    const { stackId: _gone, ...owner } = props.owner as Record<string, unknown>;
    return { ...props, owner };
  };
  return state
    .filter((entry) => !entry.type.endsWith(":RandomStackId"))
    .map((entry) => ({ ...entry, inputs: strip(entry.inputs), outputs: strip(entry.outputs) }));
}

describe("stack identity on swarm objects (e2e)", () => {
  after(async () => {
    await removeLabelled(project);
  });

  it("two stacks of the same project and stack names cannot take or delete each other's objects", async (t) => {
    if (!(await needEngine(t))) return;
    const first = await run(kinds, undefined, () => new SwarmSecret("pw", { data: "s3cret" }));
    const firstId = first.byName("berth-stack-id").outputs.stackId as string;
    const ids = Object.fromEntries(kinds.map((kind) => [kind, first.byName(nameOf[kind]).id!]));
    const secretId = first.byName("pw").id!;
    for (const kind of kinds) assert.equal(labelsOf(kind, ids[kind]!)["berth.stack-id"], firstId, kind);
    const versionOf = () => docker("service", "inspect", ids.service!, "--format", "{{.Version.Index}}");
    const version = versionOf();

    for (const kind of kinds) {
      // Another organisation's stack: same names, a state of its own, so an identity of its own.
      const refused = await failedRun(
        run([kind], undefined, () => new SwarmSecret("pw", { data: "s3cret" })),
      );
      const secondId = refused.run.byName("berth-stack-id").outputs.stackId as string;
      assert.notEqual(secondId, firstId);
      assert.match(refused.message, new RegExp(`${project}/${stack} \\(berth.stack-id ${firstId}\\)`), kind);
      assert.match(refused.message, new RegExp(`berth.stack-id ${secondId}`), kind);
      assert.match(refused.message, /another name, or use another project or stack name/, kind);
      await refused.run.destroy();
      assert.ok(exists(kind, ids[kind]!), `the first stack's ${kind} survives the second's destroy`);
      assert.ok(exists("secret", secretId), "the first stack's secret survives the second's destroy");
      assert.equal(labelsOf(kind, ids[kind]!)["berth.stack-id"], firstId, kind);
    }
    assert.equal(versionOf(), version, "the second stack never changed the first's service");

    await first.destroy();
    for (const kind of kinds) assert.ok(!exists(kind, ids[kind]!), `${kind} deleted with its own stack`);
  });

  it("objects made before stack identities, recorded in the state, are kept and gain the label", async (t) => {
    if (!(await needEngine(t))) return;
    const made = await run(kinds);
    // The network as an older Berth made it: Docker cannot relabel one, so it is made again by hand.
    await made.destroy();
    const old = Object.fromEntries(kinds.map((kind) => [kind, makeOld(kind)])) as Record<Kind, string>;
    const state = withoutIdentity(made.state).map((entry) => {
      const kind = kinds.find((k) => entry.type.endsWith(`:${types[k]}`));
      return kind ? { ...entry, id: old[kind] } : entry;
    });

    const upgraded = await run(kinds, { state } as ProgramRun);
    const stackId = upgraded.byName("berth-stack-id").outputs.stackId as string;
    assert.match(stackId, /^[0-9a-f]{32}$/);
    for (const kind of kinds) {
      const resource = upgraded.byName(nameOf[kind]);
      assert.equal(resource.operation, "update", kind);
      assert.equal(resource.id, old[kind], `${kind} kept`);
      assert.equal((resource.outputs.owner as { stackId?: string }).stackId, stackId, kind);
    }
    assert.deepEqual(upgraded.deleted, []);
    assert.equal(labelsOf("service", old.service)["berth.stack-id"], stackId);
    assert.equal(labelsOf("config", old.config)["berth.stack-id"], stackId);
    // Docker cannot relabel a network: it keeps working without the label, recorded in state.
    assert.equal(labelsOf("network", old.network)["berth.stack-id"], undefined);

    const again = await run(kinds, upgraded);
    for (const kind of kinds) assert.equal(again.byName(nameOf[kind]).operation, "same", kind);
    await again.destroy();
    for (const kind of kinds) assert.ok(!exists(kind, old[kind]), `${kind} deleted by its stack`);
  });

  it("an object without a stack identity that the state does not record is never adopted", async (t) => {
    if (!(await needEngine(t))) return;
    for (const kind of kinds) {
      const id = makeOld(kind);
      const before = JSON.stringify(labelsOf(kind, id));
      const refused = await failedRun(run([kind]));
      assert.match(refused.message, /carries no berth\.stack-id label/, kind);
      assert.match(refused.message, /will not take it over/, kind);
      assert.equal(refused.run.resources.find((r) => r.name === nameOf[kind])?.id, undefined, kind);
      await refused.run.destroy();
      assert.ok(exists(kind, id), `${kind} left alone`);
      assert.equal(JSON.stringify(labelsOf(kind, id)), before, `${kind} not relabelled`);
      docker(kind, "rm", id);
    }
  });
});
