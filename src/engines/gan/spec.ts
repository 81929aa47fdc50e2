/** What a GAN is: enough to rebuild it, train it, and sample from it. Stored in model.json. */
export type Arch = "mlp" | "dcgan";

export interface GanSpec {
  arch: Arch;
  /** Class-conditional: a one-hot label goes into G (with z) and into D (with x), or see auxClassifier. */
  conditional: boolean;
  /**
   * Conditional GANs (MLP or DCGAN). AC-GAN: D does not see the label; it also predicts the
   * class (1 + classes outputs), and the class loss pushes G towards the asked-for class.
   * Absent or false: the label is concatenated to D's input.
   */
  auxClassifier?: boolean;
  zDim: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Class names of the training data, index = label. */
  classes: string[];
}

export const LEAKY_SLOPE = 0.2;
export const ADAM = { lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8 } as const;

export function pixels(spec: GanSpec): number {
  return spec.height * spec.width * spec.channels;
}

/** Label inputs: one-hot width, or 0 when the GAN is unconditional. */
export function labelWidth(spec: GanSpec): number {
  return spec.conditional ? spec.classes.length : 0;
}

/** The lab recipe: G 100→256→512→1024→pixels, D pixels→512→256→1 (plus one-hot widths, or class logits). */
export function mlpLayers(spec: GanSpec): { g: number[]; d: number[] } {
  const k = labelWidth(spec);
  const g = [spec.zDim + k, 256, 512, 1024, pixels(spec)];
  return spec.auxClassifier ? { g, d: [pixels(spec), 512, 256, 1 + k] } : { g, d: [pixels(spec) + k, 512, 256, 1] };
}
