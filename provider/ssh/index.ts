export {
  SshHostKey,
  type SshHostKeyArgs,
  hostKeyProvider,
  type HostKeyInputs,
  type HostKeyOutputs,
} from "./host-key";
