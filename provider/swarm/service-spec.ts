/**
 * The parts of an Engine API `ServiceSpec` the Swarm service provider reads or fills. The provider sends
 * the rest as it is given (any further fields pass through); the spec renderer is what shapes it.
 */
export interface ProviderServiceSpec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Env?: string[];
      Secrets?: { SecretName: string; SecretID: string; File?: object }[];
      Configs?: { ConfigName: string; ConfigID: string; File?: object }[];
    };
    Networks?: { Target: string; Aliases?: string[] }[];
  };
  Mode:
    | { Replicated: { Replicas: number } }
    | { Global: Record<string, never> }
    | { ReplicatedJob: { MaxConcurrent: number; TotalCompletions: number } };
}
