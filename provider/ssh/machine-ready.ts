import { setTimeout as sleep } from "timers/promises";
import * as pulumi from "@pulumi/pulumi";
import { withSecretOutputs } from "../swarm/resource-options";
import { hostKeyBlob, knownHostsEntry } from "../swarm/engine";
import { isUnknown } from "../unknowns";
import { engineLog } from "../swarm/log";
import { dynamicProvider } from "../reference";

export interface MachineReadyInputs {
  /** The machine's name, for messages. */
  machine: string;
  host: string;
  port: number;
  username: string;
  /** Secret. */
  privateKey: string;
  /** `ssh-ed25519 AAAA...`: the only host key accepted. */
  hostKey: string;
  timeoutSeconds: number;
  pollSeconds: number;
}

export interface MachineReadyOutputs extends MachineReadyInputs {
  /** The version of the Docker engine the machine reported. */
  dockerVersion: string;
}

type Probe = { ready: true; version: string } | { ready: false; reason: string };

/** `<type> <base64>` of an SSH public key blob, as in known_hosts. */
function knownHostsEntryOf(blob: Buffer): string {
  const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = blob.subarray(4, 4 + typeLength).toString("latin1") || "unknown";
  return `${type} ${blob.toString("base64")}`;
}

/**
 * One attempt: connect, verify the host key (nothing is sent to a host presenting any other), log in
 * and ask Docker for its version.
 */
function probe(inputs: MachineReadyInputs, readyTimeout: number): Promise<Probe> {
  // Loaded here, so the serialized provider captures no module.
  const { Client } = require("ssh2") as typeof import("ssh2");
  const expected = hostKeyBlob(inputs.hostKey);
  return new Promise((resolve) => {
    const client = new Client();
    let presented: Buffer | undefined;
    let settled = false;
    const finish = (result: Probe) => {
      if (settled) return;
      settled = true;
      client.end();
      resolve(result);
    };
    client.on("error", (err: Error & { level?: string }) => {
      if (presented && !presented.equals(expected))
        finish({
          ready: false,
          reason: `it presented the host key ${knownHostsEntryOf(presented)}, not the expected one; nothing was sent to it`,
        });
      else if (err.level === "client-authentication")
        finish({ ready: false, reason: `it did not accept the private key for user ${inputs.username}` });
      else finish({ ready: false, reason: err.message });
    });
    client.on("close", () => finish({ ready: false, reason: "the connection closed" }));
    client.on("ready", () => {
      client.exec("docker version --format '{{.Server.Version}}'", (err, stream) => {
        if (err) return finish({ ready: false, reason: err.message });
        let out = "";
        let errors = "";
        stream.on("data", (chunk: Buffer) => (out += chunk.toString()));
        stream.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
        stream.on("close", (code: number | null) => {
          const version = out.trim();
          if (code === 0 && version) finish({ ready: true, version });
          else {
            const said = errors.trim().split("\n")[0] || "no output";
            finish({ ready: false, reason: `docker version exited with ${String(code)}: ${said}` });
          }
        });
      });
    });
    client.connect({
      host: inputs.host,
      port: inputs.port,
      username: inputs.username,
      privateKey: inputs.privateKey,
      readyTimeout,
      hostVerifier: (key: Buffer) => {
        presented = key;
        return expected.length > 0 && key.equals(expected);
      },
    });
  });
}

/** Probes until Docker answers over SSH, or fails with the last reason once the time is up. */
async function waitUntilReady(inputs: MachineReadyInputs): Promise<string> {
  const started = Date.now();
  const deadline = started + inputs.timeoutSeconds * 1000;
  let lastLog = started;
  for (;;) {
    const left = deadline - Date.now();
    const result = await probe(inputs, Math.max(1000, Math.min(20_000, left)));
    if (result.ready) return result.version;
    if (Date.now() + inputs.pollSeconds * 1000 >= deadline)
      throw new Error(
        `${inputs.machine}: ${inputs.username}@${inputs.host}:${inputs.port} did not run Docker within ${inputs.timeoutSeconds} s: ${result.reason}`,
      );
    if (Date.now() - lastLog >= 60_000) {
      lastLog = Date.now();
      engineLog("info", `${inputs.machine}: waiting for SSH and Docker (${result.reason})`);
    }
    await sleep(inputs.pollSeconds * 1000);
  }
}

const watched: (keyof MachineReadyInputs)[] = ["host", "port", "username", "privateKey", "hostKey"];

/**
 * Waits, on create and whenever the address or credentials change, until a new machine lets Berth in
 * over SSH, presenting exactly the expected host key, and its Docker engine answers. What depends on
 * its outputs (a swarm forming over the machine) starts only then.
 */
export const machineReadyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: MachineReadyInputs, news: MachineReadyInputs) {
    // Values not known yet (a new instance's address, a new host key) are judged once they are.
    const failures: { property: string; reason: string }[] = [];
    for (const field of ["host", "username", "privateKey", "hostKey"] as const)
      if (!isUnknown(news[field]) && (typeof news[field] !== "string" || news[field] === ""))
        failures.push({ property: field, reason: "is required" });
    if (!isUnknown(news.hostKey) && typeof news.hostKey === "string" && news.hostKey !== "")
      if (!knownHostsEntry.test(news.hostKey))
        failures.push({ property: "hostKey", reason: 'must be "<type> <base64>", as a known_hosts entry' });
    for (const field of ["port", "timeoutSeconds", "pollSeconds"] as const)
      if (!isUnknown(news[field]) && (typeof news[field] !== "number" || !(news[field] > 0)))
        failures.push({ property: field, reason: "must be a number above 0" });
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: MachineReadyOutputs, news: MachineReadyInputs) {
    // Nothing replaces: a new address or credential is waited for again, in place.
    return { changes: watched.some((field) => isUnknown(news[field]) || olds[field] !== news[field]) };
  },

  async create(inputs: MachineReadyInputs) {
    const dockerVersion = await waitUntilReady(inputs);
    const outs: MachineReadyOutputs = { ...inputs, dockerVersion };
    return { id: `${inputs.machine}@${inputs.host}`, outs };
  },

  async update(_id: string, _olds: MachineReadyOutputs, news: MachineReadyInputs) {
    const dockerVersion = await waitUntilReady(news);
    return { outs: { ...news, dockerVersion } };
  },
};

/** Arguments of {@link MachineReady}. */
export interface MachineReadyArgs {
  /** The machine's SSH host name or address. */
  host: pulumi.Input<string>;
  /** Default: 22. */
  port?: pulumi.Input<number>;
  /** The user to log in as. */
  username: pulumi.Input<string>;
  /** Pass it as a secret. */
  privateKey: pulumi.Input<string>;
  /** The machine's host key, as a known_hosts entry; any other key is refused. */
  hostKey: pulumi.Input<string>;
  /** How long the machine may take to boot and install Docker. Default: 600. */
  timeoutSeconds?: number;
  /** Pause between attempts. Default: 5. */
  pollSeconds?: number;
}

/** A new machine reachable over SSH with Docker running (see `machineReadyProvider`). */
export class MachineReady extends pulumi.dynamic.Resource {
  /** The address the machine answered at. */
  declare readonly host: pulumi.Output<string>;
  /** The Docker version the machine runs. */
  declare readonly dockerVersion: pulumi.Output<string>;

  constructor(name: string, args: MachineReadyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("ssh:machine-ready", machineReadyProvider),
      name,
      {
        machine: name,
        host: args.host,
        port: args.port ?? 22,
        username: args.username,
        privateKey: pulumi.secret(args.privateKey),
        hostKey: args.hostKey,
        timeoutSeconds: args.timeoutSeconds ?? 600,
        pollSeconds: args.pollSeconds ?? 5,
        dockerVersion: undefined,
      },
      withSecretOutputs(opts, ["privateKey"]),
      "berth/ssh",
      "MachineReady",
    );
  }
}
