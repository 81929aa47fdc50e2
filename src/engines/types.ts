import type { RawImage } from "../images/encode.ts";

/**
 * The contract every engine honours. Engines know nothing of Discord or the database:
 * a typed request in, raw images and the exact parameters used out.
 */
export interface EngineStatus {
  ready: boolean;
  /** One sentence: what the engine will run, or what to set to make it ready. */
  detail: string;
}

export interface ModelInfo {
  name: string;
  /** sha256 of the weights, so provenance names the exact model. */
  sha256?: string;
}

/** How the result message shows the images, when a plain grid is not the right picture. */
export interface Presentation {
  /** Grid columns (default √n); n gives a strip, e.g. interpolation frames. */
  columns?: number;
  /** Also attach the images as a looping animated GIF, each frame shown this long. */
  animationFrameMs?: number;
  /** Numbers shown beside the image in the embed (a chart's figures, PSNRs …). */
  fields?: { name: string; value: string }[];
  /** One line under the title: what the image shows or how to read it. */
  note?: string;
  /** Files to attach besides the images (a dataset's zip); the engine keeps them within Discord's upload limit. */
  attachments?: { name: string; data: Buffer }[];
}

export interface GenerationResult {
  images: RawImage[];
  presentation?: Presentation;
  model: ModelInfo;
  /** Every parameter the engine used, defaults filled in. */
  params: Record<string, unknown>;
  seed: number;
}

export interface GenerateContext {
  signal: AbortSignal;
  onProgress?: (fraction: number, note?: string) => void;
}

/** Which word lists a request's prompts are checked against. */
export interface PromptPolicy {
  /** GenLab's default list of unsafe words; lifted only in an age-restricted channel of a server that allows it. */
  defaultWords: boolean;
  /** The server's own blocked words (/config blocked-words). */
  serverWords: readonly string[];
}

/** What the caller decided about a request before the engine checks it; never read from the request. */
export interface ValidateContext {
  /** Absent: GenLab's default list alone. Engines without prompts ignore it. */
  promptPolicy?: PromptPolicy;
  /** The worker re-reading a stored request: it was checked before it was queued, under the lists its record names. */
  queued?: boolean;
}

export interface Engine<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable id stored in provenance: "gan", "biggan", "diffusion" … */
  readonly name: string;
  /** Human name for messages: "BigGAN". */
  readonly title: string;
  status(): EngineStatus;
  /** Checks and normalises a request; throws EngineInputError with a sentence for the user. */
  validate(params: Record<string, unknown>, ctx?: ValidateContext): P;
  generate(params: P, ctx: GenerateContext): Promise<GenerationResult>;
  /** The slash-command options that draw exactly these images again, e.g. "model:x n:4 seed:5". */
  reproduce?(params: Record<string, unknown>): string;
  /**
   * Request parameters for variations of image `index` of a result — the same request with
   * noise near that image's — or undefined where this engine or result cannot vary (the V
   * buttons are then left out).
   */
  variations?(params: Record<string, unknown>, index: number): Record<string, unknown> | undefined;
  /** Ends what the engine keeps running (its thread) and waits for it; the app calls it as it stops. */
  close?(): Promise<void>;
}

/** An engine of any parameter type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parameters are checked by each engine's validate()
export type AnyEngine = Engine<any>;
