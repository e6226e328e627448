import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { SwarmCluster } from "../../components/swarm";
import type { SwarmNodeArgs } from "../../components/swarm/node-types";
import { SwarmNodesError } from "../../components/swarm/vm-args";
import { runProgram, type ProgramRun, type RunOptions } from "./harness";

// What the tests of the components that make a swarm's machines in a cloud share.

/** The type token of one of Berth's SSH dynamic resources. */
export const sshDynamicType = (kind: string) => `pulumi-nodejs:dynamic/berth/ssh:${kind}`;

/** Answers for the SSH dynamic resources: a host key named after the resource, and a Docker version. */
export function vmMockDynamic({ type, name }: { type: string; name: string }) {
  if (type === sshDynamicType("SshHostKey"))
    return { privateKey: `HOSTKEY-${name}`, publicKey: `ssh-ed25519 AAAA${name.replace(/-/g, "")}` };
  if (type === sshDynamicType("MachineReady")) return { dockerVersion: "26.1.3" };
  return {};
}

/** The resources of one type, by name. */
export const ofType = (run: ProgramRun, type: string) =>
  run.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));

/** Records the options the component gave each child, and the names of the resources they point at. */
export class OptionsCapture {
  private readonly options = new Map<string, pulumi.ResourceOptions>();
  private readonly names = new Map<pulumi.Resource, string>();
  readonly transformation: pulumi.ResourceTransformation = (a) => {
    this.names.set(a.resource, a.name);
    this.options.set(a.name, a.opts);
    return undefined;
  };

  optionsOf(name: string): pulumi.ResourceOptions {
    const opts = this.options.get(name);
    assert.ok(opts, `no resource named ${name} was registered`);
    return opts;
  }

  /** The names of the resources `name` depends on, in the order given. */
  dependsOnOf(name: string): (string | undefined)[] {
    return (this.optionsOf(name).dependsOn as pulumi.Resource[]).map((r) => this.names.get(r));
  }
}

/** Runs a program making the machines (and, with `withCluster`, a SwarmCluster of them) under mocks. */
export function deployVmNodes(
  make: (opts: pulumi.ComponentResourceOptions) => { nodes: SwarmNodeArgs[] },
  options: {
    mockResource: NonNullable<RunOptions["mockResource"]>;
    withCluster?: boolean;
    capture?: OptionsCapture;
  },
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const vms = make({ transformations: options.capture ? [options.capture.transformation] : [] });
      if (options.withCluster)
        new SwarmCluster("swarm", { nodes: vms.nodes, defaultNetwork: { skip: true } });
    },
    { mockResource: options.mockResource, mockDynamic: vmMockDynamic },
  );
}

/** The SwarmNodesError that `make` threw, after checking that no resource was created. */
export async function nodesRefusal(make: () => void): Promise<SwarmNodesError> {
  let caught: unknown;
  const run = await runProgram(() => {
    try {
      make();
    } catch (err) {
      caught = err;
    }
  });
  assert.ok(caught instanceof SwarmNodesError, `expected a SwarmNodesError, got ${String(caught)}`);
  assert.deepEqual(
    run.resources.filter((r) => r.custom).map((r) => r.name),
    [],
    "nothing was created",
  );
  return caught;
}

/** An AwsSwarmNodes fleet's arguments as the tests give them: one VPC, two subnets, the admin's key. */
export const awsFleetArgs = {
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  adminCidr: "203.0.113.7/32",
  ami: "ami-ubuntu2404",
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdmin admin",
  sshPrivateKey: "ADMIN-PRIVATE",
};
