import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { writeZip } from "../../../../src/engines/diffusion/dataset/zip.ts";
import { tempDir } from "../../../support/config.ts";
import { readZip } from "../../../support/read-zip.ts";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("writeZip", () => {
  it("writes every file, in order, under its name: PNGs stored, text deflated, as Python's zipfile reads it", async () => {
    const dir = tempDir("genlab-zip-");
    mkdirSync(join(dir, "a-city"));
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } }).png().toBuffer();
    const csv = Buffer.from("file,prompt\n" + "a-city/000.png,a city\n".repeat(200));
    writeFileSync(join(dir, "a-city", "000.png"), png);
    writeFileSync(join(dir, "metadata.csv"), csv);
    const entries = [
      { name: "a-city/000.png", path: join(dir, "a-city", "000.png") },
      { name: "metadata.csv", path: join(dir, "metadata.csv") },
      { name: "ville-été/000.png", path: join(dir, "a-city", "000.png") }, // UTF-8 names survive
    ];
    const out = join(dir, "dataset.zip");
    const bytes = await writeZip(out, entries);
    expect(bytes).toBe(statSync(out).size);
    const z = await readZip(out);
    expect(z.bad).toBeNull();
    expect(z.entries).toEqual([
      { name: "a-city/000.png", size: png.length, method: 0, sha256: sha(png) },
      { name: "metadata.csv", size: csv.length, method: 8, sha256: sha(csv) },
      { name: "ville-été/000.png", size: png.length, method: 0, sha256: sha(png) },
    ]);
  });

  it("writes ZIP64 records past 65,535 entries", async () => {
    const dir = tempDir("genlab-zip64-");
    // Stored (".png") entries of one small file: the count is what matters, not the bytes.
    const file = join(dir, "row.png");
    writeFileSync(file, "x\n");
    const n = 65_536;
    const out = join(dir, "many.zip");
    await writeZip(out, Array.from({ length: n }, (_, i) => ({ name: `rows/${i}.png`, path: file })));
    const tail = readFileSync(out).subarray(-200);
    expect(tail.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // ZIP64 end of central directory
    const z = await readZip(out);
    expect(z.bad).toBeNull();
    expect(z.entries).toHaveLength(n);
    expect(z.entries[n - 1]).toMatchObject({ name: `rows/${n - 1}.png`, size: 2 });
  });

  it("fails with one sentence naming the archive when a file is missing, and leaves no partial archive", async () => {
    const dir = tempDir("genlab-zip-missing-");
    writeFileSync(join(dir, "a.txt"), "a");
    const out = join(dir, "dataset.zip");
    await expect(writeZip(out, [{ name: "a.txt", path: join(dir, "a.txt") }, { name: "b.txt", path: join(dir, "b.txt") }])).rejects.toThrow(
      new RegExp(`^Could not write the archive ${out}: ENOENT: no such file or directory, stat '${join(dir, "b.txt")}'\\.$`),
    );
    expect(existsSync(out)).toBe(false);
  });
});
