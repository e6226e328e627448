import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { setTimeout as sleep } from "timers/promises";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { serviceProvider, type ServiceInputs, type ServiceOutputs } from "../../provider/swarm/service";
import type { ProviderServiceSpec } from "../../provider/swarm/service-spec";
import { fileObjectProvider } from "../../provider/swarm/file-object";
import { unknownValue } from "../../provider/unknowns";
import { normalizeService, renderSwarm, type ServiceInput } from "../../components/spec";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";

const owner = testOwner("lifecycle");
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

/**
 * `docker service rollback` right after an update: the CLI sends the version it read, and Swarm may
 * bump it meanwhile (recording the update's status), answering "update out of sequence". Try again.
 */
async function rollback(id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      docker("service", "rollback", "--detach", id);
      return;
    } catch (err) {
      if (attempt >= 5 || !String((err as { stderr?: string }).stderr).includes("out of sequence")) throw err;
      await sleep(200 * attempt);
    }
  }
}
const image = "local/busybox:1";
/** What the host passes along with every input: the serialized provider. */
const providerText = "exports.handler = function () {}";

type Props = Record<string, unknown>;

/** A value as the dynamic-provider host hands it over: through a protobuf Struct (keys reordered). */
function viaHost<T extends object>(value: T): T {
  return Struct.fromJavaScript(value as never).toJavaScript() as T;
}

function spec(name: string, input: Omit<ServiceInput, "image"> & { image?: string }): ProviderServiceSpec {
  // busybox as PID 1 ignores SIGTERM: a short grace period keeps deletes quick. Services converge
  // after a 1 s monitor window, not the default 5 s, unless a test gives its own update policy.
  const service = normalizeService(`${owner.project}-${name}`, {
    image,
    stopGracePeriod: "1s",
    update: { monitor: "1s" },
    ...input,
  });
  return renderSwarm(service);
}

function inputs(s: ProviderServiceSpec, extra: Partial<ServiceInputs> = {}): ServiceInputs & Props {
  return {
    connection: {},
    owner,
    spec: s,
    secretEnv: {},
    timeoutSeconds: 30,
    __provider: providerText,
    ...extra,
  };
}

const create = (i: ServiceInputs) =>
  serviceProvider.create(viaHost(i)) as Promise<{ id: string; outs: ServiceOutputs & Props }>;
const read = async (id: string, props: object) => {
  const result = await (serviceProvider.read?.(id, viaHost(props)) ?? Promise.resolve(undefined));
  return viaHost(result ?? {}) as { id?: string; props?: ServiceOutputs & Props; inputs?: ServiceInputs };
};
const diff = async (id: string, olds: object, news: object) =>
  (await serviceProvider.diff?.(id, viaHost(olds), viaHost(news))) ?? { changes: undefined, replaces: [] };
const update = (id: string, olds: object, news: object) =>
  serviceProvider.update?.(id, viaHost(olds), viaHost(news)) as Promise<{ outs: ServiceOutputs & Props }>;
const remove = (id: string, props: object) => serviceProvider.delete?.(id, viaHost(props));

const localSwarmId = () => docker("info", "--format", "{{.Swarm.Cluster.ID}}");
const engineLabels = (id: string) =>
  JSON.parse(docker("service", "inspect", id, "--format", "{{json .Spec.Labels}}")) as Record<string, string>;

describe("SwarmService provider under preview: unknown inputs", () => {
  const known = inputs(spec("preview", { command: ["sleep", "600"] }));
  const olds = { ...known, swarmId: "swarm-1", version: 3 };

  it("check validates what is known and passes unknowns through", async () => {
    const cases: Props[] = [
      { ...known, spec: unknownValue },
      { ...known, connection: unknownValue, timeoutSeconds: unknownValue },
      {
        ...known,
        connection: {
          protocol: "ssh",
          host: unknownValue,
          username: "u",
          privateKey: unknownValue,
          hostKey: unknownValue,
        },
      },
      { ...known, secretEnv: { TOKEN: unknownValue } },
      {
        ...known,
        spec: {
          ...known.spec,
          TaskTemplate: {
            ...known.spec.TaskTemplate,
            ContainerSpec: {
              ...known.spec.TaskTemplate.ContainerSpec,
              Secrets: [{ SecretName: unknownValue, SecretID: "", File: { Name: "pass" } }],
            },
          },
        },
      },
      { ...known, spec: { ...known.spec, Name: unknownValue, TaskTemplate: unknownValue } },
    ];
    for (const news of cases) {
      const result = await serviceProvider.check?.({}, news);
      assert.deepEqual(result?.failures, [], JSON.stringify(news));
      assert.deepEqual(result?.inputs, news, "inputs pass through unchanged");
    }
    const bad = await serviceProvider.check?.(
      {},
      {
        ...known,
        connection: { protocol: "ssh", host: unknownValue },
        spec: { ...known.spec, TaskTemplate: { ContainerSpec: {} } },
        timeoutSeconds: 0,
      },
    );
    assert.deepEqual(bad?.failures?.map((f) => f.property).sort(), [
      "connection.hostKey",
      "connection.privateKey",
      "connection.username",
      "spec",
      "timeoutSeconds",
    ]);
  });

  it("diff answers changes without replacing unless a known name or mode kind changed", async () => {
    const expectations: [string, Props, string[]][] = [
      ["spec unknown", { ...known, spec: unknownValue }, []],
      ["name unknown", { ...known, spec: { ...known.spec, Name: unknownValue } }, []],
      ["mode unknown", { ...known, spec: { ...known.spec, Mode: unknownValue } }, []],
      [
        "replicas unknown",
        { ...known, spec: { ...known.spec, Mode: { Replicated: { Replicas: unknownValue } } } },
        [],
      ],
      ["secret env unknown", { ...known, secretEnv: { TOKEN: unknownValue } }, []],
      ["connection unknown", { ...known, connection: unknownValue }, []],
      ["timeout unknown", { ...known, timeoutSeconds: unknownValue }, []],
      [
        "new credentials",
        { ...known, connection: { protocol: "https", host: "127.0.0.1", ca: "a", cert: "b", key: "c" } },
        [],
      ],
      ["renamed with an alias", { ...known, owner: { ...owner, urn: `${owner.urn}-renamed` } }, []],
      ["known new name", { ...known, spec: { ...known.spec, Name: "other" } }, ["spec.Name"]],
      ["known new mode kind", { ...known, spec: { ...known.spec, Mode: { Global: {} } } }, ["spec.Mode"]],
    ];
    for (const [what, news, replaces] of expectations) {
      const result = await diff("id", olds, news);
      assert.equal(result.changes, true, what);
      assert.deepEqual(result.replaces, replaces, what);
    }
    assert.equal((await diff("id", olds, known)).changes, false, "unchanged inputs");
  });
});

describe("SwarmService provider lifecycle (real engine)", () => {
  let networks: string[] = [];
  before(async () => {
    if (!(await engineReachable())) return;
    networks = ["net-a", "net-b"].map((n) => `${owner.project}-${n}`);
    for (const net of networks) {
      docker("network", "create", "--driver", "overlay", "--label", `berth.project=${owner.project}`, net);
    }
  });
  after(async () => {
    if (!(await engineReachable())) return;
    await removeLabelled(owner.project);
    // A network can go only once the tasks attached to it have.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const left = docker("network", "ls", "-q", "--filter", `label=berth.project=${owner.project}`);
      if (left === "") break;
      await removeLabelled(owner.project);
      await sleep(500);
    }
  });

  it("hands back a failed create's ID and full state, from which refresh and destroy work", async (t) => {
    if (!(await needEngine(t))) return;
    // Runs for a moment, then exits: a poll may see it running, yet it never stays up for the
    // default 5 s window.
    const s = spec("crashing", { command: ["sh", "-c", "sleep 1; exit 3"], update: {} });
    const started = Date.now();
    const err = (await create(inputs(s, { timeoutSeconds: 120 })).then(
      () => undefined,
      (e: unknown) => e,
    )) as (Error & { id?: string; properties?: Props }) | undefined;
    const seconds = (Date.now() - started) / 1000;
    assert.ok(err, "create must fail");
    assert.match(err.message, /keep failing .*task errors: task: non-zero exit \(3\)/);
    // Two runs of a second each, 5 s of restart delay between them: far from the 120 s timeout.
    assert.ok(seconds < 20, `failed after ${seconds} s`);
    t.diagnostic(`a crashing service failed its create after ${seconds} s`);
    assert.ok(err.id);
    assert.equal(err.properties?.__provider, providerText, "the host can load the provider again");
    assert.equal(err.properties?.swarmId, localSwarmId());
    assert.deepEqual((err.properties?.spec as ProviderServiceSpec).Name, s.Name);

    const refreshed = await read(err.id, err.properties ?? {});
    assert.equal(refreshed.id, err.id, "refresh reports the service");
    assert.equal(refreshed.props?.spec.Name, s.Name);
    await remove(err.id, err.properties ?? {});
    assert.equal(docker("service", "ls", "-q", "--filter", `name=${s.Name}`), "");
    assert.deepEqual(await read(err.id, err.properties ?? {}), {}, "and then reports it gone");
  });

  it("fails within seconds when a task cannot start: a bad entrypoint, an image the engine lacks", async (t) => {
    if (!(await needEngine(t))) return;
    const cases = [
      ["entrypoint", spec("no-entry", { entrypoint: ["/no/such/binary"] }), /no such file or directory/],
      [
        "image",
        spec("no-image", { image: "local/berth-missing:1", command: ["true"] }),
        /could not pull local\/berth-missing:1/,
      ],
    ] as const;
    await Promise.all(
      cases.map(async ([what, s, error]) => {
        const started = Date.now();
        const err = (await create(inputs(s, { timeoutSeconds: 120 })).then(
          () => undefined,
          (e: unknown) => e,
        )) as (Error & { id?: string; properties?: Props }) | undefined;
        const seconds = (Date.now() - started) / 1000;
        assert.ok(err, `${what}: create must fail`);
        assert.match(err.message, /keep failing/, what);
        assert.match(err.message, error, what);
        // The second failed start comes after Swarm's 5 s restart delay.
        assert.ok(seconds < 15, `${what}: failed after ${seconds} s`);
        t.diagnostic(`${what}: failed after ${seconds} s`);
        if (err.id) await remove(err.id, err.properties ?? {});
      }),
    );
  });

  it("returns only after every task ran for the default 5 s monitor window", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("steady", { command: ["sleep", "600"], replicas: 2, update: {} });
    assert.equal((s as { UpdateConfig?: { Monitor?: number } }).UpdateConfig?.Monitor, 5e9);
    const started = Date.now();
    const { id, outs } = await create(inputs(s));
    const seconds = (Date.now() - started) / 1000;
    try {
      assert.ok(seconds >= 5, `returned after ${seconds} s`);
      const states = docker("service", "ps", id, "--format", "{{.CurrentState}}").split("\n");
      assert.equal(states.length, 2, `two tasks, none replaced: ${states.join(", ")}`);
      for (const state of states) assert.match(state, /^Running/);
    } finally {
      await remove(id, outs);
    }
  });

  it("refresh reads back every field unchanged, and shows each change made on the engine", async (t) => {
    if (!(await needEngine(t))) return;
    const fileObject = (kind: "secret" | "config", name: string, data: string) =>
      fileObjectProvider(kind).create({ connection: {}, name, data, owner, labels: {} });
    const [secret, config] = await Promise.all([
      fileObject("secret", "life-pass", "pa55"),
      fileObject("config", "life-conf", "k=v"),
    ]);
    const s = spec("drift", {
      // The default update policy: with a 1 s monitor, the image drift below failed its "rolled back,
      // no change" check once (Swarm acting on the failing image update sooner, most likely).
      update: {},
      command: ["sleep", "600"],
      env: { MODE: "plain" },
      labels: { tier: "front" },
      user: "1000",
      resources: { cpu: 0.5, memory: "64Mi", reservations: { cpu: 0.1, memory: "16Mi" } },
      volumes: [{ type: "tmpfs", target: "/scratch" }],
      secrets: [{ source: secret.outs.objectName, target: "pass" }],
      configs: [{ source: config.outs.objectName, target: "/etc/app.conf" }],
      networks: [networks[0]],
      healthCheck: { command: ["CMD", "true"], interval: "1s", timeout: "1s", retries: 1 },
    });
    const wanted = inputs(s, { secretEnv: { TOKEN: "tok" } });
    const { id, outs } = await create(wanted);
    try {
      const fresh = await read(id, outs);
      assert.deepEqual(
        (await diff(id, fresh.props ?? {}, wanted)).changes,
        false,
        "refresh, then an unchanged up",
      );
      assert.deepEqual(fresh.props?.secretEnv, { TOKEN: "tok" });

      const drifts: [string, string[], (read: ProviderServiceSpec & Props) => unknown, unknown][] = [
        ["env", ["--env-add", "HAND=1"], (r) => r.TaskTemplate.ContainerSpec.Env?.includes("HAND=1"), true],
        ["labels", ["--label-add", "hand=1"], (r) => r.Labels?.hand, "1"],
        ["memory limit", ["--limit-memory", "96M"], (r) => limits(r).Limits?.MemoryBytes, 96 * 2 ** 20],
        ["cpu reservation", ["--reserve-cpu", "0.2"], (r) => limits(r).Reservations?.NanoCPUs, 2e8],
        ["user", ["--user", "1234"], (r) => container(r).User, "1234"],
        ["hosts", ["--host-add", "hand.test:10.0.0.9"], (r) => container(r).Hosts, ["10.0.0.9 hand.test"]],
        [
          "mounts",
          ["--mount-add", "type=tmpfs,target=/hand"],
          (r) =>
            container(r)
              .Mounts?.map((m) => m.Target)
              .sort(),
          ["/hand", "/scratch"],
        ],
        [
          "networks",
          ["--network-add", networks[1]],
          (r) => r.TaskTemplate.Networks?.map((n) => n.Target).sort(),
          [...networks].sort(),
        ],
        ["replicas", ["--replicas", "2"], (r) => r.Mode, { Replicated: { Replicas: 2 } }],
        [
          "image",
          ["--image", "local/hand:1", "--no-resolve-image"],
          (r) => r.TaskTemplate.ContainerSpec.Image,
          "local/hand:1",
        ],
        [
          "healthcheck",
          ["--health-cmd", "exit 0"],
          (r) => container(r).Healthcheck?.Test,
          ["CMD-SHELL", "exit 0"],
        ],
        [
          "update config",
          ["--update-parallelism", "3"],
          (r) => (r.UpdateConfig as { Parallelism: number }).Parallelism,
          3,
        ],
        [
          "secrets",
          ["--secret-rm", secret.outs.objectName],
          (r) => r.TaskTemplate.ContainerSpec.Secrets ?? [],
          [],
        ],
      ];
      for (const [what, args, shown, value] of drifts) {
        docker("service", "update", "--detach", ...args, id);
        const drifted = await read(id, fresh.props ?? {});
        assert.deepEqual(
          shown(drifted.props?.spec as ProviderServiceSpec & Props),
          value,
          `${what}: read shows the change`,
        );
        assert.equal((await diff(id, drifted.props ?? {}, wanted)).changes, true, `${what}: diff reports it`);
        await rollback(id);
        const back = await read(id, drifted.props ?? {});
        assert.equal(
          (await diff(id, back.props ?? {}, wanted)).changes,
          false,
          `${what}: rolled back, no change`,
        );
      }
    } finally {
      await remove(id, outs);
    }
  });

  it("imports a service from its ID alone, with its owner from its labels", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("imported", {
      command: ["sleep", "600"],
      env: { MODE: "plain" },
      labels: { tier: "back" },
    });
    const { id, outs } = await create(inputs(s, { timeoutSeconds: 20 }));
    const imported = await read(s.Name, {});
    assert.equal(imported.id, id, "found by name, identified by ID");
    const props = imported.props as ServiceOutputs;
    assert.deepEqual(props.connection, {});
    assert.deepEqual(props.owner, owner);
    assert.deepEqual(props.spec.Labels, { tier: "back" }, "without Berth's labels");
    assert.deepEqual(props.spec.TaskTemplate.ContainerSpec.Env, ["MODE=plain"]);
    assert.deepEqual(props.secretEnv, {});
    assert.equal(props.timeoutSeconds, 300);
    assert.equal(props.swarmId, localSwarmId());
    assert.equal(props.version, outs.version);
    assert.deepEqual(imported.inputs?.spec, props.spec, "the inputs to import with");

    const unlabelled = docker(
      "service",
      "create",
      "--detach",
      "--name",
      `${owner.project}-bare`,
      image,
      "sleep",
      "600",
    );
    try {
      await assert.rejects(read(unlabelled, {}), /has no berth\.project and berth\.stack labels/);
    } finally {
      docker("service", "rm", unlabelled);
    }
  });

  it("keeps the service across a new connection to the same swarm, and refuses another swarm", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("moved", { command: ["sleep", "600"] });
    const { id, outs } = await create(inputs(s, { timeoutSeconds: 20 }));
    assert.equal(outs.swarmId, localSwarmId());
    const moved = inputs(s, { connection: { socketPath: "/var/run/docker.sock" }, timeoutSeconds: 20 });
    const changes = await diff(id, outs, moved);
    assert.equal(changes.changes, true);
    assert.deepEqual(changes.replaces, []);
    const updated = await update(id, outs, moved);
    assert.equal(updated.outs.swarmId, outs.swarmId);
    assert.deepEqual(updated.outs.connection, { socketPath: "/var/run/docker.sock" });
    assert.equal(docker("service", "inspect", id, "--format", "{{.ID}}"), id, "the same service");

    const elsewhere = { ...updated.outs, swarmId: "swarm-that-was" };
    const named = new RegExp(`swarm-that-was.*${localSwarmId()}`);
    await assert.rejects(read(id, elsewhere), named);
    await assert.rejects(update(id, elsewhere, moved), named);
    await assert.rejects(remove(id, elsewhere) ?? Promise.resolve(), named);
    assert.equal(docker("service", "inspect", id, "--format", "{{.ID}}"), id, "nothing was deleted");
  });

  it("relabels on an aliased rename, and never adopts or changes another resource's service", async (t) => {
    if (!(await needEngine(t))) return;
    const s = spec("renamed", { command: ["sleep", "600"] });
    const { id, outs } = await create(inputs(s, { timeoutSeconds: 20 }));
    const renamed = { ...owner, urn: `${owner.urn}-renamed` };
    const news = inputs(s, { owner: renamed, timeoutSeconds: 20 });
    assert.deepEqual(await diff(id, outs, news).then((d) => [d.changes, d.replaces]), [true, []]);
    const relabelled = await update(id, outs, news);
    assert.equal(engineLabels(id)["berth.resource"], renamed.urn);

    await assert.rejects(create(inputs(s, { timeoutSeconds: 20 })), /is managed by .*-renamed.*alias/);
    const stranger = { ...owner, urn: `${owner.urn}-stranger` };
    await assert.rejects(
      update(id, { ...relabelled.outs, owner: stranger }, inputs(s, { owner: stranger })),
      /is managed by .*not by/,
    );
    await assert.rejects(
      remove(id, { ...relabelled.outs, owner: stranger }) ?? Promise.resolve(),
      /is managed by/,
    );
    const foreign = { ...owner, project: "someone-else" };
    await assert.rejects(
      remove(id, { ...relabelled.outs, owner: foreign }) ?? Promise.resolve(),
      /does not belong/,
    );
    assert.equal(engineLabels(id)["berth.resource"], renamed.urn, "left as it was");
  });
});

function container(r: ProviderServiceSpec) {
  return r.TaskTemplate.ContainerSpec as ProviderServiceSpec["TaskTemplate"]["ContainerSpec"] & {
    User?: string;
    Hosts?: string[];
    Mounts?: { Target: string }[];
    Healthcheck?: { Test: string[] };
  };
}

function limits(r: ProviderServiceSpec) {
  return (
    (r.TaskTemplate as { Resources?: Record<string, { MemoryBytes?: number; NanoCPUs?: number }> })
      .Resources ?? {}
  );
}
