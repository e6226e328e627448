export * from "./engine";
export * from "./engine-info";
export * from "./ownership";
export { SwarmSecret, SwarmConfig, type SwarmFileObjectArgs } from "./secret";
export { fileObjectProvider, type FileObjectKind } from "./file-object";
export {
  SwarmNetwork,
  networkProvider,
  type SwarmNetworkArgs,
  type NetworkInputs,
  type NetworkIpam,
  type NetworkIpamPool,
} from "./network";
export {
  SwarmService,
  serviceProvider,
  type SwarmServiceArgs,
  type ServiceInputs,
  type RegistryAuth,
  type ServiceChange,
} from "./service";
export {
  SwarmStackConvergence,
  stackConvergenceProvider,
  stackServiceTarget,
  type SwarmStackConvergenceArgs,
  type StackServiceTarget,
  type StackConvergenceInputs,
} from "./stack-convergence";
export { type ProviderServiceSpec } from "./service-spec";
export { waitForConvergence } from "./convergence";
export {
  SwarmMode,
  swarmModeProvider,
  type SwarmModeArgs,
  type SwarmModeInputs,
  type SwarmModeOutputs,
} from "./swarm-mode";
export {
  membershipProvider,
  type MembershipInputs,
  type MembershipOutputs,
  type SwarmSettings,
  type RotationTriggers,
} from "./membership";
export { SwarmMembership, type SwarmMembershipArgs } from "./membership-resource";
export { type MemberSpec, type MemberRole, type MemberAvailability } from "./membership-plan";
export * from "./managers";
