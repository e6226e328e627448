/** Checks shared by the components that make swarm nodes from cloud VMs. */
import * as pulumi from "@pulumi/pulumi";
import { closestName } from "../spec/suggest";
import { memberNamePattern } from "../../provider/swarm/membership-plan";
import { type ArgumentIssue, ComponentArgumentsError } from "../arguments-error";
import { machineArchitectures, machineTypeMismatch } from "../machine-architecture";
import type { Architecture } from "../spec/platform";

const ipv4Cidr = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const ipv6Cidr = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|\d?\d)$/;
const linuxUser = /^[a-z_][a-z0-9_-]{0,31}$/;
const publicKeyLine = /^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9-]+@openssh\.com) AAAA/;

/** Whether `value` is an IPv4 or IPv6 CIDR block such as `203.0.113.7/32`. */
export function isCidr(value: unknown): value is string {
  return typeof value === "string" && (ipv4Cidr.test(value) || ipv6Cidr.test(value));
}

/** Whether `value` is an output of another resource (or a promise): judged once it resolves. */
const isDeferred = (value: unknown) => pulumi.Output.isInstance(value) || value instanceof Promise;

const cidrMessage = (value: unknown) =>
  `must be a CIDR block such as 203.0.113.7/32, not ${JSON.stringify(value)}`;

/**
 * `adminCidr` as an output, judged when it comes from another resource (a known value was judged with
 * the other arguments): a bad one fails the deployment with the component's error.
 */
export function checkedAdminCidr(
  component: string,
  name: string,
  adminCidr: pulumi.Input<string>,
  resource: pulumi.Resource,
): pulumi.Output<string> {
  return pulumi.output(adminCidr).apply((cidr) => {
    if (!isCidr(cidr))
      throw new SwarmNodesError(
        component,
        name,
        [{ path: "adminCidr", message: cidrMessage(cidr) }],
        resource,
      );
    return cidr;
  });
}

/** One problem with a VM component's arguments, at a path such as `adminCidr` or `nodeLabels.x`. */
export type SwarmNodesIssue = ArgumentIssue;

/**
 * A VM component's arguments are wrong; `issues` lists every problem, and nothing was created. Pulumi
 * reports it against the component (`resource`), named in the message.
 */
export class SwarmNodesError extends ComponentArgumentsError {
  constructor(
    /** `AwsSwarmNodes` or `GceSwarmNodes`. */
    readonly component: string,
    resourceName: string,
    issues: SwarmNodesIssue[],
    /** The component the arguments were given to. */
    resource?: pulumi.Resource,
  ) {
    super(component, resourceName, issues, resource);
    this.name = "SwarmNodesError";
  }
}

/** The arguments every VM component shares, as far as they can be judged before anything exists. */
export interface CommonVmArgs {
  managers?: number;
  workers?: number;
  adminCidr?: unknown;
  sshUser?: string;
  sshPublicKey?: unknown;
  labels?: Record<string, unknown>;
  nodeLabels?: Record<string, Record<string, unknown>>;
  dataPathPort?: number;
  readyTimeoutSeconds?: number;
}

export interface VmArgRules {
  /** Every field the component takes; any other is refused, with the nearest name suggested. */
  fields: readonly string[];
  /** Fields without a default, besides `adminCidr` (which has its own message). */
  required: readonly string[];
  /** The list the VMs are spread over (`subnetIds`, `zones`) and its length. */
  spreadOver: { field: string; count: number };
}

/**
 * Everything wrong with `args` that can be told before any resource exists, all at once. Values that
 * are outputs of other resources are not judged.
 */
export function vmArgIssues(name: string, args: object, rules: VmArgRules): SwarmNodesIssue[] {
  const issues: SwarmNodesIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const given = args as Record<string, unknown>;
  for (const field of Object.keys(given)) {
    if (rules.fields.includes(field)) continue;
    const hint = closestName(field, rules.fields);
    add(field, `unknown field${hint ? `; did you mean "${hint}"?` : ""}`);
  }
  for (const field of rules.required) if (given[field] === undefined) add(field, "is required");

  const common = args as CommonVmArgs;
  const managers = common.managers ?? 3;
  const workers = common.workers ?? 2;
  if (!Number.isInteger(managers) || managers < 1)
    add("managers", `must be a whole number of at least 1, not ${JSON.stringify(common.managers)}`);
  if (!Number.isInteger(workers) || workers < 0)
    add("workers", `must be a whole number of at least 0, not ${JSON.stringify(common.workers)}`);
  if (common.adminCidr === undefined)
    add(
      "adminCidr",
      "is required: the only addresses SSH (22/tcp) is open to, e.g. your office's 203.0.113.0/24; there is no default",
    );
  else if (!isDeferred(common.adminCidr) && !isCidr(common.adminCidr))
    add("adminCidr", cidrMessage(common.adminCidr));
  const port = common.dataPathPort;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1024 && port <= 49151))
    add(
      "dataPathPort",
      `must be a whole number from 1024 to 49151, as Docker requires, not ${JSON.stringify(port)}`,
    );
  const wait = common.readyTimeoutSeconds;
  if (wait !== undefined && !(typeof wait === "number" && wait > 0))
    add("readyTimeoutSeconds", `must be a number of seconds above 0, not ${JSON.stringify(wait)}`);
  if (rules.spreadOver.count === 0) add(rules.spreadOver.field, "must list at least one");

  const user = common.sshUser;
  if (user !== undefined && (!linuxUser.test(user) || user === "root"))
    add(
      "sshUser",
      `must be a Linux user name other than root (lowercase letters, digits, _ and -), not ${JSON.stringify(user)}`,
    );
  const key = common.sshPublicKey;
  if (typeof key === "string") {
    if (key.includes("PRIVATE KEY"))
      add(
        "sshPublicKey",
        "is a private key: pass the public half (ssh-ed25519 AAAA...), never the private one",
      );
    else if (!publicKeyLine.test(key.trim()))
      add("sshPublicKey", 'must be an OpenSSH public key line such as "ssh-ed25519 AAAA... admin"');
  }

  // Node names are judged only once the counts that make them are sound.
  if (Number.isInteger(managers) && Number.isInteger(workers) && managers >= 1 && workers >= 0) {
    const badName = lastNodeNames(name, managers, workers).find((n) => !memberNamePattern.test(n));
    if (badName !== undefined)
      add(
        "name",
        `${JSON.stringify(name)} makes node names such as ${JSON.stringify(badName)}, which must be DNS labels: lowercase letters, digits and -, at most 63`,
      );
    const labelled = Object.keys(common.nodeLabels ?? {});
    const names = labelled.length > 0 ? vmRoster(name, managers, workers).map((vm) => vm.name) : [];
    for (const node of labelled)
      if (!names.includes(node)) {
        const hint = closestName(node, names);
        add(`nodeLabels.${node}`, `is not a node of ${name}${hint ? `; did you mean "${hint}"?` : ""}`);
      }
  }
  return issues;
}

/** The role and stable name of each VM: managers first, then workers. */
export function vmRoster(name: string, managers: number, workers: number) {
  return [
    ...Array.from({ length: managers }, (_, i) => ({
      name: `${name}-manager-${i}`,
      role: "manager" as const,
      index: i,
    })),
    ...Array.from({ length: workers }, (_, i) => ({
      name: `${name}-worker-${i}`,
      role: "worker" as const,
      index: managers + i,
    })),
  ];
}

/** The last manager's and the last worker's names: the longest each role has. */
export function lastNodeNames(name: string, managers: number, workers: number): string[] {
  const names = [`${name}-manager-${Math.max(managers, 1) - 1}`];
  if (workers > 0) names.push(`${name}-worker-${workers - 1}`);
  return names;
}

/** A node's swarm labels: the ones every node gets, then its own. Undefined when there are none. */
export function labelsOf<T>(
  node: string,
  args: { labels?: Record<string, T>; nodeLabels?: Record<string, Record<string, T>> },
): Record<string, T> | undefined {
  const own = args.nodeLabels?.[node];
  if (!args.labels && !own) return undefined;
  return { ...args.labels, ...own };
}

/**
 * The CPU architecture of a VM component's machines, and every problem with it: `architecture` when
 * given (`"amd64"` or `"arm64"`), else the one the first known type field's family says, else
 * `"amd64"`. The machines share one image, so every type field whose family says an architecture must
 * say this one. Types that are outputs of other resources are not judged.
 */
export function vmArchitecture(
  args: object,
  typeFields: readonly string[],
  classify: (type: string) => Architecture | undefined,
): { architecture: Architecture; issues: SwarmNodesIssue[] } {
  const given = args as Record<string, unknown>;
  const issues: SwarmNodesIssue[] = [];
  const stated = given.architecture;
  if (stated !== undefined && !machineArchitectures.includes(stated as Architecture)) {
    issues.push({
      path: "architecture",
      message: `must be "amd64" or "arm64", not ${JSON.stringify(stated)}`,
    });
    return { architecture: "amd64", issues };
  }
  const typed = typeFields.flatMap((field) => {
    const type = given[field];
    const arch = typeof type === "string" ? classify(type) : undefined;
    return arch === undefined ? [] : [{ field, type: type as string, arch }];
  });
  const architecture = (stated as Architecture | undefined) ?? typed[0]?.arch ?? "amd64";
  for (const { field, type, arch } of typed) {
    if (arch === architecture) continue;
    if (stated !== undefined) {
      const mismatch = machineTypeMismatch(type, architecture, field, "architecture", classify);
      if (mismatch) issues.push(mismatch);
    } else {
      issues.push({
        path: field,
        message: `"${type}" is an ${arch} type, but ${typed[0].field} is ${architecture}: the machines share one image, so their types share an architecture (a mixed swarm joins two node components, one per architecture)`,
      });
    }
  }
  return { architecture, issues };
}
