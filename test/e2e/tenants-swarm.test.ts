/**
 * Two tenants on the real swarm: each on its own encrypted network, so a service of one cannot resolve
 * or reach the other's (real traffic between tasks); names prefixed; placement on the tenant's node pool;
 * a service over the tenant's quota refused at preview with the numbers; and one tenant destroyed while
 * the other keeps serving.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { promisify } from "util";
import { ContainerService, type ContainerServiceArgs } from "../../components";
import { LocalSwarm } from "../../components/swarm";
import { Tenant } from "../../components/tenant";
import { removeLabelled } from "../support/cleanup";
import { engineReachable, needEngine } from "../support/engine";
import { runProgram, type ProgramRun } from "../support/harness";

const exec = promisify(execFile);
const run = randomBytes(3).toString("hex");
const project = `berth-test-${randomBytes(4).toString("hex")}`;
const pool = `pool-${run}`;
const nodeName = () =>
  execFileSync("docker", ["info", "--format", "{{.Swarm.NodeID}}"], { encoding: "utf8" }).trim();

/** Runs `sh -c script` in the (first) container of a swarm service; resolves with its output or rejects. */
async function inService(service: string, script: string): Promise<string> {
  const { stdout } = await exec("docker", [
    "ps",
    "-q",
    "--filter",
    `label=com.docker.swarm.service.name=${service}`,
  ]);
  const container = stdout.trim().split("\n")[0];
  if (!container) throw new Error(`no container of ${service}`);
  return (await exec("docker", ["exec", container, "sh", "-c", script])).stdout;
}

/** The body `from` gets for `GET /` at `host:port` (nc: this image's wget cannot run in these tasks), or "unreachable". */
const reaches = (from: string, hostPort: string) =>
  inService(from, `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${hostPort.replace(":", " ")}`).then(
    (response) => response.trim().split("\n").pop()?.trim() ?? "",
    () => "unreachable",
  );

const small: Partial<ContainerServiceArgs> = {
  image: "local/busybox:1",
  resources: { cpu: 0.1, memory: "32Mi" },
  stopGracePeriod: "1s",
  update: { monitor: "1s" },
};

function program(tenants: ("a" | "b")[], extra?: (a: Tenant) => void) {
  return () => {
    const cluster = new LocalSwarm(`ten-${run}`);
    const made: Record<string, Tenant> = {};
    for (const t of tenants) {
      made[t] = new Tenant(`${t}${run}`, {
        cluster,
        quota: { cpu: 1, memory: "256Mi" },
        ...(t === "a" && { nodePool: pool }),
      });
    }
    if (made.a) {
      // Resource names are unique in a program; `serviceName` is the name within the tenant.
      new ContainerService(`a${run}-web`, {
        ...small,
        serviceName: "web",
        cluster: made.a,
        // Tasks' own addresses: this machine's kernel has no IPVS for virtual IPs.
        endpointMode: "dnsrr",
        command: [
          "sh",
          "-c",
          "mkdir -p /srv && echo tenant-a > /srv/index.html && exec httpd -f -p 8080 -h /srv",
        ],
        ports: [{ target: 8080 }],
      });
      new ContainerService(`a${run}-client`, {
        ...small,
        serviceName: "client",
        cluster: made.a,
        command: ["sleep", "3600"],
      });
      extra?.(made.a);
    }
    if (made.b)
      new ContainerService(`b${run}-client`, {
        ...small,
        serviceName: "client",
        cluster: made.b,
        command: ["sleep", "3600"],
      });
  };
}

describe("tenants sharing the real swarm", () => {
  let deployed: ProgramRun | undefined;

  after(async () => {
    if (!(await engineReachable())) return;
    await deployed?.destroy().catch(() => undefined);
    await removeLabelled(project);
    await exec("docker", ["node", "update", "--label-rm", "berth.tenant-pool", nodeName()]).catch(
      () => undefined,
    );
  });

  it("keeps each tenant's services apart, places them on the tenant's pool, and refuses one over quota", async (t) => {
    if (!(await needEngine(t))) return;
    execFileSync("docker", ["node", "update", "--label-add", `berth.tenant-pool=${pool}`, nodeName()]);
    deployed = await runProgram(program(["a", "b"]), { project, stack: "test" });
    const [a, b] = [`a${run}`, `b${run}`];

    assert.equal(
      await reaches(`${a}-client`, "web:8080"),
      "tenant-a",
      "a tenant's services reach each other by name",
    );
    assert.notEqual(await reaches(`${b}-client`, "web:8080"), "tenant-a", "another tenant cannot resolve it");
    assert.notEqual(await reaches(`${b}-client`, `${a}-web:8080`), "tenant-a", "nor by its full name");
    const address = (await inService(`${a}-web`, "busybox ip -4 -o addr show eth0")).trim();
    const ip = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(address)?.[1];
    assert.ok(ip, address);
    assert.equal(await reaches(`${a}-client`, `${ip}:8080`), "tenant-a");
    assert.notEqual(await reaches(`${b}-client`, `${ip}:8080`), "tenant-a", "nor by its address");

    const network = JSON.parse(
      execFileSync("docker", ["network", "inspect", `tenant-${a}`], { encoding: "utf8" }),
    )[0];
    assert.equal(network.Options?.encrypted, "", "the tenant's network is encrypted");
    assert.equal(network.Attachable, false);
    const constraints = JSON.parse(
      execFileSync(
        "docker",
        ["service", "inspect", `${a}-web`, "--format", "{{json .Spec.TaskTemplate.Placement.Constraints}}"],
        {
          encoding: "utf8",
        },
      ),
    );
    assert.deepEqual(constraints, [`node.labels.berth.tenant-pool==${pool}`]);

    // 6 tasks x 200m reserved = 1200m, with the other two services' 200m: over the 1-core quota.
    const refused = await runProgram(
      program(
        ["a", "b"],
        (tenant) =>
          new ContainerService(`a${run}-batch`, {
            ...small,
            cluster: tenant,
            command: ["sleep", "3600"],
            replicas: 6,
            resources: { cpu: 0.5, memory: "32Mi", reservations: { cpu: 0.2 } },
          }),
      ),
      { project, stack: "test", preview: true, previous: deployed },
    ).then(
      () => undefined,
      (error: Error) => error,
    );
    assert.ok(refused, "the preview fails");
    assert.match(
      String(refused.message),
      /batch[\s\S]*asks for 1200m CPU; with the tenant's other services \(200m\) that is 1400m, over its quota of 1/,
    );
  });

  it("destroys one tenant and leaves the other serving", async (t) => {
    if (!deployed) return t.skip("nothing deployed");
    const [a, b] = [`a${run}`, `b${run}`];
    deployed = await runProgram(program(["a"]), { project, stack: "test", previous: deployed });
    const services = execFileSync("docker", ["service", "ls", "--format", "{{.Name}}"], { encoding: "utf8" });
    assert.ok(!services.includes(`${b}-client`), "tenant b's service is gone");
    assert.throws(
      () => execFileSync("docker", ["network", "inspect", `tenant-${b}`], { stdio: "ignore" }),
      "and its network",
    );
    assert.equal(await reaches(`${a}-client`, "web:8080"), "tenant-a", "tenant a still serves");
  });
});
