import * as pulumi from "@pulumi/pulumi";
import { type EngineConnection, knownHostsEntry, type MemberSpec } from "../../provider/swarm";
import { memberListIssues } from "../../provider/swarm/membership-plan";
import { dockerProviderConnection, isDockerProvider } from "./docker-provider";
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
    if ([node.ssh, node.tls, node.docker].filter((way) => way !== undefined).length !== 1)
      add(at, "needs exactly one of ssh, tls and docker to reach its Docker engine");
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
    if (node.docker && !isDockerProvider(node.docker.provider))
      add(`${at}.docker.provider`, "must be a @pulumi/docker Provider");
  });
}

/** The label a node's zone is read from, for the spread of managers. */
export const zoneLabel = "zone";

/** The zone label of a node, when it is a plain string (not an output). */
function zoneOf(node: SwarmNodeArgs): string | undefined {
  const labels: unknown = node.labels;
  if (!labels || typeof labels !== "object" || pulumi.Output.isInstance(labels)) return undefined;
  const zone = (labels as Record<string, unknown>)[zoneLabel];
  return typeof zone === "string" ? zone : undefined;
}

/**
 * Warnings about a topology that does not tolerate the loss of managers well: an even number of
 * managers (no more failures tolerated than one fewer), more than 7 (slower writes, nothing gained),
 * and, where every manager has a `zone` label, a zone that holds a majority of them (losing that zone
 * loses the quorum). They are warnings, not errors: a swarm of 2 zones cannot do better.
 */
export function managerWarnings(nodes: SwarmNodeArgs[]): string[] {
  const managers = nodes.filter((n) => n.role === "manager");
  const count = managers.length;
  const majority = Math.floor(count / 2) + 1;
  const warnings: string[] = [];
  if (count > 0 && count % 2 === 0) {
    const tolerated = count - majority;
    warnings.push(
      count === 2
        ? "2 managers tolerate no lost manager, as 1 does, but the loss of either machine stops the swarm: use 1 or 3"
        : `${count} managers tolerate no more failures than ${count - 1} (${tolerated}: a majority of ${majority} must stay reachable): use an odd number (${count - 1} or ${count + 1})`,
    );
  }
  if (count > 7)
    warnings.push(
      `${count} managers: every change waits for a majority of ${majority} to write it; more than 7 slows the swarm down and tolerates no failure that 7 would not survive: use 3, 5 or 7`,
    );
  const zones = managers.map(zoneOf);
  if (count > 1 && zones.every((z): z is string => z !== undefined)) {
    const byZone = new Map<string, number>();
    for (const zone of zones) byZone.set(zone, (byZone.get(zone) ?? 0) + 1);
    const [top, held] = [...byZone].sort((a, b) => b[1] - a[1])[0];
    if (held >= majority) {
      const spread = [...byZone].map(([z, n]) => `${z}: ${n}`).join(", ");
      warnings.push(
        `zone ${top} holds ${held} of the ${count} managers (${spread}): losing that zone loses the quorum (${majority} needed); spread managers over at least 3 zones so that none holds ${majority}`,
      );
    }
  }
  return warnings;
}

/** @deprecated Use {@link managerWarnings}: the first of its warnings. */
export function managerWarning(nodes: SwarmNodeArgs[]): string | undefined {
  return managerWarnings(nodes)[0];
}

/**
 * A node's availability: as given, else `drain` for a manager of a swarm that has a worker (managers
 * then keep their resources for the swarm's control plane), else `active`.
 */
export function defaultAvailability(node: SwarmNodeArgs, nodes: SwarmNodeArgs[]) {
  if (node.availability) return node.availability;
  const hasWorker = nodes.some((n) => (n.role ?? "worker") === "worker");
  return node.role === "manager" && hasWorker ? "drain" : "active";
}

/**
 * The address Berth reaches a node at, which other nodes reach it at unless `advertiseAddr` says
 * otherwise. A docker provider's socket has none: such a node needs its `advertiseAddr`.
 *
 * @param connection - The node's {@link nodeConnection}, when the caller has it already.
 */
export function nodeHost(
  node: SwarmNodeArgs,
  connection: pulumi.Output<EngineConnection> = nodeConnection(node),
): pulumi.Input<string> {
  if (node.ssh) return node.ssh.host;
  if (node.tls) return node.tls.host;
  // An address is no secret, though it comes with the connection's key.
  return pulumi.all([pulumi.unsecret(connection), node.advertiseAddr]).apply(([connection, advertise]) => {
    if (connection.host) return connection.host;
    if (advertise) return advertise;
    throw new Error(
      `node ${node.name}: docker.provider reaches its engine through a socket, which says no address other nodes could reach: set advertiseAddr`,
    );
  });
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
  if (node.docker) return dockerProviderConnection(node.docker.provider, node.docker.ssh);
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

/**
 * A node as the membership provider takes it, with every default filled in.
 *
 * @param nodes - The whole list, for defaults that depend on it (see {@link defaultAvailability}).
 *   Default: `[node]`.
 */
export function memberSpec(node: SwarmNodeArgs, nodes: SwarmNodeArgs[] = [node]): pulumi.Output<MemberSpec> {
  const connection = nodeConnection(node);
  return pulumi
    .all([
      connection,
      nodeHost(node, connection),
      node.advertiseAddr,
      node.listenAddr,
      node.dataPathAddr,
      pulumi.output(node.labels ?? {}),
    ])
    .apply(([connection, h, advertise, listen, dataPath, labels]) => ({
      name: node.name,
      role: node.role ?? "worker",
      availability: defaultAvailability(node, nodes),
      labels: labels as Record<string, string>,
      connection,
      advertiseAddr: advertise ?? h,
      listenAddr: listen ?? "0.0.0.0:2377",
      ...(dataPath ? { dataPathAddr: dataPath } : {}),
    }));
}
