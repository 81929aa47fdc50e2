import { crc32, inflateSync, deflateSync } from "node:zlib";

/**
 * PNG text chunks carry an image's provenance inside the file itself, so an image saved
 * from Discord still says which generation, engine, model, parameters and seed made it.
 * Written as iTXt (UTF-8, compressed when that helps) right after IHDR.
 */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function addPngText(png: Buffer, entries: Record<string, string>): Buffer {
  assertPng(png);
  const ihdrEnd = SIGNATURE.length + 8 + png.readUInt32BE(SIGNATURE.length) + 4;
  const chunks = Object.entries(entries).map(([k, v]) => itxtChunk(k, v));
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

/** Every tEXt, zTXt and iTXt entry of a PNG, by keyword. */
export function readPngText(png: Buffer): Record<string, string> {
  assertPng(png);
  const out: Record<string, string> = {};
  for (let off = SIGNATURE.length; off + 8 <= png.length; ) {
    const len = png.readUInt32BE(off);
    const type = png.toString("latin1", off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === "tEXt") {
      const nul = data.indexOf(0);
      out[data.toString("latin1", 0, nul)] = data.toString("latin1", nul + 1);
    } else if (type === "zTXt") {
      const nul = data.indexOf(0);
      out[data.toString("latin1", 0, nul)] = inflateSync(data.subarray(nul + 2)).toString("latin1");
    } else if (type === "iTXt") {
      const [key, value] = parseItxt(data);
      out[key] = value;
    } else if (type === "IEND") break;
    off += 12 + len;
  }
  return out;
}

function parseItxt(data: Buffer): [string, string] {
  const nul = data.indexOf(0);
  const key = data.toString("latin1", 0, nul);
  const compressed = data[nul + 1] === 1;
  let p = data.indexOf(0, nul + 3); // end of language tag
  p = data.indexOf(0, p + 1); // end of translated keyword
  const text = data.subarray(p + 1);
  return [key, (compressed ? inflateSync(text) : text).toString("utf8")];
}

function itxtChunk(key: string, value: string): Buffer {
  if (!/^[\x20-\x7e]{1,79}$/.test(key)) throw new Error(`PNG text keyword must be 1-79 printable Latin-1 characters: ${key}`);
  const raw = Buffer.from(value, "utf8");
  const packed = raw.length > 256 ? deflateSync(raw) : raw;
  const compressed = packed.length < raw.length;
  const body = Buffer.concat([
    Buffer.from(key, "latin1"),
    Buffer.from([0, compressed ? 1 : 0, 0, 0, 0]), // nul, flag, method, empty language, empty translation
    compressed ? packed : raw,
  ]);
  return chunk("iTXt", body);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function assertPng(png: Buffer): void {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") {
    throw new Error("not a PNG image");
  }
}
