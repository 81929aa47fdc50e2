import type * as tfjs from "@tensorflow/tfjs";
import { join } from "node:path";
import { EngineInputError } from "../errors.ts";
import { tfRuntime } from "../runtime/tfjs.ts";
import { cnnForward, cnnShapes } from "./cnn.ts";
import { loadClassifier, shippedClassifierNames, shippedClassifiersDir, type ClassifierManifest } from "./classifier-files.ts";

export interface Classified {
  n: number;
  /** n × classes softmax probabilities. */
  probs: Float32Array;
  /** n × features penultimate-layer activations (what the FD compares). */
  features: Float32Array;
}

const BATCH = 250;

/** A loaded evaluation classifier, its weights held as tensors between calls. */
export class Classifier {
  private constructor(
    private readonly tf: typeof tfjs,
    readonly manifest: ClassifierManifest,
    readonly dir: string,
    private readonly params: tfjs.Tensor[],
  ) {}

  static async open(dir: string): Promise<Classifier> {
    const loaded = loadClassifier(dir);
    const { tf } = await tfRuntime();
    const shapes = cnnShapes(loaded.manifest.architecture);
    return new Classifier(tf, loaded.manifest, dir, loaded.weights.map((w, i) => tf.tensor(w, shapes[i]!)));
  }

  get sha256(): string {
    return this.manifest.sha256;
  }

  get pixels(): number {
    const a = this.manifest.architecture;
    return a.height * a.width * a.channels;
  }

  /** images: n × H·W·C in [-1, 1] (HWC order, as the GAN engine and the loaders produce them). */
  classify(images: Float32Array, n: number): Classified {
    const { tf } = this;
    const spec = this.manifest.architecture;
    const pix = this.pixels;
    if (images.length < n * pix) throw new RangeError(`classify: ${images.length} values for ${n} images of ${pix}`);
    const probs = new Float32Array(n * spec.classes);
    const features = new Float32Array(n * spec.features);
    for (let s = 0; s < n; s += BATCH) {
      const m = Math.min(BATCH, n - s);
      tf.tidy(() => {
        const x = tf.tensor4d(images.subarray(s * pix, (s + m) * pix), [m, spec.height, spec.width, spec.channels]);
        const out = cnnForward(tf, spec, this.params, x);
        probs.set(tf.softmax(out.logits).dataSync(), s * spec.classes);
        features.set(out.features.dataSync(), s * spec.features);
      });
    }
    return { n, probs, features };
  }

  dispose(): void {
    this.tf.dispose(this.params);
  }
}

/** The shipped classifier for images of these classes and size (MNIST digits, Fashion-MNIST …). */
export function classifierDirFor(classes: string[], shape: { height: number; width: number; channels: number }, root = shippedClassifiersDir): string {
  for (const name of shippedClassifierNames(root)) {
    const dir = join(root, name);
    const m = loadClassifier(dir).manifest;
    const a = m.architecture;
    if (a.height === shape.height && a.width === shape.width && a.channels === shape.channels && sameClasses(m.classes, classes)) return dir;
  }
  const available = shippedClassifierNames(root);
  throw new EngineInputError(
    `GenLab has no classifier for ${shape.width}×${shape.height} images of the classes ${classes.slice(0, 4).join(", ")}${classes.length > 4 ? ", …" : ""}: evaluation works for generators of ${available.length ? available.map((n) => n.replace(/-cnn$/, "")).join(" or ") : "(no classifier installed — restore assets/eval)"}.`,
  );
}

function sameClasses(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());
}
