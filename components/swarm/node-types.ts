import type * as pulumi from "@pulumi/pulumi";
import type { DockerProvider, DockerProviderSsh } from "./docker-provider";

/** A node's role in the swarm. */
export type SwarmNodeRole = "manager" | "worker";

/** Whether the scheduler places tasks on a node: `active`, `pause` (no new tasks), `drain` (none). */
export type SwarmNodeAvailability = "active" | "pause" | "drain";

/** How Berth reaches a node's Docker engine over SSH (`docker system dial-stdio` on the node). */
export interface SwarmNodeSsh {
  /** Address or DNS name Berth connects to. */
  host: pulumi.Input<string>;
  /** @default 22 */
  port?: pulumi.Input<number>;
  /** @default `"root"` */
  user?: pulumi.Input<string>;
  /** PEM or OpenSSH private key. Secret. */
  privateKey: pulumi.Input<string>;
  /** The node's host key, as a known_hosts entry (`ssh-ed25519 AAAA...`); any other key is refused. */
  hostKey: pulumi.Input<string>;
}

/** How Berth reaches a node's Docker engine over its TCP API with mutual TLS. */
export interface SwarmNodeTls {
  /** The engine's host name or address. */
  host: pulumi.Input<string>;
  /** @default 2376 */
  port?: pulumi.Input<number>;
  /** PEM CA certificate that signed the engine's certificate. */
  ca: pulumi.Input<string>;
  /** PEM client certificate. */
  cert: pulumi.Input<string>;
  /** PEM client key. Secret. */
  key: pulumi.Input<string>;
}

/**
 * How Berth reaches a node's Docker engine as a `@pulumi/docker` `Provider` the program already has
 * describes it (see `dockerProviderConnection`).
 */
export interface SwarmNodeDocker {
  /** The program's `docker.Provider` for this node's engine. */
  provider: DockerProvider;
  /** The key and host key, required when the provider's host is `ssh://`. */
  ssh?: DockerProviderSsh;
}

/** One machine of a {@link SwarmCluster}. Exactly one of `ssh`, `tls` and `docker`. */
export interface SwarmNodeArgs {
  /** The node's key in the cluster: stable across runs, unique. Becomes the node's hostname label. */
  name: string;
  /**
   * The first manager in the list forms the swarm.
   * @default `"worker"`
   */
  role?: SwarmNodeRole;
  /**
   * Node labels, for placement constraints (`node.labels.zone == a`).
   * @default none
   */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** @default `"active"` */
  availability?: SwarmNodeAvailability;
  /** Reach the node's engine over SSH. */
  ssh?: SwarmNodeSsh;
  /** Reach the node's engine over the Docker API with mutual TLS. */
  tls?: SwarmNodeTls;
  /** Reach the node's engine as a `@pulumi/docker` `Provider` describes it. */
  docker?: SwarmNodeDocker;
  /**
   * The address other nodes reach this one at for swarm traffic (2377/tcp on managers, 7946, 4789).
   * @default the address of `ssh.host` or `tls.host`, or the docker provider's host (required when that
   * is a socket)
   */
  advertiseAddr?: pulumi.Input<string>;
  /**
   * Where the node listens for swarm traffic.
   * @default `0.0.0.0:2377`
   */
  listenAddr?: pulumi.Input<string>;
  /**
   * The address for overlay data traffic (VXLAN).
   * @default the advertise address
   */
  dataPathAddr?: pulumi.Input<string>;
}
