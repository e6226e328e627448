import type { EcsContainerDefinition, EcsTaskDefinition } from "../spec/render/ecs-types";

/** A container definition as Berth registers it: the renderer's, with logs, secrets and credentials. */
export type RegisteredContainer = Omit<EcsContainerDefinition, "logConfiguration"> & {
  repositoryCredentials?: { credentialsParameter: string };
  /** Log options, and options whose values ECS reads from parameters (FireLens's credentials). */
  logConfiguration?: EcsContainerDefinition["logConfiguration"] & {
    secretOptions?: { name: string; valueFrom: string }[];
  };
  /** A FireLens log router's settings. */
  firelensConfiguration?: { type: "fluentbit"; options?: Record<string, string> };
};

/** Where the `awslogs` driver writes. */
export interface AwsLogs {
  group: string;
  region: string;
}

/** Whether the service logs through `awslogs` (the default), and so needs a log group. */
export const usesAwslogs = (logging: { driver: string } | undefined) =>
  logging === undefined || logging.driver === "awslogs";

/**
 * The container as ECS takes it. `secrets` read from the parameters' ARNs (`parameterArns`, keyed by
 * the parameter name the renderer gave in `valueFrom`);
 * `awslogs` writes to the service's log group in the cluster's region, whatever group the spec named,
 * because the execution role may write nowhere else; other drivers pass through.
 */
export function registeredContainer(
  container: EcsContainerDefinition,
  extras: { logs?: AwsLogs; parameterArns: Record<string, string>; credentialsArn?: string },
): RegisteredContainer {
  const { logs, parameterArns, credentialsArn } = extras;
  const registered: RegisteredContainer = { ...container };
  if (container.secrets) {
    registered.secrets = container.secrets.map((s) => {
      const arn = parameterArns[s.valueFrom];
      if (arn === undefined) throw new Error(`${container.name}: ${s.name} has no parameter`);
      return { name: s.name, valueFrom: arn };
    });
  }
  if (logs && usesAwslogs(container.logConfiguration && { driver: container.logConfiguration.logDriver })) {
    registered.logConfiguration = {
      logDriver: "awslogs",
      options: {
        "awslogs-stream-prefix": container.name,
        ...container.logConfiguration?.options,
        "awslogs-group": logs.group,
        "awslogs-region": logs.region,
      },
    };
  }
  if (credentialsArn !== undefined)
    registered.repositoryCredentials = { credentialsParameter: credentialsArn };
  return registered;
}

/** The renderer's volumes in the provider's shape. */
export function taskVolumes(volumes: EcsTaskDefinition["volumes"]) {
  return (volumes ?? []).map((v) => ({
    name: v.name,
    ...(v.host && { hostPath: v.host.sourcePath }),
    ...(v.dockerVolumeConfiguration && { dockerVolumeConfiguration: v.dockerVolumeConfiguration }),
  }));
}

/** ECS tags ({key, value} pairs) merged over the cluster's tags. */
export function tagMap(
  base: Record<string, string>,
  tags: { key: string; value: string }[] | undefined,
): Record<string, string> {
  return { ...base, ...Object.fromEntries((tags ?? []).map((t) => [t.key, t.value])) };
}
