/**
 * The result writer gathers lines in blocks of bytes (1 MiB for a file, 64 KiB for a stream): whatever the
 * lengths of the lines — many small ones, ones larger than a block, text past ASCII cut at a block's end —
 * the bytes written are the lines in order, each with its ending, the CSV header first.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRow, fileTarget, ResultFormat, ResultWriter, resultFields, streamTarget, type OutputResult } from '../../compiler/io/output.ts';
import { prng } from '../tools/prng.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-output-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Results with claim IDs of every length up to 300 KB (past both block sizes), some with non-ASCII text and line breaks. */
function results(n: number, seed: number): OutputResult[] {
  const rand = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const long = rand() < 0.02;
    const size = long ? Math.floor(rand() * 300_000) : Math.floor(rand() * 200);
    const claimId = `C${i}-${'é𝄞x'.repeat(Math.ceil(size / 4))}${'y'.repeat(size % 4)}`; // whole characters: a lone surrogate is not text
    const findings = rand() < 0.5 ? [] : [{ rule: 'r1', category: 'c', severity: 'error' as const, message: `m ${i}`, cite: '' }, { rule: 'r2', category: 'c', severity: 'warning' as const, message: 'two\nlines, "quoted"', cite: '' }];
    return { index: i, claimId, lineNumber: 1, status: findings.length ? 'rejected' : 'accepted', program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: '1.2', findings } as OutputResult;
  });
}

const expectedText = (rs: OutputResult[], format: 'jsonl' | 'csv'): string => {
  if (format === 'jsonl') return rs.map((r) => `${JSON.stringify(r)}\n`).join('');
  const fields = resultFields(rs[0] ?? null);
  const header = `${[...fields, 'rules', 'categories', 'severities', 'messages'].join(',')}\r\n`;
  return header + rs.map((r) => csvRow(r, fields, false)).join('');
};

describe('the result writer', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: to a file, to a Node stream and to a text collector, the same bytes as the lines joined`, async () => {
      const rs = results(3000, format === 'csv' ? 2 : 1);
      const want = expectedText(rs, format);

      const path = join(work, `out.${format}`);
      const toFile = new ResultWriter(fileTarget(path), format, false);
      for (const r of rs) await toFile.write(r);
      await toFile.close();
      expect(readFileSync(path, 'utf8')).toBe(want);

      const chunks: Buffer[] = [];
      const stream = new Writable({ write(chunk: Buffer, _e, done) { chunks.push(Buffer.from(chunk)); setImmediate(done); } });
      const toStream = new ResultWriter(streamTarget(stream), format, false);
      for (const r of rs) await toStream.write(r);
      await toStream.close();
      { const g = Buffer.concat(chunks).toString(); let d = 0; while (d < want.length && g.charCodeAt(d) === want.charCodeAt(d)) d++; console.log("STREAM", g.length, want.length, d); }
      expect(Buffer.concat(chunks).toString("utf8")).toBe(want);

      let text = '';
      const toText = new ResultWriter(streamTarget({ write: (s) => { text += s; return true; } }), format, false);
      // Rendered lines and their bytes, as a sharded run hands them over, mixed with results.
      rs.forEach((r, i) => {
        const line = toText.format.line(r);
        if (i % 3 === 0) void toText.write(r);
        else if (i % 3 === 1) void toText.writeLine(line);
        else {
          const bytes = Buffer.from(`x${line}y`);
          void toText.writeBytes(bytes, 1, bytes.length - 1);
        }
      });
      await toText.close();
      { let d = 0; while (d < want.length && text.charCodeAt(d) === want.charCodeAt(d)) d++; console.log("TEXT", text.length, want.length, d, JSON.stringify(text.slice(d - 60, d + 30)), JSON.stringify(want.slice(d - 60, d + 30))); }
      expect(text).toBe(want);
    });
  }

  it('with no results: nothing for JSON Lines, the core header for CSV', async () => {
    for (const [format, want] of [['jsonl', ''], ['csv', 'index,claimId,lineNumber,status,rules,categories,severities,messages\r\n']] as const) {
      let text = '';
      const w = new ResultWriter(streamTarget({ write: (s) => { text += s; return true; } }), format, false);
      await w.close();
      { let d = 0; while (d < want.length && text.charCodeAt(d) === want.charCodeAt(d)) d++; console.log("TEXT", text.length, want.length, d, JSON.stringify(text.slice(d - 60, d + 30)), JSON.stringify(want.slice(d - 60, d + 30))); }
      expect(text).toBe(want);
    }
  });

  it('a format renders a line without its ending, and the header from the first result rendered', () => {
    const f = new ResultFormat('csv', false);
    const [r] = results(1, 3);
    expect(f.line(r!)).toBe(csvRow(r!, resultFields(r!), false).slice(0, -2));
    expect(f.header().startsWith('index,claimId,lineNumber,status,program')).toBe(true);
  });
});
