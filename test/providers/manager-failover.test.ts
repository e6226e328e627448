import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { SwarmNetwork, SwarmSecret, SwarmService } from "../../provider/swarm";
import { serviceProvider, type ServiceInputs, type ServiceOutputs } from "../../provider/swarm/service";
import type { ProviderServiceSpec } from "../../provider/swarm/service-spec";
import { knownConnectionProblems } from "../../provider/swarm/identity";
import { normalizeService, renderSwarm } from "../../components/spec";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { runProgram } from "../support/harness";

// Managers that are down, next to the local engine: a socket nobody listens on answers as a stopped
// engine does (the connection is refused before anything is sent).
const owner = testOwner("failover");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const down = (n: number) => ({ socketPath: `/tmp/berth-no-engine-${process.pid}-${n}.sock` });
const local = {};

function inputs(
  name: string,
  connection: ServiceInputs["connection"],
): ServiceInputs & { __provider: string } {
  const service = normalizeService(`${owner.project}-${name}`, {
    image: "local/busybox:1",
    command: ["sleep", "3600"],
    stopGracePeriod: "1s",
  });
  return {
    connection,
    owner,
    spec: renderSwarm(service),
    secretEnv: {},
    timeoutSeconds: 20,
    __provider: "exports.handler = function () {}",
  };
}

/** The stack identity every Swarm program has; it has no connection to move. */
const stackIdentity = "berth-stack-id";

describe("Swarm providers through several managers (real engine)", () => {
  after(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });

  it("creates, reads, updates and deletes a service while the first manager is down", async (t) => {
    if (!(await needEngine(t))) return;
    const managers = [down(1), local];
    const made = inputs("svc", managers);
    const { id, outs } = (await serviceProvider.create(made)) as { id: string; outs: ServiceOutputs };
    assert.equal(docker("service", "inspect", id, "--format", "{{.Spec.Name}}"), made.spec.Name);

    const read = await serviceProvider.read!(id, outs);
    assert.deepEqual(
      (read.props as ServiceOutputs).spec,
      outs.spec,
      "no drift read through the other manager",
    );

    // The list is configuration: reordering it, dropping the dead manager or going back to one
    // connection changes state in place and replaces nothing.
    for (const connection of [[local, down(1)], [local], local, [down(2), down(1), local]]) {
      const d = await serviceProvider.diff!(id, outs, { ...made, connection });
      assert.deepEqual([d.changes, d.replaces], [true, []], JSON.stringify(connection));
    }
    const updated = { ...made, connection: [down(2), local], spec: { ...made.spec, Labels: { tier: "b" } } };
    await serviceProvider.update!(id, outs, updated);
    assert.equal(docker("service", "inspect", id, "--format", '{{index .Spec.Labels "tier"}}'), "b");

    await serviceProvider.delete!(id, { ...outs, connection: [down(3), local] });
    assert.throws(() => docker("service", "inspect", id), /no such service/i);
  });

  it("names every manager tried and what each answered when none can be reached", async () => {
    const started = Date.now();
    const made = { ...inputs("none", [down(1), down(2)]), timeoutSeconds: 2 };
    await assert.rejects(serviceProvider.create(made), (err: Error) => {
      assert.match(err.message, /no manager could be reached/);
      assert.match(err.message, new RegExp(`unix://${down(1).socketPath}: connect ENOENT`));
      assert.match(err.message, new RegExp(`unix://${down(2).socketPath}: connect ENOENT`));
      assert.match(err.message, /kept trying for 2 s/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 2000 && took < 10_000, `retried for the resource's timeout, not forever (${took} ms)`);
  });

  it("moves a single-connection stack to several managers in place, and deploys, refreshes without drift and destroys through Pulumi's host with a dead first manager", async (t) => {
    if (!(await needEngine(t))) return;
    const managers = [down(1), local];
    const program = (connection: unknown) => () => {
      const net = new SwarmNetwork("net", { name: `${owner.project}-net`, connection: connection as never });
      const secret = new SwarmSecret("sec", {
        name: `${owner.project}-sec`,
        data: "s3cret",
        connection: connection as never,
      });
      new SwarmService("svc", {
        connection: connection as never,
        spec: pulumiSpec(net.name, secret),
        timeoutSeconds: 30,
      });
    };
    // A stack written with the single-connection form moves to a list of managers in place. (The stack's
    // identity has no connection: it stays the same throughout.)
    const old = await runProgram(program(local), { project: owner.project });
    const first = await runProgram(program(managers), { project: owner.project, previous: old });
    assert.deepEqual(
      first.resources
        .filter((r) => r.custom && r.name !== stackIdentity)
        .map((r) => `${r.name}:${r.operation}`)
        .sort(),
      ["net:update", "sec:update", "svc:update"],
    );
    const refreshed = await first.refresh();
    const again = await runProgram(program(managers), { project: owner.project, previous: refreshed });
    assert.deepEqual(
      again.resources
        .filter((r) => r.custom && r.name !== stackIdentity)
        .map((r) => `${r.name}:${r.operation}`)
        .sort(),
      ["net:same", "sec:same", "svc:same"],
      "refresh then up changes nothing",
    );
    // Another order of managers updates in place: nothing is replaced.
    const reordered = await runProgram(program([local, down(2)]), {
      project: owner.project,
      previous: again,
    });
    assert.deepEqual(
      reordered.resources
        .filter((r) => r.custom && r.name !== stackIdentity)
        .map((r) => `${r.name}:${r.operation}`)
        .sort(),
      ["net:update", "sec:update", "svc:update"],
    );
    await reordered.destroy();
    assert.equal(docker("service", "ls", "-q", "--filter", `label=berth.project=${owner.project}`), "");
  });
});

/** A service that joins `network` and mounts `secret`. */
function pulumiSpec(network: unknown, secret: SwarmSecret): pulumi.Output<ProviderServiceSpec> {
  const service = normalizeService(`${owner.project}-svc`, {
    image: "local/busybox:1",
    command: ["sleep", "3600"],
    stopGracePeriod: "1s",
  });
  const spec = renderSwarm(service);
  return pulumi.all([network as pulumi.Output<string>, secret.objectName]).apply(([net, name]) => ({
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      Networks: [{ Target: net }],
      ContainerSpec: {
        ...spec.TaskTemplate.ContainerSpec,
        Secrets: [{ SecretName: name, SecretID: "", File: { Name: "s", UID: "0", GID: "0", Mode: 0o400 } }],
      },
    },
  }));
}

describe("the local engine through the environment", () => {
  const withEnv = (env: Record<string, string | undefined>, fn: () => void) => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };

  it("refuses DOCKER_HOST=ssh:// (no host key) and tcp:// without verified TLS, and says what to give", () => {
    const unset = { DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined };
    withEnv({ ...unset, DOCKER_HOST: "ssh://admin@10.9.9.9" }, () => {
      const problems = knownConnectionProblems({});
      assert.equal(problems.length, 1);
      assert.equal(problems[0].property, "connection");
      assert.match(
        problems[0].reason,
        /DOCKER_HOST \(ssh:\/\/10\.9\.9\.9\) without verifying the server's host key/,
      );
      assert.match(problems[0].reason, /hostKey/);
      assert.doesNotMatch(problems[0].reason, /admin/, "no user name in the message");
      assert.equal(knownConnectionProblems([]).length, 1, "an empty manager list is the local engine too");
      assert.equal(knownConnectionProblems([{}], "connection")[0].property, "connection[0]");
    });
    withEnv({ ...unset, DOCKER_HOST: "tcp://10.9.9.9:2375" }, () => {
      assert.match(
        knownConnectionProblems({})[0].reason,
        /without verified TLS; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH/,
      );
    });
    withEnv({ DOCKER_HOST: "tcp://10.9.9.9:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs" }, () =>
      assert.deepEqual(knownConnectionProblems({}), []),
    );
    withEnv({ ...unset, DOCKER_HOST: "unix:///var/run/docker.sock" }, () =>
      assert.deepEqual(knownConnectionProblems({}), []),
    );
  });

  it("refuses it at check through Pulumi's host, naming the resource", async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = "tcp://10.9.9.9:2375";
    try {
      await assert.rejects(
        runProgram(() => new SwarmNetwork("plain", { name: `${owner.project}-plain` }), {
          project: owner.project,
          preview: true,
        }),
        (err: Error) => {
          assert.match(String(err.message), /plain/);
          assert.match(
            String(err.message),
            /connection: is not set, so the engine would be reached through DOCKER_HOST \(tcp:\/\/10\.9\.9\.9:2375\)/,
          );
          return true;
        },
      );
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
