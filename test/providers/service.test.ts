import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { serviceProvider, type ServiceInputs } from "../../provider/swarm/service";
import type { ProviderServiceSpec } from "../../provider/swarm/service-spec";
import { fileObjectProvider } from "../../provider/swarm/file-object";
import { engineClient } from "../../provider/shared/engine";
import { normalizeService, renderSwarm, type ServiceInput } from "../../components/spec";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";

const owner = testOwner("svc");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const image = "local/busybox:1";

function spec(name: string, input: Omit<ServiceInput, "image"> & { image?: string }): ProviderServiceSpec {
  // busybox as PID 1 ignores SIGTERM: a short grace period keeps deletes quick. Services converge
  // after a 1 s monitor window, not the default 5 s, unless a test gives its own update policy.
  const service = normalizeService(`${owner.project}-${name}`, {
    image,
    stopGracePeriod: "1s",
    // A job is not rolled, so it takes no update policy.
    ...(input.mode === "job" ? {} : { update: { monitor: "1s" } }),
    ...input,
  });
  return renderSwarm(service);
}

function inputs(s: ProviderServiceSpec, extra: Partial<ServiceInputs> = {}): ServiceInputs {
  return { connection: {}, owner, spec: s, secretEnv: {}, timeoutSeconds: 60, ...extra };
}

async function runningTasks(id: string) {
  const tasks = (await engineClient().listTasks({
    filters: JSON.stringify({ service: [id], "desired-state": ["running"] }),
  })) as {
    Status: { State: string; ContainerStatus?: { ContainerID: string } };
  }[];
  return tasks.filter((t) => t.Status.State === "running");
}

const fast = { interval: "1s", timeout: "1s", retries: 1 };

/** Every task Swarm wants running is running and was made from a spec with `envEntry`. */
async function assertAllTasksHave(id: string, envEntry: string): Promise<void> {
  const tasks = (await engineClient().listTasks({
    filters: JSON.stringify({ service: [id], "desired-state": ["running"] }),
  })) as { Status: { State: string }; Spec: { ContainerSpec: { Env?: string[] } } }[];
  assert.ok(tasks.length > 0);
  for (const task of tasks) {
    assert.equal(task.Status.State, "running");
    assert.ok(task.Spec.ContainerSpec.Env?.includes(envEntry), JSON.stringify(task.Spec.ContainerSpec.Env));
  }
}

describe("Swarm services (real engine)", () => {
  after(async () => {
    if (await engineReachable()) await removeLabelled(owner.project);
  });

  it("creates a replicated service and returns only when every replica runs", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("web", {
      command: ["httpd", "-f", "-p", "8080", "-h", "/www"],
      replicas: 2,
      env: { MODE: "plain" },
      healthCheck: { command: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], ...fast },
      labels: { tier: "front" },
    });
    const { id, outs } = await serviceProvider.create(inputs(s, { secretEnv: { API_TOKEN: "tok-secret" } }));
    assert.equal((await runningTasks(id)).length, 2);
    const engineSpec = JSON.parse(docker("service", "inspect", id, "--format", "{{json .Spec}}"));
    assert.deepEqual(engineSpec.TaskTemplate.ContainerSpec.Env, ["API_TOKEN=tok-secret", "MODE=plain"]);
    assert.equal(engineSpec.Labels["berth.project"], owner.project);
    assert.equal(engineSpec.Labels.tier, "front");
    assert.deepEqual(
      outs.spec.TaskTemplate.ContainerSpec.Env,
      ["MODE=plain"],
      "secret variables stay out of the plain spec",
    );

    const read = await serviceProvider.read?.(id, outs);
    assert.deepEqual(read?.props.spec, outs.spec, "a fresh service reads back without drift");
    assert.deepEqual(read?.props.secretEnv, { API_TOKEN: "tok-secret" });

    docker("service", "scale", "--detach", `${s.Name}=3`);
    const drifted = await serviceProvider.read?.(id, outs);
    assert.deepEqual(drifted?.props.spec.Mode, { Replicated: { Replicas: 3 } });
    assert.equal((await serviceProvider.diff?.(id, drifted?.props, inputs(s)))?.changes, true);
  });

  it("waits for global services and for jobs to complete", async (t) => {
    if (!(await needEngine(t))) return;
    const global = await serviceProvider.create(
      inputs(spec("agent", { mode: "global", command: ["sleep", "600"] })),
    );
    assert.equal((await runningTasks(global.id)).length, 1);

    const job = await serviceProvider.create(
      inputs(spec("migrate", { mode: "job", replicas: 2, command: ["sh", "-c", "sleep 1"] })),
    );
    const tasks = (await engineClient().listTasks({ filters: JSON.stringify({ service: [job.id] }) })) as {
      Status: { State: string };
    }[];
    assert.equal(tasks.filter((task) => task.Status.State === "complete").length, 2);
  });

  it("mounts secrets and configs resolved by name", async (t) => {
    if (!(await needEngine(t))) return;
    const secret = await fileObjectProvider("secret").create({
      connection: {},
      name: "svc-pass",
      data: "pa55",
      owner,
      labels: {},
    });
    const config = await fileObjectProvider("config").create({
      connection: {},
      name: "svc-conf",
      data: "k=v",
      owner,
      labels: {},
    });
    const s = spec("reader", {
      command: ["sleep", "600"],
      secrets: [{ source: secret.outs.objectName, target: "pass" }],
      configs: [{ source: config.outs.objectName, target: "/etc/app.conf" }],
    });
    const { id } = await serviceProvider.create(inputs(s));
    const [task] = await runningTasks(id);
    const container = task.Status.ContainerStatus?.ContainerID ?? "";
    assert.equal(docker("exec", container, "cat", "/run/secrets/pass"), "pa55");
    assert.equal(docker("exec", container, "cat", "/etc/app.conf"), "k=v");
  });

  it("reports a missing secret by name before creating anything", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("orphan", { secrets: [{ source: "no-such-secret" }], networks: ["no-such-net"] });
    await assert.rejects(
      serviceProvider.create(inputs(s)),
      /no secret "no-such-secret", network "no-such-net" on the engine/,
    );
    assert.equal(docker("service", "ls", "-q", "--filter", `name=${s.Name}`), "");
  });

  it("updates to a new spec, surviving concurrent writers", async (t) => {
    if (!(await needEngine(t))) return;
    const base = { command: ["sleep", "600"], replicas: 1 };
    const { id, outs } = await serviceProvider.create(inputs(spec("rolling", { ...base, env: { V: "1" } })));
    const [a, b] = await Promise.all([
      serviceProvider.update?.(id, outs, inputs(spec("rolling", { ...base, env: { V: "2" } }))),
      serviceProvider.update?.(id, outs, inputs(spec("rolling", { ...base, env: { V: "3" } }))),
    ]);
    assert.ok((a?.outs.version ?? 0) > outs.version && (b?.outs.version ?? 0) > outs.version);
    const env = JSON.parse(
      docker("service", "inspect", id, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"),
    );
    assert.ok(["V=2", "V=3"].includes(env[0]), env[0]);
  });

  it("reports an update that Swarm rolled back as a failure, leaving the old tasks serving", async (t) => {
    if (!(await needEngine(t))) return;
    const good = spec("rollback", {
      command: ["sleep", "600"],
      replicas: 2,
      update: { failureAction: "rollback", monitor: "3s", order: "start-first" },
      healthCheck: { command: "true", ...fast },
    });
    const { id, outs } = await serviceProvider.create(inputs(good));
    const bad = spec("rollback", {
      command: ["sleep", "600"],
      replicas: 2,
      env: { BROKEN: "yes" },
      update: { failureAction: "rollback", monitor: "3s", order: "start-first" },
      healthCheck: { command: "false", ...fast },
    });
    await assert.rejects(
      serviceProvider.update?.(id, outs, inputs(bad, { timeoutSeconds: 120 })) ?? Promise.resolve(),
      /rolled back/,
    );
    const env = JSON.parse(
      docker("service", "inspect", id, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"),
    );
    assert.equal(
      JSON.stringify(env ?? []).includes("BROKEN"),
      false,
      "the engine is back on the previous spec",
    );
    assert.equal(
      docker("service", "inspect", id, "--format", "{{.UpdateStatus.State}}"),
      "rollback_completed",
    );
    assert.equal((await runningTasks(id)).length, 2);

    // The failed update's status stays on the service; the next good update must not be judged by it.
    const fixed = spec("rollback", {
      command: ["sleep", "600"],
      replicas: 2,
      env: { FIXED: "yes" },
      update: { failureAction: "rollback", monitor: "3s", order: "start-first" },
      healthCheck: { command: "true", ...fast },
    });
    const result = await serviceProvider.update?.(id, outs, inputs(fixed, { timeoutSeconds: 120 }));
    assert.ok((result?.outs.version ?? 0) > outs.version);
    await assertAllTasksHave(id, "FIXED=yes");
  });

  it("returns from an update only once every running task carries the new spec", async (t) => {
    if (!(await needEngine(t))) return;
    const base = { command: ["sleep", "600"], replicas: 3, update: { parallelism: 1, monitor: "1s" } };
    const { id, outs } = await serviceProvider.create(inputs(spec("staged", { ...base, env: { V: "1" } })));
    await serviceProvider.update?.(id, outs, inputs(spec("staged", { ...base, env: { V: "2" } })));
    await assertAllTasksHave(id, "V=2");
  });

  it("fails a create that cannot converge with the task's error, and hands back the id so nothing is orphaned", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("noimage", { image: "local/no-such-image:1" });
    const err = (await serviceProvider.create(inputs(s, { timeoutSeconds: 120 })).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { id?: string };
    assert.ok(err, "create must fail");
    // Long before the timeout: the tasks are rejected, which Swarm retries only to reject them again.
    assert.match(err.message, /the tasks of the current spec keep failing/);
    assert.match(err.message, /No such image|does not exist|pull access denied|manifest unknown/i);
    assert.ok(err.id);
    await serviceProvider.delete?.(err.id ?? "", { ...inputs(s), version: 0 });
    assert.equal(docker("service", "ls", "-q", "--filter", `name=${s.Name}`), "");
  });

  it("deletes idempotently, waiting for the tasks to go, and never deletes another owner's service", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("doomed", { command: ["sleep", "600"] });
    const { id, outs } = await serviceProvider.create(inputs(s));
    await serviceProvider.delete?.(id, outs);
    assert.equal(
      docker("ps", "-q", "--filter", `label=com.docker.swarm.service.id=${id}`),
      "",
      "no container is left",
    );
    await serviceProvider.delete?.(id, outs);

    const foreign = docker(
      "service",
      "create",
      "--detach",
      "--name",
      `${owner.project}-foreign`,
      image,
      "sleep",
      "600",
    );
    try {
      await assert.rejects(serviceProvider.delete?.(foreign, outs) ?? Promise.resolve(), /does not belong/);
      await assert.rejects(
        serviceProvider.create(inputs(spec("foreign", { command: ["sleep", "600"] }))),
        /will not take it over/,
      );
    } finally {
      docker("service", "rm", foreign);
    }
  });

  it("gives the engine what docker stack deploy sets: names, resolver, limits, init, mounts, owners, aliases", async (t) => {
    if (!(await needEngine(t))) return;
    const network = `${owner.project}-aliases`;
    docker("network", "create", "--driver", "overlay", "--label", `berth.project=${owner.project}`, network);
    const s = spec("runtime", {
      command: ["sleep", "600"],
      hostname: "runtime-{{.Task.Slot}}",
      extraHosts: { db: "10.0.0.5" },
      dns: ["10.0.0.2"],
      dnsSearch: ["corp.example"],
      dnsOptions: ["ndots:2"],
      stopSignal: "SIGINT",
      tty: true,
      stdinOpen: true,
      init: true,
      sysctls: { "net.core.somaxconn": "1024" },
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      resources: { pids: 200 },
      volumes: [
        { type: "volume", target: "/cache" },
        { type: "tmpfs", target: "/scratch", tmpfs: { size: "16Mi", mode: 0o1770 } },
      ],
      networks: [{ name: network, aliases: ["runtime-alias"] }],
    });
    const { id, outs } = await serviceProvider.create(inputs(s));
    const engine = JSON.parse(docker("service", "inspect", id, "--format", "{{json .Spec}}"));
    const c = engine.TaskTemplate.ContainerSpec;
    assert.equal(c.Hostname, "runtime-{{.Task.Slot}}");
    assert.deepEqual(c.Hosts, ["10.0.0.5 db"]);
    assert.deepEqual(c.DNSConfig, {
      Nameservers: ["10.0.0.2"],
      Search: ["corp.example"],
      Options: ["ndots:2"],
    });
    assert.equal(c.StopSignal, "SIGINT");
    assert.equal(c.TTY, true);
    assert.equal(c.OpenStdin, true);
    assert.equal(c.Init, true);
    assert.deepEqual(c.Sysctls, { "net.core.somaxconn": "1024" });
    assert.deepEqual(c.Ulimits, [{ Name: "nofile", Soft: 1024, Hard: 2048 }]);
    assert.deepEqual(c.Mounts, [
      { Type: "volume", Target: "/cache" },
      { Type: "tmpfs", Target: "/scratch", TmpfsOptions: { SizeBytes: 16 * 2 ** 20, Mode: 0o1770 } },
    ]);
    assert.equal(engine.TaskTemplate.Resources.Limits.Pids, 200);
    assert.deepEqual(engine.TaskTemplate.Networks[0].Aliases, ["runtime-alias"]);

    // The running container carries them too.
    const [task] = await runningTasks(id);
    const container = JSON.parse(
      docker("inspect", task.Status.ContainerStatus?.ContainerID ?? "", "--format", "{{json .}}"),
    );
    assert.equal(container.Config.Hostname, "runtime-1");
    assert.equal(container.Config.StopSignal, "SIGINT");
    assert.equal(container.HostConfig.Init, true);
    assert.equal(container.HostConfig.PidsLimit, 200);
    assert.deepEqual(container.HostConfig.Sysctls, { "net.core.somaxconn": "1024" });
    assert.deepEqual(container.HostConfig.ExtraHosts, ["db:10.0.0.5"]);
    // The container's own process (the init, pid 1) holds the limits; an exec'd shell's are the engine's
    // choice for execs, which has answered the hard limit for both under load.
    assert.match(
      docker("exec", container.Id, "cat", "/proc/1/limits"),
      /^Max open files\s+1024\s+2048\s+files\s*$/m,
    );

    const read = await serviceProvider.read?.(id, outs);
    assert.deepEqual(read?.props.spec, outs.spec, "reads back without drift");
    await serviceProvider.delete?.(id, outs);
    docker("network", "rm", network);
  });

  it("secret files owned by the uid and gid asked for", async (t) => {
    if (!(await needEngine(t))) return;
    const secret = await fileObjectProvider("secret").create({
      connection: {},
      name: "svc-owned",
      data: "s3cret",
      owner,
      labels: {},
    });
    const s = spec("owned", {
      command: ["sleep", "600"],
      secrets: [{ source: secret.outs.objectName, target: "key", uid: "1000", gid: "1001", mode: 0o400 }],
    });
    const { id, outs } = await serviceProvider.create(inputs(s));
    const [task] = await runningTasks(id);
    const listing = docker(
      "exec",
      task.Status.ContainerStatus?.ContainerID ?? "",
      "ls",
      "-ln",
      "/run/secrets/key",
    );
    assert.match(listing, /^-r-------- +\d+ +1000 +1001 /);
    await serviceProvider.delete?.(id, outs);
  });

  it("refuses, before creating anything, what an engine below API 1.44 would drop: start interval, privileges", async (t) => {
    if (!(await needEngine(t))) return;
    const api = JSON.parse(docker("version", "--format", "{{json .Server.APIVersion}}")) as string;
    const s = spec("too-new", {
      command: ["sleep", "600"],
      healthCheck: { command: "true", startPeriod: "10s", startInterval: "1s" },
      securityOpt: { noNewPrivileges: true },
    });
    const [major, minor] = api.split(".").map(Number);
    if (major > 1 || minor >= 44) {
      // A newer engine keeps both.
      const { id, outs } = await serviceProvider.create(inputs(s));
      const c = JSON.parse(
        docker("service", "inspect", id, "--format", "{{json .Spec.TaskTemplate.ContainerSpec}}"),
      );
      assert.equal(c.Healthcheck.StartInterval, 1e9);
      assert.equal(c.Privileges.NoNewPrivileges, true);
      await serviceProvider.delete?.(id, outs);
      return;
    }
    await assert.rejects(serviceProvider.create(inputs(s)), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`healthCheck.startInterval .*needs Docker Engine API 1.44 .*speaks ${api}`),
      );
      assert.match(err.message, /securityOpt.noNewPrivileges \(ContainerSpec.Privileges.NoNewPrivileges\)/);
      return true;
    });
    assert.equal(docker("service", "ls", "--filter", `name=${s.Name}`, "--quiet"), "", "nothing was created");
  });

  it("places a service by its platform: linux/amd64 runs here; linux/arm64 fails at once, naming no suitable node", async (t) => {
    if (!(await needEngine(t))) return;
    const arch = docker("node", "inspect", "self", "--format", "{{.Description.Platform.Architecture}}");
    if (arch !== "x86_64") return t.skip(`this engine's nodes are ${arch}, not x86_64`);
    const amd = spec("amd64", { command: ["sleep", "600"], platform: "linux/amd64" });
    const { id, outs } = await serviceProvider.create(inputs(amd));
    assert.equal((await runningTasks(id)).length, 1);
    const constraints = JSON.parse(
      docker("service", "inspect", id, "--format", "{{json .Spec.TaskTemplate.Placement.Constraints}}"),
    ) as string[];
    assert.deepEqual(constraints, ["node.platform.arch==x86_64"]);
    await serviceProvider.delete?.(id, outs);

    const arm = spec("arm64", { command: ["sleep", "600"], platform: "linux/arm64" });
    const started = Date.now();
    const err = (await serviceProvider.create(inputs(arm, { timeoutSeconds: 120 })).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { id?: string };
    const seconds = (Date.now() - started) / 1000;
    assert.ok(err, "create must fail");
    assert.match(err.message, /no suitable node/);
    assert.match(
      err.message,
      /node\.platform\.arch==aarch64 and no node of the swarm has that architecture \(its nodes are x86_64\)/,
    );
    assert.ok(seconds < 30, `failed after ${seconds} s, not at once (the timeout is 120 s)`);
    assert.ok(err.id, "the failed service's id comes back, so nothing is orphaned");
    await serviceProvider.delete?.(err.id ?? "", { ...inputs(arm), version: 0 });
    assert.equal(docker("service", "ls", "-q", "--filter", `name=${arm.Name}`), "");
  });
});
