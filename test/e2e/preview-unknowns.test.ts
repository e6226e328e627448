/**
 * Fresh-stack previews, as the engine runs them: inputs computed by resources not created yet reach
 * every provider's check and diff as the engine's unknown sentinel, through Pulumi's provider host.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "crypto";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "../../components";
import { ComposeStack } from "../../components/compose";
import { LocalSwarm, SwarmCluster } from "../../components/swarm";
import { AwsSwarmNodes } from "../../components/swarm/aws";
import { composeDir } from "../support/compose-dir";
import { needEngine } from "../support/engine";
import { type MockedResource, runProgram, unknownValue } from "../support/harness";
import { awsFleetArgs, vmMockDynamic } from "../support/vm-nodes";
import { membershipOutputs } from "../support/swarm-mocks";

const dynamicType = (kind: string) => `pulumi-nodejs:dynamic/berth/${kind}`;
const holdsUnknown = (value: unknown) => JSON.stringify(value).includes(unknownValue);

/** A SwarmCluster formed from the machines AwsSwarmNodes makes. */
function awsSwarm() {
  const vms = new AwsSwarmNodes("fleet", awsFleetArgs);
  new SwarmCluster("swarm", { nodes: vms.nodes, defaultNetwork: { skip: true } });
}

/** Each instance's addresses, as EC2 would give them. */
function instanceAddresses({ type, name }: MockedResource) {
  if (type !== "aws:ec2/instance:Instance") return {};
  const index = Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  const role = name.includes("-manager-") ? 1 : 2;
  return { privateIp: `10.0.${role}.${index}`, publicIp: `198.51.100.${role}${index}` };
}

/**
 * A SwarmCluster of two machines reached as `@pulumi/docker` providers describe them (one with its TLS
 * material inline, one over SSH), their hosts the addresses of instances not created yet; a cluster
 * log driver, and a service with metrics.
 */
function dockerProviderSwarm() {
  const address = (name: string) =>
    new aws.ec2.Instance(name, { ami: "ami-ubuntu2404", instanceType: "t3.small" }).privateIp;
  const tls = new docker.Provider("m1-engine", {
    host: pulumi.interpolate`tcp://${address("m1")}:2376`,
    caMaterial: "CA-PEM",
    certMaterial: "CERT-PEM",
    keyMaterial: pulumi.secret("CLIENT-KEY"),
  });
  const ssh = new docker.Provider("w1-engine", { host: pulumi.interpolate`ssh://ops@${address("w1")}` });
  const cluster = new SwarmCluster("swarm", {
    nodes: [
      { name: "m1", role: "manager", docker: { provider: tls } },
      {
        name: "w1",
        docker: {
          provider: ssh,
          ssh: { privateKey: "SSH-KEY", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIW1" },
        },
      },
    ],
    logging: { driver: "json-file", options: { "max-size": "50m" } },
  });
  new ContainerService("api", { cluster, image: "registry.example.com/api:1", metrics: { port: 9100 } });
}

describe("previews of a fresh stack with unknown inputs", () => {
  it("previews a SwarmCluster of docker providers whose hosts do not exist yet, then shows no changes after the up", async () => {
    const preview = await runProgram(dockerProviderSwarm, { preview: true });
    const membership = preview.byName("swarm-membership");
    assert.equal(membership.operation, "create");
    assert.ok(holdsUnknown(membership.programInputs.nodes), "the nodes' connections are not known yet");
    const service = preview.byName("api", dynamicType("swarm:SwarmService"));
    assert.equal(service.operation, "create");
    const spec = service.programInputs.spec as {
      Labels: Record<string, string>;
      TaskTemplate: { LogDriver: unknown };
    };
    assert.equal(spec.Labels["prometheus.io/port"], "9100");
    assert.deepEqual(spec.TaskTemplate.LogDriver, {
      Name: "json-file",
      Options: { "max-size": "50m", "max-file": "3" },
    });

    const options = {
      mockResource: ({ type, name }: MockedResource) =>
        type === "aws:ec2/instance:Instance" ? { privateIp: name === "m1" ? "10.0.1.1" : "10.0.2.1" } : {},
      // The stack's identity is made for real; the swarm's resources reach no engine.
      mockDynamic: ({ type, inputs }: MockedResource) =>
        type.endsWith(":RandomStackId")
          ? undefined
          : type.endsWith(":SwarmMembership")
            ? membershipOutputs(inputs)
            : {},
    };
    const up = await runProgram(dockerProviderSwarm, options);
    const nodes = up.byName("swarm-membership").inputs.nodes as { advertiseAddr: string }[];
    assert.deepEqual(
      nodes.map((n) => n.advertiseAddr),
      ["10.0.1.1", "10.0.2.1"],
    );
    // The providers' unset outputs (certPath, context, ...) are unknown in a preview: Berth does not
    // read them there, so nothing shows a change.
    const again = await runProgram(dockerProviderSwarm, { ...options, preview: true, previous: up });
    const changed = again.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
  });

  it("previews a SwarmCluster of AwsSwarmNodes whose addresses and host keys do not exist yet", async () => {
    const run = await runProgram(awsSwarm, { preview: true });
    const membership = run.byName("swarm-membership");
    assert.equal(membership.type, dynamicType("swarm:SwarmMembership"));
    assert.equal(membership.operation, "create");
    // The node list reached the provider's check with the machines' addresses still unknown.
    assert.ok(holdsUnknown(membership.programInputs.nodes), JSON.stringify(membership.programInputs.nodes));
    for (const ready of run.resources.filter((r) => r.type === dynamicType("ssh:MachineReady"))) {
      assert.equal(ready.operation, "create");
      assert.ok(holdsUnknown(ready.programInputs), `${ready.name} previews with unknown inputs`);
    }
  });

  it("shows no changes on a second preview of the same SwarmCluster of AwsSwarmNodes", async () => {
    const options = { mockResource: instanceAddresses, mockDynamic: vmMockDynamic };
    const up = await runProgram(awsSwarm, options);
    const again = await runProgram(awsSwarm, { ...options, preview: true, previous: up });
    const changed = again.resources.filter((r) => r.custom && r.operation !== "same").map((r) => r.name);
    assert.deepEqual(changed, []);
    assert.ok(again.resources.some((r) => r.name === "swarm-membership" && r.operation === "same"));
  });

  it("previews a ComposeStack whose services name secrets and configs not created yet", async (t) => {
    if (!(await needEngine(t))) return;
    const project = `preview-${randomBytes(3).toString("hex")}`;
    const dir = composeDir({
      "token.txt": "s3cret",
      "compose.yaml": `name: ${project}
services:
  web:
    image: local/busybox:1
    command: ["httpd", "-f", "-p", "80"]
    secrets: [token]
    configs: [page]
secrets:
  token:
    file: ./token.txt
configs:
  page:
    content: hello
`,
    });
    const run = await runProgram(
      () => {
        const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
        new ComposeStack("app", { cluster, project: { workingDir: dir, env: {} } });
      },
      { preview: true, stack: project },
    );
    const service = run.resources.find((r) => r.type === dynamicType("swarm:SwarmService"));
    assert.ok(service, "the service previews");
    assert.equal(service.operation, "create");
    assert.ok(
      holdsUnknown(service.programInputs.spec),
      "the spec names objects whose names are not known yet",
    );
    assert.deepEqual(
      run.resources.filter((r) => r.dynamic).map((r) => r.operation),
      run.resources.filter((r) => r.dynamic).map(() => "create"),
    );
    // A preview changes nothing on the engine.
    assert.equal(
      run.resources.every((r) => r.id === undefined || r.id === unknownValue),
      true,
    );
  });
});
