import * as tf from "@tensorflow/tfjs";
import { registerWasmConv2dBackpropFilter } from "./tfjs-wasm-kernels.ts";

export type TfBackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

export interface TfRuntime {
  tf: typeof tf;
  /** Which implementation runs: libtensorflow (GPU or CPU), WebAssembly (SIMD), or plain JS. */
  backend: TfBackendName;
  /** Why a faster one was skipped, for the logs and /models. */
  skipped: string[];
}

let picked: Promise<TfRuntime> | undefined;

/**
 * Picks the fastest TensorFlow.js backend that loads here: tfjs-node-gpu → tfjs-node → wasm →
 * cpu. The node packages are optionalDependencies (their install downloads libtensorflow, so
 * they are absent offline); the wasm backend always installs. `GENLAB_TF_BACKEND` forces one.
 */
export function tfRuntime(): Promise<TfRuntime> {
  picked ??= pick(process.env.GENLAB_TF_BACKEND as TfBackendName | undefined);
  return picked;
}

async function pick(forced: TfBackendName | undefined): Promise<TfRuntime> {
  const skipped: string[] = [];
  const order: TfBackendName[] = forced ? [forced] : ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];
  for (const name of order) {
    try {
      await activate(name);
      return { tf, backend: name, skipped };
    } catch (e) {
      skipped.push(`${name}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${skipped.join("; ")})`);
}

async function activate(name: TfBackendName): Promise<void> {
  switch (name) {
    case "tensorflow-gpu":
      await importOptional("@tensorflow/tfjs-node-gpu");
      return use("tensorflow");
    case "tensorflow":
      await importOptional("@tensorflow/tfjs-node");
      return use("tensorflow");
    case "wasm": {
      // Emscripten's glue adds process listeners that rethrow any uncaught exception with the
      // whole module's source attached; GenLab has its own handling, so take them back out.
      const listeners = () => [...process.listeners("uncaughtException"), ...process.listeners("unhandledRejection")] as ((...a: unknown[]) => void)[];
      const before = new Set(listeners());
      await import("@tensorflow/tfjs-backend-wasm");
      await use("wasm");
      for (const l of listeners()) {
        if (before.has(l)) continue;
        process.removeListener("uncaughtException", l);
        process.removeListener("unhandledRejection", l);
      }
      registerWasmConv2dBackpropFilter(); // the one kernel convolutional training lacks there
      return;
    }
    case "cpu":
      return use("cpu");
  }
}

/** Through a variable, so TypeScript does not demand packages that are optional (and absent offline). */
async function importOptional(name: string): Promise<unknown> {
  return import(name);
}

async function use(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
  await tf.ready();
}
