/**
 * Day two on a real swarm of three hosts (network namespaces, each with its own dockerd and sshd),
 * formed by Berth over SSH: a tenant's tasks run only on its pool's node, and Monitoring runs the node
 * exporter on every node, found by Prometheus on the manager through Swarm discovery and scraped across
 * the overlay network.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "timers/promises";
import { ContainerService } from "../../components";
import { Monitoring, swarmServiceSeries } from "../../components/observability";
import { SwarmCluster, type SwarmNodeArgs } from "../../components/swarm";
import { Tenant } from "../../components/tenant";
import { engineClient } from "../../provider/shared/engine";
import { runProgram, type ProgramRun } from "../support/harness";
import type { SshKeyPair } from "../support/netns-sshd";
import { clusterHostsCanRun, type SshHost, type SshHosts, startSshHosts } from "../support/ssh-hosts";
import { haveImage } from "../support/prom-tools";

const names = ["m1", "w2", "w3"] as const;
type Name = (typeof names)[number];
const hosts = {} as Record<Name, SshHost>;
const images = ["local/busybox:1", "local/prometheus:test", "local/node-exporter:test"];
let admin: SshKeyPair;
let started: SshHosts<Name> | undefined;

function node(name: Name): SwarmNodeArgs {
  const { sshd } = hosts[name];
  return {
    name,
    role: name === "m1" ? "manager" : "worker",
    // The manager takes tasks too: the node exporter must run on every node, Prometheus on a manager.
    ...(name === "m1" ? { availability: "active" as const } : {}),
    // w2 is the gold pool's only node.
    labels: { host: name, ...(name === "w2" && { "berth.tenant-pool": "gold" }) },
    ssh: { host: sshd.host, user: "root", privateKey: admin.privateKey, hostKey: sshd.hostKey },
  };
}

function program() {
  const cluster = new SwarmCluster("ops", { nodes: names.map(node), timeoutSeconds: 120 });
  new Monitoring("mon", {
    cluster,
    scrapeInterval: "2s",
    prometheus: { image: "local/prometheus:test" },
    nodeExporter: { image: "local/node-exporter:test" },
    // Nothing here to send alerts to, and no image of cAdvisor or Grafana can be had.
    alertmanager: { skip: true },
    containerMetrics: { skip: true },
    grafana: { skip: true },
    // Each host's engine listens in its own directory, not at /var/run/docker.sock (which is the test
    // machine's engine): Prometheus, on m1, reads m1's.
    swarm: { dockerSocket: hosts.m1.engine.socketPath },
  });
  const payments = new Tenant("payments", { cluster, nodePool: "gold" });
  new ContainerService("payments-api", {
    cluster: payments,
    image: "local/busybox:1",
    command: ["sleep", "3600"],
    stopGracePeriod: "1s",
    replicas: 3,
    resources: { cpu: 0.1, memory: "32Mi" },
  });
}

/** Node name -> running tasks of the service named `service`, as the manager sees them. */
async function runningTasks(service: string): Promise<Record<string, number>> {
  const docker = engineClient(hosts.m1.engine.connection);
  const nodes = (await docker.listNodes()) as unknown as {
    ID: string;
    Spec: { Labels: Record<string, string> };
  }[];
  const nameOf = Object.fromEntries(nodes.map((n) => [n.ID, n.Spec.Labels["berth.node"] ?? n.ID]));
  const tasks = (await docker.listTasks({
    filters: JSON.stringify({ service: [service], "desired-state": ["running"] }),
  })) as { NodeID: string; Status: { State: string } }[];
  const counts: Record<string, number> = {};
  for (const t of tasks.filter((task) => task.Status.State === "running"))
    counts[nameOf[t.NodeID]!] = (counts[nameOf[t.NodeID]!] ?? 0) + 1;
  return counts;
}

/** A PromQL query, asked inside Prometheus's container on the manager: nothing is published. */
async function query(
  expression: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const m1 = hosts.m1.engine;
  const container = (
    await m1.docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=mon-prometheus")
  ).split("\n")[0];
  if (!container) throw new Error("no Prometheus container on the manager yet");
  const url = `http://127.0.0.1:9090/api/v1/query?query=${encodeURIComponent(expression)}`;
  return (
    JSON.parse(await m1.docker("exec", container, "wget", "-qO-", url)) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }
  ).data.result;
}

async function eventually<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = "not yet";
    } catch (error) {
      last = error;
    }
    await sleep(1000);
  }
  assert.fail(`${what} within ${seconds} s; last: ${String(last ?? "nothing")}`);
}

describe("Monitoring and a tenant on a swarm of three hosts", { concurrency: false }, () => {
  let ready = false;
  let deployed: ProgramRun | undefined;

  before(async () => {
    if (!(await clusterHostsCanRun())) return;
    for (const image of images)
      if (!(await haveImage(image))) {
        if (process.env.CI) throw new Error(`${image} is missing: run scripts/docker-testbed.sh`);
        console.warn(`\n!!! SKIPPED: no ${image} image (scripts/docker-testbed.sh builds it)\n`);
        return;
      }
    started = await startSshHosts(names, { firstIndex: 60, images });
    Object.assign(hosts, started.hosts);
    admin = started.admin;
    ready = true;
  });

  after(async () => {
    try {
      if (deployed)
        await deployed.destroy().catch((err: unknown) => console.error(`destroy: ${String(err)}`));
    } finally {
      await started?.destroy();
    }
  });

  it("runs a tenant's tasks on its pool's node only, and the node exporter on every node, scraped across the overlay", async (t) => {
    if (!ready) return t.skip("no cluster hosts");
    const started = Date.now();
    deployed = await runProgram(program, { project: "berth", stack: "day-two" });
    t.diagnostic(
      `swarm of three formed, Monitoring and a tenant's service deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    assert.deepEqual(await runningTasks("payments-api"), { w2: 3 }, "every task on the gold pool's node");
    assert.deepEqual(
      await runningTasks("mon-node-exporter"),
      { m1: 1, w2: 1, w3: 1 },
      "one exporter per node",
    );
    assert.deepEqual(await runningTasks("mon-prometheus"), { m1: 1 }, "Prometheus on the manager");

    const nodes = await eventually("node metrics from all three nodes", 90, async () => {
      const samples = await query("node_memory_MemTotal_bytes");
      if (samples.length === 3) return samples;
      const targets = await query("up");
      throw new Error(
        `scrape targets: ${targets.map((s) => `${s.metric.job} ${s.metric.instance} ${s.metric.node ?? ""} up=${s.value[1]}`).join("; ")}`,
      );
    });
    // Scraped across the overlay network, each from its own node's exporter.
    const exporters = new Set(nodes.map((s) => s.metric.instance.replace(/:\d+$/, "")));
    assert.equal(exporters.size, 3, `three exporters' addresses: ${[...exporters].join(", ")}`);
    // Labelled with the node's hostname as its engine reports it (these hosts share the machine's).
    const hostnames = await Promise.all(
      names.map((n) => hosts[n].engine.docker("info", "--format", "{{.Name}}")),
    );
    assert.deepEqual(nodes.map((s) => s.metric.node).sort(), [...hostnames].sort());
    assert.ok(nodes.every((s) => Number(s.value[1]) > 0));
    // Berth's count of the tenant's service, from Swarm's task list.
    await eventually("3 desired and 3 running tasks of the tenant's service", 60, async () => {
      const counts = await Promise.all(
        [swarmServiceSeries.desiredTasks, swarmServiceSeries.runningTasks].map(
          async (series) => (await query(`${series}{service="payments-api"}`))[0]?.value[1],
        ),
      );
      return counts.every((c) => c === "3") ? counts : undefined;
    });
  });
});
