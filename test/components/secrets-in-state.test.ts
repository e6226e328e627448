import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "../../components";
import { LocalSwarm, SwarmCluster } from "../../components/swarm";
import { AwsSwarmNodes } from "../../components/swarm/aws-swarm-nodes";
import { EngineInfo } from "../../provider/swarm";
import { type MockedResource, runProgram } from "../support/harness";
import { membershipOutputs } from "../support/swarm-mocks";

const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests";
const sshConnection = {
  protocol: "ssh" as const,
  host: "127.0.0.1",
  username: "root",
  privateKey: "PLAIN-PRIVATE-KEY",
  hostKey,
};

/** Input paths that carry key material and must be secret in state, by Berth resource type. */
const mustBeSecret: Record<string, string[]> = {
  SwarmService: ["connection", "secretEnv", "registryAuth"],
  SwarmNetwork: ["connection"],
  SwarmSecret: ["connection", "data"],
  SwarmConfig: ["connection"],
  SwarmMode: ["connection"],
  EngineInfo: ["connection"],
  SwarmMembership: ["nodes"],
  SshHostKey: [],
  MachineReady: ["privateKey"],
  // A stack's identity is a label on every object it owns: nothing to keep secret.
  RandomStackId: [],
};

/** Any input whose name says it holds a credential. */
const keyLike = /(^|\.)(key|privateKey|secretEnv|registryAuth|password|joinTokens|unlockKey|cert)(\.|\[|$)/;

function mockDynamic({ type, name, inputs }: MockedResource) {
  if (type.endsWith(":SwarmMembership")) return membershipOutputs(inputs);
  if (type.endsWith(":SshHostKey"))
    return { privateKey: `HOSTKEY-${name}`, publicKey: `ssh-ed25519 AAAA${name.replace(/-/g, "")}` };
  if (type.endsWith(":MachineReady")) return { dockerVersion: "26.1.3" };
  if (type.endsWith(":SwarmSecret") || type.endsWith(":SwarmConfig"))
    return { objectName: `${String(inputs.name)}-abc`, objectId: "obj" };
  return {};
}

function program() {
  const local = new LocalSwarm("local", { connection: sshConnection });
  new ContainerService("web", {
    cluster: local,
    image: "local/busybox:1",
    secretEnv: { API_TOKEN: "PLAIN-TOKEN" },
    secrets: [{ source: "db-password", target: "/run/secrets/db", data: "PLAIN-PASSWORD" }],
    configs: [{ source: "conf", target: "/etc/app.conf", data: "plain config" }],
    registryAuth: { server: "registry.test", username: "ci", password: "PLAIN-REGISTRY-PASSWORD" },
  });
  new EngineInfo("engine", { connection: pulumi.secret(sshConnection) });

  const vms = new AwsSwarmNodes("vm", {
    vpcId: "vpc-1",
    subnetIds: ["subnet-a"],
    adminCidr: "203.0.113.7/32",
    ami: "ami-1",
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin",
    sshPrivateKey: "PLAIN-ADMIN-KEY",
    managers: 1,
    workers: 1,
  });
  const overSsh = new SwarmCluster("ssh-fleet", { nodes: vms.nodes });
  new ContainerService("api", { cluster: overSsh, image: "local/busybox:1" });
  new SwarmCluster("tls-fleet", {
    nodes: [
      {
        name: "t1",
        role: "manager",
        tls: { host: "127.0.0.2", ca: "CA", cert: "CERT", key: "PLAIN-TLS-KEY" },
      },
    ],
  });
}

describe("secrets in state", () => {
  it("keeps every input that carries key material secret, whether or not the program marked it", async () => {
    const run = await runProgram(program, {
      mockDynamic,
      mockResource: ({ type }) => (type === "aws:ec2/instance:Instance" ? { privateIp: "10.0.0.5" } : {}),
    });
    const dynamic = run.resources.filter((r) => r.dynamic);
    const kinds = new Set(dynamic.map((r) => r.type.split(":").pop()!));
    assert.deepEqual(
      [...kinds].sort(),
      Object.keys(mustBeSecret).sort(),
      "the program makes every Berth type",
    );
    const leaks: string[] = [];
    const covered = (secret: string[], path: string) =>
      secret.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
    const walk = (value: unknown, at: string, visit: (path: string, v: unknown) => void) => {
      visit(at, value);
      if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value))
          walk(v, Array.isArray(value) ? `${at}[${k}]` : at ? `${at}.${k}` : k, visit);
    };
    for (const r of dynamic) {
      const kind = r.type.split(":").pop()!;
      for (const path of mustBeSecret[kind])
        if (r.inputs[path] !== undefined && !covered(r.secretInputs, path))
          leaks.push(`${kind} ${r.name}: ${path}`);
      walk(r.inputs, "", (path, v) => {
        if (
          path &&
          keyLike.test(path) &&
          v !== undefined &&
          v !== "" &&
          typeof v !== "object" &&
          !covered(r.secretInputs, path)
        )
          leaks.push(`${kind} ${r.name}: ${path}`);
      });
    }
    assert.deepEqual([...new Set(leaks)], []);
  });
});
