import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { SwarmNodeArgs } from "./node-types";
import { swarmTrafficRules } from "./swarm-ports";
import { gcpMachineArchitecture } from "../machine-architecture";
import {
  checkedAdminCidr,
  lastNodeNames,
  SwarmNodesError,
  vmArchitecture,
  vmArgIssues,
  vmRoster,
} from "./vm-args";
import { readyVmNode, type SwarmVmArgs, swarmVmFields, vmBootstrap } from "./vm-node";

/** Arguments of {@link GceSwarmNodes}. */
export interface GceSwarmNodesArgs extends SwarmVmArgs {
  /** The VPC network (name or self link). */
  network: pulumi.Input<string>;
  /** Zones the instances are spread over, round-robin, managers first: `["europe-west1-b", ...]`. */
  zones: string[];
  /**
   * One subnetwork for all zones, or one per zone (same order).
   * @default the network's auto subnet
   */
  subnetworks?: pulumi.Input<string>[];
  /**
   * The machines' CPU architecture. Every machine type whose series says one must be of it (`t2a` and
   * `c4a` are arm64), and so must `image`. A mixed swarm joins two components, one per architecture.
   * @default the machine types' (`"amd64"` when they say nothing)
   */
  architecture?: "amd64" | "arm64";
  /** @default `"e2-small"` (`"t2a-standard-1"` when `architecture` is `"arm64"`) */
  machineType?: pulumi.Input<string>;
  /** @default `machineType` */
  managerMachineType?: pulumi.Input<string>;
  /**
   * A Debian or Ubuntu image that runs cloud-init, built for `architecture`.
   * @default `"ubuntu-os-cloud/ubuntu-2404-lts-amd64"` (`ubuntu-2404-lts-arm64` for arm64; Google's own
   * Debian images do not run cloud-init, so they would ignore the user data)
   */
  image?: pulumi.Input<string>;
  /**
   * Boot disk size in GB.
   * @default 20
   */
  diskSizeGb?: number;
  /**
   * A Cloud KMS key (`projects/.../cryptoKeys/...`) for the boot disks.
   * @default none, and Compute Engine encrypts every disk with a Google-managed key
   */
  diskEncryptionKey?: pulumi.Input<string>;
  /**
   * Compute Engine labels on every instance.
   * @default none (Berth adds `berth-swarm-role`)
   */
  gceLabels?: Record<string, pulumi.Input<string>>;
  /** @default the provider's project */
  project?: pulumi.Input<string>;
}

const fields: Record<keyof GceSwarmNodesArgs, true> = {
  ...swarmVmFields,
  network: true,
  zones: true,
  subnetworks: true,
  architecture: true,
  machineType: true,
  managerMachineType: true,
  image: true,
  diskSizeGb: true,
  diskEncryptionKey: true,
  gceLabels: true,
  project: true,
};

/** Stops the guest agent from replacing the host key cloud-init installs (it starts after cloud-init). */
const guestAgentConfig = {
  path: "/etc/default/instance_configs.cfg",
  content: "[InstanceSetup]\nset_host_keys = false\n",
};

/**
 * Compute Engine instances for a swarm, each given Docker and its own SSH host key by cloud-init, with
 * firewall rules by network tag: 2377/tcp only from nodes to managers, 7946/tcp+udp and 4789/udp only
 * among nodes, SSH only from `adminCidr`. Shielded VM is on; boot disks are encrypted (with
 * `diskEncryptionKey` when given); project-wide SSH keys are blocked and no service account is
 * attached. `nodes` feeds `SwarmCluster`, and resolves once every instance has let Berth in with its
 * expected host key and runs Docker.
 *
 * The host key reaches the instance in its metadata, readable to whoever may read the instance.
 */
export class GceSwarmNodes extends pulumi.ComponentResource {
  /** One definition per instance, managers first, for `SwarmCluster`'s `nodes`. */
  readonly nodes: SwarmNodeArgs[];
  /** In the order of `nodes`. */
  readonly instances: gcp.compute.Instance[];
  /** The swarm's traffic rules, then SSH. */
  readonly firewalls: gcp.compute.Firewall[];

  constructor(name: string, args: GceSwarmNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:swarm:GceSwarmNodes", name, {}, opts);
    const issues = vmArgIssues(name, args ?? {}, {
      fields: Object.keys(fields),
      required: ["network", "zones", "sshPublicKey", "sshPrivateKey"],
      spreadOver: { field: "zones", count: args?.zones?.length ?? -1 },
    });
    const subnets = args?.subnetworks ?? [];
    if (subnets.length > 1 && subnets.length !== args.zones?.length)
      issues.push({
        path: "subnetworks",
        message: `must list one subnetwork, or one per zone (${args.zones?.length ?? 0}), not ${subnets.length}`,
      });
    if (args?.diskSizeGb !== undefined && !(Number.isInteger(args.diskSizeGb) && args.diskSizeGb >= 10))
      issues.push({
        path: "diskSizeGb",
        message: `must be a whole number of GB, at least 10, not ${JSON.stringify(args.diskSizeGb)}`,
      });
    const long = lastNodeNames(name, args?.managers ?? 3, args?.workers ?? 2).find((n) => n.length > 55);
    if (long !== undefined && !issues.some((i) => i.path === "name"))
      issues.push({
        path: "name",
        message: `${JSON.stringify(long)} is too long for an instance name: Pulumi adds 8 characters, and 63 is the most`,
      });
    const { architecture, issues: architectureIssues } = vmArchitecture(
      args ?? {},
      ["machineType", "managerMachineType"],
      gcpMachineArchitecture,
    );
    issues.push(...architectureIssues);
    if (issues.length > 0) throw new SwarmNodesError("GceSwarmNodes", name, issues, this);
    // Loaded only when Compute Engine machines are wanted: `pulumi-berth/swarm` alone never loads the GCP SDK.
    const { compute } = require("@pulumi/gcp") as typeof gcp;

    const child = { parent: this };
    const nodeTag = `${name}-swarm-node`;
    const managerTag = `${name}-swarm-manager`;
    const firewall = (
      ruleName: string,
      allow: { protocol: string; ports?: string[] },
      source: { sourceTags: string[] } | { sourceRanges: pulumi.Input<string>[] },
      targetTags: string[],
      description: string,
    ) =>
      new compute.Firewall(
        `${name}-${ruleName}`,
        {
          network: args.network,
          project: args.project,
          direction: "INGRESS",
          allows: [allow],
          ...source,
          targetTags,
          description,
        },
        child,
      );
    this.firewalls = swarmTrafficRules(args).map((rule) =>
      firewall(
        rule.name,
        rule.port === undefined
          ? { protocol: rule.protocol }
          : { protocol: rule.protocol, ports: [String(rule.port)] },
        { sourceTags: [nodeTag] },
        [rule.to === "managers" ? managerTag : nodeTag],
        rule.description,
      ),
    );
    this.firewalls.push(
      firewall(
        "ssh",
        { protocol: "tcp", ports: ["22"] },
        { sourceRanges: [checkedAdminCidr("GceSwarmNodes", name, args.adminCidr, this)] },
        [nodeTag],
        "SSH from the admin CIDR",
      ),
    );

    this.instances = [];
    this.nodes = vmRoster(name, args.managers ?? 3, args.workers ?? 2).map((vm) => {
      const { hostKey, userData } = vmBootstrap(vm.name, args, this, [guestAgentConfig]);
      const machineType = args.machineType ?? (architecture === "arm64" ? "t2a-standard-1" : "e2-small");
      const subnetwork = subnets.length === 0 ? undefined : subnets[vm.index % subnets.length];
      const instance = new compute.Instance(
        vm.name,
        {
          project: args.project,
          zone: args.zones[vm.index % args.zones.length],
          machineType: vm.role === "manager" ? (args.managerMachineType ?? machineType) : machineType,
          tags: vm.role === "manager" ? [nodeTag, managerTag] : [nodeTag],
          labels: { ...args.gceLabels, "berth-swarm-role": vm.role },
          bootDisk: {
            initializeParams: {
              image: args.image ?? `ubuntu-os-cloud/ubuntu-2404-lts-${architecture}`,
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
          metadata: { "user-data": userData, "block-project-ssh-keys": "true" },
          shieldedInstanceConfig: {
            enableSecureBoot: true,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
          },
        },
        // The firewall is complete before a machine exists.
        { parent: this, dependsOn: this.firewalls },
      );
      this.instances.push(instance);
      const nic = instance.networkInterfaces.apply((nics) => nics[0]);
      const internal = nic.apply((n) => n?.networkIp ?? "");
      const external = nic.apply((n) => n?.accessConfigs?.[0]?.natIp ?? "");
      const connectAt = args.publicAddresses ? external : internal;
      return readyVmNode(vm, args, hostKey, { connectAt, advertise: internal }, this);
    });
    this.registerOutputs({ instanceIds: this.instances.map((i) => i.id) });
  }
}
