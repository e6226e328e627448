import type { StackSupport } from "../stack-contract";

/** What a Compose stack may hold on ECS, one workload per service (see {@link StackSupport}). */
export const ecsStackSupport: StackSupport = {
  oneNetwork: "ECS tasks share the cluster's VPC",
  // The renderer makes a named volume a Docker volume of the EC2 instance, and refuses it on Fargate.
  namedVolumes: { kind: "node-volumes" },
  containerLabelsIgnored:
    "Berth gives an ECS container only deploy.labels as dockerLabels (they also tag the service); move these labels to deploy.labels",
  virtualIpIgnored:
    "ECS has no virtual IP inside the cluster: Cloud Map answers the service's name with the address of each task, as dnsrr does",
  // Every service is registered in Cloud Map, ports or not.
  namesPortlessServices: false,
};
