import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EcsRendering } from "../spec/render/ecs-types";

type Policy = NonNullable<EcsRendering["autoscaling"]>["policies"][number];

/** A target group of the service's Application Load Balancer, as request-count scaling names it. */
export interface RequestCountLabel {
  containerPort: number;
  /** `<load balancer arn suffix>/<target group arn suffix>`. */
  resourceLabel: pulumi.Input<string>;
}

const metricNames = {
  ECSServiceAverageCPUUtilization: "cpu",
  ECSServiceAverageMemoryUtilization: "memory",
} as const;

/** What each policy tracks: one per metric, or one per ALB target group for the request count. */
function trackedMetrics(
  name: string,
  policy: Policy,
  requestCountLabels: RequestCountLabel[],
): {
  id: string;
  metric: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification;
}[] {
  if (policy.metric !== "ALBRequestCountPerTarget") {
    return [{ id: `${name}-${metricNames[policy.metric]}`, metric: { predefinedMetricType: policy.metric } }];
  }
  return requestCountLabels.map((l) => ({
    id: `${name}-requests-${l.containerPort}`,
    metric: { predefinedMetricType: policy.metric, resourceLabel: l.resourceLabel },
  }));
}

/**
 * Application Auto Scaling for a service: a scalable target between the spec's `min` and `max` tasks,
 * and one target-tracking policy per metric the spec names (CPU and/or memory), and for the request
 * count one per target group of the service's Application Load Balancer (`requestCountLabels`;
 * default: none), so that any busy route scales the service out.
 */
export function serviceAutoscaling(
  name: string,
  autoscaling: NonNullable<EcsRendering["autoscaling"]>,
  service: { clusterArn: pulumi.Input<string>; serviceName: pulumi.Input<string> },
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  requestCountLabels: RequestCountLabel[] = [],
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
  const policies = autoscaling.policies.flatMap((p) =>
    trackedMetrics(name, p, requestCountLabels).map(
      ({ id, metric }) =>
        new aws.appautoscaling.Policy(
          id,
          {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
              targetValue: p.targetValue,
              predefinedMetricSpecification: metric,
            },
          },
          opts,
        ),
    ),
  );
  return { target, policies };
}
