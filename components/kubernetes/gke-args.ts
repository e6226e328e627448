/** The arguments of `GkeCluster`, their defaults, and every check that can be made before anything exists. */
import type * as pulumi from "@pulumi/pulumi";
import { closestName } from "../spec/suggest";
import {
  type AddIssue,
  alignedCidr,
  type ArgumentIssue,
  cidrsOverlap,
  ComponentArgumentsError,
  isDnsName,
  isObject,
  isWhole,
  issueCollector,
  parseIpv4Cidr,
  show,
  unknownFields,
} from "../arguments";
import { gcpMachineArchitecture, machineArchitectures, machineTypeMismatch } from "../machine-architecture";
import type { KubernetesMonitoring } from "../spec/render/kubernetes";
import { monitoringIssues } from "./cluster-args";

/** An existing VPC network and subnetwork for the cluster's nodes, instead of new ones. */
export interface GkeNetworkArgs {
  /** The network's name or self link. */
  network: pulumi.Input<string>;
  /** The subnetwork's name or self link, in the cluster's region; its primary range holds the nodes. */
  subnetwork: pulumi.Input<string>;
  /**
   * The subnetwork's secondary range for pods. With `servicesRangeName`, or neither: then GKE adds
   * secondary ranges of its own (of `podsCidr` and `servicesCidr` when given).
   */
  podsRangeName?: string;
  /** The subnetwork's secondary range for Services. With `podsRangeName`. */
  servicesRangeName?: string;
}

/** A Kubernetes taint on every node of a pool. */
export interface GkeNodeTaint {
  key: string;
  /** @default `""` */
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** One node pool. Its nodes run as the cluster's node service account, on Shielded VMs with the GKE metadata server. */
export interface GkeNodePoolArgs {
  /** The pool's name: lowercase letters, digits and `-`, starting with a letter, at most 40. */
  name: string;
  /**
   * The nodes' CPU architecture. `machineType` must be of it (`t2a` and `c4a` are arm64). GKE labels
   * every node `kubernetes.io/arch` and taints Arm nodes `kubernetes.io/arch=arm64:NoSchedule`;
   * services with `platform: "linux/arm64"` select that label, and GKE gives them the toleration.
   * @default the machine type's (`"amd64"` when it says nothing)
   */
  architecture?: "amd64" | "arm64";
  /**
   * Compute Engine machine type.
   * @default `"e2-standard-2"` (`"t2a-standard-2"` for arm64)
   */
  machineType?: string;
  /**
   * Fewest nodes per zone (a regional cluster has three zones).
   * @default 1
   */
  min?: number;
  /**
   * Most nodes per zone; at least 1 and at least `min`.
   * @default 3
   */
  max?: number;
  /**
   * Spot VMs: much cheaper, and preemptible at any time.
   * @default false
   */
  spot?: boolean;
  /**
   * Kubernetes labels on the pool's nodes.
   * @default none
   */
  labels?: Record<string, string>;
  /**
   * Kubernetes taints on the pool's nodes.
   * @default none
   */
  taints?: GkeNodeTaint[];
  /**
   * Boot disk size in GB, at least 10.
   * @default 100
   */
  diskSizeGb?: number;
  /**
   * Boot disk type.
   * @default `"pd-balanced"`
   */
  diskType?: "pd-balanced" | "pd-standard" | "pd-ssd";
}

/** A network allowed to reach the control plane's endpoint. */
export interface GkeAuthorizedNetwork {
  /** An IPv4 CIDR block such as `"203.0.113.0/24"`. */
  cidr: string;
  /** @default the block */
  displayName?: string;
}

/** Arguments of `GkeCluster`. */
export interface GkeClusterArgs {
  /**
   * The Google Cloud project.
   * @default the `gcp:project` config (or the provider's environment variables)
   */
  project?: string;
  /**
   * The region the cluster runs in.
   * @default the zone's region, else the `gcp:region` config
   */
  region?: string;
  /**
   * A zone, for a zonal cluster: one control plane replica and nodes in one zone.
   * @default none, a regional cluster (control plane and nodes in three of the region's zones)
   */
  zone?: string;
  /**
   * The GKE cluster's name.
   * @default the resource name
   */
  clusterName?: string;
  /**
   * The release channel whose versions the cluster follows.
   * @default `"REGULAR"`
   */
  releaseChannel?: "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";
  /**
   * An existing network and subnetwork.
   * @default a new network with one subnetwork (`nodesCidr`, with secondary ranges `pods` and `services`,
   * Private Google Access) and a Cloud NAT, so that private nodes can pull public images
   */
  network?: GkeNetworkArgs;
  /**
   * The new subnetwork's primary range, for nodes. Not with `network`.
   * @default `"10.0.0.0/20"`
   */
  nodesCidr?: string;
  /**
   * The pods' range.
   * @default `"10.16.0.0/14"` in a new network; GKE's choice in an existing one
   */
  podsCidr?: string;
  /**
   * The Services' range.
   * @default `"10.20.0.0/20"` in a new network; GKE's choice in an existing one
   */
  servicesCidr?: string;
  /**
   * Nodes without public addresses.
   * @default true
   */
  privateNodes?: boolean;
  /**
   * The control plane's /28 range, for private nodes.
   * @default `"172.16.0.0/28"`
   */
  masterCidr?: string;
  /**
   * Only a private control plane endpoint (reached from the VPC or authorized networks).
   * @default false
   */
  privateEndpoint?: boolean;
  /**
   * The only networks that may reach the control plane's public endpoint (besides the VPC). One of
   * `authorizedNetworks`, `publicEndpoint: true` or `privateEndpoint: true` is required: a cluster with none
   * of them is refused.
   * @default none
   */
  authorizedNetworks?: GkeAuthorizedNetwork[];
  /**
   * A control plane endpoint that any address may reach (every request still needs Google credentials),
   * without authorized networks: CIS GKE benchmark 5.6.3 advises against it.
   * @default false
   */
  publicEndpoint?: boolean;
  /**
   * The Cloud KMS key (`projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>`, in the
   * cluster's region) that encrypts Secrets in etcd. The project's GKE service agent (`service-<project
   * number>@container-engine-robot.iam.gserviceaccount.com`) must hold
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it.
   * @default a new key ring and key in the cluster's region, rotated every 90 days, with that binding (the
   * Cloud KMS API must be enabled)
   */
  secretsEncryptionKey?: pulumi.Input<string>;
  /**
   * Refuse to delete the cluster (Pulumi must first update it to false).
   * @default true
   */
  deletionProtection?: boolean;
  /**
   * Node pools.
   * @default `[{ name: "default" }]` (e2-standard-2, 1 to 3 nodes per zone)
   */
  nodePools?: GkeNodePoolArgs[];
  /**
   * Labels on the Google Cloud resources.
   * @default none
   */
  labels?: Record<string, string>;
  /**
   * The namespace services deploy to.
   * @default as `KubernetesCluster`'s
   */
  namespace?: string;
  /**
   * Create (and own) the namespace.
   * @default as `KubernetesCluster`'s
   */
  createNamespace?: boolean;
  /**
   * How Prometheus finds services with `metrics`. With `podMonitoring`, Google Cloud Managed Service
   * for Prometheus is switched on in the cluster (its collectors run in `gmp-system`).
   * @default `{ discovery: "podMonitoring" }`
   */
  monitoring?: KubernetesMonitoring;
}

export const defaultNodesCidr = "10.0.0.0/20";
export const defaultPodsCidr = "10.16.0.0/14";
export const defaultServicesCidr = "10.20.0.0/20";
export const defaultMasterCidr = "172.16.0.0/28";
export const defaultMachineType = "e2-standard-2";
/** The default machine type of an arm64 node pool. */
export const defaultArmMachineType = "t2a-standard-2";

/** A node pool's machine type: the one given, else the default of its architecture. */
export function poolMachineType(pool: GkeNodePoolArgs): string {
  if (pool.machineType !== undefined) return pool.machineType;
  return pool.architecture === "arm64" ? defaultArmMachineType : defaultMachineType;
}
export const defaultNodePools: GkeNodePoolArgs[] = [{ name: "default" }];

/** A GKE cluster's monitoring: Google Cloud Managed Service for Prometheus unless said otherwise. */
export function gkeMonitoring(args: GkeClusterArgs): KubernetesMonitoring {
  return { discovery: "podMonitoring", ...args.monitoring };
}

const fields: Record<keyof GkeClusterArgs, true> = {
  project: true,
  region: true,
  zone: true,
  clusterName: true,
  releaseChannel: true,
  network: true,
  nodesCidr: true,
  podsCidr: true,
  servicesCidr: true,
  privateNodes: true,
  masterCidr: true,
  privateEndpoint: true,
  authorizedNetworks: true,
  publicEndpoint: true,
  secretsEncryptionKey: true,
  deletionProtection: true,
  nodePools: true,
  labels: true,
  namespace: true,
  createNamespace: true,
  monitoring: true,
};
const networkFields: Record<keyof GkeNetworkArgs, true> = {
  network: true,
  subnetwork: true,
  podsRangeName: true,
  servicesRangeName: true,
};
const poolFields: Record<keyof GkeNodePoolArgs, true> = {
  name: true,
  architecture: true,
  machineType: true,
  min: true,
  max: true,
  spot: true,
  labels: true,
  taints: true,
  diskSizeGb: true,
  diskType: true,
};
const taintFields: Record<keyof GkeNodeTaint, true> = { key: true, value: true, effect: true };
const authorizedFields: Record<keyof GkeAuthorizedNetwork, true> = { cidr: true, displayName: true };

const releaseChannels = ["RAPID", "REGULAR", "STABLE", "EXTENDED"];
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const diskTypes = ["pd-balanced", "pd-standard", "pd-ssd"];
/** GKE cluster and node pool names. */
const gkeName = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const projectId = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const regionName = /^[a-z]+-[a-z]+[0-9]+$/;
const zoneName = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/;
/** `e2-standard-2`, `n2d-highmem-8`, `custom-4-16384`, `a3-highgpu-8g`. */
const machineTypeName = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;
const subnetRangeName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Cloud KMS crypto key's resource name; the location is captured. */
const cryptoKeyName = /^projects\/[^/]+\/locations\/([a-z0-9-]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const k8sLabelName = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const k8sLabelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const gcpLabelKey = /^[a-z][a-z0-9_-]{0,62}$/;
const gcpLabelValue = /^[a-z0-9_-]{0,63}$/;
/** GKE's limit on authorized networks with a public endpoint. */
const maxAuthorizedNetworks = 50;
const maxNodesPerZone = 1000;

/** One problem with `GkeCluster`'s arguments, at a path such as `nodePools[0].max` or `masterCidr`. */
export type GkeClusterIssue = ArgumentIssue;

/**
 * `GkeCluster`'s arguments are wrong; `issues` lists every problem, and nothing was created. Pulumi
 * reports it against the component, named in the message.
 */
export class GkeClusterError extends ComponentArgumentsError {
  constructor(resourceName: string, issues: GkeClusterIssue[], resource?: pulumi.Resource) {
    super("GkeCluster", resourceName, issues, resource);
    this.name = "GkeClusterError";
  }
}

/** What the provider's configuration supplies when the arguments do not. */
export interface GkeProviderDefaults {
  project?: string;
  region?: string;
}

/** The project, region and location the cluster is in, once the arguments are valid. */
export interface GkePlacement {
  project: string;
  region: string;
  /** The region (regional cluster) or the zone (zonal cluster). */
  location: string;
}

function oneOf(value: unknown, allowed: string[], path: string, add: AddIssue) {
  if (typeof value === "string" && allowed.includes(value)) return;
  const hint = typeof value === "string" ? closestName(value, allowed) : undefined;
  const list = allowed.map((a) => show(a)).join(", ");
  add(path, `must be one of ${list}, not ${show(value)}${hint ? `; did you mean "${hint}"?` : ""}`);
}

/** The project, region and location; issues for whatever is missing or malformed. */
export function gkePlacement(
  args: GkeClusterArgs,
  defaults: GkeProviderDefaults,
  add: AddIssue,
): GkePlacement | undefined {
  const project = args.project ?? defaults.project;
  if (project === undefined) add("project", "is required: give project or set the gcp:project config");
  else if (typeof project !== "string" || !projectId.test(project))
    add("project", `${show(project)} is not a Google Cloud project ID`);
  const zone = args.zone;
  const zoneRegion = typeof zone === "string" ? zoneName.exec(zone)?.[1] : undefined;
  if (zone !== undefined && zoneRegion === undefined)
    add("zone", `must be a zone such as "europe-west1-b", not ${show(zone)}`);
  const region = args.region ?? zoneRegion ?? defaults.region;
  if (region === undefined) add("region", "is required: give region (or zone) or set the gcp:region config");
  else if (typeof region !== "string" || !regionName.test(region))
    add("region", `must be a region such as "europe-west1", not ${show(region)}`);
  else if (zoneRegion !== undefined && zoneRegion !== region)
    add("zone", `${show(zone)} is not in region ${show(region)}`);
  if (typeof project !== "string" || typeof region !== "string") return undefined;
  return { project, region, location: typeof zone === "string" ? zone : region };
}

/** A CIDR block's issue, if any: malformed, host bits set, or not of the allowed sizes. */
function cidrIssue(value: unknown, path: string, add: AddIssue, prefixes?: [number, number]): boolean {
  const parsed = typeof value === "string" ? parseIpv4Cidr(value) : undefined;
  if (!parsed) {
    add(path, `must be an IPv4 CIDR block such as "10.0.0.0/16", not ${show(value)}`);
    return false;
  }
  const aligned = alignedCidr(parsed);
  if (aligned !== value) {
    add(path, `${show(value)} has host bits set; did you mean "${aligned}"?`);
    return false;
  }
  if (prefixes && (parsed.prefix < prefixes[0] || parsed.prefix > prefixes[1])) {
    const sizes = prefixes[0] === prefixes[1] ? `a /${prefixes[0]}` : `/${prefixes[0]} to /${prefixes[1]}`;
    add(path, `must be ${sizes}, not /${parsed.prefix}`);
    return false;
  }
  return true;
}

function networkIssues(args: GkeClusterArgs, add: AddIssue) {
  const network = args.network as unknown;
  if (!isObject(network)) {
    add("network", "must be { network, subnetwork, podsRangeName?, servicesRangeName? }");
    return;
  }
  unknownFields(network, Object.keys(networkFields), "network.", add);
  for (const field of ["network", "subnetwork"] as const)
    if (network[field] === undefined || network[field] === "")
      add(`network.${field}`, "is required with network");
  const named = (["podsRangeName", "servicesRangeName"] as const).filter((f) => network[f] !== undefined);
  for (const field of named)
    if (typeof network[field] !== "string" || !subnetRangeName.test(network[field]))
      add(`network.${field}`, `${show(network[field])} is not a secondary range name`);
  if (named.length === 1) {
    const missing = named[0] === "podsRangeName" ? "servicesRangeName" : "podsRangeName";
    add(`network.${missing}`, `is required with network.${named[0]}`);
  }
  if (named.length > 0)
    for (const field of ["podsCidr", "servicesCidr"] as const)
      if (args[field] !== undefined)
        add(field, "cannot be given with network's secondary range names: the ranges already exist");
  if (args.nodesCidr !== undefined)
    add("nodesCidr", "shapes a new subnetwork and cannot be given with network (an existing one)");
}

/** The ranges that must not overlap, as `[path, cidr]`, for those that are valid. */
function rangeIssues(args: GkeClusterArgs, add: AddIssue) {
  const fresh = args.network === undefined;
  const ranges: [string, string][] = [];
  const check = (path: keyof GkeClusterArgs, value: unknown, prefixes: [number, number]) => {
    if (value !== undefined && cidrIssue(value, path, add, prefixes)) ranges.push([path, value as string]);
  };
  if (fresh) check("nodesCidr", args.nodesCidr ?? defaultNodesCidr, [8, 29]);
  check("podsCidr", args.podsCidr ?? (fresh ? defaultPodsCidr : undefined), [9, 21]);
  check("servicesCidr", args.servicesCidr ?? (fresh ? defaultServicesCidr : undefined), [16, 27]);
  if (args.privateNodes !== false) check("masterCidr", args.masterCidr ?? defaultMasterCidr, [28, 28]);
  else if (args.masterCidr !== undefined) add("masterCidr", "is for private nodes: privateNodes is false");
  for (const [i, [aPath, a]] of ranges.entries())
    for (const [bPath, b] of ranges.slice(i + 1))
      if (cidrsOverlap(a, b)) add(bPath, `${b} overlaps ${aPath} (${a})`);
}

function endpointIssues(args: GkeClusterArgs, add: AddIssue) {
  if (args.privateEndpoint === true && args.privateNodes === false)
    add("privateEndpoint", "needs private nodes: privateNodes is false");
  const networks = args.authorizedNetworks as unknown;
  if (args.publicEndpoint === true) {
    if (args.privateEndpoint === true) add("publicEndpoint", "contradicts privateEndpoint: give one of them");
    if (networks !== undefined)
      add("publicEndpoint", "opens the endpoint to any address: remove it to allow only authorizedNetworks");
  } else if (networks === undefined && args.privateEndpoint !== true)
    add(
      "authorizedNetworks",
      "is required: name the networks that may reach the control plane (CIS GKE 5.6.3), or set publicEndpoint: true to let any address reach it, or privateEndpoint: true",
    );
  if (networks === undefined) return;
  if (!Array.isArray(networks)) {
    add("authorizedNetworks", "must be a list of { cidr, displayName? }");
    return;
  }
  if (networks.length > maxAuthorizedNetworks)
    add("authorizedNetworks", `GKE takes at most ${maxAuthorizedNetworks}, not ${networks.length}`);
  networks.forEach((entry: unknown, i) => {
    const at = `authorizedNetworks[${i}]`;
    if (!isObject(entry)) {
      add(at, `must be { cidr, displayName? }, not ${show(entry)}`);
      return;
    }
    unknownFields(entry, Object.keys(authorizedFields), `${at}.`, add);
    cidrIssue(entry.cidr, `${at}.cidr`, add);
    if (entry.displayName !== undefined && typeof entry.displayName !== "string")
      add(`${at}.displayName`, `must be a string, not ${show(entry.displayName)}`);
  });
}

function k8sLabelKeyIssue(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  const prefixOk = prefix === undefined || isDnsName(prefix);
  return !prefixOk || !k8sLabelName.test(name);
}

function taintIssues(taints: unknown, at: string, add: AddIssue) {
  if (!Array.isArray(taints)) {
    add(at, "must be a list of { key, value?, effect }");
    return;
  }
  taints.forEach((taint: unknown, j) => {
    const path = `${at}[${j}]`;
    if (!isObject(taint)) {
      add(path, `must be { key, value?, effect }, not ${show(taint)}`);
      return;
    }
    unknownFields(taint, Object.keys(taintFields), `${path}.`, add);
    if (taint.key === undefined) add(`${path}.key`, "is required");
    else if (typeof taint.key !== "string" || k8sLabelKeyIssue(taint.key))
      add(`${path}.key`, `${show(taint.key)} is not a Kubernetes label key`);
    if (taint.value !== undefined && (typeof taint.value !== "string" || !k8sLabelValue.test(taint.value)))
      add(`${path}.value`, `${show(taint.value)} is not a Kubernetes label value`);
    oneOf(taint.effect, taintEffects, `${path}.effect`, add);
  });
}

function labelIssues(labels: unknown, at: string, add: AddIssue, kind: "kubernetes" | "gcp") {
  if (!isObject(labels)) {
    add(at, `must be an object of strings, not ${show(labels)}`);
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    const keyBad = kind === "gcp" ? !gcpLabelKey.test(key) : k8sLabelKeyIssue(key);
    if (keyBad)
      add(
        `${at}.${key}`,
        `${show(key)} is not a ${kind === "gcp" ? "Google Cloud" : "Kubernetes"} label key`,
      );
    const valueOk = typeof value === "string" && (kind === "gcp" ? gcpLabelValue : k8sLabelValue).test(value);
    if (!valueOk)
      add(
        `${at}.${key}`,
        `${show(value)} is not a ${kind === "gcp" ? "Google Cloud" : "Kubernetes"} label value`,
      );
  }
}

function poolIssues(pool: unknown, at: string, add: AddIssue) {
  if (!isObject(pool)) {
    add(at, `must be { name, machineType?, min?, max?, ... }, not ${show(pool)}`);
    return;
  }
  unknownFields(pool, Object.keys(poolFields), `${at}.`, add);
  const { name, machineType, min = 1, max = 3, spot, diskSizeGb, diskType } = pool;
  if (name === undefined) add(`${at}.name`, "is required");
  else if (typeof name !== "string" || !gkeName.test(name))
    add(
      `${at}.name`,
      `${show(name)} is not a node pool name: lowercase letters, digits and -, starting with a letter, at most 40`,
    );
  if (machineType !== undefined && (typeof machineType !== "string" || !machineTypeName.test(machineType)))
    add(`${at}.machineType`, `${show(machineType)} is not a machine type such as "e2-standard-4"`);
  const architecture = pool.architecture;
  if (architecture !== undefined && !machineArchitectures.includes(architecture as "amd64"))
    add(`${at}.architecture`, `must be "amd64" or "arm64", not ${show(architecture)}`);
  else if (architecture !== undefined) {
    const mismatch = machineTypeMismatch(
      machineType,
      architecture as "amd64" | "arm64",
      `${at}.machineType`,
      `${at}.architecture`,
      gcpMachineArchitecture,
    );
    if (mismatch) add(mismatch.path, mismatch.message);
  }
  const minOk = isWhole(min, 0, maxNodesPerZone);
  const maxOk = isWhole(max, 1, maxNodesPerZone);
  if (!minOk) add(`${at}.min`, `must be a whole number from 0 to ${maxNodesPerZone}, not ${show(min)}`);
  if (!maxOk) add(`${at}.max`, `must be a whole number from 1 to ${maxNodesPerZone}, not ${show(max)}`);
  if (minOk && maxOk && min > max) add(`${at}.min`, `is more than ${at}.max (${min} > ${max})`);
  if (spot !== undefined && typeof spot !== "boolean")
    add(`${at}.spot`, `must be true or false, not ${show(spot)}`);
  if (diskSizeGb !== undefined && !isWhole(diskSizeGb, 10, 65536))
    add(`${at}.diskSizeGb`, `must be a whole number of GB from 10 to 65536, not ${show(diskSizeGb)}`);
  if (diskType !== undefined) oneOf(diskType, diskTypes, `${at}.diskType`, add);
  if (pool.labels !== undefined) labelIssues(pool.labels, `${at}.labels`, add, "kubernetes");
  if (pool.taints !== undefined) taintIssues(pool.taints, `${at}.taints`, add);
}

function poolsIssues(pools: unknown, add: AddIssue) {
  if (!Array.isArray(pools) || pools.length === 0) {
    add("nodePools", "must list at least one node pool");
    return;
  }
  const seen = new Set<unknown>();
  pools.forEach((pool: unknown, i) => {
    poolIssues(pool, `nodePools[${i}]`, add);
    const name = isObject(pool) ? pool.name : undefined;
    if (name !== undefined && seen.has(name)) add(`nodePools[${i}].name`, `${show(name)} is used twice`);
    seen.add(name);
  });
}

function namingIssues(name: string, args: GkeClusterArgs, add: AddIssue) {
  const clusterName = args.clusterName ?? name;
  if (typeof clusterName !== "string" || !gkeName.test(clusterName))
    add(
      args.clusterName === undefined ? "name" : "clusterName",
      `${show(clusterName)} is not a GKE cluster name: lowercase letters, digits and -, starting with a letter, at most 40${args.clusterName === undefined ? "; set clusterName" : ""}`,
    );
  if (args.releaseChannel !== undefined) oneOf(args.releaseChannel, releaseChannels, "releaseChannel", add);
  for (const field of ["privateNodes", "privateEndpoint", "publicEndpoint", "deletionProtection"] as const)
    if (args[field] !== undefined && typeof args[field] !== "boolean")
      add(field, `must be true or false, not ${show(args[field])}`);
  if (args.labels !== undefined) labelIssues(args.labels, "labels", add, "gcp");
}

/** A given key must be a Cloud KMS crypto key in the cluster's region (known now, or later). */
function secretsKeyIssues(key: unknown, placement: GkePlacement | undefined, add: AddIssue) {
  // An output or a promise is told later, by GKE.
  if (key === undefined || (typeof key === "object" && key !== null)) return;
  const m = typeof key === "string" ? cryptoKeyName.exec(key) : null;
  if (!m) {
    add(
      "secretsEncryptionKey",
      `must be a Cloud KMS key: projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>, not ${show(key)}`,
    );
    return;
  }
  if (placement && m[1] !== placement.region)
    add(
      "secretsEncryptionKey",
      `is in ${show(m[1])}: GKE needs a key in the cluster's region, ${show(placement.region)}`,
    );
}

/**
 * Everything wrong with `args` that can be told before any resource exists, all at once, and where
 * the cluster goes when nothing is.
 */
export function gkeClusterIssues(
  name: string,
  args: GkeClusterArgs,
  defaults: GkeProviderDefaults,
): { issues: GkeClusterIssue[]; placement?: GkePlacement } {
  const { issues, add } = issueCollector();
  unknownFields(args, Object.keys(fields), "", add);
  const placement = gkePlacement(args, defaults, add);
  namingIssues(name, args, add);
  if (args.network !== undefined) networkIssues(args, add);
  rangeIssues(args, add);
  endpointIssues(args, add);
  secretsKeyIssues(args.secretsEncryptionKey, placement, add);
  monitoringIssues(args.monitoring, add);
  poolsIssues(args.nodePools ?? defaultNodePools, add);
  return { issues, ...(issues.length === 0 && placement && { placement }) };
}
