/**
 * validate's inputs and outputs end to end: 837P/837I with origins, CSV with
 * quoted line breaks, reader problems as invalid results in their place, CSV
 * output, and the progress line's text.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.ts';
import { FINDING_COLUMNS, ORIGIN_COLUMNS } from '../../compiler/io/output.ts';
import { createProgress, progressText } from '../../compiler/io/progress.ts';
import { MINI } from '../helpers.ts';
import { objectLines, write837 } from '../tools/make-837.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-vio-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const SAMPLE = 'rules/dhcs-ecm-cs/sample';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s) => { out += s; } }, { write: (s) => { err += s; } });
  return { code, out, err };
}
const jsonl = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));
let written = 0;
/** Records as a JSON Lines file in the work folder; its path. */
function writeJsonl(records: readonly object[]): string {
  const path = join(work, `records-${written++}.jsonl`);
  writeFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return path;
}
const good = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };

describe('validate reads X12 837', () => {
  for (const [kind, file] of [['837P', 'encounters-837p.x12'], ['837I', 'encounters-837i.x12']]) {
    it(`the shipped ${kind} sample: one result per service line, in order, each with origin as its last key`, async () => {
      const text = readFileSync(join(SAMPLE, file), 'latin1');
      const serviceLines = text.split('~').map((s) => s.trim()).map((s, i) => [s, i + 1] as const).filter(([s]) => /^SV[12]\*/.test(s));
      const { code, out, err } = await run('validate', '--rules', 'rules/dhcs-ecm-cs', join(SAMPLE, file));
      const results = jsonl(out);
      expect(results.map((r) => r.index)).toEqual([...serviceLines.keys()]);
      expect(results.map((r) => r.origin.segment)).toEqual(serviceLines.map(([, n]) => n));
      for (const r of results) expect(Object.keys(r).at(-1)).toBe('origin');
      expect(results[0].origin).toMatchObject({ file: join(SAMPLE, file), interchange: expect.any(String), group: expect.any(String), transaction: '0001', claim: results[0].claimId, line: String(results[0].lineNumber) });
      expect(new Set(results.map((r) => r.origin.transaction)).size).toBeGreaterThan(1);
      expect(err).toMatch(new RegExp(`${results.length} lines`));
      expect(err).not.toMatch(/file structure/);
      expect(code).toBe(1); // the sample holds rejected lines on purpose
    });
  }

  it('the same lines as JSON Lines and as 837P or 837I are judged alike', async () => {
    // What an 837 carries: no minutes or credential; an amount always (0 when none was billed).
    const lines = objectLines(readFileSync(join(SAMPLE, 'encounters.jsonl'), 'utf8'))
      .filter((r) => !Array.isArray(r.modifiers) || r.modifiers.length <= 4)
      .map(({ minutes: _m, staffCredential: _s, planId: _p, ...r }) => ({ ...r, amount: typeof r.amount === 'number' ? r.amount : 0 }));
    const asJsonl = join(work, 'same.jsonl');
    writeFileSync(asJsonl, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const expected = jsonl((await run('validate', '--rules', 'rules/dhcs-ecm-cs', asJsonl)).out);
    for (const kind of ['P', 'I'] as const) {
      const as837 = join(work, `same-837${kind}.x12`);
      // 837I lines carry no place of service: compare with JSON Lines without it.
      const source = kind === 'I' ? lines.map((r) => { const { placeOfService: _p, ...rest } = r as Record<string, unknown>; return rest; }) : lines;
      writeFileSync(as837, write837(source, { kind, claimsPerTransaction: 25 }));
      const want = kind === 'I' ? jsonl((await run('validate', '--rules', 'rules/dhcs-ecm-cs', writeJsonl(source))).out) : expected;
      const got = jsonl((await run('validate', '--rules', 'rules/dhcs-ecm-cs', as837)).out).map(({ origin: _o, ...r }) => r);
      expect(got).toEqual(want);
    }
  });

  it('an envelope fault is reported on stderr, makes the exit code 1, and costs no line', async () => {
    const text = readFileSync(join(SAMPLE, 'encounters-837p.x12'), 'latin1').replace(/GE\*\d+/, 'GE*99');
    const input = join(work, 'bad-ge.x12');
    writeFileSync(input, text, 'latin1');
    const { code, out, err } = await run('validate', '--rules', MINI, input);
    expect(err).toMatch(/file structure: 1 fault[^]*GE01 says 99 transactions/);
    expect(jsonl(out)).toHaveLength((text.match(/~\s*SV1\*/g) ?? []).length);
    expect(code).toBe(1);
  });
});

describe('validate reads CSV (RFC 4180)', () => {
  it('quoted line breaks give exactly one result per record', async () => {
    const input = join(work, 'notes.csv');
    writeFileSync(input, 'claimId,lineNumber,memberId,serviceDate,procedureCode,modifiers,units,note\r\n'
      + 'C1,1,M1,2024-04-01,G9008,U1,1,"call back\r\nnext week"\r\n'
      + 'C1,2,M1,2024-04-02,G9008,U1,1,"said ""fine""\nthen left"\r\n'
      + 'C1,3,M1,2024-04-03,G9008,U1,1,\r\n'
      + 'C1,4,M1,2024-04-04,G9008,U1,1,"a,\nb,\nc"\r\n');
    const { out } = await run('validate', '--rules', MINI, input);
    const results = jsonl(out);
    expect(results.map((r) => [r.index, r.lineNumber, r.status])).toEqual([[0, 1, 'accepted'], [1, 2, 'accepted'], [2, 3, 'accepted'], [3, 4, 'accepted']]);
  });

  it('a ragged row is an invalid result naming its row, in its place', async () => {
    const input = join(work, 'ragged.csv');
    writeFileSync(input, 'claimId,lineNumber,memberId,serviceDate,procedureCode,modifiers,units\nC1,1,M1,2024-04-01,G9008,U1,1\nC1,2,M1,2024-04-01\nC1,3,M1,2024-04-01,G9008,U1,1\n');
    const { code, out } = await run('validate', '--rules', MINI, input);
    const results = jsonl(out);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'invalid', 'accepted']);
    expect(results[1].findings).toEqual([expect.objectContaining({ category: 'invalid-record', severity: 'error', message: 'row 2 (line 3) has 4 fields; the header has 7' })]);
    expect(code).toBe(1);
  });
});

describe('reader problems become invalid results in their place', () => {
  it('invalid UTF-8, duplicate keys, deep nesting and non-JSON lines: one invalid result each, naming the problem', async () => {
    const input = join(work, 'problems.jsonl');
    writeFileSync(input, Buffer.concat([
      Buffer.from(`${JSON.stringify(good)}\n{"claimId":"C2","lineNumber":1,"units":1,"units":2}\n{"memberId":"`),
      Buffer.from([0xfe]),
      Buffer.from(`"}\n${'['.repeat(5000)}\n${JSON.stringify({ ...good, lineNumber: 5 })}\n`),
    ]));
    const { code, out } = await run('validate', '--rules', MINI, input);
    const results = jsonl(out);
    expect(results.map((r) => [r.index, r.status])).toEqual([[0, 'accepted'], [1, 'invalid'], [2, 'invalid'], [3, 'invalid'], [4, 'accepted']]);
    expect(results[1]).toMatchObject({ claimId: 'C2', lineNumber: 1, program: null, findings: [{ category: 'invalid-record', message: 'line 2 has the key "units" twice; a record must say each thing once' }] });
    expect(results[2].findings).toEqual([expect.objectContaining({ category: 'invalid-record', message: expect.stringMatching(/^line 3 is not valid UTF-8: byte offset \d+ of the file \(0xfe\)$/) })]);
    expect(results[3].findings[0].message).toMatch(/^line 4 is not JSON/);
    expect(code).toBe(1);
  });
});

describe('validate --out-format csv', () => {
  it('writes one CSV row per result, with findings and (for an 837) origin columns', async () => {
    const { out: asJson } = await run('validate', '--rules', 'rules/dhcs-ecm-cs', join(SAMPLE, 'encounters-837p.x12'));
    const { out } = await run('validate', '--rules', 'rules/dhcs-ecm-cs', '--out-format', 'csv', join(SAMPLE, 'encounters-837p.x12'));
    const rows = parse(out, { columns: true }) as Record<string, string>[];
    const results = jsonl(asJson);
    expect(rows).toHaveLength(results.length);
    // The result's own fields in its order, then the findings, then the origin.
    const fields = Object.keys(results[0]).filter((k) => k !== 'findings' && k !== 'origin');
    expect(fields.slice(0, 4)).toEqual(['index', 'claimId', 'lineNumber', 'status']);
    expect(Object.keys(rows[0]!)).toEqual([...fields, ...FINDING_COLUMNS, ...ORIGIN_COLUMNS]);
    rows.forEach((row, i) => {
      const r = results[i];
      expect([row.index, row.claimId, row.status, row.service, row.segment]).toEqual([String(r.index), r.claimId, r.status, r.service ?? '', String(r.origin.segment)]);
      expect(row.messages!.split('\n').filter(Boolean)).toEqual(r.findings.map((f: { message: string }) => f.message));
      expect(row.categories).toBe(r.findings.map((f: { category: string }) => f.category).join(';'));
    });
  });

  it('a JSON Lines input gives the columns without origin; unknown --out-format is a usage error', async () => {
    const input = join(work, 'one.jsonl');
    writeFileSync(input, `${JSON.stringify(good)}\n`);
    const { out } = await run('validate', '--rules', MINI, '--out-format', 'csv', input);
    const { out: asJson } = await run('validate', '--rules', MINI, input);
    const fields = Object.keys(JSON.parse(asJson)).filter((k) => k !== 'findings');
    expect(out.split('\r\n')[0]).toBe([...fields, ...FINDING_COLUMNS].join(','));
    expect(parse(out, { columns: true })).toHaveLength(1);
    expect((await run('validate', '--rules', MINI, '--out-format', 'xml', input)).code).toBe(2);
  });
});

describe('the progress line', () => {
  it('shows how far, lines per second and the time left', () => {
    expect(progressText({ phase: 'reading', lines: 1_200_000, bytesRead: 250e6, size: 1000e6, elapsedMs: 4000 })).toBe('reading 25% · 1,200,000 lines · 300,000 lines/s · about 12 s left');
    expect(progressText({ phase: 'reading', lines: 10, bytesRead: 1, size: 1000, elapsedMs: 400_000 })).toMatch(/about \d+ h \d+ min left$/);
    expect(progressText({ phase: 'validating', lines: 5000, bytesRead: 100, size: 0, elapsedMs: 1000 })).toBe('validating · 5,000 lines · 5,000 lines/s');
  });

  it('redraws one line at most every 200 ms and clears it at the end', () => {
    let text = '';
    let now = 0;
    const progress = createProgress({ write: (s) => { text += s; } }, 1000, true, () => now);
    now = 1000; progress.update('reading', 100, 500);
    now = 1100; progress.update('reading', 150, 600); // too soon: not drawn
    now = 1300; progress.update('reading', 200, 800);
    progress.clear();
    expect(text).toBe('\r\x1b[Kcodeguide: reading 50% · 100 lines · 100 lines/s · about 1 s left\r\x1b[Kcodeguide: reading 80% · 200 lines · 154 lines/s · about 1 s left\r\x1b[K');
    let silent = '';
    const off = createProgress({ write: (s) => { silent += s; } }, 1000, false);
    off.update('reading', 1, 1);
    off.clear();
    expect(silent).toBe('');
  });
});
