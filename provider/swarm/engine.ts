// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");

/**
 * How to reach a Docker engine. Plain data only, so it can travel in a dynamic resource's inputs.
 * - nothing set: the local engine (`DOCKER_HOST` when set, else `/var/run/docker.sock`);
 * - `socketPath`: a unix socket;
 * - `protocol: "https"` with `host`, `ca`, `cert`, `key`: the engine's TCP API with mutual TLS;
 * - `protocol: "ssh"` with `host`, `username`, `privateKey`, `hostKey`: `docker system dial-stdio`
 *   over SSH. The server's host key must equal `hostKey`; no other key is ever accepted.
 * `key` and `privateKey` are credentials: pass them as Pulumi secrets.
 */
export interface EngineConnection {
  /** The engine's Unix socket. */
  socketPath?: string;
  /** How to reach a remote engine: the TCP API with mutual TLS, or SSH. */
  protocol?: "https" | "ssh";
  /** The remote engine's host name or address. */
  host?: string;
  /** Default: 2376 for https, 22 for ssh. */
  port?: number;
  /** PEM CA certificate that signed the engine's certificate (https). */
  ca?: string;
  /** PEM client certificate (https). */
  cert?: string;
  /** PEM client key (https). Secret. */
  key?: string;
  /** SSH user. */
  username?: string;
  /** PEM/OpenSSH private key (ssh). Secret. */
  privateKey?: string;
  /** The server's public host key, as in known_hosts: `ssh-ed25519 AAAA...`. */
  hostKey?: string;
}

/** `<type> <base64 key blob>` with an optional comment, as in known_hosts. */
export const knownHostsEntry = /^(ssh|ecdsa|sk)-[a-z0-9-@.]+ AAAA[A-Za-z0-9+/]+={0,3}( .*)?$/;

/** The key blob of a known_hosts entry: the bytes a server presents as its host key. */
export function hostKeyBlob(entry: string): Buffer {
  return Buffer.from(entry.trim().split(/\s+/)[1] ?? "", "base64");
}

/** Problems with a connection, as `{ property, reason }` for a provider's `check`. */
export function connectionProblems(c: EngineConnection | undefined, at = "connection") {
  const problems: { property: string; reason: string }[] = [];
  if (!c) return problems;
  const need = (field: keyof EngineConnection, why: string) => {
    if (!c[field]) problems.push({ property: `${at}.${field}`, reason: `is required ${why}` });
  };
  if (c.protocol === undefined) {
    if (c.host !== undefined) {
      problems.push({
        property: `${at}.protocol`,
        reason: 'is required with host: "https" (TLS) or "ssh"; an engine is never reached unencrypted',
      });
    }
  } else if (c.protocol === "https") {
    for (const field of ["host", "ca", "cert", "key"] as const) need(field, "for a TLS connection");
  } else if (c.protocol === "ssh") {
    for (const field of ["host", "username", "privateKey"] as const) need(field, "for an SSH connection");
    need("hostKey", "for an SSH connection: the server's host key is always verified");
    if (c.hostKey && !knownHostsEntry.test(c.hostKey)) {
      problems.push({
        property: `${at}.hostKey`,
        reason: 'must be "<type> <base64>", as a known_hosts entry',
      });
    }
  } else {
    problems.push({
      property: `${at}.protocol`,
      reason: `must be "https" or "ssh", not ${JSON.stringify(c.protocol)}`,
    });
  }
  return problems;
}

/**
 * Problems with reaching "the local engine" (no connection given) the way the environment says:
 * `DOCKER_HOST=ssh://...` would accept any host key, and `DOCKER_HOST=tcp://...` without
 * `DOCKER_TLS_VERIFY=1` and `DOCKER_CERT_PATH` is plain HTTP (or TLS with no client certificate).
 * Both are refused; unix sockets and `tcp://` with verified TLS are accepted.
 *
 * @param env - Default: `process.env`, read when called (inside the provider).
 */
export function ambientConnectionProblems(
  at = "connection",
  env: Record<string, string | undefined> = process.env,
): { property: string; reason: string }[] {
  const host = env.DOCKER_HOST;
  if (!host || /^(unix|npipe):\/\//.test(host)) return [];
  const where = ambientTarget(host);
  if (/^ssh:\/\//.test(host)) {
    return [
      {
        property: at,
        reason:
          `is not set, so the engine would be reached through DOCKER_HOST (${where}) without verifying ` +
          `the server's host key; give connection { protocol: "ssh", host, username, privateKey, hostKey } ` +
          `(hostKey as a known_hosts entry) instead`,
      },
    ];
  }
  if (env.DOCKER_TLS_VERIFY === "1" && env.DOCKER_CERT_PATH) return [];
  return [
    {
      property: at,
      reason:
        `is not set, so the engine would be reached through DOCKER_HOST (${where}) without verified TLS; ` +
        `set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, cert.pem, key.pem), or give ` +
        `connection { protocol: "https", host, ca, cert, key }; an engine is never reached unencrypted`,
    },
  ];
}

/** `scheme://host:port` of a DOCKER_HOST value, without any user name or path. */
function ambientTarget(host: string): string {
  try {
    const url = new URL(host.includes("//") ? host : `tcp://${host}`);
    return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}`;
  } catch {
    return "a value that is not a URL";
  }
}

/** A short description of where a connection goes, never including credentials. */
export function describeConnection(c: EngineConnection = {}): string {
  if (c.protocol)
    return `${c.protocol}://${c.username ? `${c.username}@` : ""}${c.host}:${c.port ?? (c.protocol === "ssh" ? 22 : 2376)}`;
  return c.socketPath ? `unix://${c.socketPath}` : (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock");
}

/**
 * A Dockerode client for `connection`. Loads its libraries on call, so dynamic providers that use it
 * capture no live client when Pulumi serializes them.
 */
export function engineClient(c: EngineConnection = {}): Dockerode {
  const Docker = require("dockerode") as typeof Dockerode;
  if (c.protocol === "https") {
    return new Docker({
      protocol: "https",
      host: c.host,
      port: c.port ?? 2376,
      ca: c.ca,
      cert: c.cert,
      key: c.key,
    });
  }
  if (c.protocol === "ssh") {
    const expected = hostKeyBlob(c.hostKey ?? "");
    return new Docker({
      protocol: "ssh",
      host: c.host,
      port: c.port ?? 22,
      username: c.username,
      sshOptions: {
        privateKey: c.privateKey,
        readyTimeout: 20_000,
        hostVerifier: (key: Buffer) => expected.length > 0 && Buffer.compare(key, expected) === 0,
      },
    } as Dockerode.DockerOptions);
  }
  if (c.socketPath) return new Docker({ socketPath: c.socketPath });
  // Without options docker-modem reads DOCKER_HOST (and its TLS variables) itself.
  return new Docker();
}
