/** The arguments of `EcsCluster`, their defaults, and every check that can be made before anything exists. */
import * as pulumi from "@pulumi/pulumi";
import { closestName } from "../spec/suggest";
import { parseImageReference } from "../spec/image";
import {
  type AddIssue,
  type ArgumentIssue,
  ComponentArgumentsError,
  formatIpv4,
  isDnsName,
  isWhole,
  issueCollector,
  parseIpv4Cidr,
  show,
  unknownFields,
} from "../arguments";
import { awsInstanceArchitecture, machineArchitectures, machineTypeMismatch } from "../machine-architecture";
import { type EcsLoggingArgs, ecsLoggingIssues } from "./firelens-args";

export type { EcsFirelensArgs, EcsLoggingArgs } from "./firelens-args";

/** An existing VPC to run the cluster in, instead of a new one. */
export interface EcsNetworkArgs {
  /** The existing VPC's ID. */
  vpcId: pulumi.Input<string>;
  /** Where tasks (and EC2 capacity) run: subnets with a route out through a NAT gateway. At least one. */
  privateSubnetIds: pulumi.Input<string>[];
  /** Where internet-facing load balancers go: subnets routed to an internet gateway. At least one. */
  publicSubnetIds: pulumi.Input<string>[];
}

/** EC2 instances as extra capacity, run by an Auto Scaling group that ECS scales. */
export interface EcsEc2CapacityArgs {
  /** Instance type, such as `"m7i.large"`. Required. */
  instanceType: string;
  /** Fewest instances. Required. */
  min: number;
  /** Most instances. Required; at least `min` and at least 1. */
  max: number;
  /**
   * Instances at creation; ECS managed scaling takes over afterwards.
   * @default `min`
   */
  desired?: number;
  /**
   * Root volume size in GiB (gp3, always encrypted).
   * @default 30, the size of the ECS-optimised AMI
   */
  volumeSize?: number;
  /**
   * The instances' CPU architecture: it picks the ECS-optimised AMI (x86-64 or arm64), and
   * `instanceType` must be of it (Graviton families such as `t4g`, `m7g`, `c7g`, `r7g` are arm64).
   * Services that name a `platform` are placed on instances of theirs. Default: the instance type's
   * (`"arm64"` for a Graviton family, otherwise `"amd64"`).
   */
  architecture?: "amd64" | "arm64";
}

/**
 * A cluster's CloudWatch Container Insights: none, per-service metrics (`"enabled"`), or those and
 * per-task and per-container ones (`"enhanced"`).
 */
export type ContainerInsightsLevel = "disabled" | "enabled" | "enhanced";

/** The capacity providers Berth knows: `"EC2"` stands for the cluster's own EC2 capacity (`ec2`). */
export type EcsCapacityProviderName = "FARGATE" | "FARGATE_SPOT" | "EC2";

/** One entry of a capacity provider strategy. */
export interface EcsCapacityProviderStrategyItem {
  /** The capacity provider this item weighs. */
  capacityProvider: EcsCapacityProviderName;
  /**
   * Relative share of tasks.
   * @default 1
   */
  weight?: number;
  /**
   * Tasks placed on this provider before weights apply; one entry at most may have it.
   * @default 0
   */
  base?: number;
}

/** Arguments of `EcsCluster`. */
export interface EcsClusterArgs {
  /**
   * The ECS cluster's name.
   * @default the resource name
   */
  clusterName?: string;
  /**
   * An existing VPC and its subnets.
   * @default a new VPC (then `cidrBlock`, `availabilityZones` and `natGateways` shape it; they may not be
   * given with `network`)
   */
  network?: EcsNetworkArgs;
  /**
   * The new VPC's IPv4 block, /16 to /25. It is cut in eight equal subnets: private ones in the first half
   * (one per zone, in zone order), public ones in the second.
   * @default `"10.0.0.0/16"` (private 10.0.0.0/19, 10.0.32.0/19, ...; public 10.0.128.0/19, ...)
   */
  cidrBlock?: string;
  /**
   * The new VPC's availability zones: how many of the region's (2 or 3), or their names.
   * @default 2
   */
  availabilityZones?: number | string[];
  /**
   * `"perZone"`: one NAT gateway per zone, so one zone's loss leaves the others online; `"single"`: one,
   * cheaper.
   * @default `"perZone"`
   */
  natGateways?: "perZone" | "single";
  /**
   * Where services' tasks go unless they say otherwise.
   * @default `[{ capacityProvider: "FARGATE", weight: 1 }]`
   */
  defaultCapacityProviderStrategy?: EcsCapacityProviderStrategyItem[];
  /**
   * EC2 capacity besides Fargate and Fargate Spot.
   * @default none
   */
  ec2?: EcsEc2CapacityArgs;
  /**
   * CloudWatch Container Insights: `"enhanced"` adds per-task and per-container metrics to `"enabled"`'s
   * per-service ones. A `Monitoring` of the cluster needs at least the level it asks for (its own
   * default is `"enhanced"` too).
   * @default `"enhanced"`
   */
  containerInsights?: ContainerInsightsLevel;
  /**
   * The Cloud Map private DNS namespace services are found in (`<service>.<namespaceName>`). A new VPC
   * searches it first, so the bare `<service>` resolves too.
   * @default `<clusterName>.local`
   */
  namespaceName?: string;
  /**
   * Days services' log groups keep events (a CloudWatch retention value).
   * @default 30
   */
  logRetentionDays?: number;
  /**
   * An ACM certificate ARN for HTTPS listeners of public HTTP ports (port 80 then only redirects).
   * @default none: then a service with a public HTTP port is refused unless `allowPlainHttp` is true
   */
  certificateArn?: pulumi.Input<string>;
  /**
   * Lets public HTTP ports listen with plain HTTP when there is no `certificateArn`: their traffic crosses
   * the internet unencrypted.
   * @default false (such a service is refused at preview)
   */
  allowPlainHttp?: boolean;
  /**
   * The image of the init container (`berth-secrets`) that writes secret files: it needs `sh`, and is pulled
   * without credentials, and pinned by digest (`<repository>@sha256:<digest>`).
   * @default busybox 1.36.1 from Amazon ECR Public, pinned by digest
   */
  initImage?: string;
  /**
   * How services that name no log driver ship their logs: `awslogs` to their own log group, or through a
   * FireLens log router in each task to a sink (`firelens`).
   * @default `awslogs`
   */
  logging?: EcsLoggingArgs;
  /**
   * Tags on every resource.
   * @default none
   */
  tags?: Record<string, string>;
}

export const defaultCidrBlock = "10.0.0.0/16";
export const defaultLogRetentionDays = 30;
export const defaultStrategy: EcsCapacityProviderStrategyItem[] = [
  { capacityProvider: "FARGATE", weight: 1 },
];

const fields: Record<keyof EcsClusterArgs, true> = {
  clusterName: true,
  network: true,
  cidrBlock: true,
  availabilityZones: true,
  natGateways: true,
  defaultCapacityProviderStrategy: true,
  ec2: true,
  containerInsights: true,
  namespaceName: true,
  logRetentionDays: true,
  certificateArn: true,
  allowPlainHttp: true,
  initImage: true,
  logging: true,
  tags: true,
};
const networkFields: Record<keyof EcsNetworkArgs, true> = {
  vpcId: true,
  privateSubnetIds: true,
  publicSubnetIds: true,
};
const ec2Fields: Record<keyof EcsEc2CapacityArgs, true> = {
  instanceType: true,
  min: true,
  max: true,
  desired: true,
  volumeSize: true,
  architecture: true,
};
const strategyFields: Record<keyof EcsCapacityProviderStrategyItem, true> = {
  capacityProvider: true,
  weight: true,
  base: true,
};

/** The values CloudWatch Logs accepts as a retention. */
const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** The number of equal parts the VPC block is cut in: room for three zones' private and public subnets. */
const subnetSlots = 8;
const slotBits = Math.log2(subnetSlots);
/** AWS's smallest subnet. */
const smallestSubnetPrefix = 28;
const clusterNamePattern = /^[A-Za-z0-9_-]{1,255}$/;

/** One problem with `EcsCluster`'s arguments, at a path such as `ec2.min` or `network.vpcId`. */
export type EcsClusterIssue = ArgumentIssue;

/**
 * `EcsCluster`'s arguments are wrong; `issues` lists every problem, and nothing was created. Pulumi
 * reports it against the component, named in the message.
 */
export class EcsClusterError extends ComponentArgumentsError {
  constructor(resourceName: string, issues: EcsClusterIssue[], resource?: pulumi.Resource) {
    super("EcsCluster", resourceName, issues, resource);
    this.name = "EcsClusterError";
  }
}

/**
 * The new VPC's subnets for `zones` zones: the block cut in eight, private subnets from the first slot,
 * public ones from the fifth, so a third zone added later leaves the first two's subnets alone.
 */
export function subnetLayout(cidrBlock: string, zones: number): { private: string[]; public: string[] } {
  const parsed = parseIpv4Cidr(cidrBlock);
  if (!parsed) throw new Error(`not an IPv4 CIDR block: ${cidrBlock}`);
  const prefix = parsed.prefix + slotBits;
  const size = 2 ** (32 - prefix);
  const slot = (i: number) => `${formatIpv4(parsed.base + i * size)}/${prefix}`;
  const indexes = Array.from({ length: zones }, (_, i) => i);
  return { private: indexes.map(slot), public: indexes.map((i) => slot(subnetSlots / 2 + i)) };
}

function cidrIssues(cidr: unknown, add: AddIssue) {
  const parsed = typeof cidr === "string" ? parseIpv4Cidr(cidr) : undefined;
  if (!parsed) {
    add("cidrBlock", `must be an IPv4 CIDR block such as "10.0.0.0/16", not ${show(cidr)}`);
    return;
  }
  const biggest = smallestSubnetPrefix - slotBits;
  if (parsed.prefix < 16 || parsed.prefix > biggest)
    add(
      "cidrBlock",
      parsed.prefix > biggest
        ? `/${parsed.prefix} is too small: it is cut in ${subnetSlots} subnets of at least /${smallestSubnetPrefix}, so it must be /${biggest} or larger, e.g. /16`
        : `/${parsed.prefix} is larger than a VPC may be: use /16 to /${biggest}`,
    );
  const hostBits = 32 - parsed.prefix;
  const aligned = Math.floor(parsed.base / 2 ** hostBits) * 2 ** hostBits;
  if (aligned !== parsed.base)
    add(
      "cidrBlock",
      `${show(cidr)} has host bits set; did you mean "${formatIpv4(aligned)}/${parsed.prefix}"?`,
    );
}

function zoneIssues(zones: unknown, add: AddIssue) {
  if (typeof zones === "number") {
    if (zones !== 2 && zones !== 3) add("availabilityZones", `must be 2 or 3, not ${show(zones)}`);
    return;
  }
  if (!Array.isArray(zones) || zones.some((z) => typeof z !== "string" || z === "")) {
    add("availabilityZones", `must be 2 or 3, or a list of 2 or 3 zone names, not ${show(zones)}`);
    return;
  }
  if (zones.length !== 2 && zones.length !== 3)
    add("availabilityZones", `must name 2 or 3 zones, not ${zones.length}`);
  const repeated = zones.filter((z, i) => zones.indexOf(z) !== i);
  if (repeated.length > 0) add("availabilityZones", `names ${show(repeated[0])} more than once`);
}

function networkIssues(args: EcsClusterArgs, add: AddIssue) {
  const network = args.network as unknown;
  if (typeof network !== "object" || network === null || Array.isArray(network)) {
    add("network", "must be { vpcId, privateSubnetIds, publicSubnetIds }");
    return;
  }
  unknownFields(network, Object.keys(networkFields), "network.", add);
  const given = network as Partial<EcsNetworkArgs>;
  if (given.vpcId === undefined) add("network.vpcId", "is required with network");
  for (const field of ["privateSubnetIds", "publicSubnetIds"] as const) {
    const ids = given[field];
    if (ids === undefined) add(`network.${field}`, "is required with network");
    else if (!Array.isArray(ids) || ids.length === 0)
      add(`network.${field}`, "must list at least one subnet");
  }
  for (const field of ["cidrBlock", "availabilityZones", "natGateways"] as const)
    if (args[field] !== undefined)
      add(field, "shapes a new VPC and cannot be given with network (an existing one)");
}

function newNetworkIssues(args: EcsClusterArgs, add: AddIssue) {
  cidrIssues(args.cidrBlock ?? defaultCidrBlock, add);
  zoneIssues(args.availabilityZones ?? 2, add);
  if (args.natGateways !== undefined && args.natGateways !== "perZone" && args.natGateways !== "single")
    add("natGateways", `must be "perZone" or "single", not ${show(args.natGateways)}`);
}

function ec2Issues(ec2: unknown, add: AddIssue) {
  if (typeof ec2 !== "object" || ec2 === null || Array.isArray(ec2)) {
    add("ec2", "must be { instanceType, min, max, desired? }");
    return;
  }
  unknownFields(ec2, Object.keys(ec2Fields), "ec2.", add);
  const { instanceType, min, max, desired, volumeSize, architecture } = ec2 as Partial<EcsEc2CapacityArgs>;
  if (architecture !== undefined && !machineArchitectures.includes(architecture))
    add("ec2.architecture", `must be "amd64" or "arm64", not ${show(architecture)}`);
  else if (architecture !== undefined) {
    const mismatch = machineTypeMismatch(
      instanceType,
      architecture,
      "ec2.instanceType",
      "ec2.architecture",
      awsInstanceArchitecture,
    );
    if (mismatch) add(mismatch.path, mismatch.message);
  }
  if (typeof instanceType !== "string" || instanceType === "")
    add(
      "ec2.instanceType",
      instanceType === undefined
        ? "is required"
        : `must be an instance type such as "m7i.large", not ${show(instanceType)}`,
    );
  if (!isWhole(min, 0)) add("ec2.min", `must be a whole number of at least 0, not ${show(min)}`);
  if (!isWhole(max, 1)) add("ec2.max", `must be a whole number of at least 1, not ${show(max)}`);
  if (isWhole(min, 0) && isWhole(max, 1) && min > max)
    add("ec2.min", `is more than ec2.max (${min} > ${max})`);
  if (desired !== undefined) {
    if (!isWhole(desired, 0)) add("ec2.desired", `must be a whole number, not ${show(desired)}`);
    else if (isWhole(min, 0) && isWhole(max, 1) && min <= max && (desired < min || desired > max))
      add("ec2.desired", `must be from ec2.min to ec2.max (${min} to ${max}), not ${desired}`);
  }
  if (volumeSize !== undefined && !isWhole(volumeSize, 30))
    add(
      "ec2.volumeSize",
      `must be a whole number of GiB, at least 30 (the AMI's size), not ${show(volumeSize)}`,
    );
}

function strategyIssues(strategy: unknown, hasEc2: boolean, add: AddIssue) {
  const path = "defaultCapacityProviderStrategy";
  if (!Array.isArray(strategy) || strategy.length === 0) {
    add(path, "must list at least one capacity provider");
    return;
  }
  const providers: string[] = [];
  let bases = 0;
  let totalWeight = 0;
  strategy.forEach((item: Partial<EcsCapacityProviderStrategyItem>, i) => {
    const at = `${path}[${i}]`;
    unknownFields(item, Object.keys(strategyFields), `${at}.`, add);
    const known: string[] = ["FARGATE", "FARGATE_SPOT", "EC2"];
    const name = item?.capacityProvider;
    if (typeof name !== "string" || !known.includes(name)) {
      const hint = typeof name === "string" ? closestName(name, known) : undefined;
      add(
        `${at}.capacityProvider`,
        `must be FARGATE, FARGATE_SPOT or EC2, not ${show(name)}${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    } else if (providers.includes(name)) add(`${at}.capacityProvider`, `${name} is listed twice`);
    else {
      providers.push(name);
      if (name === "EC2" && !hasEc2) add(`${at}.capacityProvider`, "EC2 needs EC2 capacity: give ec2");
    }
    const weight = item?.weight ?? 1;
    if (!isWhole(weight, 0) || weight > 1000)
      add(`${at}.weight`, `must be a whole number from 0 to 1000, not ${show(item?.weight)}`);
    else totalWeight += weight;
    if (item?.base !== undefined) {
      bases++;
      if (!isWhole(item.base, 0) || item.base > 100000)
        add(`${at}.base`, `must be a whole number from 0 to 100000, not ${show(item.base)}`);
    }
  });
  if (bases > 1) add(path, "only one entry may have a base");
  if (totalWeight === 0 && providers.length === strategy.length)
    add(path, "at least one weight must be above 0");
  if (providers.includes("EC2") && providers.some((p) => p !== "EC2"))
    add(path, "cannot mix EC2 with FARGATE or FARGATE_SPOT: ECS takes only one kind in a strategy");
}

function namingIssues(name: string, args: EcsClusterArgs, add: AddIssue) {
  const clusterName = args.clusterName ?? name;
  if (typeof clusterName !== "string" || !clusterNamePattern.test(clusterName))
    add(
      args.clusterName === undefined ? "name" : "clusterName",
      `${show(clusterName)} is not an ECS cluster name: letters, digits, - and _, at most 255`,
    );
  const namespace = args.namespaceName ?? `${String(clusterName)}.local`;
  if (!isDnsName(namespace))
    add(
      "namespaceName",
      `${show(namespace)} is not a DNS name (lowercase letters, digits and -, dot-separated)${args.namespaceName === undefined ? "; set namespaceName" : ""}`,
    );
}

function tagIssues(tags: unknown, add: AddIssue) {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    add("tags", `must be an object of strings, not ${show(tags)}`);
    return;
  }
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > 128 || key.toLowerCase().startsWith("aws:"))
      add(`tags.${key}`, "keys are 1 to 128 characters and may not start with aws:");
    if (typeof value !== "string" || value.length > 256)
      add(`tags.${key}`, `must be a string of at most 256 characters, not ${show(value)}`);
  }
}

/** The init image must be an image reference pinned by digest: a tag can be moved to other content. */
function initImageIssues(image: unknown, add: AddIssue) {
  const parsed = typeof image === "string" ? parseImageReference(image) : { error: "must be a string" };
  if ("error" in parsed) add("initImage", `${show(image)} is not an image reference: ${parsed.error}`);
  else if (parsed.digest === undefined || !/^sha256:[0-9a-f]{64}$/.test(parsed.digest))
    add("initImage", `${show(image)} must be pinned by digest: <repository>@sha256:<64 hex digits>`);
}

/** Everything wrong with `args` that can be told before any resource exists, all at once. */
export function ecsClusterIssues(name: string, args: EcsClusterArgs): EcsClusterIssue[] {
  const { issues, add } = issueCollector();
  unknownFields(args, Object.keys(fields), "", add);
  namingIssues(name, args, add);
  if (args.network !== undefined) networkIssues(args, add);
  else newNetworkIssues(args, add);
  if (args.ec2 !== undefined) {
    ec2Issues(args.ec2, add);
    if (/^(aws|ecs|fargate)/i.test(name))
      add(
        "name",
        `ECS refuses capacity provider names that start with aws, ecs or fargate, and the EC2 capacity provider is named after the component (${show(`${name}-ec2-capacity-...`)}): rename it`,
      );
  }
  strategyIssues(args.defaultCapacityProviderStrategy ?? defaultStrategy, args.ec2 !== undefined, add);
  const insights = args.containerInsights;
  if (insights !== undefined && !["enabled", "enhanced", "disabled"].includes(insights))
    add("containerInsights", `must be "enabled", "enhanced" or "disabled", not ${show(insights)}`);
  const days = args.logRetentionDays;
  if (days !== undefined && !retentionDays.includes(days))
    add(
      "logRetentionDays",
      `must be a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, ... 3653 days), not ${show(days)}`,
    );
  const cert = args.certificateArn;
  if (typeof cert === "string" && !/^arn:aws[a-z-]*:acm:/.test(cert))
    add("certificateArn", `must be an ACM certificate ARN (arn:aws:acm:...), not ${show(cert)}`);
  if (args.allowPlainHttp !== undefined && typeof args.allowPlainHttp !== "boolean")
    add("allowPlainHttp", `must be true or false, not ${show(args.allowPlainHttp)}`);
  if (args.initImage !== undefined) initImageIssues(args.initImage, add);
  if (args.logging !== undefined) ecsLoggingIssues(args.logging, add);
  if (args.tags !== undefined) tagIssues(args.tags, add);
  return issues;
}

/** The EC2 capacity's architecture: the one given, else the instance type's, else x86-64. */
export function ec2Architecture(ec2: EcsEc2CapacityArgs): "amd64" | "arm64" {
  return ec2.architecture ?? awsInstanceArchitecture(ec2.instanceType) ?? "amd64";
}
