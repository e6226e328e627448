/**
 * The subset of the Docker Engine API's `ServiceSpec` (API 1.41+) that Berth writes, with the API's
 * own field names. Durations are nanoseconds.
 */
export interface SwarmMount {
  Type: "volume" | "bind" | "tmpfs";
  /** Empty for tmpfs and anonymous volumes (the engine treats "" as no source). */
  Source: string;
  Target: string;
  ReadOnly: boolean;
  /** 0 means the engine's default, for either. */
  TmpfsOptions?: { SizeBytes: number; Mode: number };
}

/** `ContainerSpec.Privileges`; Seccomp, AppArmor and NoNewPrivileges need API 1.44+. */
export interface SwarmPrivileges {
  /** Windows only; Berth never sets it. */
  CredentialSpec?: undefined;
  NoNewPrivileges?: boolean;
  /** `Profile` is the JSON profile, base64-encoded (the API's `[]byte`), with Mode `custom`. */
  Seccomp?: { Mode: "default" | "unconfined" | "custom"; Profile?: string };
  AppArmor?: { Mode: "default" | "disabled" };
}

/** Where a secret or config file is mounted in the container. */
export interface SwarmFileReference {
  File: { Name: string; UID: string; GID: string; Mode: number };
}

/** A service's use of a secret, in the Engine API's form. */
export interface SwarmSecretReference extends SwarmFileReference {
  SecretName: string;
  /** Resolved from `SecretName` by the provider when empty. */
  SecretID: string;
}

/** A service's use of a config, in the Engine API's form. */
export interface SwarmConfigReference extends SwarmFileReference {
  ConfigName: string;
  /** Resolved from `ConfigName` by the provider when empty. */
  ConfigID: string;
}

/** A service's update or rollback policy, in the Engine API's form. */
export interface SwarmUpdateConfig {
  Parallelism: number;
  Delay: number;
  FailureAction: "continue" | "pause" | "rollback";
  Monitor: number;
  MaxFailureRatio: number;
  Order: "stop-first" | "start-first";
}

/** The container part of a service's task template, in the Engine API's form. */
export interface SwarmContainerSpec {
  Image: string;
  /** Labels on the containers (the renderer sets none; stacks do). */
  Labels?: Record<string, string>;
  Command?: string[];
  Args?: string[];
  Env?: string[];
  Dir?: string;
  User?: string;
  ReadOnly?: boolean;
  Mounts?: SwarmMount[];
  StopGracePeriod?: number;
  Healthcheck?: {
    Test: string[];
    Interval?: number;
    Timeout?: number;
    Retries?: number;
    StartPeriod?: number;
    /** API 1.44+. */
    StartInterval?: number;
  };
  Hostname?: string;
  /** `IP host` lines, as in /etc/hosts. */
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  StopSignal?: string;
  TTY?: boolean;
  OpenStdin?: boolean;
  Init?: boolean;
  Sysctls?: Record<string, string>;
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
  Privileges?: SwarmPrivileges;
  Secrets?: SwarmSecretReference[];
  Configs?: SwarmConfigReference[];
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
}

/** A Docker Engine API service spec, as {@link renderSwarm} returns it. */
export interface SwarmServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: SwarmContainerSpec;
    Resources?: {
      Limits?: { NanoCPUs?: number; MemoryBytes?: number; Pids?: number };
      Reservations?: {
        NanoCPUs?: number;
        MemoryBytes?: number;
        GenericResources?: { DiscreteResourceSpec: { Kind: string; Value: number } }[];
      };
    };
    RestartPolicy: {
      Condition: "none" | "on-failure" | "any";
      Delay: number;
      MaxAttempts: number;
      Window: number;
    };
    Placement?: {
      Constraints?: string[];
      Preferences?: { Spread: { SpreadDescriptor: string } }[];
      MaxReplicas?: number;
    };
    Networks?: { Target: string; Aliases?: string[] }[];
    LogDriver?: { Name: string; Options: Record<string, string> };
  };
  Mode:
    | { Replicated: { Replicas: number } }
    | { Global: Record<string, never> }
    | { ReplicatedJob: { MaxConcurrent: number; TotalCompletions: number } };
  UpdateConfig?: SwarmUpdateConfig;
  RollbackConfig?: SwarmUpdateConfig;
  EndpointSpec: {
    Mode: "vip" | "dnsrr";
    Ports?: {
      Protocol: "tcp" | "udp";
      TargetPort: number;
      PublishedPort: number;
      PublishMode: "ingress" | "host";
    }[];
  };
}
