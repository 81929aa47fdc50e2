import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** One entry as Python's zipfile module reads it. */
export interface ReadEntry {
  name: string;
  size: number;
  /** 0 = stored, 8 = deflated. */
  method: number;
  sha256: string;
}

export interface ReadZip {
  /** The first entry whose CRC or header does not check out (zipfile.testzip), or null. */
  bad: string | null;
  entries: ReadEntry[];
}

// An independent reader: Python's zipfile, not the library that wrote the archive.
const script = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    entries = [{"name": i.filename, "size": i.file_size, "method": i.compress_type,
                "sha256": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]
json.dump({"bad": bad, "entries": entries}, sys.stdout)
`;

/** Reads and checks every entry of a ZIP archive with python3's zipfile module. */
export async function readZip(path: string): Promise<ReadZip> {
  const { stdout } = await promisify(execFile)("python3", ["-c", script, path], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as ReadZip;
}
