export { EngineThread, generateInThread, liveEngineThreads, type EngineThreadOptions } from "./in-thread.ts";
export type { EngineSpec } from "./protocol.ts";
