import type Dockerode from "dockerode";

/**
 * How to reach a Docker engine. Empty means the local engine: `DOCKER_HOST` when set, otherwise
 * `/var/run/docker.sock`. Plain data only, so it can travel in a dynamic resource's inputs.
 */
export interface EngineConnection {
  /** Unix socket path. Default: from `DOCKER_HOST`, else `/var/run/docker.sock`. */
  socketPath?: string;
}

/**
 * A Dockerode client for `connection`. Loads dockerode on call, so dynamic providers that use it
 * capture no live client when Pulumi serializes them.
 */
export function engineClient(connection: EngineConnection = {}): Dockerode {
  const Docker = require("dockerode") as typeof Dockerode;
  if (connection.socketPath) return new Docker({ socketPath: connection.socketPath });
  // Without options docker-modem reads DOCKER_HOST (and its TLS variables) itself.
  return new Docker();
}
