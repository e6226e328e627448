import * as pulumi from "@pulumi/pulumi";
import { type EngineConnection, knownHostsEntry, type MemberSpec } from "../../provider/swarm";
import { memberListIssues } from "../../provider/swarm/membership-plan";
import type { SwarmNodeArgs } from "./node-types";

/** One problem with the nodes of a cluster, at a path such as `nodes[1].ssh.hostKey`. */
export interface NodeIssue {
  path: string;
  message: string;
}

/**
 * Everything wrong with a cluster's node list that can be told without reaching a node, all at once.
 * Values not yet known (outputs of other resources) are not judged.
 */
export function nodeIssues(nodes: SwarmNodeArgs[]): NodeIssue[] {
  // The shared checks see each node with its defaults, as the provider will.
  const withDefaults = nodes.map((n) => ({
    name: n.name,
    role: n.role ?? "worker",
    availability: n.availability ?? "active",
  }));
  return memberListIssues(withDefaults, (i, at, add) => {
    const node = nodes[i];
    if (!node.ssh === !node.tls) add(at, "needs exactly one of ssh and tls to reach its Docker engine");
    if (node.ssh) {
      if (node.ssh.host === undefined) add(`${at}.ssh.host`, "is required");
      if (node.ssh.privateKey === undefined) add(`${at}.ssh.privateKey`, "is required");
      if (node.ssh.hostKey === undefined)
        add(
          `${at}.ssh.hostKey`,
          "is required: the node's host key is always verified, never trusted on first use",
        );
      else if (typeof node.ssh.hostKey === "string" && !knownHostsEntry.test(node.ssh.hostKey))
        add(`${at}.ssh.hostKey`, 'must be "<type> <base64>", as a known_hosts entry');
    }
    if (node.tls) {
      for (const field of ["host", "ca", "cert", "key"] as const)
        if (node.tls[field] === undefined) add(`${at}.tls.${field}`, "is required");
    }
  });
}

/** How many managers the list has, and a warning when that number cannot tolerate failures well. */
export function managerWarning(nodes: SwarmNodeArgs[]): string | undefined {
  const managers = nodes.filter((n) => n.role === "manager").length;
  if (managers > 0 && managers % 2 === 0)
    return `${managers} managers tolerate no more failures than ${managers - 1}: use an odd number (3 or 5)`;
  return undefined;
}

/** The engine connection of a node. */
export function nodeConnection(node: SwarmNodeArgs): pulumi.Output<EngineConnection> {
  if (node.ssh) {
    const { host, port, user, privateKey, hostKey } = node.ssh;
    return pulumi.all([host, port, user, privateKey, hostKey]).apply(([h, p, u, key, known]) => ({
      protocol: "ssh" as const,
      host: h,
      ...(p !== undefined ? { port: p } : {}),
      username: u ?? "root",
      privateKey: key,
      hostKey: known,
    }));
  }
  const tls = node.tls!;
  return pulumi.all([tls.host, tls.port, tls.ca, tls.cert, tls.key]).apply(([h, p, ca, cert, key]) => ({
    protocol: "https" as const,
    host: h,
    ...(p !== undefined ? { port: p } : {}),
    ca,
    cert,
    key,
  }));
}

/** A node as the membership provider takes it, with every default filled in. */
export function memberSpec(node: SwarmNodeArgs): pulumi.Output<MemberSpec> {
  const host = node.ssh?.host ?? node.tls!.host;
  return pulumi
    .all([
      nodeConnection(node),
      host,
      node.advertiseAddr,
      node.listenAddr,
      node.dataPathAddr,
      pulumi.output(node.labels ?? {}),
    ])
    .apply(([connection, h, advertise, listen, dataPath, labels]) => ({
      name: node.name,
      role: node.role ?? "worker",
      availability: node.availability ?? "active",
      labels: labels as Record<string, string>,
      connection,
      advertiseAddr: advertise ?? h,
      listenAddr: listen ?? "0.0.0.0:2377",
      ...(dataPath ? { dataPathAddr: dataPath } : {}),
    }));
}
