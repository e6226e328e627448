/**
 * `pulumi-berth/swarm/aws`: a swarm's machines on EC2 (needs `@pulumi/aws`).
 *
 * @module pulumi-berth/swarm/aws
 */
export { AwsSwarmNodes, type AwsSwarmNodesArgs } from "./aws-swarm-nodes";
