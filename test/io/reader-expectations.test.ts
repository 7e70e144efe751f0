/**
 * The readers give exactly the items recorded for a set of varied inputs (drawn
 * with a fixed seed in test/io/reader-cases.ts, and the shipped samples): records,
 * problems, faults, origins, texts, line numbers and key order, whatever the chunk
 * size. The expectations were recorded from the straightforward readers these fast
 * ones replaced; UPDATE_GOLDEN=1 records them again from the current readers.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../compiler/io/csv.ts';
import { readJsonLines } from '../../compiler/io/jsonl.ts';
import { readX12 } from '../../compiler/io/x12.ts';
import { expectationsOf, expectationsText, readEncoded, type Expectations, type ReadFormat } from './reader-cases.ts';

const FILE = new URL('./fixtures/reader-expectations.json', import.meta.url);
const read: ReadFormat = (format, chunks) => (format === 'jsonl' ? readJsonLines(chunks) : format === 'csv' ? readCsv(chunks) : readX12(chunks, 'in.x12'));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

if (process.env.UPDATE_GOLDEN === '1') writeFileSync(FILE, expectationsText(await expectationsOf(read, sha256, (f) => readFileSync(f))));
const expected = JSON.parse(readFileSync(FILE, 'utf8')) as Expectations;

describe('reader expectations', () => {
  it('cover every format, with records, problems and faults among them', () => {
    for (const format of ['jsonl', 'x12', 'csv']) expect(expected.cases.filter((c) => c.format === format).length, format).toBeGreaterThan(20);
    const all = expected.cases.flatMap((c) => c.items) as object[];
    for (const kind of ['record', 'problem', 'fault', 'origin', 'text']) expect(all.some((i) => kind in i), kind).toBe(true);
  });

  it.each(['jsonl', 'x12', 'csv'])('%s: the recorded items, chunk by chunk of 1, 7, 100 bytes and whole', async (format) => {
    for (const c of expected.cases.filter((x) => x.format === format)) {
      const bytes = Buffer.from(c.base64, 'base64');
      const want = JSON.stringify(c.items);
      for (const size of [1, 7, 100, bytes.length + 1]) {
        const got = await readEncoded(read, c.format, bytes, size);
        if (got !== want) expect(JSON.parse(got), `${c.name}, chunks of ${size}`).toEqual(c.items);
        expect(got, `${c.name}, chunks of ${size} (key order)`).toBe(want);
      }
    }
  });

  it('the shipped samples: the recorded number of items and their digest, chunk by chunk of 4,096 bytes and whole', async () => {
    for (const s of expected.samples) {
      const bytes = readFileSync(s.file);
      for (const size of [4096, bytes.length + 1]) {
        const got = await readEncoded(read, s.format, bytes, size);
        expect((JSON.parse(got) as unknown[]).length, s.file).toBe(s.items);
        expect(sha256(got), `${s.file}, chunks of ${size}`).toBe(s.sha256);
      }
    }
  });
});
