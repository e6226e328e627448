import * as pulumi from "@pulumi/pulumi";
import { MachineReady, SshHostKey } from "../../provider/ssh";
import { swarmNodeCloudInit } from "./cloud-init";
import type { SwarmNodeArgs } from "./node-types";
import { labelsOf } from "./vm-args";

/** What every component that makes swarm nodes from cloud VMs takes. */
export interface SwarmVmArgs {
  /**
   * The only source SSH (22/tcp) is open to, e.g. `203.0.113.7/32` (IPv4 or IPv6). Required: there is
   * no default, and nothing else reaches the nodes from outside the swarm.
   */
  adminCidr: pulumi.Input<string>;
  /** The admin's OpenSSH public key, allowed to log in as `sshUser`. */
  sshPublicKey: pulumi.Input<string>;
  /** The matching private key, for the node definitions Berth connects with. Pass it as a secret. */
  sshPrivateKey: pulumi.Input<string>;
  /** @default 3 */
  managers?: number;
  /** @default 2 */
  workers?: number;
  /**
   * The user cloud-init creates for Berth (in the `docker` group), the same on every image.
   * @default `"berth"`
   */
  sshUser?: string;
  /**
   * Give instances public addresses and connect to those.
   * @default false (private addresses)
   */
  publicAddresses?: boolean;
  /**
   * Swarm node labels on every node.
   * @default none
   */
  labels?: Record<string, pulumi.Input<string>>;
  /**
   * Swarm node labels by node name (`<name>-worker-0`), over `labels`.
   * @default none
   */
  nodeLabels?: Record<string, Record<string, pulumi.Input<string>>>;
  /**
   * The VXLAN port the swarm uses (SwarmCluster's `swarm.dataPathPort`).
   * @default 4789
   */
  dataPathPort?: number;
  /**
   * Also let IPsec ESP through among nodes, for encrypted overlay networks.
   * @default false
   */
  encryptedOverlay?: boolean;
  /**
   * How long a new instance may take to let Berth in and run Docker.
   * @default 600 s
   */
  readyTimeoutSeconds?: number;
}

/** The fields of {@link SwarmVmArgs}, for the components' lists of the fields they take. */
export const swarmVmFields: Record<keyof SwarmVmArgs, true> = {
  adminCidr: true,
  sshPublicKey: true,
  sshPrivateKey: true,
  managers: true,
  workers: true,
  sshUser: true,
  publicAddresses: true,
  labels: true,
  nodeLabels: true,
  dataPathPort: true,
  encryptedOverlay: true,
  readyTimeoutSeconds: true,
};

const sshUserOf = (args: SwarmVmArgs) => args.sshUser ?? "berth";

/**
 * A VM's own SSH host key, made before it boots, and the cloud-init user data (secret) that installs
 * it with Docker and the admin key.
 */
export function vmBootstrap(
  vmName: string,
  args: SwarmVmArgs,
  parent: pulumi.Resource,
  files?: { path: string; content: string }[],
): { hostKey: SshHostKey; userData: pulumi.Output<string> } {
  const hostKey = new SshHostKey(`${vmName}-host-key`, {}, { parent });
  const user = sshUserOf(args);
  const userData = pulumi
    .all([args.sshPublicKey, hostKey.privateKey, hostKey.publicKey])
    .apply(([authorizedKey, privateHostKey, publicKey]) =>
      swarmNodeCloudInit({
        user,
        authorizedKey,
        hostKey: { privateKey: privateHostKey, publicKey },
        ...(files ? { files } : {}),
      }),
    );
  return { hostKey, userData: pulumi.secret(userData) };
}

/**
 * The node definition of a VM for SwarmCluster, which resolves once the machine lets Berth in at
 * `connectAt` with its own host key and runs Docker.
 */
export function readyVmNode(
  vm: { name: string; role: "manager" | "worker" },
  args: SwarmVmArgs,
  hostKey: SshHostKey,
  addresses: { connectAt: pulumi.Input<string>; advertise: pulumi.Input<string> },
  parent: pulumi.Resource,
): SwarmNodeArgs {
  const user = sshUserOf(args);
  const privateKey = pulumi.secret(args.sshPrivateKey);
  const ready = new MachineReady(
    `${vm.name}-ready`,
    {
      host: addresses.connectAt,
      username: user,
      privateKey,
      hostKey: hostKey.publicKey,
      timeoutSeconds: args.readyTimeoutSeconds,
    },
    { parent },
  );
  return {
    name: vm.name,
    role: vm.role,
    labels: labelsOf(vm.name, args),
    ssh: { host: ready.host, user, privateKey, hostKey: hostKey.publicKey },
    advertiseAddr: addresses.advertise,
  };
}
