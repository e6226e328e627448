/**
 * A `@pulumi/docker` `Provider` as Berth's engine connection, for a LocalSwarm or a SwarmCluster node: its
 * host and TLS material read as the docker CLI reads `DOCKER_HOST`, what Berth will not do refused naming
 * the provider and the setting, and the connection secret in state.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { userInfo } from "os";
import * as docker from "@pulumi/docker";
import { LocalSwarm, SwarmCluster, dockerProviderConnection } from "../../components/swarm";
import { connectionFromDockerSettings } from "../../components/swarm/docker-provider";
import { type MockedResource, runProgram } from "../support/harness";
import { plainHolders } from "../support/state-queries";
import { membershipOutputs } from "../support/swarm-mocks";

const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests";
const tlsFiles: Record<string, string> = {
  "/certs/ca.pem": "CA-PEM",
  "/certs/cert.pem": "CERT-PEM",
  "/certs/key.pem": "KEY-PEM",
};
const readFake = (path: string) => {
  if (!(path in tlsFiles)) throw new Error("ENOENT");
  return tlsFiles[path];
};

/** A TLS provider's settings, and the connection Berth reads from them. */
const tlsSettings = {
  host: "tcp://10.0.0.5:2376",
  caMaterial: "CA-PEM",
  certMaterial: "CERT-PEM",
  keyMaterial: "CLIENT-KEY-PEM-7731",
};
const tlsConnection = {
  protocol: "https",
  host: "10.0.0.5",
  port: 2376,
  ca: "CA-PEM",
  cert: "CERT-PEM",
  key: "CLIENT-KEY-PEM-7731",
};
/** An SSH provider's connection, with the key and host key given to Berth. */
const sshConnection = {
  protocol: "ssh",
  host: "10.0.0.7",
  port: 22,
  username: "ops",
  privateKey: "SSH-KEY-4410",
  hostKey,
};

describe("a docker provider's settings as an engine connection", () => {
  const read = (values: Record<string, string>, ssh?: { privateKey: string; hostKey: string }) =>
    connectionFromDockerSettings("engine", values, ssh, readFake);

  it("reads a unix socket, and no host as the local engine", () => {
    assert.deepEqual(read({ host: "unix:///run/user/1000/docker.sock" }), {
      socketPath: "/run/user/1000/docker.sock",
    });
    assert.deepEqual(read({}), {});
  });

  it("reads tcp:// with inline TLS material, or from certPath's ca.pem, cert.pem and key.pem", () => {
    assert.deepEqual(
      read({ host: "tcp://10.0.0.5:2376", caMaterial: "C", certMaterial: "E", keyMaterial: "K" }),
      {
        protocol: "https",
        host: "10.0.0.5",
        port: 2376,
        ca: "C",
        cert: "E",
        key: "K",
      },
    );
    assert.deepEqual(read({ host: "tcp://engine.example.com", certPath: "/certs" }), {
      protocol: "https",
      host: "engine.example.com",
      port: 2376,
      ca: "CA-PEM",
      cert: "CERT-PEM",
      key: "KEY-PEM",
    });
  });

  it("refuses plain TCP, partial TLS material, an unreadable certPath and a context, naming provider and setting", () => {
    assert.throws(() => read({ host: "tcp://10.0.0.5:2375" }), /docker provider engine: host .*unencrypted/);
    assert.throws(
      () => read({ host: "tcp://10.0.0.5:2376", caMaterial: "C", keyMaterial: "K" }),
      /docker provider engine: caMaterial, certMaterial and keyMaterial must be given together \(only caMaterial, keyMaterial is set\)/,
    );
    assert.throws(
      () => read({ host: "tcp://10.0.0.5:2376", certPath: "/elsewhere" }),
      /docker provider engine: certPath has no readable ca\.pem/,
    );
    assert.throws(
      () => read({ context: "prod" }),
      /docker provider engine: context \(prod\) .*set the provider's host/,
    );
    assert.throws(() => read({ host: "npipe:////./pipe/docker_engine" }), /host .*uses npipe:\/\//);
  });

  it("needs a key and host key for ssh://, and takes the user from the address or the local one", () => {
    assert.throws(
      () => read({ host: "ssh://ops@10.0.0.7" }),
      /docker provider engine: host .*dockerProviderConnection\(provider, \{ privateKey, hostKey \}\)/,
    );
    const ssh = { privateKey: "PK", hostKey };
    assert.deepEqual(read({ host: "ssh://ops@10.0.0.7:2222" }, ssh), {
      protocol: "ssh",
      host: "10.0.0.7",
      port: 2222,
      username: "ops",
      privateKey: "PK",
      hostKey,
    });
    assert.equal(read({ host: "ssh://10.0.0.7" }, ssh).username, userInfo().username);
  });
});

describe("LocalSwarm on a @pulumi/docker Provider", () => {
  /** The connection the swarm's SwarmMode was given, checking that no Berth resource holds `needle` in clear. */
  async function swarmModeConnection(program: () => void, needle: string) {
    const run = await runProgram(program, { mockDynamic: () => ({}) });
    const mode = run.resources.find((r) => r.type.endsWith(":SwarmMode"));
    assert.ok(mode, "the swarm has its SwarmMode");
    assert.ok(mode.secretInputs.includes("connection"), "the connection is secret in state");
    // The program's own provider holds what the program gave it; Berth's resources keep it secret.
    const berths = plainHolders(run, needle).filter((at) => !at.startsWith("pulumi:providers:docker "));
    assert.deepEqual(berths, [], `${needle} is in clear nowhere in Berth's resources`);
    return mode.inputs.connection;
  }

  it("takes a provider given as the connection: its socket", async () => {
    const connection = await swarmModeConnection(() => {
      const engine = new docker.Provider("engine", { host: "unix:///var/run/docker.sock" });
      new LocalSwarm("local", { connection: engine });
    }, "unused");
    assert.deepEqual(connection, { socketPath: "/var/run/docker.sock" });
  });

  it("takes a TLS provider's material, kept secret", async () => {
    const connection = await swarmModeConnection(() => {
      const engine = new docker.Provider("engine", tlsSettings);
      new LocalSwarm("local", { connection: engine });
    }, "CLIENT-KEY-PEM-7731");
    assert.deepEqual(connection, tlsConnection);
  });

  it("takes an SSH provider through dockerProviderConnection, with the key and host key given", async () => {
    const connection = await swarmModeConnection(() => {
      const engine = new docker.Provider("engine", { host: "ssh://ops@10.0.0.7", sshOpts: ["-i", "k"] });
      new LocalSwarm("local", {
        connection: dockerProviderConnection(engine, { privateKey: "SSH-KEY-4410", hostKey }),
      });
    }, "SSH-KEY-4410");
    assert.deepEqual(connection, sshConnection);
  });

  it("fails the program naming the provider when it would reach the engine unencrypted", async () => {
    await assert.rejects(
      runProgram(
        () => {
          const engine = new docker.Provider("plain", { host: "tcp://10.0.0.5:2375" });
          new LocalSwarm("local", { connection: engine });
        },
        { mockDynamic: () => ({}) },
      ),
      /docker provider plain: host \(tcp:\/\/10\.0\.0\.5:2375\) is a TCP address without TLS material/,
    );
  });
});

describe("SwarmCluster nodes described by @pulumi/docker Providers", () => {
  const mockDynamic = ({ type, inputs }: MockedResource) =>
    type.endsWith(":SwarmMembership") ? membershipOutputs(inputs) : {};

  it("reaches each node as its provider says, advertising the provider's host, with keys kept secret", async () => {
    const run = await runProgram(
      () => {
        const tls = new docker.Provider("m1-engine", tlsSettings);
        const ssh = new docker.Provider("w1-engine", { host: "ssh://ops@10.0.0.7" });
        new SwarmCluster("fleet", {
          nodes: [
            { name: "m1", role: "manager", docker: { provider: tls } },
            { name: "w1", docker: { provider: ssh, ssh: { privateKey: "SSH-KEY-4410", hostKey } } },
          ],
        });
      },
      { mockDynamic },
    );
    const membership = run.resources.find((r) => r.type.endsWith(":SwarmMembership"));
    assert.ok(membership);
    const nodes = membership.inputs.nodes as { name: string; advertiseAddr: string; connection: unknown }[];
    assert.deepEqual(
      nodes.map((n) => [n.name, n.advertiseAddr, n.connection]),
      [
        ["m1", "10.0.0.5", tlsConnection],
        ["w1", "10.0.0.7", sshConnection],
      ],
    );
    for (const needle of ["CLIENT-KEY-PEM-7731", "SSH-KEY-4410"]) {
      const berths = plainHolders(run, needle).filter((at) => !at.startsWith("pulumi:providers:docker "));
      assert.deepEqual(berths, [], `${needle} is in clear nowhere in Berth's resources`);
    }
  });

  it("refuses a node with two ways to its engine, and one whose provider is a socket without advertiseAddr", async () => {
    await assert.rejects(
      runProgram(
        () => {
          const engine = new docker.Provider("m1-engine", { host: "unix:///var/run/docker.sock" });
          new SwarmCluster("fleet", {
            nodes: [
              {
                name: "m1",
                role: "manager",
                docker: { provider: engine },
                tls: { host: "10.0.0.5", ca: "C", cert: "E", key: "K" },
              },
            ],
          });
        },
        { mockDynamic },
      ),
      /nodes\[0\]: needs exactly one of ssh, tls and docker/,
    );
    await assert.rejects(
      runProgram(
        () => {
          const engine = new docker.Provider("m1-engine", { host: "unix:///var/run/docker.sock" });
          new SwarmCluster("fleet", {
            nodes: [{ name: "m1", role: "manager", docker: { provider: engine } }],
          });
        },
        { mockDynamic },
      ),
      /node m1: docker\.provider reaches its engine through a socket.*set advertiseAddr/,
    );
  });
});
