import { EngineUnavailableError } from "./errors.ts";
import type { AnyEngine, Engine } from "./types.ts";

/** The engines one process can run, by name. Bot and workers each build one at start. */
export class EngineRegistry {
  private readonly engines = new Map<string, AnyEngine>();

  constructor(engines: Iterable<AnyEngine> = []) {
    for (const e of engines) this.register(e);
  }

  register(engine: AnyEngine): void {
    if (this.engines.has(engine.name)) throw new Error(`engine "${engine.name}" is registered twice`);
    this.engines.set(engine.name, engine);
  }

  has(name: string): boolean {
    return this.engines.has(name);
  }

  get(name: string): Engine {
    const engine = this.engines.get(name);
    if (!engine) throw new EngineUnavailableError(`The ${name} engine is not available on this GenLab worker: run a worker that has it, or ask the teacher to enable it.`);
    return engine;
  }

  list(): Engine[] {
    return [...this.engines.values()];
  }

  /** Ends every engine's thread and waits for them, so a stopping process has none left. */
  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map((e) => e.close?.()));
  }
}
