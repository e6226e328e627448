/** `pulumi-berth/swarm/gce`: a swarm's machines on Compute Engine (needs `@pulumi/gcp`). */
export { GceSwarmNodes, type GceSwarmNodesArgs } from "./gce-swarm-nodes";
