/**
 * Every dynamic provider Berth ships, by the stable name that state refers to. Installed from npm,
 * a resource's serialized provider only requires this module (`berth/providers`) and looks its
 * provider up here, so the code that reads, updates and deletes a resource is always the installed
 * Berth's, not a copy frozen in state when the resource was created.
 *
 * Names never change meaning: a new provider gets a new name, and a name is kept as long as any
 * released version of Berth could have written it into state.
 */
import type * as pulumi from "@pulumi/pulumi";

const loaders = {
  "swarm:service": () => require("./swarm/service").serviceProvider,
  "swarm:network": () => require("./swarm/network").networkProvider,
  "swarm:secret": () => require("./swarm/file-object").fileObjectProvider("secret"),
  "swarm:config": () => require("./swarm/file-object").fileObjectProvider("config"),
  "swarm:mode": () => require("./swarm/swarm-mode").swarmModeProvider,
  "swarm:engine-info": () => require("./swarm/engine-info").engineInfoProvider,
  "swarm:membership": () => require("./swarm/membership").membershipProvider,
  "ssh:host-key": () => require("./ssh/host-key").hostKeyProvider,
  "ssh:machine-ready": () => require("./ssh/machine-ready").machineReadyProvider,
} satisfies Record<string, () => pulumi.dynamic.ResourceProvider>;

export type ProviderName = keyof typeof loaders;

const loaded = new Map<ProviderName, pulumi.dynamic.ResourceProvider>();

/** The provider registered under `name`, loaded on first use. */
export function providerNamed(name: ProviderName): pulumi.dynamic.ResourceProvider {
  const loader = loaders[name];
  if (!loader) {
    throw new Error(
      `this version of Berth has no dynamic provider "${name}"; the stack's state was written by a newer Berth: upgrade the berth package`,
    );
  }
  const provider: pulumi.dynamic.ResourceProvider = loaded.get(name) ?? loader();
  loaded.set(name, provider);
  return provider;
}
