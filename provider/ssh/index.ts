export {
  SshHostKey,
  type SshHostKeyArgs,
  hostKeyProvider,
  type HostKeyInputs,
  type HostKeyOutputs,
} from "./host-key";
export {
  MachineReady,
  type MachineReadyArgs,
  machineReadyProvider,
  type MachineReadyInputs,
  type MachineReadyOutputs,
} from "./machine-ready";
