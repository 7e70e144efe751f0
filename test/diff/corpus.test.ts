/**
 * `--corpus`: both editions' bundles judge one encounter file, and the lines
 * whose status, service or findings change are listed with counts by kind of
 * change. Also the `codeguide diff` command: formats, exit codes, bad input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.ts';
import { changeKinds, corpusDiff } from '../../compiler/diff/corpus.ts';
import { DHCS, line, mustLoad } from '../helpers.ts';

const FIXTURE = 'test/fixtures/diff/mini-guidance';
const work = mkdtempSync(join(tmpdir(), 'codeguide-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s) => { out += s; } }, { write: (s) => { err += s; } });
  return { code, out, err };
}

/** A JSON Lines line as the CLI reads it: its value, or its text when it is not JSON. */
function parseOrText(l: string): unknown {
  try {
    return JSON.parse(l);
  } catch {
    return l;
  }
}

/** Lines whose outcome 2.0 changes in known ways, and two it leaves alone. */
const corpus = [
  line({ claimId: 'A', procedureCode: 'H0044', modifiers: ['U6'] }), // 1.0: amount-required; 2.0: code gone, out of scope
  line({ claimId: 'B', memberId: 'M2', procedureCode: 'T1016', modifiers: ['U8'], minutes: 20, serviceDate: '2024-08-01' }), // 1.0: out of scope; 2.0: Housing Outreach
  line({ claimId: 'C', procedureCode: 'T2040', modifiers: ['U6'], minutes: 7 }), // not-reportable: error, then a warning until 2025-03-31
  line({ claimId: 'D', procedureCode: 'G9008', modifiers: ['U1'] }), // unchanged
  'not a record', // invalid under both
];
const jsonl = join(work, 'corpus.jsonl');
writeFileSync(jsonl, `${corpus.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);

describe('the outcome diff', () => {
  it('lists exactly the lines that change, with every kind of change counted once per line', async () => {
    const v1 = mustLoad(FIXTURE, '1.0').versions[0]!;
    const v2 = mustLoad(FIXTURE, '2.0').versions[0]!;
    const d = await corpusDiff(v1, v2, corpus);
    expect(d.total).toBe(5);
    expect(d.changed.map((c) => c.claimId)).toEqual(['A', 'B', 'C']);
    expect(d.changed.map((c) => c.kinds)).toEqual([
      ['status rejected → out-of-scope', 'service changed', 'finding removed: amount-required'],
      ['status out-of-scope → accepted', 'service changed'],
      ['status rejected → accepted', 'finding not-reportable: error → warning'],
    ]);
    expect(d.counts).toEqual([
      { kind: 'service changed', lines: 2 },
      { kind: 'finding not-reportable: error → warning', lines: 1 },
      { kind: 'finding removed: amount-required', lines: 1 },
      { kind: 'status out-of-scope → accepted', lines: 1 },
      { kind: 'status rejected → accepted', lines: 1 },
      { kind: 'status rejected → out-of-scope', lines: 1 },
    ]);
  });

  it('compares findings by rule and severity, not by message wording', () => {
    const o = (rule: string, severity: string) => ({ status: 'rejected', service: 'S', findings: [{ rule, severity }] });
    expect(changeKinds(o('r', 'error'), o('r', 'error'))).toEqual([]);
    expect(changeKinds(o('r', 'error'), o('q', 'error'))).toEqual(['finding added: q', 'finding removed: r']);
  });

  it('an edition over its own sample changes nothing', async () => {
    const rs = mustLoad(DHCS).versions.at(-1)!;
    const sample = readFileSync(`${DHCS}/sample/encounters.jsonl`, 'utf8').split('\n').slice(0, -1).map(parseOrText);
    const d = await corpusDiff(rs, rs, sample);
    expect(d.total).toBe(sample.length);
    expect(d.changed).toEqual([]);
  });
});

describe('codeguide diff', () => {
  it('prints the diff and the outcome diff; exit 1 when there are differences', async () => {
    const { code, out, err } = await run('diff', `${FIXTURE}@1.0`, `${FIXTURE}@2.0`, '--corpus', jsonl);
    expect(code).toBe(1);
    expect(out).toMatch(/^Changes from mini-guidance 1\.0 to 2\.0/);
    expect(out).toContain(`Outcome over ${jsonl}: 3 of 5 lines change from 1.0 to 2.0`);
    expect(out).toMatch(/ {2}service changed +2\n/);
    expect(out).toContain('line 3 (claim C line 1): rejected as Tenancy: not-reportable (error)  →  accepted as Tenancy: not-reportable (warning)');
    expect(err).toContain('3 of 5 lines');
  });

  it('reads the corpus as CSV too, with the same outcome', async () => {
    const csv = join(work, 'corpus.csv');
    const head = ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'procedureCode', 'modifiers', 'units', 'minutes'];
    const rows = corpus.filter((l) => typeof l !== 'string').map((l) => head.map((h) => {
      const v = (l as Record<string, unknown>)[h];
      return v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
    }).join(','));
    writeFileSync(csv, `${[head.join(','), ...rows].join('\n')}\n`);
    const { code, out } = await run('diff', `${FIXTURE}@1.0`, `${FIXTURE}@2.0`, '--corpus', csv);
    expect(code).toBe(1);
    expect(out).toContain(`Outcome over ${csv}: 3 of 4 lines change from 1.0 to 2.0`);
    expect(out).toMatch(/ {2}service changed +2\n/);
  });

  it('writes Markdown to --out', async () => {
    const target = join(work, 'changes.md');
    const { code } = await run('diff', `${FIXTURE}/1.0`, `${FIXTURE}@2.0`, '--format', 'md', '--corpus', jsonl, '--out', target);
    expect(code).toBe(1);
    const md = readFileSync(target, 'utf8');
    expect(md).toMatch(/^# Changes from mini-guidance 1\.0 to 2\.0/);
    expect(md).toContain('| status rejected → out-of-scope | 1 |');
    expect(md).toContain('| 1 | A / 1 | rejected as Deposits: amount-required (error) | out-of-scope |');
  });

  it('exit 0 when the editions state the same guidance', async () => {
    const { code, out } = await run('diff', `${FIXTURE}@2.0`, `${FIXTURE}/2.0`);
    expect(code).toBe(0);
    expect(out).toContain('Summary: No changes.');
  });

  it('exit 2, with a clear message and no stack trace, when it cannot run', async () => {
    const cases = [
      ['diff', `${FIXTURE}@1.0`],
      ['diff', `${FIXTURE}@1.0`, `${FIXTURE}@9.9`],
      ['diff', 'no/such/folder@1.0', `${FIXTURE}@2.0`],
      ['diff', `${FIXTURE}@1.0`, `${FIXTURE}@2.0`, '--format', 'pdf'],
      ['diff', `${FIXTURE}@1.0`, `${FIXTURE}@2.0`, '--corpus', join(work, 'missing.jsonl')],
    ];
    for (const argv of cases) {
      const { code, err } = await run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toMatch(/codeguide: |error /);
      expect(err).not.toMatch(/\n\s+at /);
    }
    expect((await run('diff', `${FIXTURE}@1.0`, `${FIXTURE}@9.9`)).err).toMatch(/unknown-version no version 9\.9 here/);
  });
});
