/**
 * A `@pulumi/docker` `Provider` a program already has, read as Berth's engine connection, so that the
 * engine is described once. Berth does not load `@pulumi/docker`: it reads the provider's outputs.
 */
import { readFileSync } from "fs";
import { userInfo } from "os";
import { join } from "path";
import * as pulumi from "@pulumi/pulumi";
import type { EngineConnection } from "../../provider/swarm";

/** What Berth reads of a `@pulumi/docker` `Provider`: its outputs of the same names. */
export interface DockerProviderSettings {
  /** `unix:///path`, `tcp://host:port` (with TLS material) or `ssh://user@host:port`. */
  readonly host: pulumi.Output<string | undefined>;
  /** PEM CA certificate that signed the engine's certificate. */
  readonly caMaterial: pulumi.Output<string | undefined>;
  /** PEM client certificate. */
  readonly certMaterial: pulumi.Output<string | undefined>;
  /** PEM client key. */
  readonly keyMaterial: pulumi.Output<string | undefined>;
  /** A directory holding `ca.pem`, `cert.pem` and `key.pem`, as `DOCKER_CERT_PATH` does. */
  readonly certPath: pulumi.Output<string | undefined>;
  /** A Docker context name: refused, as Berth does not read the docker CLI's contexts. */
  readonly context: pulumi.Output<string | undefined>;
}

/** A `@pulumi/docker` `Provider`, as Berth types it without loading `@pulumi/docker`. */
export type DockerProvider = DockerProviderSettings & pulumi.ProviderResource;

/**
 * What a provider with an `ssh://` host leaves to the ssh client (its agent and `known_hosts`), and
 * Berth wants said: it verifies every host key against the one given.
 */
export interface DockerProviderSsh {
  /** PEM or OpenSSH private key. Secret. */
  privateKey: pulumi.Input<string>;
  /** The engine host's key, as a known_hosts entry (`ssh-ed25519 AAAA...`). */
  hostKey: pulumi.Input<string>;
}

/** The provider's settings, resolved. */
export type DockerProviderValues = { [K in keyof DockerProviderSettings]?: string };

/** Reads a TLS directory's files; replaceable in tests. */
export type ReadTlsFile = (path: string) => string;

/**
 * The connection a docker provider's settings describe. Throws, naming `provider` and the setting, for
 * what Berth will not do: a context, plain TCP, partial TLS material, or SSH without a key and host key.
 */
export function connectionFromDockerSettings(
  provider: string,
  values: DockerProviderValues,
  ssh?: { privateKey: string; hostKey: string },
  readTlsFile: ReadTlsFile = (path) => readFileSync(path, "utf8"),
): EngineConnection {
  const refuse = (setting: string, reason: string): never => {
    throw new Error(`docker provider ${provider}: ${setting} ${reason}`);
  };
  if (values.context)
    refuse(
      "context",
      `(${values.context}) is a docker CLI context, which Berth does not read: set the provider's host (and TLS material) instead`,
    );
  const host = values.host?.trim();
  if (!host) return {};
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return refuse(
      "host",
      `(${host}) is not an address such as unix:///var/run/docker.sock or tcp://host:2376`,
    );
  }
  switch (url.protocol) {
    case "unix:":
      if (!url.pathname) refuse("host", `(${host}) names no socket`);
      return { socketPath: decodeURIComponent(url.pathname) };
    case "tcp:":
    case "https:": {
      const tls = tlsMaterial(values, readTlsFile, refuse);
      return { protocol: "https", host: url.hostname, port: url.port ? Number(url.port) : 2376, ...tls };
    }
    case "ssh:": {
      if (!ssh)
        refuse(
          "host",
          `(${host}) reaches the engine over SSH with the ssh agent and known_hosts; Berth verifies the host key it is given: use dockerProviderConnection(provider, { privateKey, hostKey })`,
        );
      return {
        protocol: "ssh",
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        // As the ssh client the provider runs: the local user unless the address names one.
        username: url.username ? decodeURIComponent(url.username) : userInfo().username,
        privateKey: ssh!.privateKey,
        hostKey: ssh!.hostKey,
      };
    }
    default:
      return refuse(
        "host",
        `(${host}) uses ${url.protocol.replace(/:$/, "")}://, which Berth does not reach: use unix://, tcp:// with TLS, or ssh://`,
      );
  }
}

/** The provider's CA, certificate and key: given inline, or read from its certificate directory. */
function tlsMaterial(
  values: DockerProviderValues,
  readTlsFile: ReadTlsFile,
  refuse: (setting: string, reason: string) => never,
): { ca: string; cert: string; key: string } {
  const inline = { ca: values.caMaterial, cert: values.certMaterial, key: values.keyMaterial };
  const given = Object.entries(inline).filter(([, v]) => v);
  if (given.length === 3) return inline as { ca: string; cert: string; key: string };
  if (given.length > 0)
    refuse(
      "caMaterial, certMaterial and keyMaterial",
      `must be given together (only ${given.map(([k]) => `${k}Material`).join(", ")} is set)`,
    );
  if (!values.certPath)
    refuse(
      "host",
      `(${values.host}) is a TCP address without TLS material: Berth never reaches an engine unencrypted; set caMaterial, certMaterial and keyMaterial, or certPath`,
    );
  const read = (file: string) => {
    const path = join(values.certPath!, file);
    try {
      return readTlsFile(path);
    } catch (err) {
      return refuse("certPath", `has no readable ${file} (${path}: ${(err as Error).message})`);
    }
  };
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}

/** Whether `value` is a provider resource with a docker provider's settings (without loading `@pulumi/docker`). */
export function isDockerProvider(value: unknown): value is DockerProvider {
  if (!pulumi.CustomResource.isInstance(value)) return false;
  const settings = value as unknown as Record<string, unknown>;
  return (["host", "caMaterial", "certMaterial", "keyMaterial", "certPath", "context"] as const).every((k) =>
    pulumi.Output.isInstance(settings[k]),
  );
}

/**
 * The provider's settings a connection needs, read as its `host` asks for them. In a preview the SDK
 * takes every output a provider resource does not hold (`certPath` when the material is inline,
 * `context`, the material of a socket's provider) as unknown, as it takes the computed ones: a
 * connection made from all of them would be unknown in every preview, and every Swarm resource would
 * show an update. So only what the host's scheme needs is read, the certificate directory only when
 * the material is not given, and the context (which Berth refuses) only outside previews, where an
 * unset output is known to be unset.
 */
function neededSettings(provider: DockerProviderSettings): pulumi.Output<DockerProviderValues> {
  const values = provider.host.apply((host): pulumi.Output<DockerProviderValues> => {
    const scheme = host?.trim().split(":")[0];
    if (scheme !== "tcp" && scheme !== "https") return pulumi.output({ host });
    const material = pulumi.all([provider.caMaterial, provider.certMaterial, provider.keyMaterial]);
    return material.apply(([caMaterial, certMaterial, keyMaterial]) => {
      const given = { host, caMaterial, certMaterial, keyMaterial };
      if (caMaterial && certMaterial && keyMaterial) return pulumi.output(given);
      return provider.certPath.apply((certPath) => ({ ...given, certPath }));
    });
  });
  if (pulumi.runtime.isDryRun()) return values;
  return pulumi.all([values, provider.context]).apply(([v, context]) => ({ ...v, context }));
}

/**
 * The engine connection a `@pulumi/docker` `Provider` describes, for `LocalSwarm`'s `connection` (which
 * also takes the provider itself when it needs no SSH key) or any Swarm resource's. Secret, as it may
 * carry a key. The provider's `host` is read as the docker CLI reads `DOCKER_HOST`: `unix://` a socket,
 * `tcp://` with TLS (`caMaterial`/`certMaterial`/`keyMaterial`, or `certPath`), `ssh://` with the
 * `ssh` settings given here; no host is the local engine. Its `sshOpts` and `registryAuth` are not read.
 *
 * @param ssh - Required when the provider's host is `ssh://`.
 */
export function dockerProviderConnection(
  provider: DockerProviderSettings,
  ssh?: DockerProviderSsh,
): pulumi.Output<EngineConnection> {
  const name = (provider as { __name?: string }).__name ?? "(unnamed)";
  return pulumi.secret(
    pulumi
      .all([neededSettings(provider), ssh === undefined ? undefined : pulumi.output(ssh)])
      .apply(([values, sshValues]) => connectionFromDockerSettings(name, values, sshValues)),
  );
}
