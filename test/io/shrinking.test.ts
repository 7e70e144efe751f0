/**
 * A shard's results are written in chunks, last chunk first (ChunkedEntries), and read back first to last
 * by a reader that cuts what it has read off the file (ShrinkingReader, compiler/io/shards.ts). Entries of
 * every length (longer than a chunk too, and multi-byte text) come back exactly and in order, and the file
 * is never longer than what is left to read plus one cut.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkedEntries, OpenFiles, ShrinkingReader } from '../../compiler/io/shards.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-shrinking-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Write `lines` (each without a line break) through ChunkedEntries, read them back; check the file's size after every read. */
function roundTrip(lines: readonly string[], chunk: number, cut: number, asParts: boolean, maxOpen: number): string[] {
  const path = join(work, 'results');
  const out = new ChunkedEntries(chunk);
  for (const l of lines) {
    if (asParts) out.addParts(l.slice(0, 1), l.slice(1)); // the head is ASCII, as addParts requires
    else out.addLine(`${l}\n`);
  }
  expect(out.count).toBe(lines.length);
  const sizes = out.write(path);
  const total = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
  expect(statSync(path).size).toBe(total);
  // Every chunk holds whole entries, and only an entry larger than a chunk makes one larger.
  for (const size of sizes) expect(size > chunk ? lines.some((l) => Buffer.byteLength(l) + 1 === size) : size > 0).toBe(true);
  const ends = sizes.map((_, k) => sizes.slice(0, k + 1).reduce((a, b) => a + b, 0));
  const files = new OpenFiles(maxOpen);
  const reader = new ShrinkingReader(path, sizes, cut, files);
  const back: string[] = [];
  let unread = total;
  for (let i = 0; i < lines.length; i++) {
    const bytes = reader.line();
    back.push(bytes.toString('utf8', reader.start, reader.end));
    unread -= reader.end - reader.start + 1;
    // Open while it has chunks to read (when allowed), closed and removed after its last.
    const filled = ends.findIndex((e) => e >= total - unread) + 1;
    expect(files.open).toBe(filled < sizes.length && maxOpen > 0 ? 1 : 0);
    if (!existsSync(path)) {
      expect(unread).toBeLessThanOrEqual(Math.max(chunk, ...sizes));
      continue;
    }
    const onDisk = statSync(path).size;
    // On disk: what was not read yet, but for the rest of the chunk in memory, and less than a cut and a chunk of what was.
    const largest = Math.max(chunk, ...sizes);
    expect(onDisk).toBeGreaterThanOrEqual(unread - largest);
    expect(onDisk - unread).toBeLessThan(cut + largest);
  }
  expect(existsSync(path)).toBe(lines.length === 0);
  expect(files.open).toBe(0);
  expect(() => reader.line()).toThrow('ended early');
  return back;
}

/** An entry as the results files hold them: `T` or `Q`, then well-formed text without a line break (JSON.stringify's or a CSV row's). */
const line = fc.tuple(
  fc.constantFrom('T', 'Q'),
  fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.constantFrom('', '{"index":1}', 'x'.repeat(5000), `"${'é'.repeat(2500)}"`, '😀'.repeat(1000)),
  ),
).map(([head, text]) => head + text.replace(/\n/g, ' '));

describe('ChunkedEntries and ShrinkingReader', () => {
  it('give every entry back, in order, while the file shrinks behind the reader', () => {
    fc.assert(fc.property(fc.array(line, { maxLength: 300 }), fc.constantFrom(64, 256, 4096), fc.constantFrom(1, 500, 1 << 20), fc.boolean(), fc.constantFrom(0, 1), (lines, chunk, cut, asParts, maxOpen) => {
      expect(roundTrip(lines, chunk, cut, asParts, maxOpen)).toEqual(lines);
    }), { numRuns: 300 });
  });

  it('one writer serves file after file, each with only its own entries (its blocks are reused)', () => {
    fc.assert(fc.property(fc.array(fc.array(line, { maxLength: 200 }), { minLength: 2, maxLength: 4 }), fc.constantFrom(64, 4096), (files, chunk) => {
      const out = new ChunkedEntries(chunk, 1000);
      const written = files.map((lines, f) => {
        for (const l of lines) out.addLine(`${l}\n`);
        expect(out.count).toBe(lines.length);
        return out.write(join(work, `results-${f}`));
      });
      files.forEach((lines, f) => {
        const reader = new ShrinkingReader(join(work, `results-${f}`), written[f]!, 1);
        expect(lines.map(() => { const b = reader.line(); return b.toString('utf8', reader.start, reader.end); })).toEqual(lines);
        expect(existsSync(join(work, `results-${f}`))).toBe(lines.length === 0);
      });
    }), { numRuns: 100 });
  });

  it('cut the file to what is left to read once a cut has been read', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `T${String(i).padStart(9, '0')}`); // 11 bytes each
    const path = join(work, 'results');
    const out = new ChunkedEntries(110);
    for (const l of lines) out.addLine(`${l}\n`);
    const sizes = out.write(path);
    expect(sizes).toEqual(Array(100).fill(110));
    const reader = new ShrinkingReader(path, sizes, 330);
    for (let i = 0; i < 20; i++) reader.line();
    expect(statSync(path).size).toBe(11000); // two chunks read: less than a cut
    reader.line(); // the 21st entry: the third chunk is read, and the three are cut off
    expect(statSync(path).size).toBe(11000 - 330);
    for (let i = 21; i < 50; i++) reader.line();
    expect(statSync(path).size).toBe(11000 - 330);
    reader.line(); // the 51st entry: three chunks since the last cut
    expect(statSync(path).size).toBe(11000 - 660);
  });
});
