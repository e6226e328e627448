import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { ComposeStack } from "../../components/compose";
import { LocalSwarm } from "../../components/swarm";
import { engineReachable, needEngine } from "../support/engine";
import { composeDir } from "../support/compose-dir";
import { runProgram } from "../support/harness";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const project = `e2e-objects-${randomBytes(3).toString("hex")}`;
const inStack = `label=com.docker.stack.namespace=${project}`;

/** A network and a volume with every setting Compose gives them, used by one service. */
const compose = `
name: ${project}
services:
  app:
    image: local/busybox:1
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    networks: [back]
    volumes: ["data:/data"]
networks:
  back:
    driver_opts:
      com.docker.network.driver.mtu: 1400
    ipam:
      options: { berth.e2e: "1" }
      config:
        - subnet: 10.232.9.0/24
          ip_range: 10.232.9.128/25
          gateway: 10.232.9.1
    labels: { team: shop }
volumes:
  data:
    driver: local
    driver_opts: { type: tmpfs, device: tmpfs, o: "size=1m" }
    labels: { backup: daily }
`;

describe("ComposeStack's networks and volumes on the real swarm", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    for (const kind of ["service", "network"]) {
      const ids = docker(kind, "ls", "-q", "--filter", inStack);
      if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
    }
    // The volume outlives its tasks a moment after the service is gone.
    for (let i = 0; i < 20; i++) {
      try {
        execFileSync("docker", ["volume", "rm", `${project}_data`], { stdio: "ignore" });
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  });

  it("creates the network with its driver options and ipam, and the volume with its driver, options and labels", async (t) => {
    if (!(await needEngine(t))) return;
    const dir = composeDir({ "compose.yaml": compose });
    const run = await runProgram(
      () => {
        const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
        const stack = new ComposeStack("objects", { cluster, project: { workingDir: dir, env: {} } });
        return { serviceIds: stack.serviceIds };
      },
      { project: "berth", stack: project },
    );

    const network = JSON.parse(docker("network", "inspect", `${project}_back`, "--format", "{{json .}}"));
    assert.equal(network.Options["com.docker.network.driver.mtu"], "1400");
    assert.equal(network.IPAM.Options["berth.e2e"], "1");
    assert.deepEqual(
      network.IPAM.Config.map((c: Record<string, string>) => [c.Subnet, c.IPRange, c.Gateway]),
      [["10.232.9.0/24", "10.232.9.128/25", "10.232.9.1"]],
    );
    assert.equal(network.Labels.team, "shop");

    // The node creates the volume when the task starts, from the mount's options.
    const volume = JSON.parse(docker("volume", "inspect", `${project}_data`, "--format", "{{json .}}"));
    assert.equal(volume.Driver, "local");
    assert.deepEqual(volume.Options, { type: "tmpfs", device: "tmpfs", o: "size=1m" });
    assert.equal(volume.Labels.backup, "daily");
    assert.equal(volume.Labels["com.docker.stack.namespace"], project);

    await run.destroy();
    assert.equal(docker("network", "ls", "-q", "--filter", inStack), "");
  });
});
