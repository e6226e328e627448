/**
 * A service's `metrics` found by a real Prometheus (Debian's 2.42, the test bed's local/prometheus:test)
 * on the real swarm, through its Swarm discovery and the relabelling docs/observability.md gives: each
 * task is scraped on its metrics port and path, labelled with its service and node.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import fs from "fs";
import path from "path";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { LocalSwarm } from "../../components/swarm";
import { removeLabelled } from "../support/cleanup";
import { engineReachable, needEngine } from "../support/engine";
import { runProgram, type ProgramRun } from "../support/harness";

const run = randomBytes(3).toString("hex");
const project = `berth-test-${randomBytes(4).toString("hex")}`;
const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** The Prometheus configuration of docs/observability.md, its network and intervals filled in. */
function prometheusConfig(network: string): string {
  const guide = fs.readFileSync(path.join(repoRoot, "docs", "observability.md"), "utf8");
  const block = /```yaml\n(scrape_configs:[\s\S]*?)```/.exec(guide)?.[1];
  assert.ok(block, "docs/observability.md shows a Swarm scrape configuration");
  return `global:\n  scrape_interval: 2s\n${block
    .replace("<network>", network)
    .replace("refresh_interval: 30s", "refresh_interval: 2s")}`;
}

function imagePresent(image: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", image], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Asks Prometheus's HTTP API from inside its own container: nothing of it is published. */
async function query(service: string, expression: string): Promise<Sample[]> {
  const container = execFileSync(
    "docker",
    ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`],
    {
      encoding: "utf8",
    },
  )
    .trim()
    .split("\n")[0];
  if (!container) return [];
  const url = `http://127.0.0.1:9090/api/v1/query?query=${encodeURIComponent(expression)}`;
  const out = execFileSync("docker", ["exec", container, "wget", "-qO-", url], { encoding: "utf8" });
  return (JSON.parse(out) as { data: { result: Sample[] } }).data.result;
}

describe("metrics found by a real Prometheus on the real swarm", () => {
  let deployed: ProgramRun | undefined;

  after(async () => {
    if (!(await engineReachable())) return;
    await deployed?.destroy().catch(() => undefined);
    await removeLabelled(project);
  });

  it("scrapes every task of a service with metrics, on its port and path, labelled with service and node", async (t) => {
    if (!(await needEngine(t))) return;
    if (!imagePresent("local/prometheus:test")) {
      if (process.env.CI) assert.fail("local/prometheus:test is missing: run scripts/docker-testbed.sh");
      return t.skip("no local/prometheus:test image (scripts/docker-testbed.sh builds it)");
    }
    const network = `obs-${run}-default`;
    const app = `app-${run}`;
    deployed = await runProgram(
      () => {
        const cluster = new LocalSwarm(`obs-${run}`);
        const common = { cluster, stopGracePeriod: "1s", update: { monitor: "1s" } };
        new ContainerService(app, {
          ...common,
          image: "local/busybox:1",
          command: [
            "sh",
            "-c",
            "mkdir -p /tmp/www/stats && echo 'demo_requests_total 7' > /tmp/www/stats/prom && exec httpd -f -p 9100 -h /tmp/www",
          ],
          replicas: 2,
          metrics: { port: 9100, path: "/stats/prom" },
        });
        // A service without metrics: Prometheus must leave it alone.
        new ContainerService(`quiet-${run}`, {
          ...common,
          image: "local/busybox:1",
          command: ["sleep", "3600"],
        });
        new ContainerService(`prom-${run}`, {
          ...common,
          image: "local/prometheus:test",
          command: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/tmp/prometheus"],
          configs: [
            {
              source: "prometheus.yml",
              target: "/etc/prometheus/prometheus.yml",
              data: prometheusConfig(network),
            },
          ],
          // Discovery asks a manager's engine; the socket is mounted read-only.
          volumes: [
            { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true },
          ],
          user: "0",
          placement: { constraints: ["node.role==manager"] },
        });
      },
      { project, stack: "test" },
    );

    const prometheus = `prom-${run}`;
    const node = execFileSync("docker", ["info", "--format", "{{.Name}}"], { encoding: "utf8" }).trim();
    let up: Sample[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      up = await query(prometheus, 'up{job="swarm-services"}').catch(() => []);
      if (up.length === 2 && up.every((s) => s.value[1] === "1")) break;
      await sleep(1000);
    }
    assert.equal(up.length, 2, `two targets, one per task: ${JSON.stringify(up)}`);
    for (const sample of up) {
      assert.equal(sample.value[1], "1", `scraped: ${JSON.stringify(sample.metric)}`);
      assert.equal(sample.metric.service, app);
      assert.equal(sample.metric.node, node);
      assert.match(
        sample.metric.instance,
        /^\d+\.\d+\.\d+\.\d+:9100$/,
        "the task's address on its metrics port",
      );
    }
    const scraped = await query(prometheus, `demo_requests_total{service="${app}"}`);
    assert.deepEqual(
      scraped.map((s) => s.value[1]),
      ["7", "7"],
      "the metrics path was scraped on both tasks",
    );
  });
});
