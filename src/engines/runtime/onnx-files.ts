import { closeSync, openSync, readSync, fstatSync } from "node:fs";

/**
 * What an ONNX model file needs beside it, read from its protobuf without loading it: the external
 * data files its tensors name (exports of large models keep weights in e.g. `model.onnx_data`), and
 * whether the file is whole. onnxruntime reports either only when a session is created, as a stack
 * trace ("External data path does not exist", "Protobuf parsing failed"); checking up front turns
 * them into one sentence naming the file. Only the fields on the way are read: tensors' raw bytes
 * are skipped by offset, so a 2 GB graph with inline weights costs a few hundred small reads.
 */
export class OnnxFileError extends Error {
  override name = "OnnxFileError";
}

/** The distinct `location`s of the file's external tensors, as written (relative to the model's folder). */
export function onnxExternalDataFiles(path: string): string[] {
  const fd = openSync(path, "r");
  try {
    const bytes = new FileBytes(fd, fstatSync(fd).size);
    const locations = new Set<string>();
    let graphs = 0;
    // ModelProto: 7 graph.
    fields(bytes, 0, bytes.size, (field, start, end) => {
      if (field === 7) graphs++, graph(bytes, start, end, locations);
    });
    if (graphs === 0) throw new OnnxFileError("it has no graph");
    return [...locations];
  } finally {
    closeSync(fd);
  }
}

// GraphProto: 1 node, 5 initializer, 15 sparse_initializer.
function graph(b: FileBytes, start: number, end: number, out: Set<string>): void {
  fields(b, start, end, (field, s, e) => {
    if (field === 5) tensor(b, s, e, out);
    else if (field === 15) fields(b, s, e, (f, ts, te) => (f === 1 || f === 2) && tensor(b, ts, te, out)); // values, indices
    else if (field === 1) fields(b, s, e, (f, as, ae) => f === 5 && attribute(b, as, ae, out)); // NodeProto.attribute
  });
}

// AttributeProto: 5 t, 6 g, 10 tensors, 11 graphs (Constant values, If/Loop bodies).
function attribute(b: FileBytes, start: number, end: number, out: Set<string>): void {
  fields(b, start, end, (field, s, e) => {
    if (field === 5 || field === 10) tensor(b, s, e, out);
    else if (field === 6 || field === 11) graph(b, s, e, out);
  });
}

// TensorProto: 13 external_data, a list of StringStringEntryProto (1 key, 2 value).
function tensor(b: FileBytes, start: number, end: number, out: Set<string>): void {
  fields(b, start, end, (field, s, e) => {
    if (field !== 13) return;
    let key = "";
    let value = "";
    fields(b, s, e, (f, vs, ve) => {
      if (f === 1) key = b.text(vs, ve);
      else if (f === 2) value = b.text(vs, ve);
    });
    if (key === "location" && value) out.add(value);
  });
}

/** Calls `visit` for each length-delimited field of the message in [start, end); other wire types are skipped. */
function fields(b: FileBytes, start: number, end: number, visit: (field: number, start: number, end: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = b.varint(pos);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new OnnxFileError("it is not a protobuf message");
    if (wire === 0) pos = b.varint(afterTag)[1];
    else if (wire === 1) pos = afterTag + 8;
    else if (wire === 5) pos = afterTag + 4;
    else if (wire === 2) {
      const [length, valueStart] = b.varint(afterTag);
      pos = valueStart + length;
      if (pos <= end) visit(field, valueStart, pos);
    } else throw new OnnxFileError("it is not a protobuf message");
    if (pos > end) throw new OnnxFileError(end === b.size ? "it is cut short" : "it is not a protobuf message");
  }
}

/** Positional reads through a 64 KiB window: the walk is mostly forward, with long skips over weights. */
class FileBytes {
  private window = Buffer.alloc(0);
  private at = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  byte(pos: number): number {
    if (pos >= this.size) throw new OnnxFileError("it is cut short");
    if (pos < this.at || pos >= this.at + this.window.length) {
      const n = Math.min(65536, this.size - pos);
      this.window = Buffer.alloc(n);
      readSync(this.fd, this.window, 0, n, pos);
      this.at = pos;
    }
    return this.window[pos - this.at]!;
  }

  /** A varint and the position after it (as a double: lengths and offsets stay far below 2^53). */
  varint(pos: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte(pos + i);
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return [value, pos + i + 1];
      scale *= 128;
    }
    throw new OnnxFileError("it is not a protobuf message");
  }

  text(start: number, end: number): string {
    if (end - start > 4096) throw new OnnxFileError("it is not an ONNX model"); // a file name, not megabytes
    const buf = Buffer.alloc(end - start);
    readSync(this.fd, buf, 0, buf.length, start);
    return buf.toString("utf8");
  }
}
