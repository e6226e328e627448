/**
 * `pulumi-berth/swarm/gce`: a swarm's machines on Compute Engine (needs `@pulumi/gcp`).
 *
 * @module pulumi-berth/swarm/gce
 */
export { GceSwarmNodes, type GceSwarmNodesArgs } from "./gce-swarm-nodes";
