import type { RawImage } from "../../images/encode.ts";
import { EngineUnavailableError } from "../errors.ts";
import { openOnnxSession, type OnnxProviderChoice, type OnnxSession } from "../runtime/onnx.ts";
import { verifyModelFiles, type BigGanModelDir, type BigGanVariant } from "./manifest.ts";
import { statisticsFeed } from "./statistics.ts";

export interface GeneratorOptions {
  provider: OnnxProviderChoice;
  threads?: number;
  onFallback?: (reason: string) => void;
}

/**
 * Runs one BigGAN model folder: files verified against their sha256 once, one onnxruntime
 * session per exported graph, opened on first use and reused for every request after.
 */
export class BigGanGenerator {
  private verified: Promise<void> | undefined;
  private readonly sessions = new Map<string, Promise<OnnxSession>>();

  constructor(
    readonly model: BigGanModelDir,
    private readonly options: GeneratorOptions,
  ) {}

  /** "cuda" or "cpu" once a session is open. */
  provider: "cuda" | "cpu" | undefined;

  /**
   * z: n×zDim truncated noise, classes: n×numClasses class vectors. Returns n RGB images,
   * converted from the model's [-1, 1] output in either layout.
   */
  async run(variant: BigGanVariant, truncation: number, z: Float32Array, classes: Float32Array, n: number): Promise<RawImage[]> {
    const { session, ort } = await this.session(variant);
    const m = this.model.manifest;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      [m.inputs.z]: new ort.Tensor("float32", z, [n, m.zDim]),
      [m.inputs.classVector]: new ort.Tensor("float32", classes, [n, m.numClasses]),
    };
    const t = m.truncation;
    if ("statistics" in t) {
      const { row, weights } = statisticsFeed(truncation, t.step);
      feeds[t.statistics.row] = new ort.Tensor("int64", BigInt64Array.of(BigInt(row)), []);
      feeds[t.statistics.weights] = new ort.Tensor("float32", Float32Array.from(weights), [2]);
    } else if ("input" in t) {
      feeds[t.input] = new ort.Tensor("float32", Float32Array.of(truncation), []);
    }
    const outputName = m.output.name ?? session.outputNames[0]!;
    const result = await session.run(feeds, [outputName]);
    const out = result[outputName]!;
    try {
      return toImages(out.data as Float32Array, out.dims, m.output.layout, n);
    } finally {
      out.dispose();
    }
  }

  private session(variant: BigGanVariant): Promise<OnnxSession> {
    let s = this.sessions.get(variant.path);
    if (!s) {
      s = this.open(variant);
      this.sessions.set(variant.path, s);
      s.catch(() => this.sessions.delete(variant.path)); // a failed open is retried next time
    }
    return s;
  }

  private async open(variant: BigGanVariant): Promise<OnnxSession> {
    this.verified ??= verifyModelFiles(this.model).catch((e: unknown) => {
      this.verified = undefined;
      throw e;
    });
    await this.verified;
    const opened = await openOnnxSession(variant.path, this.options);
    const m = this.model.manifest;
    const names = opened.session.inputNames;
    const t = m.truncation;
    const expected = [m.inputs.z, m.inputs.classVector, ...("statistics" in t ? [t.statistics.row, t.statistics.weights] : "input" in t ? [t.input] : [])];
    const missing = expected.filter((n) => !names.includes(n));
    if (missing.length) {
      throw new EngineUnavailableError(`The BigGAN graph ${variant.path} has inputs ${names.join(", ")}, not ${missing.join(", ")} as manifest.json says: fix "inputs"/"truncation" in the manifest.`);
    }
    this.provider = opened.provider;
    return opened;
  }
}

/** [-1, 1] floats → 8-bit RGB, from NCHW [n,3,H,W] or NHWC [n,H,W,3]. */
export function toImages(data: Float32Array, dims: readonly number[], layout: "NCHW" | "NHWC", n: number): RawImage[] {
  const [b, d1, d2, d3] = dims;
  const channels = layout === "NCHW" ? d1 : d3;
  const height = layout === "NCHW" ? d2! : d1!;
  const width = layout === "NCHW" ? d3! : d2!;
  if (dims.length !== 4 || b !== n || channels !== 3) {
    throw new EngineUnavailableError(`The BigGAN graph returned a tensor of shape [${dims.join(", ")}], not ${layout === "NCHW" ? `[${n}, 3, H, W]` : `[${n}, H, W, 3]`}: check "output.layout" in manifest.json.`);
  }
  const plane = width * height;
  const images: RawImage[] = [];
  for (let i = 0; i < n; i++) {
    // A clamped array rounds and clamps on store, natively: the hot loop is one multiply-add.
    const px = new Uint8ClampedArray(plane * 3);
    const base = i * plane * 3;
    if (layout === "NHWC") {
      for (let k = 0; k < plane * 3; k++) px[k] = data[base + k]! * 127.5 + 127.5;
    } else {
      for (let c = 0; c < 3; c++) {
        const src = base + c * plane;
        for (let p = 0, q = c; p < plane; p++, q += 3) px[q] = data[src + p]! * 127.5 + 127.5;
      }
    }
    images.push({ data: new Uint8Array(px.buffer), width, height, channels: 3 });
  }
  return images;
}
