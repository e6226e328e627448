/** `berth/swarm`: Docker Swarm clusters and workloads. */
export { EngineInfo, type EngineInfoArgs, type EngineFacts } from "../../provider/swarm/engine-info";
export { type EngineConnection } from "../../provider/swarm/engine";
export { renderSwarm } from "../spec/render/swarm";
export type * from "../spec/render/swarm-types";
