/**
 * `Monitoring` on the real swarm, with real Prometheus, Alertmanager and node exporter (Debian's, the test
 * bed's local images): a service's `metrics` are found through Swarm discovery and scraped on every task,
 * labelled with service and node; node metrics arrive; Berth's task counts match Swarm; and a service
 * that Swarm cannot place fires `BerthServiceBelowDesired` in Alertmanager.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { Monitoring, swarmServiceSeries } from "../../components/observability";
import { LocalSwarm } from "../../components/swarm";
import { removeLabelled } from "../support/cleanup";
import { engineReachable, needEngine } from "../support/engine";
import { runProgram, type ProgramRun } from "../support/harness";
import { haveImage } from "../support/prom-tools";

const run = randomBytes(3).toString("hex");
const project = `berth-test-${randomBytes(4).toString("hex")}`;
const images = ["local/prometheus:test", "local/alertmanager:test", "local/node-exporter:test"];

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** `wget` inside the service's container: nothing of the monitoring is published. */
function insideService(service: string, url: string): string {
  const container = execFileSync(
    "docker",
    ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`],
    { encoding: "utf8" },
  )
    .trim()
    .split("\n")[0];
  if (!container) throw new Error(`no container of ${service} yet`);
  return execFileSync("docker", ["exec", container, "wget", "-qO-", url], { encoding: "utf8" });
}

function query(prometheus: string, expression: string): Sample[] {
  const url = `http://127.0.0.1:9090/api/v1/query?query=${encodeURIComponent(expression)}`;
  return (JSON.parse(insideService(prometheus, url)) as { data: { result: Sample[] } }).data.result;
}

/** Polls `probe` until it returns a value, or fails with the last thing seen. */
async function eventually<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(1000);
  }
  throw new Error(`${what} within ${seconds} s; last: ${String(last ?? "nothing")}`);
}

describe("Monitoring on the real swarm", () => {
  let deployed: ProgramRun | undefined;

  after(async () => {
    if (!(await engineReachable())) return;
    await deployed?.destroy().catch(() => undefined);
    await removeLabelled(project);
  });

  it("scrapes a service's tasks and the nodes, counts tasks as Swarm does, and alerts when a service runs below desired", async (t) => {
    if (!(await needEngine(t))) return;
    for (const image of images) {
      if (await haveImage(image)) continue;
      if (process.env.CI) assert.fail(`${image} is missing: run scripts/docker-testbed.sh`);
      return t.skip(`no ${image} image (scripts/docker-testbed.sh builds it)`);
    }
    const app = `app-${run}`;
    const mon = `mon-${run}`;
    const started = Date.now();
    deployed = await runProgram(
      () => {
        const cluster = new LocalSwarm(`obs-${run}`);
        new Monitoring(mon, {
          cluster,
          scrapeInterval: "2s",
          alerts: { belowDesiredFor: "6s" },
          prometheus: { image: "local/prometheus:test" },
          alertmanager: { image: "local/alertmanager:test" },
          nodeExporter: { image: "local/node-exporter:test" },
          // No image of cAdvisor or Grafana can be had here.
          containerMetrics: { skip: true },
          grafana: { skip: true },
        });
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
      },
      { project, stack: "test" },
    );
    t.diagnostic(`Monitoring and two services deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const prometheus = `${mon}-prometheus`;
    const node = execFileSync("docker", ["info", "--format", "{{.Name}}"], { encoding: "utf8" }).trim();
    const up = await eventually("both tasks of the service scraped", 60, () => {
      const samples = query(prometheus, `up{job="swarm-services", service="${app}"}`);
      return samples.length === 2 && samples.every((s) => s.value[1] === "1") ? samples : undefined;
    });
    for (const sample of up) {
      assert.equal(sample.metric.node, node);
      assert.match(
        sample.metric.instance,
        /^\d+\.\d+\.\d+\.\d+:9100$/,
        "the task's address on its metrics port",
      );
    }
    assert.deepEqual(
      query(prometheus, `demo_requests_total{service="${app}"}`).map((s) => s.value[1]),
      ["7", "7"],
      "the metrics path was scraped on both tasks",
    );
    assert.deepEqual(
      query(prometheus, `up{service="quiet-${run}", job="swarm-services"}`),
      [],
      "a service without metrics is left alone",
    );
    const memory = await eventually("node exporter's metrics", 30, () => {
      const samples = query(prometheus, "node_memory_MemTotal_bytes");
      return samples.length > 0 ? samples : undefined;
    });
    assert.equal(memory[0].metric.node, node, "node metrics carry the node's name");
    assert.ok(Number(memory[0].value[1]) > 0);
    // Both counts settle on what Swarm runs: two tasks wanted, two running.
    let seen: string[] = [];
    await eventually("Berth's task counts of 2 desired and 2 running", 30, () => {
      seen = [swarmServiceSeries.desiredTasks, swarmServiceSeries.runningTasks].map(
        (series) => query(prometheus, `${series}{service="${app}"}`)[0]?.value[1] ?? "none",
      );
      return seen.every((count) => count === "2") ? seen : undefined;
    }).catch((error: Error) => assert.fail(`${error.message}; desired and running: ${seen.join(", ")}`));
    assert.deepEqual(
      query(prometheus, "ALERTS").filter((s) => s.metric.service === app),
      [],
      "no alert for a healthy service",
    );

    // No node carries this label: Swarm cannot place the service's new tasks.
    execFileSync("docker", [
      "service",
      "update",
      "--detach",
      "--constraint-add",
      "node.labels.berth-nowhere==1",
      app,
    ]);
    const alertmanager = `${mon}-alertmanager`;
    const firing = await eventually("BerthServiceBelowDesired in Alertmanager", 90, () => {
      const alerts = JSON.parse(insideService(alertmanager, "http://127.0.0.1:9093/api/v2/alerts")) as {
        labels: Record<string, string>;
        status: { state: string };
      }[];
      return alerts.find(
        (a) => a.labels.alertname === "BerthServiceBelowDesired" && a.labels.service === app,
      );
    });
    assert.equal(firing.status.state, "active");
    assert.equal(firing.labels.severity, "critical");
  });
});
