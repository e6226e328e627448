import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { PeerAccess } from "../cluster";
import type { NormalizedPort } from "../spec";

/** A port opened by one security group rule. */
export interface RulePort {
  protocol: "tcp" | "udp";
  port: number;
}

/** Each distinct protocol and port once, in the order first seen. */
export function distinctPorts(ports: RulePort[]): RulePort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.protocol}-${p.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The service's own task security group. It has no egress (the cluster's tasks group, which every task
 * also carries, decides where tasks may go) and accepts each declared port (or, with `any-port`, every
 * port) from the cluster's tasks group only; the load balancers add their own rules (see
 * `load-balancing.ts`).
 */
export function taskSecurityGroup(
  name: string,
  ports: NormalizedPort[],
  context: { vpcId: pulumi.Input<string>; tasksSecurityGroupId: pulumi.Input<string> },
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  peerAccess: PeerAccess = "declared-ports",
): { group: aws.ec2.SecurityGroup; rules: aws.vpc.SecurityGroupIngressRule[] } {
  const group = new aws.ec2.SecurityGroup(
    `${name}-tasks`,
    {
      vpcId: context.vpcId,
      description: `Tasks of ${name}: their ports from the cluster's tasks and their load balancers`,
      tags: { ...tags, Name: `${name}-tasks` },
    },
    opts,
  );
  if (peerAccess === "any-port") {
    const rule = new aws.vpc.SecurityGroupIngressRule(
      `${name}-tasks-from-cluster`,
      {
        securityGroupId: group.id,
        referencedSecurityGroupId: context.tasksSecurityGroupId,
        ipProtocol: "-1",
        description: "every port from the cluster's tasks",
        tags,
      },
      opts,
    );
    return { group, rules: [rule] };
  }
  const rules = distinctPorts(ports.map((p) => ({ protocol: p.protocol, port: p.target }))).map(
    (p) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-tasks-from-cluster-${p.protocol}-${p.port}`,
        {
          securityGroupId: group.id,
          referencedSecurityGroupId: context.tasksSecurityGroupId,
          ipProtocol: p.protocol,
          fromPort: p.port,
          toPort: p.port,
          description: `${p.protocol}/${p.port} from the cluster's tasks`,
          tags,
        },
        opts,
      ),
  );
  return { group, rules };
}
