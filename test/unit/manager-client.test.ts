import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "http";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { managerClient } from "../../provider/swarm/managers";
import { isFailoverError } from "../../provider/shared/engine-errors";

// Stand-ins for managers' engines on unix sockets, answering the few Engine API paths the client uses
// as a swarm manager does: /info, /nodes/<self> (its reachability) and /swarm.

interface FakeManager {
  socketPath: string;
  /** The paths it was asked for, in order. */
  asked: string[];
}

const dir = mkdtempSync(join(tmpdir(), "berth-managers-"));
const servers: Server[] = [];

async function fakeManager(
  name: string,
  reachability: string,
  swarm: { status: number; body: object },
): Promise<FakeManager> {
  const socketPath = join(dir, `${name}.sock`);
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    asked.push(path);
    const reply = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/info") return reply(200, { Swarm: { NodeID: name, ControlAvailable: true } });
    if (path === `/nodes/${name}`)
      return reply(200, { ID: name, ManagerStatus: { Reachability: reachability } });
    if (path === "/swarm") return reply(swarm.status, swarm.body);
    return reply(404, { message: `page not found: ${path}` });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, asked };
}

const ok = { status: 200, body: { ID: "swarm-1" } };
const noLeader = {
  status: 500,
  body: {
    message:
      "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online.",
  },
};

describe("a client of several managers", () => {
  after(() => {
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses a manager the swarm reports reachable, not merely the first that answers", async () => {
    const cut = await fakeManager("cut", "unreachable", noLeader);
    const good = await fakeManager("good", "reachable", ok);
    const docker = managerClient([{ socketPath: cut.socketPath }, { socketPath: good.socketPath }], 5);
    assert.equal(((await docker.swarmInspect()) as { ID: string }).ID, "swarm-1");
    assert.deepEqual(cut.asked, ["/info", "/nodes/cut"], "the cut-off manager is never asked to act");
    assert.deepEqual(good.asked, ["/info", "/nodes/good", "/swarm"]);
  });

  it("sends a call that meets a leader election to the next manager", async () => {
    const electing = await fakeManager("electing", "reachable", noLeader);
    const other = await fakeManager("other", "reachable", ok);
    const docker = managerClient([{ socketPath: electing.socketPath }, { socketPath: other.socketPath }], 5);
    assert.equal(((await docker.swarmInspect()) as { ID: string }).ID, "swarm-1");
    assert.ok(electing.asked.includes("/swarm"));
    assert.ok(other.asked.includes("/swarm"));
  });

  it("does not retry the engine's real answers elsewhere", async () => {
    const refusing = await fakeManager("refusing", "reachable", {
      status: 400,
      body: { message: "invalid spec" },
    });
    const other = await fakeManager("other2", "reachable", ok);
    const docker = managerClient([{ socketPath: refusing.socketPath }, { socketPath: other.socketPath }], 5);
    await assert.rejects(docker.swarmInspect(), /invalid spec/);
    assert.deepEqual(other.asked, [], "the other manager was not asked");
  });

  it("counts election and dead-machine errors as worth another manager", () => {
    const answer = (statusCode: number, message: string) =>
      Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });
    assert.equal(
      isFailoverError(answer(500, "rpc error: code = DeadlineExceeded desc = context deadline exceeded")),
      true,
    );
    assert.equal(isFailoverError(answer(500, "context deadline exceeded")), true);
    assert.equal(isFailoverError(new Error("socket hang up")), true);
    assert.equal(isFailoverError(new Error("Timed out while waiting for handshake")), true);
    assert.equal(
      isFailoverError(Object.assign(new Error("connect ETIMEDOUT 10.0.0.1:22"), { code: "ETIMEDOUT" })),
      true,
    );
    assert.equal(isFailoverError(answer(409, "name conflicts with an existing object")), false);
    assert.equal(isFailoverError(answer(400, "invalid mount config")), false);
  });
});
