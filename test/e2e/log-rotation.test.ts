/**
 * Logs of Swarm services rotate on the real engine: a cluster's log driver reaches each container's
 * log configuration, a service's own wins, a json-file without a file count gets one, and a chatty
 * container's log stays within the size and file count it was given.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "crypto";
import fs from "fs";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { LocalSwarm } from "../../components/swarm";
import { engineClient } from "../../provider/shared/engine";
import { removeLabelled } from "../support/cleanup";
import { engineReachable, needEngine } from "../support/engine";
import { runProgram, type ProgramRun } from "../support/harness";

const project = `berth-test-${randomBytes(4).toString("hex")}`;
const maxBytes = 20 * 1024;

/** The log configuration and log file of the running container of `serviceId`. */
async function containerLog(serviceId: string) {
  const docker = engineClient();
  const [task] = (await docker.listTasks({
    filters: JSON.stringify({ service: [serviceId], "desired-state": ["running"] }),
  })) as { Status: { ContainerStatus?: { ContainerID: string } } }[];
  const id = task?.Status.ContainerStatus?.ContainerID;
  assert.ok(id, `service ${serviceId} has a running container`);
  const inspected = (await docker.getContainer(id).inspect()) as unknown as {
    LogPath: string;
    HostConfig: { LogConfig: { Type: string; Config: Record<string, string> } };
  };
  return { logConfig: inspected.HostConfig.LogConfig, logPath: inspected.LogPath };
}

describe("log rotation of Swarm services (real engine)", () => {
  let run: ProgramRun | undefined;

  after(async () => {
    if (!(await engineReachable())) return;
    await run?.destroy().catch(() => undefined);
    await removeLabelled(project);
  });

  it("rotates a chatty service's log within the cluster's size and file count", async (t) => {
    if (!(await needEngine(t))) return;
    run = await runProgram(
      () => {
        const cluster = new LocalSwarm("logs", {
          defaultNetwork: { skip: true },
          logging: { driver: "json-file", options: { "max-size": "20k", "max-file": "2" } },
        });
        const common = {
          cluster,
          image: "local/busybox:1",
          stopGracePeriod: "1s",
          update: { monitor: "1s" },
        };
        // About 10 kB of log a tenth of a second: the 20 kB file fills several times a second.
        const chatty = new ContainerService("chatty", {
          ...common,
          command: ["sh", "-c", "while true; do seq 100000 102000; sleep 0.1; done"],
        });
        const own = new ContainerService("own", {
          ...common,
          command: ["sleep", "3600"],
          logging: { driver: "json-file", options: { "max-size": "1m" } },
        });
        return { chatty: chatty.serviceId, own: own.serviceId };
      },
      { project, stack: "test" },
    );
    const { chatty, own } = run.outputs as { chatty: string; own: string };

    assert.deepEqual((await containerLog(own)).logConfig, {
      Type: "json-file",
      Config: { "max-size": "1m", "max-file": "3" },
    });
    const { logConfig, logPath } = await containerLog(chatty);
    assert.deepEqual(logConfig, { Type: "json-file", Config: { "max-size": "20k", "max-file": "2" } });

    // Written well past the two files' worth: the engine has rotated, and kept only two files.
    await sleep(3000);
    assert.ok(fs.existsSync(`${logPath}.1`), "the log was rotated at least once");
    assert.ok(!fs.existsSync(`${logPath}.2`), "no third file is kept");
    for (const file of [logPath, `${logPath}.1`]) {
      const size = fs.statSync(file).size;
      // A rotation happens after the write that crosses the limit: one log line of slack.
      assert.ok(size <= maxBytes + 512, `${file} holds ${size} bytes, more than 20k`);
    }
  });
});
