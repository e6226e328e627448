import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EcsRendering } from "../spec/render/ecs-types";

const metricNames = {
  ECSServiceAverageCPUUtilization: "cpu",
  ECSServiceAverageMemoryUtilization: "memory",
} as const;

/**
 * Application Auto Scaling for a service: a scalable target between the spec's `min` and `max` tasks,
 * and one target-tracking policy per metric the spec names (CPU and/or memory).
 */
export function serviceAutoscaling(
  name: string,
  autoscaling: NonNullable<EcsRendering["autoscaling"]>,
  service: { clusterArn: pulumi.Input<string>; serviceName: pulumi.Input<string> },
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): { target: aws.appautoscaling.Target; policies: aws.appautoscaling.Policy[] } {
  const clusterName = pulumi.output(service.clusterArn).apply((arn) => arn.split("/").pop() ?? arn);
  const target = new aws.appautoscaling.Target(
    `${name}-scaling`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${clusterName}/${service.serviceName}`,
      minCapacity: autoscaling.minCapacity,
      maxCapacity: autoscaling.maxCapacity,
      tags,
    },
    opts,
  );
  const policies = autoscaling.policies.map(
    (p) =>
      new aws.appautoscaling.Policy(
        `${name}-${metricNames[p.metric]}`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: p.targetValue,
            predefinedMetricSpecification: { predefinedMetricType: p.metric },
          },
        },
        opts,
      ),
  );
  return { target, policies };
}
