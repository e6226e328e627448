/**
 * Every dynamic provider Berth ships, by the stable name that state refers to. Installed from npm,
 * a resource's serialized provider only requires this module (`pulumi-berth/providers`) and looks its
 * provider up here, so the code that reads, updates and deletes a resource is always the installed
 * Berth's, not a copy frozen in state when the resource was created.
 *
 * Names never change meaning: a new provider gets a new name, and a name is kept as long as any
 * released version of Berth could have written it into state.
 *
 * @module pulumi-berth/providers
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
  "swarm:stack-convergence": () => require("./swarm/stack-convergence").stackConvergenceProvider,
  "ssh:host-key": () => require("./ssh/host-key").hostKeyProvider,
  "ssh:machine-ready": () => require("./ssh/machine-ready").machineReadyProvider,
  "harbor:project": () => require("./harbor/project").projectProvider,
  "harbor:robot": () => require("./harbor/robot").robotProvider,
  "harbor:retention-policy": () => require("./harbor/retention").retentionProvider,
  "harbor:immutable-tag-rule": () => require("./harbor/immutable-tag-rule").immutableTagRuleProvider,
  "harbor:project-member": () => require("./harbor/project-member").projectMemberProvider,
  "harbor:registry-endpoint": () => require("./harbor/registry-endpoint").registryEndpointProvider,
  "harbor:replication-policy": () => require("./harbor/replication-policy").replicationPolicyProvider,
  "harbor:gc-schedule": () => require("./harbor/gc-schedule").gcScheduleProvider,
  "gitlab:registry": () => require("./gitlab/registry").registryProvider,
  "gitlab:deploy-token": () => require("./gitlab/deploy-token").deployTokenProvider,
  "gitlab:access-token": () => require("./gitlab/access-token").accessTokenProvider,
  "gitlab:protection-rule": () => require("./gitlab/protection-rule").protectionRuleProvider,
  "kubernetes:rollout": () => require("./kubernetes/rollout").rolloutProvider,
  "docker:image": () => require("./docker/image").imageProvider,
  "random:salt": () => require("./random/salt").saltProvider,
  "random:password": () => require("./random/password").passwordProvider,
  "random:stack-id": () => require("./random/stack-id").stackIdProvider,
  "harbor:health": () => require("./harbor/health").healthProvider,
  "kubernetes:release": () => require("./kubernetes/release").releaseProvider,
  "kubernetes:helm-watch": () => require("./kubernetes/helm-watch").helmWatchProvider,
} satisfies Record<string, () => pulumi.dynamic.ResourceProvider>;

/** The stable name of a dynamic provider, by which a stack's state refers to it. */
export type ProviderName = keyof typeof loaders;

const loaded = new Map<ProviderName, pulumi.dynamic.ResourceProvider>();

/** The provider registered under `name`, loaded on first use. */
export function providerNamed(name: ProviderName): pulumi.dynamic.ResourceProvider {
  const loader = loaders[name];
  if (!loader) {
    throw new Error(
      `this version of Berth has no dynamic provider "${name}"; the stack's state was written by a newer Berth: upgrade the pulumi-berth package`,
    );
  }
  const provider: pulumi.dynamic.ResourceProvider = loaded.get(name) ?? loader();
  loaded.set(name, provider);
  return provider;
}
