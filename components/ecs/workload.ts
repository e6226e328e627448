import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { record } from "../outputs";
import type { ServiceEndpoint, Workload, WorkloadRequest } from "../cluster";
import { providerComputed } from "../mocked-values";
import { type NormalizedService, renderEcs } from "../spec";
import type { EcsClusterContext } from "./context";
import { serviceRoles, type ServiceRoles } from "./iam";
import { addressKey, exposePorts } from "./load-balancing";
import { serviceAutoscaling } from "./autoscaling";
import { taskSecurityGroup } from "./network";
import { type EcsPlan, type LaunchType, planEcs } from "./plan";
import { registryCredentialsSecret, secretEnvParameters, secretFileParameters } from "./secrets";
import { registeredContainer, tagMap, taskVolumes, usesAwslogs } from "./task-definition";
import { firelensLogConfiguration, firelensTaskPolicy, taskSizeWithRouter, withLogRouter } from "./firelens";
import type { ResolvedLogSink } from "../observability/fluent-bit-output";

/** Arguments of {@link EcsWorkload}, which an {@link EcsCluster} passes for each service. */
export interface EcsWorkloadArgs {
  /** The service and its secrets. */
  request: WorkloadRequest;
  /** The cluster it runs on. */
  context: EcsClusterContext;
}

const fargateProviders = new Set(["FARGATE", "FARGATE_SPOT"]);

/**
 * One portable service on an ECS cluster:
 *
 * - a task definition (family `<cluster>-<service>`) with a task role (no permissions of its own: attach
 *   policies to `roles.taskRole`) and an execution role that may read exactly the service's own
 *   secrets, write to its own log group and pull from its own ECR repository;
 * - a log group `/ecs/<cluster>/<service>` keeping events for the cluster's `logRetentionDays`;
 * - `secretEnv` values in SSM SecureString parameters, read by the container through `valueFrom`, and
 *   registry credentials in a Secrets Manager secret (what ECS's `repositoryCredentials` requires);
 * - the ECS service in the cluster's private subnets, without public addresses, on the cluster's
 *   capacity providers of the chosen launch type, with the deployment circuit breaker (and rollback when
 *   the update policy's `failureAction` is `rollback`), registered in Cloud Map as
 *   `<service>.<namespace>` so that services reach each other by name;
 * - a security group accepting the declared ports from the cluster's tasks, and from the service's own
 *   load balancers for public ports (ALB for HTTP ports, NLB for the others);
 * - target-tracking autoscaling on CPU, memory and/or ALB requests per target when the spec asks for it.
 *
 * Secret files created with the service (`secrets` with `data`) are stored as SSM SecureString
 * parameters that only a non-essential init container (`berth-secrets`, logging under its own stream
 * prefix) reads; it writes them, with their mode, onto a task-scoped volume that the service's container
 * mounts read-only at `/run/secrets` once the init container succeeded. Their targets must lie directly
 * under `/run/secrets/`; secrets that name existing objects are refused (ECS cannot read them), and so are
 * config files (a volume over their directory would hide the image's files): bake configuration into
 * the image or pass it through `env`.
 *
 * @throws `SpecError` at construction, naming the service and each field ECS cannot honour.
 */
export class EcsWorkload extends pulumi.ComponentResource {
  /** The ECS service's ID. */
  declare readonly serviceId: pulumi.Output<string>;
  /** The name the cluster knows the service by. */
  declare readonly serviceName: pulumi.Output<string>;
  /** One entry per port: the Cloud Map name, and the load balancer's address for public ports. */
  declare readonly endpoints: pulumi.Output<ServiceEndpoint[]>;
  /** The launch type the service runs with: Fargate unless it needs EC2 capacity. */
  readonly launchType: LaunchType;
  /** The task role and the execution role. */
  readonly roles: ServiceRoles;
  /** The service's task definition. */
  readonly taskDefinition: aws.ecs.TaskDefinition;
  /** The ECS service. */
  readonly service: aws.ecs.Service;
  /** The security group of the service's tasks. */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The service's log group, when its logs go to CloudWatch. */
  readonly logGroup?: aws.cloudwatch.LogGroup;

  constructor(name: string, args: EcsWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:ecs:EcsWorkload", name, {}, opts);
    const { request, context } = args;
    const n = request.preview;
    // Refusals fail the preview, before anything exists.
    const plan = planEcs(n, context, {
      secretFiles: request.files.secrets.map((f) => f.source),
      ...(context.initImage !== undefined && { initImage: context.initImage }),
      onIgnored: (issue) => pulumi.log.warn(`service ${n.name}: ${issue.path} ${issue.message}`, this),
    });
    this.launchType = plan.launchType;
    const r = plan.rendering;
    const tags = { ...context.tags, "berth:cluster": context.clusterName, "berth:service": n.name };
    const child: pulumi.CustomResourceOptions = { parent: this };
    // The cluster's log router carries the logs of a service that names no driver of its own.
    const firelens = n.logging === undefined ? context.firelens : undefined;

    this.logGroup = usesAwslogs(n.logging)
      ? new aws.cloudwatch.LogGroup(
          name,
          { name: `/ecs/${context.clusterName}/${n.name}`, retentionInDays: context.logRetentionDays, tags },
          child,
        )
      : undefined;
    const secrets = r.taskDefinition.containerDefinitions[0].secrets ?? [];
    const parameters = secretEnvParameters(
      name,
      secrets.map((s) => ({ key: s.name, name: s.valueFrom })),
      request.secretEnv,
      tags,
      child,
    );
    const fileParameters = secretFileParameters(
      name,
      r.secretFileParameters,
      request.files.secrets,
      tags,
      child,
    );
    const registry =
      request.registryAuth === undefined
        ? undefined
        : registryCredentialsSecret(name, request.registryAuth, tags, child);
    const envArns = arnsByName(secrets.map((s) => [s.valueFrom, parameters.get(s.name)]));
    const fileArns = arnsByName(r.secretFileParameters.map((p) => [p.name, fileParameters.get(p.source)]));
    this.roles = serviceRoles(
      name,
      context.clusterArn,
      pulumi
        .all([
          this.logGroup?.arn,
          envArns,
          fileArns,
          registry?.secret.arn,
          request.service,
          firelens?.secretOptions,
        ])
        .apply(([logGroupArn, env, files, secretArn, service, sinkSecrets]) => ({
          logGroupArn,
          parameterArns: [...Object.values(env), ...(sinkSecrets ?? []).map((o) => o.valueFrom)],
          fileParameterArns: Object.values(files),
          secretArns: secretArn === undefined ? [] : [secretArn],
          image: service.image,
        })),
      tags,
      child,
    );

    this.taskDefinition = new aws.ecs.TaskDefinition(
      name,
      {
        family: `${context.clusterName}-${r.taskDefinition.family}`,
        networkMode: r.taskDefinition.networkMode,
        requiresCompatibilities: r.taskDefinition.requiresCompatibilities,
        ...(firelens
          ? taskSizeWithRouter(
              { cpu: r.taskDefinition.cpu, memory: r.taskDefinition.memory },
              r.taskDefinition.containerDefinitions[0],
              firelens.memoryReservation,
              plan.launchType === "FARGATE",
            )
          : { cpu: r.taskDefinition.cpu, memory: r.taskDefinition.memory }),
        ...(r.taskDefinition.runtimePlatform && { runtimePlatform: r.taskDefinition.runtimePlatform }),
        executionRoleArn: this.roles.executionRole.arn,
        taskRoleArn: this.roles.taskRole.arn,
        containerDefinitions: pulumi
          .all([
            request.service,
            envArns,
            fileArns,
            this.logGroup?.name,
            context.region,
            registry?.secret.arn,
            firelens?.secretOptions,
            firelens && "url" in firelens.sink ? firelens.sink.url : undefined,
          ])
          .apply(([service, env, files, group, region, credentialsArn, sinkSecrets, sinkUrl]) => {
            const logs = group === undefined ? undefined : { group, region };
            const containers = containersOf(service, plan).map((container, i) =>
              registeredContainer(container, {
                logs,
                parameterArns: { ...env, ...files },
                // The init container's image is public: only the service's image needs credentials.
                credentialsArn: i === 0 ? credentialsArn : undefined,
              }),
            );
            if (!firelens || !logs) return JSON.stringify(containers);
            const sink = {
              ...firelens.sink,
              ...(sinkUrl !== undefined && { url: sinkUrl }),
            } as ResolvedLogSink;
            const logConfiguration = firelensLogConfiguration(firelens, sink, sinkSecrets ?? []);
            return JSON.stringify(withLogRouter(containers, firelens, logConfiguration, logs));
          }),
        ...(r.taskDefinition.volumes && { volumes: taskVolumes(r.taskDefinition.volumes) }),
        ...(r.taskDefinition.placementConstraints && {
          placementConstraints: r.taskDefinition.placementConstraints,
        }),
        tags: tagMap(tags, r.taskDefinition.tags),
      },
      child,
    );

    // The router writes to a CloudWatch sink with the task's role.
    const firelensPolicy =
      firelens?.sink.kind === "cloudwatch"
        ? new aws.iam.RolePolicy(
            `${name}-firelens`,
            {
              role: this.roles.taskRole.name,
              policy: pulumi
                .output(context.clusterArn)
                .apply((arn) => JSON.stringify(firelensTaskPolicy(firelens.sink, arn))),
            },
            child,
          )
        : undefined;

    const tasks = taskSecurityGroup(name, n.ports, context, tags, child, request.peerAccess);
    this.securityGroup = tasks.group;
    const exposed = exposePorts(
      name,
      r.taskDefinition.containerDefinitions[0].name,
      r.exposure,
      n.healthCheck,
      tasks.group,
      context,
      tags,
      child,
    );
    const discovery = new aws.servicediscovery.Service(
      name,
      {
        name: n.name,
        namespaceId: context.namespaceId,
        dnsConfig: {
          namespaceId: context.namespaceId,
          routingPolicy: "MULTIVALUE",
          dnsRecords: [{ type: "A", ttl: 10 }],
        },
        tags,
      },
      child,
    );

    this.service = new aws.ecs.Service(
      name,
      {
        name: r.service.serviceName,
        cluster: context.clusterArn,
        taskDefinition: this.taskDefinition.arn,
        schedulingStrategy: r.service.schedulingStrategy,
        ...(r.service.desiredCount !== undefined && { desiredCount: r.service.desiredCount }),
        ...placementOn(r.service.schedulingStrategy === "DAEMON", plan.launchType, context),
        deploymentCircuitBreaker: r.service.deploymentConfiguration.deploymentCircuitBreaker,
        deploymentMinimumHealthyPercent: r.service.deploymentConfiguration.minimumHealthyPercent,
        deploymentMaximumPercent: r.service.deploymentConfiguration.maximumPercent,
        networkConfiguration: {
          subnets: context.privateSubnetIds,
          securityGroups: [context.tasksSecurityGroupId, tasks.group.id],
          assignPublicIp: false,
        },
        ...(exposed.loadBalancers.length > 0 && {
          loadBalancers: exposed.loadBalancers,
          ...(n.healthCheck && {
            healthCheckGracePeriodSeconds: Math.ceil(n.healthCheck.startPeriod / 1000),
          }),
        }),
        serviceRegistries: { registryArn: discovery.arn },
        ...(r.service.placementConstraints && { placementConstraints: r.service.placementConstraints }),
        ...(r.service.placementStrategy && { orderedPlacementStrategies: r.service.placementStrategy }),
        enableEcsManagedTags: r.service.enableECSManagedTags,
        propagateTags: r.service.propagateTags,
        waitForSteadyState: true,
        tags: tagMap(tags, r.service.tags),
      },
      {
        parent: this,
        // The service starts tasks at once: everything they need must be in place first.
        dependsOn: [
          this.roles.executionPolicy,
          ...[...parameters.values()],
          ...[...fileParameters.values()],
          ...(registry ? [registry.version] : []),
          ...(firelensPolicy ? [firelensPolicy] : []),
          ...tasks.rules,
          ...exposed.attachments,
        ],
        customTimeouts: { create: `${request.timeoutSeconds}s`, update: `${request.timeoutSeconds}s` },
        // The autoscaler owns the task count once it runs.
        ...(r.autoscaling && { ignoreChanges: ["desiredCount"] }),
      },
    );
    if (r.autoscaling) {
      serviceAutoscaling(
        name,
        r.autoscaling,
        { clusterArn: context.clusterArn, serviceName: this.service.name },
        tags,
        child,
        exposed.requestCountLabels,
      );
    }

    this.serviceId = this.service.id;
    this.serviceName = this.service.name;
    this.endpoints = record([...exposed.publicAddresses]).apply((addresses) =>
      endpointsOf(n, context.namespaceName, addresses),
    );
    this.registerOutputs({
      serviceId: this.serviceId,
      serviceName: this.serviceName,
      endpoints: this.endpoints,
    });
  }
}

/** The containers of the resolved service (its own first), rendered as the plan rendered the preview. */
function containersOf(service: NormalizedService, plan: EcsPlan) {
  return renderEcs(service, plan.renderOptions).taskDefinition.containerDefinitions;
}

/** Parameter ARNs by parameter name, the name the rendered containers read them by. */
function arnsByName(
  parameters: [string, aws.ssm.Parameter | undefined][],
): pulumi.Output<Record<string, string>> {
  return record(
    parameters.map(([parameterName, parameter]): [string, pulumi.Output<string>] => {
      if (parameter === undefined) throw new Error(`no parameter ${parameterName}`);
      return [
        parameterName,
        parameter.arn.apply((arn) => providerComputed(arn, parameterName, "parameter-arn")),
      ];
    }),
  );
}

/**
 * Where the tasks run: the cluster's capacity providers of the launch type (`FARGATE`/`FARGATE_SPOT`
 * for Fargate, the others for EC2), or the plain launch type when the cluster has none of them. Daemon
 * services take no capacity providers.
 */
function placementOn(daemon: boolean, launchType: LaunchType, context: EcsClusterContext) {
  if (daemon) return { launchType };
  const strategy = context.capacityProviderStrategy.apply((all) =>
    all.filter((p) => fargateProviders.has(p.capacityProvider) === (launchType === "FARGATE")),
  );
  return {
    launchType: strategy.apply((s) => (s.length > 0 ? undefined : launchType)),
    capacityProviderStrategies: strategy.apply((s) => (s.length > 0 ? s : undefined)),
  };
}

function endpointsOf(
  n: NormalizedService,
  namespaceName: string,
  addresses: Record<string, string>,
): ServiceEndpoint[] {
  return n.ports.map((p) => {
    const publicAddress = addresses[addressKey(p.protocol, p.target)];
    return {
      host: `${n.name}.${namespaceName}`,
      port: p.target,
      protocol: p.protocol,
      ...(publicAddress !== undefined && { publicAddress }),
    };
  });
}

/**
 * Deploys one portable service on an ECS cluster, as an {@link EcsWorkload} child of `parent`: what
 * `EcsCluster.deployWorkload` does.
 *
 * @throws {@link SpecError} when the service asks for what ECS or the cluster cannot honour.
 */
export function deployEcsWorkload(
  name: string,
  request: WorkloadRequest,
  parent: pulumi.Resource,
  context: EcsClusterContext,
): Workload {
  const workload = new EcsWorkload(name, { request, context }, { parent });
  return {
    serviceId: workload.serviceId,
    serviceName: workload.serviceName,
    endpoints: workload.endpoints,
  };
}
