import { availableParallelism } from "node:os";
import type { InferenceSession, Tensor } from "onnxruntime-node";

/**
 * onnxruntime-node sessions for the ONNX engines (BigGAN, Stable Diffusion). The package is
 * loaded lazily, so a machine where it cannot load still runs every other engine, and the
 * engines' status says why.
 */
export type OnnxProviderChoice = "auto" | "cpu" | "cuda";
export type OnnxModule = typeof import("onnxruntime-node");

export interface OnnxSessionOptions {
  provider: OnnxProviderChoice;
  /** Intra-op threads on CPU; default all cores (onnxruntime's own default is physical cores). */
  threads?: number;
  /** Told once when CUDA was wanted but the session runs on CPU, with onnxruntime's reason. */
  onFallback?: (reason: string) => void;
}

export interface OnnxSession {
  session: InferenceSession;
  provider: "cuda" | "cpu";
  ort: OnnxModule;
}

let loaded: Promise<OnnxModule> | undefined;

export function loadOnnxRuntime(): Promise<OnnxModule> {
  loaded ??= import("onnxruntime-node").then((m) => ((m as { default?: OnnxModule }).default ?? m) as OnnxModule);
  return loaded;
}

/**
 * Opens one model file (its external data files are found beside it, by path). CUDA first
 * when asked: onnxruntime-node throws rather than falling back when the CUDA provider
 * libraries are missing (they are an opt-in download), so the fallback is done here.
 */
export async function openOnnxSession(path: string, options: OnnxSessionOptions): Promise<OnnxSession> {
  const ort = await loadOnnxRuntime();
  // onnxruntime's own logger prints the failed CUDA probe as an error before we can catch it;
  // with "auto" that failure is expected and reported once through onFallback instead.
  if (options.provider === "auto") ort.env.logLevel = "fatal";
  const base: InferenceSession.SessionOptions = {
    // Full graph optimisation (constant folding, fusions) and no inter-op pool: these
    // generators are one chain of big ops, where intra-op threads are what helps.
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    enableMemPattern: true,
  };
  if (options.provider !== "cpu") {
    try {
      // Severity 4 (fatal only): a missing CUDA library is expected here and reported below.
      const session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cuda", "cpu"], logSeverityLevel: 4 });
      return { session, provider: "cuda", ort };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!/cuda|provider|shared library/i.test(reason)) throw error; // a bad model, not a missing GPU
      options.onFallback?.(reason);
    }
  }
  const session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cpu"] });
  return { session, provider: "cpu", ort };
}

/** The element type of a session input (e.g. "int64" or "float16" for a UNet's timestep). */
export function inputType(session: InferenceSession, name: string): Tensor.Type | undefined {
  const meta = session.inputMetadata.find((m) => m.name === name);
  return meta && meta.isTensor ? meta.type : undefined;
}

/** The declared shape of a session input or output ("batch" etc. for symbolic dimensions). */
export function declaredShape(session: InferenceSession, name: string, kind: "input" | "output" = "input"): readonly (number | string)[] | undefined {
  const meta = (kind === "input" ? session.inputMetadata : session.outputMetadata).find((m) => m.name === name);
  return meta && meta.isTensor ? meta.shape : undefined;
}
