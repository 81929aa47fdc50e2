export { EngineThread, generateInThread } from "./in-thread.ts";
export type { EngineSpec } from "./protocol.ts";
