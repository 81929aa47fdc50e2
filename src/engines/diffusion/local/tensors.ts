import type { InferenceSession, Tensor } from "onnxruntime-node";
import type { OnnxModule } from "../../runtime/onnx.ts";
import { inputType } from "../../runtime/onnx.ts";
import { fromFloat16, toFloat16 } from "./float16.ts";

/**
 * Tensors in whatever element type the exported model declares (float32 or float16 for
 * activations; int32/int64/float for ids and timesteps), so one pipeline serves fp32 and
 * fp16 exports alike. The pipeline's own arithmetic is always float32.
 */
export function floatTensor(ort: OnnxModule, session: InferenceSession, input: string, data: Float32Array, dims: number[]): Tensor {
  const type = inputType(session, input) ?? "float32";
  if (type === "float16") return new ort.Tensor("float16", toFloat16(data), dims);
  if (type === "float32") return new ort.Tensor("float32", data, dims);
  throw new Error(`the model's input "${input}" is ${type}; GenLab expects float32 or float16`);
}

/**
 * Integers (token ids, timesteps) in the declared type: int64, int32, or a float type. A float
 * timestep (Karras sigmas give 687.15) is cast as optimum's and diffusers' ONNX pipelines cast
 * it, `np.array([t], dtype=np.int64)`: truncated, not rounded.
 */
export function numberTensor(ort: OnnxModule, session: InferenceSession, input: string, values: number[], dims: number[]): Tensor {
  const type = inputType(session, input) ?? "int64";
  switch (type) {
    case "int64":
      return new ort.Tensor("int64", BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))), dims);
    case "int32":
      return new ort.Tensor("int32", Int32Array.from(values, (v) => Math.trunc(v)), dims);
    case "float32":
      return new ort.Tensor("float32", Float32Array.from(values), dims);
    case "float16":
      return new ort.Tensor("float16", toFloat16(Float32Array.from(values)), dims);
    default:
      throw new Error(`the model's input "${input}" is ${type}; GenLab expects an integer or float type`);
  }
}

/** A float output as float32, whatever its stored type. */
export function readFloats(tensor: Tensor): Float32Array {
  if (tensor.type === "float32") return tensor.data as Float32Array;
  if (tensor.type === "float16") return fromFloat16(tensor.data as Uint16Array);
  throw new Error(`expected a float output, got ${tensor.type}`);
}
