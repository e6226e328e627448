export * from "./engine";
export * from "./engine-info";
