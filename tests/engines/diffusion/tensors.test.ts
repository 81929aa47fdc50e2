import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { numberTensor } from "../../../src/engines/diffusion/local/tensors.ts";
import { tempDir } from "../../support/config.ts";
import { writeTinySd } from "../../support/tiny-sd.ts";

/**
 * A UNet exported with an integer timestep gets what optimum's (and diffusers' ONNX) pipeline
 * feeds it: the scheduler's float timestep cast to the integer type, which truncates
 * (`np.array([687.15], dtype=np.int64)` is 687; Karras sigmas give such fractional timesteps).
 */
describe("timesteps for integer-timestep UNets", () => {
  for (const type of ["int64", "int32"] as const) {
    it(`are truncated, as numpy's cast does, for a ${type} timestep`, async () => {
      const dir = writeTinySd(join(tempDir("genlab-tensors-"), "sd"), { timestepType: type });
      const session = await ort.InferenceSession.create(join(dir, "unet", "model.onnx"));
      try {
        const t = numberTensor(ort, session, "timestep", [999, 687.9, 145.94, 0.5], [4]);
        expect(t.type).toBe(type);
        expect(Array.from(t.data as ArrayLike<number | bigint>, Number)).toEqual([999, 687, 145, 0]);
      } finally {
        await session.release();
      }
    });
  }

  it("a float timestep is passed as it is", async () => {
    const dir = writeTinySd(join(tempDir("genlab-tensors-"), "sd"), { timestepType: "float32" });
    const session = await ort.InferenceSession.create(join(dir, "unet", "model.onnx"));
    try {
      expect(Array.from(numberTensor(ort, session, "timestep", [687.15], [1]).data as Float32Array)).toEqual([Math.fround(687.15)]);
    } finally {
      await session.release();
    }
  });
});
