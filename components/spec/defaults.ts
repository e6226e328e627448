/** The documented defaults of the portable spec, in normalized units (milliseconds). */
export const defaults = {
  mode: "replicated",
  replicas: 1,
  endpointMode: "vip",
  protocol: "tcp",
  publishMode: "ingress",
  healthCheck: { interval: 10_000, timeout: 5_000, retries: 3, startPeriod: 0 },
  update: {
    parallelism: 1,
    delay: 0,
    order: "start-first",
    failureAction: "rollback",
    monitor: 5_000,
    maxFailureRatio: 0,
  },
  canary: { pause: false, promote: false },
  restart: { condition: "any", jobCondition: "on-failure", delay: 5_000, maxAttempts: 0, window: 0 },
  autoscaleCpuPercent: 80,
  fileMode: 0o444,
  /** Owner (uid and gid) of secret and config files. */
  fileOwner: "0",
  securityOpt: { noNewPrivileges: false, seccomp: "default", appArmor: "default" },
  secretsDir: "/run/secrets",
  stopGracePeriod: 10_000,
  /** Docker refuses a memory limit under 6 MiB. */
  minimumMemoryBytes: 6 * 2 ** 20,
} as const;
