import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";

/**
 * A plain ZIP archive (PKWARE APPNOTE 6.3: local headers, central directory, end record), no
 * package needed: PNGs are stored as they are (already compressed), text is deflated. Sizes
 * stay under 4 GiB, so no ZIP64.
 */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  /** The file to read. */
  path: string;
}

export function writeZip(out: string, entries: ZipEntry[]): number {
  const fd = openSync(out, "w");
  const central: Buffer[] = [];
  let offset = 0;
  const write = (b: Buffer) => {
    writeSync(fd, b);
    offset += b.length;
  };
  try {
    const { time, date } = dosDateTime(new Date());
    for (const e of entries) {
      const data = readFileSync(e.path);
      const deflate = !/\.(png|jpe?g|gif|zip)$/i.test(e.name);
      const body = deflate ? deflateRawSync(data) : data;
      const method = deflate ? 8 : 0;
      const crc = crc32(data);
      const name = Buffer.from(e.name, "utf8");
      const at = offset;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      write(local);
      write(name);
      write(body);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(method, 10);
      c.writeUInt16LE(time, 12);
      c.writeUInt16LE(date, 14);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(body.length, 20);
      c.writeUInt32LE(data.length, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
      c.writeUInt32LE(at, 42);
      central.push(c, name);
    }
    const cdStart = offset;
    for (const b of central) write(b);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(offset - cdStart, 12);
    end.writeUInt32LE(cdStart, 16);
    write(end);
    return offset;
  } finally {
    closeSync(fd);
  }
}

function dosDateTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}
