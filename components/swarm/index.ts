/**
 * `pulumi-berth/swarm`: Docker Swarm clusters and workloads. Machines on AWS and Google Cloud are behind their
 * own subpaths (`pulumi-berth/swarm/aws`, `pulumi-berth/swarm/gce`), so only their users need those SDKs.
 *
 * @module pulumi-berth/swarm
 */
export {
  EngineInfo,
  type EngineInfoArgs,
  type EngineFacts,
  type EngineConnection,
  type EngineConnections,
  SwarmService,
  type SwarmServiceArgs,
  type RegistryAuth,
  type ProviderServiceSpec,
  SwarmNetwork,
  type SwarmNetworkArgs,
  SwarmSecret,
  SwarmConfig,
  type SwarmFileObjectArgs,
  SwarmMode,
  type SwarmModeArgs,
} from "../../provider/swarm";
export {
  renderSwarm,
  swarmDefaultLogging,
  type SwarmLogging,
  type SwarmRenderOptions,
} from "../spec/render/swarm";
export type * from "../spec/render/swarm-types";
export { LocalSwarm, type LocalSwarmArgs } from "./local-swarm";
export {
  dockerProviderConnection,
  type DockerProvider,
  type DockerProviderSettings,
  type DockerProviderSsh,
} from "./docker-provider";
export { type DefaultNetworkOptions } from "./cluster-services";
export { SwarmWorkload, type SwarmWorkloadArgs } from "./workload";
export { SwarmCluster, type SwarmClusterArgs, SwarmClusterError } from "./swarm-cluster";
export type * from "./node-types";
export { SwarmMembership, type SwarmMembershipArgs } from "../../provider/swarm";
export { swarmNodeCloudInit, type SwarmNodeCloudInit } from "./cloud-init";
export { SshHostKey, type SshHostKeyArgs, MachineReady, type MachineReadyArgs } from "../../provider/ssh";
export { SwarmNodesError } from "./vm-args";
export { stackServiceSpec, type StackNames } from "./stack-service-spec";
