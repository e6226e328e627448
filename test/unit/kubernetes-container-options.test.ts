import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeService, SpecError, type ServiceInput, type SpecIssue } from "../../components/spec";
import {
  containerOptions,
  emptyDirFor,
  podOptions,
  withExtendedResources,
} from "../../components/spec/render/kubernetes-container-options";
import { Refusals } from "../../components/spec/render/refusals";

/** Runs both option functions on a service and returns their results and the refusals recorded. */
function options(input: Omit<ServiceInput, "image">) {
  const n = normalizeService("svc", { image: "a", ...input });
  const refusals = new Refusals(n, "kubernetes");
  const container = containerOptions(n, refusals);
  const pod = podOptions(n, refusals);
  let issues: SpecIssue[] = [];
  try {
    refusals.throwIfAny();
  } catch (err) {
    assert.ok(err instanceof SpecError);
    issues = err.issues;
  }
  return { n, container, pod, issues };
}

describe("Kubernetes container and pod options", () => {
  it("maps stdin, tty, security profiles and extended resources onto the container", () => {
    const { container, issues } = options({
      stdinOpen: true,
      tty: true,
      securityOpt: { noNewPrivileges: true, seccomp: "unconfined", appArmor: "unconfined" },
      resources: { reservations: { genericResources: { "nvidia.com/gpu": 1 } } },
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(container, {
      stdin: true,
      tty: true,
      securityContext: {
        seccompProfile: { type: "Unconfined" },
        appArmorProfile: { type: "Unconfined" },
        allowPrivilegeEscalation: false,
      },
      extendedResources: { "nvidia.com/gpu": "1" },
    });
    assert.deepEqual(withExtendedResources({ limits: { cpu: "1" } }, container.extendedResources), {
      limits: { cpu: "1", "nvidia.com/gpu": "1" },
      requests: { "nvidia.com/gpu": "1" },
    });
    const plain = options({}).container;
    assert.deepEqual(plain, {
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
      extendedResources: {},
    });
  });

  it("maps host name, resolver, host entries and sysctls onto the pod", () => {
    const { pod, issues } = options({
      hostname: "api",
      dns: ["10.0.0.2"],
      dnsSearch: ["corp.example"],
      dnsOptions: ["ndots:2", "rotate"],
      extraHosts: { db: "10.0.0.5", "db-primary": "10.0.0.5", cache: "10.0.0.6" },
      sysctls: { "net.ipv4.ip_local_port_range": "1024 65000", "kernel.shm_rmid_forced": "1" },
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(pod, {
      hostname: "api",
      dnsPolicy: "None",
      dnsConfig: {
        nameservers: ["10.0.0.2"],
        searches: ["corp.example"],
        options: [{ name: "ndots", value: "2" }, { name: "rotate" }],
      },
      hostAliases: [
        { ip: "10.0.0.5", hostnames: ["db", "db-primary"] },
        { ip: "10.0.0.6", hostnames: ["cache"] },
      ],
      securityContext: {
        sysctls: [
          { name: "kernel.shm_rmid_forced", value: "1" },
          { name: "net.ipv4.ip_local_port_range", value: "1024 65000" },
        ],
      },
    });
    assert.deepEqual(options({ dnsSearch: ["corp.example"] }).pod, {
      dnsConfig: { searches: ["corp.example"] },
    });
    assert.deepEqual(options({}).pod, {});
  });

  it("backs tmpfs mounts with a sized memory emptyDir and anonymous volumes with an emptyDir", () => {
    const { n } = options({
      volumes: [
        { type: "tmpfs", target: "/t", tmpfs: { size: "64Mi" } },
        { type: "tmpfs", target: "/u" },
        { type: "volume", target: "/cache" },
        { type: "volume", source: "data", target: "/data" },
      ],
    });
    assert.deepEqual(n.volumes.map(emptyDirFor), [
      { medium: "Memory", sizeLimit: "64Mi" },
      { medium: "Memory" },
      {},
      undefined,
    ]);
  });

  it("refuses, all together and naming each field, what Kubernetes has no place for", () => {
    const { issues } = options({
      stopSignal: "SIGINT",
      ulimits: { nofile: 1024 },
      init: true,
      hostname: "api.corp.example",
      extraHosts: { gw: "host-gateway" },
      dns: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"],
      capAdd: ["SYS_ADMIN"],
      securityOpt: { noNewPrivileges: true, seccomp: { profile: "{}" } },
      resources: { pids: 10, reservations: { genericResources: { gpu: 1 } } },
      healthCheck: { command: "true", startPeriod: "10s", startInterval: "1s" },
      secrets: [{ source: "s", uid: "1000" }],
      configs: [{ source: "c", gid: "5" }],
      networks: ["front", { name: "back", aliases: ["db"] }],
      volumes: [{ type: "tmpfs", target: "/t", tmpfs: { mode: 0o700 } }],
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "configs[0].gid",
      "dns",
      "extraHosts.gw",
      "healthCheck.startInterval",
      "hostname",
      "init",
      "networks[1].aliases",
      "resources.pids",
      "resources.reservations.genericResources.gpu",
      "secrets[0].uid",
      "securityOpt.noNewPrivileges",
      "securityOpt.seccomp",
      "stopSignal",
      "ulimits",
      "volumes[0].tmpfs.mode",
    ]);
    for (const issue of issues) assert.match(issue.message, /^is not supported on kubernetes; /);
    assert.match(issues.find((i) => i.path === "securityOpt.noNewPrivileges")?.message ?? "", /SYS_ADMIN/);
    assert.match(issues.find((i) => i.path === "dns")?.message ?? "", /at most 3 name servers/);
  });

  it("drops a refused field with a notice when the service lists it as ignorable", () => {
    const n = normalizeService("svc", { image: "a", ulimits: { nofile: 1 }, ignoreUnsupported: ["ulimits"] });
    const ignored: SpecIssue[] = [];
    const refusals = new Refusals(n, "kubernetes", { onIgnored: (i) => ignored.push(i) });
    podOptions(n, refusals);
    refusals.throwIfAny();
    assert.deepEqual(
      ignored.map((i) => i.path),
      ["ulimits"],
    );
  });
});
