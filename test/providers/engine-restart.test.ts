import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "timers/promises";
import { engineClient } from "../../provider/shared/engine";
import { serviceProvider, type ServiceInputs, type ServiceOutputs } from "../../provider/swarm/service";
import { normalizeService, renderSwarm } from "../../components/spec";
import { needEngine } from "../support/engine";
import { testOwner } from "../support/cleanup";
import { destroyBridge, type NetnsEngine, needNetns, startNetnsEngine } from "../support/netns-engine";

const owner = testOwner("restart");
// Tasks wait for this node label, so a create is surely still waiting when its engine goes away.
const gate = `${owner.project}-gate`;

function inputs(engine: NetnsEngine, name: string, timeoutSeconds: number): ServiceInputs {
  const service = normalizeService(`${owner.project}-${name}`, {
    image: "local/busybox:1",
    command: ["sleep", "600"],
    replicas: 2,
    // busybox as PID 1 ignores SIGTERM: a short grace period keeps stops quick.
    stopGracePeriod: "1s",
    placement: { constraints: [`node.labels.${gate}==open`] },
  });
  return { connection: engine.connection, owner, spec: renderSwarm(service), secretEnv: {}, timeoutSeconds };
}

async function ownedServices(engine: NetnsEngine) {
  const filters = JSON.stringify({ label: [`berth.project=${owner.project}`] });
  return (await engineClient(engine.connection).listServices({ filters })).map((s) => ({
    id: s.ID,
    name: s.Spec?.Name,
  }));
}

/** The id of service `name` once the engine has it. */
async function created(engine: NetnsEngine, name: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await ownedServices(engine)).find((s) => s.name === name);
    if (found) return found.id;
    if (Date.now() > deadline) throw new Error(`service ${name} never appeared`);
    await sleep(100);
  }
}

async function openGate(engine: NetnsEngine): Promise<void> {
  const node = await engine.docker("info", "--format", "{{.Swarm.NodeID}}");
  await engine.docker("node", "update", "--label-add", `${gate}=open`, node);
}

describe("a Swarm engine restarting in the middle of a create", () => {
  let engine: NetnsEngine | undefined;
  after(async () => {
    await engine?.destroy();
    destroyBridge();
  });

  it("is survived: the create returns once the service converges", { timeout: 90_000 }, async (t) => {
    if (!(await needEngine(t)) || !needNetns(t)) return;
    engine ??= await startNetnsEngine({ index: 1, swarm: true });
    // Without a Pulumi engine, progress lines go to console.log.
    const log = t.mock.method(console, "log", () => undefined);
    const input = inputs(engine, "web", 60);
    let settled = false;
    const creating = serviceProvider.create(input).finally(() => (settled = true));
    // Awaited below; a rejection before then must not count as unhandled.
    creating.catch(() => undefined);
    const id = await created(engine, input.spec.Name);
    await sleep(500);

    assert.equal(settled, false, "the create is still waiting for its tasks");
    await engine.stop();
    await sleep(3000);
    await engine.start();
    await openGate(engine);
    const result = await creating;

    assert.equal(result.id, id);
    const tasks = (await engineClient(engine.connection).listTasks({
      filters: JSON.stringify({ service: [id], "desired-state": ["running"] }),
    })) as { Status: { State: string } }[];
    assert.deepEqual(
      tasks.map((task) => task.Status.State),
      ["running", "running"],
    );
    assert.deepEqual(await ownedServices(engine), [{ id, name: input.spec.Name }], "no duplicate, no orphan");
    const lines = log.mock.calls.map((call) => String(call.arguments[0]));
    assert.ok(
      lines.some((line) => /engine unreachable \(.+\); retrying/.test(line)),
      `progress reported the outage: ${lines.join(" | ")}`,
    );
    await serviceProvider.delete?.(id, result.outs);
    assert.deepEqual(await ownedServices(engine), []);
  });

  it(
    "ends in a clear error carrying the service's id when the engine stays away",
    { timeout: 90_000 },
    async (t) => {
      if (!(await needEngine(t)) || !needNetns(t)) return;
      engine ??= await startNetnsEngine({ index: 1, swarm: true });
      t.mock.method(console, "log", () => undefined);
      const input = inputs(engine, "api", 8);
      const failing = serviceProvider.create(input).then(
        () => assert.fail("the create succeeded without its engine"),
        (err: Error & { id?: string; properties?: ServiceOutputs }) => err,
      );
      const id = await created(engine, input.spec.Name);
      await engine.stop();
      const err = await failing;

      assert.match(
        err.message,
        new RegExp(
          `^service ${input.spec.Name} was created \\(${id}\\), then failed: the engine was unreachable for the last \\d+ s \\(connect (ENOENT|ECONNREFUSED) ${engine.socketPath}\\); not converged after 8 s \\(last seen: 0/2 tasks running\\)$`,
        ),
      );
      assert.equal(err.id, id, "the error carries the id, so Pulumi records the service");
      await engine.start();
      assert.deepEqual(
        await ownedServices(engine),
        [{ id, name: input.spec.Name }],
        "no duplicate, no orphan",
      );
      assert.ok(err.properties);
      await serviceProvider.delete?.(id, err.properties);
      assert.deepEqual(await ownedServices(engine), []);
    },
  );
});
