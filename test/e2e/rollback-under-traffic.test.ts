import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { LocalSwarm } from "../../components/swarm";
import { runProgram, type ProgramRun } from "../support/harness";
import { engineReachable, needEngine } from "../support/engine";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const run = randomBytes(3).toString("hex");
const project = `berth-fault-${run}`;
const clusterName = `fault-${run}`;
const site = `site-${run}`;

/** A release of the site: `port` is where httpd listens; a wrong one is a broken release. */
function deploySite(release: { page: string; port: number }, previous?: ProgramRun): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new LocalSwarm(clusterName, { defaultNetwork: { args: { attachable: true } } });
      new ContainerService(site, {
        cluster,
        image: "local/busybox:1",
        command: ["httpd", "-f", "-p", String(release.port), "-h", "/srv"],
        replicas: 2,
        endpointMode: "dnsrr",
        ports: [{ target: 8080 }],
        configs: [{ source: "page", target: "/srv/index.html", data: release.page }],
        healthCheck: { http: { path: "/", port: 8080 }, interval: "1s", timeout: "1s", retries: 2 },
        update: { order: "start-first", failureAction: "rollback", monitor: "4s", parallelism: 1 },
        stopGracePeriod: "1s",
        timeoutSeconds: 120,
      });
    },
    { project, previous },
  );
}

/** Requests the site from inside its network every 100 ms until stopped; prints one line per request. */
function startTraffic(network: string): string {
  const loop = `while [ ! -f /tmp/stop ]; do
    if out=$(wget -qO- http://${site}:8080/ 2>/dev/null); then echo "ok $out"; else echo fail; fi
    sleep 0.1
  done`;
  return docker("run", "-d", "--network", network, "local/busybox:1", "sh", "-c", loop);
}

function stopTraffic(container: string): string[] {
  docker("exec", container, "sh", "-c", ": > /tmp/stop");
  docker("wait", container);
  const lines = docker("logs", container).split("\n").filter(Boolean);
  docker("rm", container);
  return lines;
}

describe("a failing update under traffic (real swarm)", () => {
  after(async () => {
    if (!(await engineReachable())) return;
    for (const kind of ["service", "config", "network"]) {
      const ids = docker(kind, "ls", "-q", "--filter", `label=berth.project=${project}`);
      if (ids) execFileSync("docker", [kind, "rm", ...ids.split("\n")], { stdio: "ignore" });
    }
  });

  it("is rolled back and reported as a failure, while the previous tasks serve every request", async (t) => {
    if (!(await needEngine(t))) return;
    const v1 = await deploySite({ page: "v1", port: 8080 });
    const network = `${clusterName}-default`;
    const traffic = startTraffic(network);
    let lines: string[];
    try {
      // Release 2 listens on the wrong port: its tasks never pass the health check.
      await assert.rejects(deploySite({ page: "v2", port: 8081 }, v1), (err: Error) => {
        assert.match(err.message, new RegExp(`service ${site}: the update failed and was rolled back`));
        t.diagnostic(err.message.split("\n")[1]);
        return true;
      });
      await sleep(1000);
    } finally {
      lines = stopTraffic(traffic);
    }
    const failed = lines.filter((line) => line !== "ok v1");
    assert.ok(lines.length >= 50, `only ${lines.length} requests were sent`);
    assert.deepEqual(failed, [], `${failed.length} of ${lines.length} requests failed or hit release 2`);
    t.diagnostic(`${lines.length} requests during the failed update and its rollback, none failed`);

    // The previous spec is back and runs: two tasks of release 1 on port 8080.
    const spec = JSON.parse(docker("service", "inspect", site, "--format", "{{json .Spec}}"));
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Args, ["httpd", "-f", "-p", "8080", "-h", "/srv"]);
    const running = docker(
      "service",
      "ps",
      site,
      "--filter",
      "desired-state=running",
      "--format",
      "{{.CurrentState}}",
    );
    assert.equal(running.split("\n").filter((s) => s.startsWith("Running")).length, 2);

    await v1.destroy();
  });
});
