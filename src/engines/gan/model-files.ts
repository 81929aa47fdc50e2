import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineInputError } from "../errors.ts";
import type { GanSpec } from "./spec.ts";

/**
 * A GAN on disk: `model.json` (what it is, how it was trained, the sha256 of every weight
 * file) and float32 little-endian weight files, one per network. The same layout serves
 * shipped models, training outputs and checkpoints.
 */
export const FORMAT = "genlab-gan/1";

export interface ModelManifest {
  format: typeof FORMAT;
  name: string;
  spec: GanSpec;
  /** Parameter shapes, in file order, per network. */
  networks: { generator: number[][]; discriminator?: number[][] };
  files: Record<string, string>; // file name → sha256
  training?: Record<string, unknown>;
  /** Set on the one shipped generator that draws best: what /gan sample uses when no model is named. */
  default?: boolean;
}

export interface LoadedModel {
  dir: string;
  manifest: ModelManifest;
  generator: Float32Array[];
  discriminator?: Float32Array[];
  /** sha256 of generator.bin: what provenance records as the model's identity. */
  sha256: string;
}

export function concatParams(params: Float32Array[]): Buffer {
  const out = Buffer.alloc(params.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of params) {
    Buffer.from(p.buffer, p.byteOffset, p.byteLength).copy(out, off);
    off += p.byteLength;
  }
  return out;
}

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Writes a model directory atomically (a crash leaves the old one or the new one, never half). */
export function saveModel(dir: string, m: Omit<ModelManifest, "format" | "files" | "networks">, nets: { generator: Float32Array[]; discriminator?: Float32Array[] }, shapes: { generator: number[][]; discriminator?: number[][] }, extra: Record<string, Buffer> = {}): ModelManifest {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const blobs: Record<string, Buffer> = { "generator.bin": concatParams(nets.generator), ...extra };
  if (nets.discriminator) blobs["discriminator.bin"] = concatParams(nets.discriminator);
  const files: Record<string, string> = {};
  for (const [name, data] of Object.entries(blobs)) {
    writeFileSync(join(tmp, name), data);
    files[name] = sha256(data);
  }
  const manifest: ModelManifest = { format: FORMAT, ...m, networks: shapes, files };
  writeFileSync(join(tmp, "model.json"), JSON.stringify(manifest, null, 2) + "\n");
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
  return manifest;
}

/** model.json alone: what a model is, without reading or checking its weights. */
export function readManifest(dir: string): ModelManifest {
  const manifestPath = join(dir, "model.json");
  if (!existsSync(manifestPath)) throw new EngineInputError(`${dir} is not a GenLab GAN (no model.json): give a model name from /models, or a folder written by \`genlab train\`.`);
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ModelManifest;
  } catch {
    throw new EngineInputError(`${manifestPath} is not valid JSON: re-export the model or restore the file.`);
  }
  if (manifest.format !== FORMAT) throw new EngineInputError(`${manifestPath} has format ${String(manifest.format)}, expected ${FORMAT}: this GenLab cannot read it.`);
  return manifest;
}

export function loadModel(dir: string, opts: { discriminator?: boolean } = {}): LoadedModel {
  const manifest = readManifest(dir);
  const generator = readParams(dir, "generator.bin", manifest.networks.generator, manifest.files);
  const discriminator = opts.discriminator && manifest.networks.discriminator ? readParams(dir, "discriminator.bin", manifest.networks.discriminator, manifest.files) : undefined;
  return { dir, manifest, generator, discriminator, sha256: manifest.files["generator.bin"]! };
}

export function readBlob(dir: string, file: string, files: Record<string, string>): Buffer {
  const path = join(dir, file);
  if (!existsSync(path)) throw new EngineInputError(`${path} is missing: the model folder is incomplete.`);
  const data = readFileSync(path);
  if (files[file] && sha256(data) !== files[file]) throw new EngineInputError(`${path} does not match the sha256 in model.json: the file is damaged or was replaced.`);
  return data;
}

function readParams(dir: string, file: string, shapes: number[][], files: Record<string, string>): Float32Array[] {
  const data = readBlob(dir, file, files);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (data.byteLength !== total * 4) throw new EngineInputError(`${join(dir, file)} holds ${data.byteLength} bytes, but model.json describes ${total * 4}: the model folder is inconsistent.`);
  return splitParams(data, sizes);
}

export function splitParams(data: Buffer, sizes: number[]): Float32Array[] {
  // Copy out: the Buffer's offset may not be 4-byte aligned.
  const all = new Float32Array(data.byteLength / 4);
  new Uint8Array(all.buffer).set(data);
  const out: Float32Array[] = [];
  let off = 0;
  for (const n of sizes) {
    out.push(all.slice(off, off + n));
    off += n;
  }
  return out;
}
