import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { SshHostKey } from "../../provider/ssh";
import { swarmNodeCloudInit } from "./cloud-init";
import type { SwarmNodeArgs } from "./node-types";
import { vmArgProblems, vmRoster } from "./vm-args";

export interface GceSwarmNodesArgs {
  /** The VPC network (name or self link). */
  network: pulumi.Input<string>;
  /** Zones the instances are spread over, round-robin, e.g. `["europe-west1-b", "europe-west1-c"]`. */
  zones: string[];
  /** Subnetwork per zone (same order), or one for all. Default: the network's auto subnet. */
  subnetworks?: pulumi.Input<string>[];
  /**
   * The only source SSH (22/tcp) is open to, e.g. `203.0.113.7/32`. Required: there is no default, and
   * nothing else reaches the nodes from outside.
   */
  adminCidr: string;
  /** The admin's public key, allowed to log in as `sshUser`. */
  sshPublicKey: pulumi.Input<string>;
  /** The matching private key, for the node definitions Berth connects with. Pass it as a secret. */
  sshPrivateKey: pulumi.Input<string>;
  /** Default: 3. */
  managers?: number;
  /** Default: 2. */
  workers?: number;
  /** Default: `"e2-small"`. */
  machineType?: pulumi.Input<string>;
  /** An image with cloud-init. Default: `"ubuntu-os-cloud/ubuntu-2404-lts-amd64"`. */
  image?: pulumi.Input<string>;
  /** The user cloud-init creates for Berth (in the docker group). Default: `"berth"`. */
  sshUser?: string;
  /** Give instances external addresses and connect to those. Default: false (internal addresses). */
  publicAddresses?: boolean;
  /** Boot disk size in GB. Default: 20. */
  diskSizeGb?: number;
  /**
   * A Cloud KMS key (self link) for the boot disks. Default: Google-managed encryption, which Compute
   * Engine applies to every disk.
   */
  diskEncryptionKey?: pulumi.Input<string>;
  /** Swarm node labels on every node. Default: none. */
  labels?: Record<string, pulumi.Input<string>>;
  /** GCE labels on every instance. Default: none. */
  gceLabels?: Record<string, pulumi.Input<string>>;
  /** Default: the provider's project. */
  project?: pulumi.Input<string>;
}

/** Stops the guest agent from replacing the host keys cloud-init installs. */
const guestAgentConfig = {
  path: "/etc/default/instance_configs.cfg",
  content: "[InstanceSetup]\nset_host_keys = false\n",
};

/**
 * Compute Engine instances for a swarm, each given Docker and its own SSH host key by cloud-init, with
 * firewall rules that open 2377/tcp only from nodes to managers, 7946/tcp+udp and 4789/udp only among
 * nodes, and SSH only from `adminCidr` (by network tags). Shielded VM is on; boot disks are encrypted
 * (with `diskEncryptionKey` when given); project-wide SSH keys are blocked. `nodes` feeds `SwarmCluster`.
 *
 * The host key reaches the instance in its metadata, readable to whoever may read the instance.
 */
export class GceSwarmNodes extends pulumi.ComponentResource {
  /** One definition per instance, managers first, for `SwarmCluster`'s `nodes`. */
  readonly nodes: SwarmNodeArgs[];
  readonly instances: gcp.compute.Instance[];
  readonly firewalls: gcp.compute.Firewall[];

  constructor(name: string, args: GceSwarmNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:GceSwarmNodes", name, {}, opts);
    const problems = vmArgProblems(args, { field: "zones", count: args.zones?.length ?? 0 });
    const subnets = args.subnetworks ?? [];
    if (subnets.length > 1 && subnets.length !== args.zones?.length)
      problems.push(
        `subnetworks: must list one subnetwork, or one per zone (${args.zones?.length ?? 0}), not ${subnets.length}`,
      );
    if (problems.length > 0)
      throw new Error(`GceSwarmNodes ${name}:\n${problems.map((p) => `  ${p}`).join("\n")}`);

    const child = { parent: this };
    const nodeTag = `${name}-swarm-node`;
    const managerTag = `${name}-swarm-manager`;
    const firewall = (
      ruleName: string,
      allows: { protocol: string; ports: string[] }[],
      from: { tags?: string[]; ranges?: string[] },
      targetTags: string[],
      description: string,
    ) =>
      new gcp.compute.Firewall(
        `${name}-${ruleName}`,
        {
          network: args.network,
          project: args.project,
          direction: "INGRESS",
          allows,
          ...(from.tags ? { sourceTags: from.tags } : {}),
          ...(from.ranges ? { sourceRanges: from.ranges } : {}),
          targetTags,
          description,
        },
        child,
      );
    this.firewalls = [
      firewall(
        "control",
        [{ protocol: "tcp", ports: ["2377"] }],
        { tags: [nodeTag] },
        [managerTag],
        "swarm control plane, from nodes to managers",
      ),
      firewall(
        "gossip",
        [
          { protocol: "tcp", ports: ["7946"] },
          { protocol: "udp", ports: ["7946", "4789"] },
        ],
        { tags: [nodeTag] },
        [nodeTag],
        "swarm gossip and overlay network (VXLAN), among nodes",
      ),
      firewall(
        "ssh",
        [{ protocol: "tcp", ports: ["22"] }],
        { ranges: [args.adminCidr] },
        [nodeTag],
        "SSH from the admin CIDR",
      ),
    ];

    const user = args.sshUser ?? "berth";
    this.instances = [];
    this.nodes = vmRoster(name, args.managers ?? 3, args.workers ?? 2).map((vm) => {
      const hostKey = new SshHostKey(`${vm.name}-host-key`, {}, child);
      const userData = pulumi
        .all([args.sshPublicKey, hostKey.privateKey, hostKey.publicKey])
        .apply(([authorizedKey, privateKey, publicKey]) =>
          swarmNodeCloudInit({
            user,
            authorizedKey,
            hostKey: { privateKey, publicKey },
            files: [guestAgentConfig],
          }),
        );
      const zone = args.zones[vm.index % args.zones.length];
      const subnetwork =
        subnets.length === 0 ? undefined : subnets[subnets.length === 1 ? 0 : vm.index % subnets.length];
      const instance = new gcp.compute.Instance(
        vm.name,
        {
          name: vm.name,
          project: args.project,
          zone,
          machineType: args.machineType ?? "e2-small",
          tags: vm.role === "manager" ? [nodeTag, managerTag] : [nodeTag],
          labels: { ...args.gceLabels, "berth-swarm-role": vm.role },
          bootDisk: {
            initializeParams: {
              image: args.image ?? "ubuntu-os-cloud/ubuntu-2404-lts-amd64",
              size: args.diskSizeGb ?? 20,
            },
            ...(args.diskEncryptionKey ? { kmsKeySelfLink: args.diskEncryptionKey } : {}),
          },
          networkInterfaces: [
            {
              network: args.network,
              ...(subnetwork ? { subnetwork } : {}),
              accessConfigs: args.publicAddresses ? [{}] : [],
            },
          ],
          metadata: { "user-data": pulumi.secret(userData), "block-project-ssh-keys": "true" },
          shieldedInstanceConfig: {
            enableSecureBoot: true,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
          },
        },
        child,
      );
      this.instances.push(instance);
      const internal = instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? "");
      const external = instance.networkInterfaces.apply((nics) => nics[0]?.accessConfigs?.[0]?.natIp ?? "");
      return {
        name: vm.name,
        role: vm.role,
        labels: args.labels,
        ssh: {
          host: args.publicAddresses ? external : internal,
          user,
          privateKey: pulumi.secret(args.sshPrivateKey),
          hostKey: hostKey.publicKey,
        },
        advertiseAddr: internal,
      };
    });
    this.registerOutputs({ instanceIds: this.instances.map((i) => i.id) });
  }
}
