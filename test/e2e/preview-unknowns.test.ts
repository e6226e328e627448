/**
 * Fresh-stack previews, as the engine runs them: inputs computed by resources not created yet reach
 * every provider's check and diff as the engine's unknown sentinel, through Pulumi's provider host.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "crypto";
import { ComposeStack } from "../../components/compose";
import { LocalSwarm, SwarmCluster } from "../../components/swarm";
import { AwsSwarmNodes } from "../../components/swarm/aws";
import { composeDir } from "../support/compose-dir";
import { needEngine } from "../support/engine";
import { type MockedResource, runProgram, unknownValue } from "../support/harness";
import { vmMockDynamic } from "../support/vm-nodes";

const dynamicType = (kind: string) => `pulumi-nodejs:dynamic/berth/${kind}`;
const holdsUnknown = (value: unknown) => JSON.stringify(value).includes(unknownValue);

/** A SwarmCluster formed from the machines AwsSwarmNodes makes. */
function awsSwarm() {
  const vms = new AwsSwarmNodes("fleet", {
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    adminCidr: "203.0.113.7/32",
    ami: "ami-ubuntu2404",
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin",
    sshPrivateKey: "ADMIN-PRIVATE",
  });
  new SwarmCluster("swarm", { nodes: vms.nodes, defaultNetwork: { skip: true } });
}

/** Each instance's addresses, as EC2 would give them. */
function instanceAddresses({ type, name }: MockedResource) {
  if (type !== "aws:ec2/instance:Instance") return {};
  const index = Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  const role = name.includes("-manager-") ? 1 : 2;
  return { privateIp: `10.0.${role}.${index}`, publicIp: `198.51.100.${role}${index}` };
}

describe("previews of a fresh stack with unknown inputs", () => {
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
