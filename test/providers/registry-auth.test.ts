import { after, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import {
  type RegistryAuth,
  serviceProvider,
  type ServiceInputs,
  type ServiceOutputs,
} from "../../provider/swarm/service";
import type { ProviderServiceSpec } from "../../provider/swarm/service-spec";
import { engineClient } from "../../provider/shared/engine";
import { normalizeService, renderSwarm } from "../../components/spec";
import { engineReachable, needEngine } from "../support/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { needRegistry, type PrivateRegistry, startPrivateRegistry } from "../support/registry";
import { RecordingProxy } from "../support/recording-proxy";

const owner = testOwner("registry");
const serviceIds: string[] = [];
let started: Promise<PrivateRegistry> | undefined;

/** The registry for a test that needs it (started once), or undefined when the test was skipped. */
async function privateRegistry(t: TestContext): Promise<PrivateRegistry | undefined> {
  if (!(await needEngine(t)) || !needRegistry(t)) return undefined;
  started ??= startPrivateRegistry();
  return started;
}

function spec(name: string, image: string, env: Record<string, string> = {}): ProviderServiceSpec {
  // busybox as PID 1 ignores SIGTERM: a short grace period keeps deletes quick.
  const service = normalizeService(`${owner.project}-${name}`, {
    image,
    command: ["sleep", "600"],
    env,
    stopGracePeriod: "1s",
  });
  return renderSwarm(service);
}

function inputs(s: ProviderServiceSpec, extra: Partial<ServiceInputs> = {}): ServiceInputs {
  return { connection: {}, owner, spec: s, secretEnv: {}, timeoutSeconds: 30, ...extra };
}

function authFor(registry: PrivateRegistry, password = registry.password): RegistryAuth {
  return { serveraddress: registry.address, username: registry.username, password };
}

/** The password and the encodings of the auth it is part of, none of which may leak. */
function secretForms(auth: RegistryAuth): string[] {
  const json = Buffer.from(JSON.stringify(auth)).toString("base64");
  return [
    auth.password,
    Buffer.from(auth.password).toString("base64"),
    json,
    json.replace(/\+/g, "-").replace(/\//g, "_"),
  ];
}

function assertNoneIn(text: string, forms: string[], where: string): void {
  for (const form of forms) assert.equal(text.includes(form), false, `${where} contains a secret`);
}

async function runningTasks(id: string): Promise<number> {
  const tasks = (await engineClient().listTasks({
    filters: JSON.stringify({ service: [id], "desired-state": ["running"] }),
  })) as { Status: { State: string } }[];
  return tasks.filter((task) => task.Status.State === "running").length;
}

function engineHasImage(image: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", image], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs a create that must fail, returning its error (which carries the service id). */
async function failedCreate(i: ServiceInputs): Promise<Error & { id?: string; properties?: ServiceOutputs }> {
  const err = await serviceProvider.create(i).then(
    ({ id }) => {
      serviceIds.push(id);
      return undefined;
    },
    (e: unknown) => e as Error & { id?: string; properties?: ServiceOutputs },
  );
  assert.ok(err, "create must fail");
  if (err.id) serviceIds.push(err.id);
  return err;
}

describe("registry credentials for private images (real engine, real docker-registry)", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    for (const id of serviceIds)
      await engineClient()
        .getService(id)
        .remove()
        .catch(() => undefined);
    await removeLabelled(owner.project);
    await (await started?.catch(() => undefined))?.stop();
  });

  it("fails to pull without credentials or with a wrong password, hands back the id and leaks nothing", async (t) => {
    const registry = await privateRegistry(t);
    if (!registry) return;
    const wrong = authFor(registry, `wrong-${registry.password}`);
    for (const registryAuth of [undefined, wrong]) {
      registry.untag();
      const s = spec(registryAuth ? "wrongpass" : "nocreds", registry.image);
      const err = await failedCreate(inputs(s, { registryAuth, timeoutSeconds: 6 }));
      // A pull that fails is a task that cannot start: the create fails early, before the timeout.
      assert.match(err.message, /keep failing/);
      assert.match(err.message, /No such image/);
      assert.match(
        err.message,
        /could not pull \S+: check that the image exists and, for a private registry, that registryAuth/,
      );
      assert.ok(err.message.includes(registry.image), err.message);
      assertNoneIn(err.message, [...secretForms(authFor(registry)), ...secretForms(wrong)], "the error");
      assert.equal(engineHasImage(registry.image), false, "the engine pulled nothing");

      assert.ok(err.id, "the failed create reports the service it made");
      const found = (await engineClient().getService(err.id).inspect()) as { Spec: { Name: string } };
      assert.equal(found.Spec.Name, s.Name);
      await serviceProvider.delete?.(err.id, err.properties ?? { ...inputs(s), version: 0 });
      await assert.rejects(
        engineClient().getService(err.id).inspect(),
        (e: { statusCode?: number }) => e.statusCode === 404,
      );
    }
  });

  it("pulls a private image with the credentials given and keeps them out of every other output", async (t) => {
    const registry = await privateRegistry(t);
    if (!registry) return;
    registry.untag();
    const auth = authFor(registry);
    const s = spec("private", registry.image);
    const { id, outs } = await serviceProvider.create(inputs(s, { registryAuth: auth }));
    serviceIds.push(id);
    assert.equal(await runningTasks(id), 1);
    assert.equal(engineHasImage(registry.image), true, "the engine pulled the image from the registry");

    const created = outs as ServiceOutputs;
    assert.deepEqual(created.registryAuth, auth, "kept for the next update, as a secret output");
    const { registryAuth: _kept, ...rest } = created;
    assertNoneIn(JSON.stringify(rest), secretForms(auth), "the outputs besides registryAuth");

    const read = await serviceProvider.read?.(id, created);
    const { registryAuth: _read, ...readRest } = (read?.props ?? {}) as ServiceOutputs;
    assert.equal(readRest.spec.TaskTemplate.ContainerSpec.Image, registry.image);
    assertNoneIn(JSON.stringify(readRest), secretForms(auth), "the state read back");
  });

  it("sends the credentials as X-Registry-Auth on create and update, never in a URL", async (t) => {
    const registry = await privateRegistry(t);
    if (!registry) return;
    registry.untag();
    const auth = authFor(registry);
    const token = "env-canary-7Qx2Lm";
    const proxy = await RecordingProxy.start();
    try {
      const connection = { socketPath: proxy.socketPath };
      const first = inputs(spec("proxied", registry.image), {
        connection,
        registryAuth: auth,
        secretEnv: { TOKEN: token },
      });
      const { id, outs } = await serviceProvider.create(first);
      serviceIds.push(id);
      const second = { ...first, spec: spec("proxied", registry.image, { V: "2" }) };
      await serviceProvider.update?.(id, outs, second);
      assert.equal(await runningTasks(id), 1);

      const log = proxy.requests.map((r) => `${r.line} [${r.headerNames.join(",")}]`).join("\n");
      const create = proxy.requests.filter((r) => r.line.startsWith("POST /services/create"));
      const update = proxy.requests.filter((r) =>
        new RegExp(`^POST /services/${id}/update\\?version=\\d+$`).test(r.line),
      );
      assert.equal(create.length, 1, log);
      assert.equal(update.length, 1, log);
      for (const request of proxy.requests) {
        const carries = request.headerNames.includes("x-registry-auth");
        assert.equal(carries, create.includes(request) || update.includes(request), log);
      }
      const forms = [...secretForms(auth), token, Buffer.from(token).toString("base64")];
      assertNoneIn(proxy.requestLines.join("\n"), forms, "a request line");
    } finally {
      await proxy.stop();
    }
  });
});
