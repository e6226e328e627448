/**
 * The "VMs" of the cluster tests: network namespaces, each with its own dockerd and an sshd that lets
 * one admin key in, started together and taken down together.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { engineReachable } from "./engine";
import { type NetnsEngine, netnsUnavailable, startNetnsEngine } from "./netns-engine";
import { type NetnsSshd, type SshKeyPair, sshdUnavailable, sshKeyPair, startSshd } from "./netns-sshd";

/** One host: its engine, and the sshd in front of it. */
export interface SshHost {
  engine: NetnsEngine;
  sshd: NetnsSshd;
}

/**
 * Whether the cluster tests can run here (root, an engine, namespaces, sshd). In CI they must: a reason
 * they cannot is an error. Elsewhere the reason is printed and the tests skip.
 */
export async function clusterHostsCanRun(): Promise<boolean> {
  const why = (await engineReachable())
    ? (netnsUnavailable() ?? sshdUnavailable())
    : "no Docker engine answers";
  if (!why) return true;
  if (process.env.CI) throw new Error(`cluster test cannot run: ${why}`);
  console.warn(`\n!!! SKIPPED (the cluster test needs root, an engine, namespaces and sshd): ${why}\n`);
  return false;
}

/** Hosts started by {@link startSshHosts}, with the admin key they let in. */
export interface SshHosts<N extends string> {
  hosts: Record<N, SshHost>;
  admin: SshKeyPair;
  /** Destroys every host and removes the keys. */
  destroy(): Promise<void>;
}

/**
 * One host per name, at namespace indexes from `firstIndex` on, each with `images` copied from the main
 * engine, and a fresh admin key pair.
 */
export async function startSshHosts<N extends string>(
  names: readonly N[],
  options: { firstIndex: number; images?: string[] },
): Promise<SshHosts<N>> {
  const keys = mkdtempSync(join(tmpdir(), "berth-cluster-keys-"));
  const admin = sshKeyPair(keys, "admin");
  const hosts = {} as Record<N, SshHost>;
  const destroy = async () => {
    await Promise.all(Object.values<SshHost>(hosts).map((h) => h.engine.destroy()));
    rmSync(keys, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      names.map(async (name, i) => {
        const engine = await startNetnsEngine({
          index: options.firstIndex + i,
          ...(options.images && { images: options.images }),
        });
        hosts[name] = { engine, sshd: await startSshd(engine, admin.publicKey) };
      }),
    );
  } catch (err) {
    await destroy();
    throw err;
  }
  return { hosts, admin, destroy };
}
