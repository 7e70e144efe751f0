/**
 * Fuzzing the readers' streaming: for any input, the items read chunk by chunk
 * (any chunk size) are exactly the items read from the whole input at once —
 * records, problems, faults, origins and texts, key order included. Budget from
 * test/fuzz/budget.ts (npm test: 1,500 inputs per reader; npm run fuzz: 30,000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../compiler/io/csv.ts';
import { readJsonLines } from '../../compiler/io/jsonl.ts';
import { readX12 } from '../../compiler/io/x12.ts';
import { csvInput, jsonlInput, readEncoded, x12Input, type ReadFormat, type ReaderCase } from '../io/reader-cases.ts';
import { fuzzRuns, reportFuzz, type FuzzCounts } from './budget.ts';

const read: ReadFormat = (format, chunks) => (format === 'jsonl' ? readJsonLines(chunks) : format === 'csv' ? readCsv(chunks) : readX12(chunks, 'in.x12'));
const INPUTS: Record<ReaderCase['format'], fc.Arbitrary<Buffer>> = { jsonl: jsonlInput, x12: x12Input, csv: csvInput };

describe('reader chunking', () => {
  it.each(['jsonl', 'x12', 'csv'] as const)('%s: chunk by chunk gives the items of the whole input', { timeout: 3_600_000 }, async (format) => {
    const counts: FuzzCounts = { inputs: 0, crashes: 0, lost: 0 };
    const runs = fuzzRuns(1500, 30_000);
    await fc.assert(fc.asyncProperty(INPUTS[format], fc.integer({ min: 1, max: 97 }), async (bytes, size) => {
      counts.inputs++;
      const whole = await readEncoded(read, format, bytes, bytes.length + 1);
      const chunked = await readEncoded(read, format, bytes, size);
      if (chunked !== whole) counts.lost++;
      expect(chunked).toBe(whole);
    }), { numRuns: runs, seed: 97 });
    reportFuzz(`${format}-reader-chunks`, counts);
    expect(counts.inputs).toBe(runs);
  });
});
