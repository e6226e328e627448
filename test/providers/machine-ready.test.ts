/**
 * MachineReady against an SSH server run by the test itself on 127.0.0.1 (ssh2's server, playing a
 * freshly booted machine whose `docker` answers only after a few attempts).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "net";
import { Server, utils, type ParsedKey } from "ssh2";
import { MachineReady, machineReadyProvider, type MachineReadyInputs } from "../../provider/ssh";
import { runProgram } from "../support/harness";

/** An ed25519 pair ssh2 can read back (it mis-encodes about one in 256: see provider/ssh/host-key.ts). */
function keyPair() {
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error))
      return pair;
  }
}
const hostKey = keyPair();
const impostorKey = keyPair();
const admin = keyPair();
const stranger = keyPair();
const knownHosts = (pair: { public: string }) => pair.public.split(" ").slice(0, 2).join(" ");

/** A fake machine: counts what it was asked, and fails `docker version` for its first `failures` calls. */
function fakeMachine(serverKey: string, failures: number) {
  const seen = { authentications: 0, commands: [] as string[] };
  const allowed = utils.parseKey(admin.public) as ParsedKey;
  const server = new Server({ hostKeys: [serverKey] }, (client) => {
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      seen.authentications++;
      if (ctx.method !== "publickey" || ctx.username !== "berth") return ctx.reject(["publickey"]);
      if (ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject();
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true)
        return ctx.reject();
      ctx.accept();
    });
    client.on("session", (accept) => {
      accept().on("exec", (acceptExec, _reject, info) => {
        seen.commands.push(info.command);
        const stream = acceptExec();
        if (seen.commands.length <= failures) {
          stream.stderr.write("bash: line 1: docker: command not found\n");
          stream.exit(127);
        } else {
          stream.write("26.1.3\n");
          stream.exit(0);
        }
        stream.end();
      });
    });
  });
  return { server, seen };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const inputsFor = (port: number, overrides: Partial<MachineReadyInputs> = {}): MachineReadyInputs => ({
  machine: "m1",
  host: "127.0.0.1",
  port,
  username: "berth",
  privateKey: admin.private,
  hostKey: knownHosts(hostKey),
  timeoutSeconds: 0.5,
  pollSeconds: 0.05,
  ...overrides,
});

async function failureOf(inputs: MachineReadyInputs): Promise<string> {
  const err = await machineReadyProvider.create(inputs).then(
    () => assert.fail("create should have failed"),
    (e: Error) => e,
  );
  assert.ok(!err.message.includes(admin.private), "the private key is never in a message");
  return err.message;
}

describe("MachineReady against a real SSH server", () => {
  const machine = fakeMachine(hostKey.private, 2);
  const impostor = fakeMachine(impostorKey.private, 0);
  let port = 0;
  let impostorPort = 0;
  let closedPort = 0;
  before(async () => {
    port = await listen(machine.server);
    impostorPort = await listen(impostor.server);
    const closed = new Server({ hostKeys: [hostKey.private] });
    closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
  });
  after(() => {
    machine.server.close();
    impostor.server.close();
  });

  it("waits, through Pulumi's serialization, until Docker answers, then reports its version", async () => {
    const run = await runProgram(() => {
      const ready = new MachineReady("m1", {
        host: "127.0.0.1",
        port,
        username: "berth",
        privateKey: admin.private,
        hostKey: knownHosts(hostKey),
        timeoutSeconds: 10,
        pollSeconds: 0.05,
      });
      return { host: ready.host, version: ready.dockerVersion };
    });
    assert.deepEqual(run.outputs, { host: "127.0.0.1", version: "26.1.3" });
    assert.deepEqual(machine.seen.commands, [
      "docker version --format '{{.Server.Version}}'",
      "docker version --format '{{.Server.Version}}'",
      "docker version --format '{{.Server.Version}}'",
    ]);
    assert.deepEqual(run.byName("m1").secretInputs, ["privateKey"]);
  });

  it("says why the machine is not ready when the time is up", async () => {
    const slow = fakeMachine(hostKey.private, 1000);
    const slowPort = await listen(slow.server);
    try {
      assert.equal(
        await failureOf(inputsFor(slowPort)),
        `m1: berth@127.0.0.1:${slowPort} did not run Docker within 0.5 s: docker version exited with 127: bash: line 1: docker: command not found`,
      );
      assert.ok(slow.seen.commands.length >= 2, "it tried more than once");
    } finally {
      slow.server.close();
    }
  });

  it("sends nothing to a machine presenting another host key, and names the key it saw", async () => {
    const message = await failureOf(inputsFor(impostorPort));
    assert.equal(
      message,
      `m1: berth@127.0.0.1:${impostorPort} did not run Docker within 0.5 s: it presented the host key ${knownHosts(impostorKey)}, not the expected one; nothing was sent to it`,
    );
    assert.equal(impostor.seen.authentications, 0, "no credential was offered");
    assert.deepEqual(impostor.seen.commands, []);
  });

  it("refuses a private key the machine does not accept", async () => {
    const message = await failureOf(inputsFor(port, { privateKey: stranger.private }));
    assert.match(message, /: it did not accept the private key for user berth$/);
    assert.ok(!message.includes(stranger.private));
  });

  it("reports a machine that does not answer at all", async () => {
    assert.match(
      await failureOf(inputsFor(closedPort)),
      new RegExp(
        `^m1: berth@127\\.0\\.0\\.1:${closedPort} did not run Docker within 0\\.5 s: .*ECONNREFUSED`,
      ),
    );
  });

  it("waits again only when the address or the credentials change", async () => {
    const olds = { ...inputsFor(port), dockerVersion: "26.1.3" };
    const diff = (news: Partial<MachineReadyInputs>) =>
      machineReadyProvider.diff!("id", olds, { ...inputsFor(port), ...news }).then((d) => d.changes);
    assert.equal(await diff({}), false);
    assert.equal(await diff({ timeoutSeconds: 900, pollSeconds: 1 }), false);
    assert.equal(await diff({ host: "127.0.0.2" }), true);
    assert.equal(await diff({ hostKey: knownHosts(impostorKey) }), true);
    assert.equal(await diff({ privateKey: stranger.private }), true);
  });

  it("refuses missing fields and nonsense durations in check", async () => {
    const result = await machineReadyProvider.check!(
      {},
      { ...inputsFor(port), host: "", hostKey: undefined as unknown as string, timeoutSeconds: 0 },
    );
    assert.deepEqual(result.failures, [
      { property: "host", reason: "is required" },
      { property: "hostKey", reason: "is required" },
      { property: "timeoutSeconds", reason: "must be a number above 0" },
    ]);
  });
});
