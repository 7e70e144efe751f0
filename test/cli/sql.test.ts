/**
 * The SQL back end on the command line: `compile --target sql` writes a
 * script (with its as_of default and plan profile), `validate --engine
 * duckdb` writes the same result file, summary and exit code as the
 * JavaScript engine — on the shipped sample as JSON Lines, as CSV and as an
 * 837, on generated lines with a profile and an as-of date, and on Parquet —
 * and mistakes in the options are usage errors.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../compiler/engines/duckdb.ts';
import { RECORD_FIELDS } from '../../compiler/fields.ts';
import { DHCS, mustLoad, runCli } from '../helpers.ts';
import { generateLines } from '../sql/generate.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-cli-sql-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const SAMPLE = 'rules/dhcs-ecm-cs/sample/encounters.jsonl';
const PROFILE = 'rules/dhcs-ecm-cs/profiles';

/** Both engines on one input: each result file's text, and what each run printed. */
async function both(input: string, ...more: string[]): Promise<{ js: string; duck: string; jsRun: Awaited<ReturnType<typeof runCli>>; duckRun: Awaited<ReturnType<typeof runCli>> }> {
  const [a, b] = [join(work, `js-${Math.random()}.out`), join(work, `duck-${Math.random()}.out`)];
  const jsRun = await runCli('validate', '--rules', DHCS, ...more, '--out', a, input);
  const duckRun = await runCli('validate', '--rules', DHCS, '--engine', 'duckdb', ...more, '--out', b, input);
  return { js: readFileSync(a, 'utf8'), duck: readFileSync(b, 'utf8'), jsRun, duckRun };
}

/** The summary without the output file's name. */
const summary = (err: string, file: RegExp) => err.replace(file, 'OUT');

describe('validate --engine duckdb', () => {
  it('writes the JS engine\'s result file byte for byte on the shipped sample, with the same summary and exit code', async () => {
    const r = await both(SAMPLE);
    expect(r.js.split('\n').length).toBeGreaterThan(300);
    expect(r.duck).toBe(r.js);
    expect(r.duckRun.code).toBe(r.jsRun.code);
    expect(r.jsRun.code).toBe(1);
    expect(summary(r.duckRun.err, /\S+duck-\S+\.out/), r.duckRun.err).toBe(summary(r.jsRun.err, /\S+js-\S+\.out/));
  });

  it('the same on the sample written as CSV, and as CSV results', async () => {
    const records = readFileSync(SAMPLE, 'utf8').trim().split('\n').flatMap((l) => { try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; } });
    const cell = (v: unknown) => {
      const text = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(' ') : String(v);
      return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const csv = join(work, 'sample.csv');
    writeFileSync(csv, [RECORD_FIELDS.map((f) => f.csv).join(','), ...records.filter((r) => r && typeof r === 'object').map((r) => RECORD_FIELDS.map((f) => cell(r[f.name])).join(','))].join('\n') + '\n');
    for (const format of ['jsonl', 'csv']) {
      const r = await both(csv, '--out-format', format);
      expect(r.duck, format).toBe(r.js);
      expect(r.duckRun.code).toBe(r.jsRun.code);
    }
  });

  it('the same on the shipped 837P (origins kept)', async () => {
    const r = await both('rules/dhcs-ecm-cs/sample/encounters-837p.x12');
    expect(r.js).toContain('"origin"');
    expect(r.duck).toBe(r.js);
  });

  it('the same on generated lines judged as of an older date, and under a plan profile', async () => {
    const rs = mustLoad(DHCS).versions.at(-1)!;
    const file = join(work, 'generated.jsonl');
    writeFileSync(file, [...generateLines(rs, { lines: 4000, uncarried: 0.01 })].map((r) => JSON.stringify(r)).join('\n') + '\n');
    for (const more of [[], ['--as-of', '2023-12-31'], ['--as-of', '2024-02-01'], ['--profile', join(PROFILE, readProfiles()[0]!)]]) {
      const r = await both(file, ...more);
      expect(r.duck, more.join(' ')).toBe(r.js);
      expect(r.duckRun.code).toBe(r.jsRun.code);
    }
  });

  it('reads Parquet with the §6 column names and gives the JSON Lines file\'s results', async () => {
    const records = readFileSync(SAMPLE, 'utf8').trim().split('\n').flatMap((l) => { try { const r = JSON.parse(l) as Record<string, unknown>; return r && typeof r === 'object' && !Array.isArray(r) ? [r] : []; } catch { return []; } });
    // Records a typed Parquet column can hold as written (numbers where numbers belong, real dates).
    const typed = records.filter((r) => RECORD_FIELDS.every((f) => {
      const v = r[f.name];
      if (v === undefined || v === null) return true;
      if (f.type === 'number') return typeof v === 'number';
      if (f.type === 'list') return Array.isArray(v) && v.every((m) => typeof m === 'string');
      if (f.type === 'date') return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().startsWith(v);
      return typeof v === 'string';
    }));
    expect(typed.length).toBeGreaterThan(200);
    const jsonl = join(work, 'typed.jsonl');
    writeFileSync(jsonl, typed.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const parquet = join(work, 'typed.parquet');
    const { instance, connection } = await openDuckDb();
    await connection.run(`COPY (SELECT * FROM read_json('${jsonl}', format = 'newline_delimited', columns = {${RECORD_FIELDS.map((f) => `${f.name}: '${{ string: 'VARCHAR', number: 'DOUBLE', date: 'DATE', list: 'VARCHAR[]' }[f.type]}'`).join(', ')}})) TO '${parquet}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    const fromJs = join(work, 'typed-js.jsonl');
    const fromParquet = join(work, 'typed-parquet.jsonl');
    const js = await runCli('validate', '--rules', DHCS, '--out', fromJs, jsonl);
    const duck = await runCli('validate', '--rules', DHCS, '--engine', 'duckdb', '--out', fromParquet, parquet);
    expect(duck.code, duck.err).toBe(js.code);
    expect(readFileSync(fromParquet, 'utf8')).toBe(readFileSync(fromJs, 'utf8'));
  });

  it('asks for --rules, and for --engine duckdb before Parquet', async () => {
    expect((await runCli('validate', '--bundle', 'x.mjs', '--engine', 'duckdb', SAMPLE)).err).toMatch(/--engine duckdb .*--rules/);
    expect((await runCli('validate', '--rules', DHCS, '--format', 'parquet', SAMPLE)).err).toMatch(/--format parquet needs --engine duckdb/);
    const bad = await runCli('validate', '--rules', DHCS, '--engine', 'spark', SAMPLE);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown --engine "spark"/);
  });
});

function readProfiles(): string[] {
  return readdirSync(PROFILE).filter((f: string) => /\.ya?ml$/.test(f));
}

describe('compile --target sql', () => {
  it('writes a script per dialect with the as_of default and the plan profile, after the examples pass', async () => {
    for (const dialect of ['duckdb', 'postgres', 'spark']) {
      const out = join(work, `dhcs.${dialect}.sql`);
      const r = await runCli('compile', DHCS, '--target', 'sql', '--dialect', dialect, '--as-of', '2024-02-01', '--profile', join(PROFILE, readProfiles()[0]!), '--out', out);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/examples as expected/);
      const script = readFileSync(out, 'utf8');
      expect(script).toContain('codeguide_results');
      expect(script).toMatch(/codeguide_settings[\s\S]*'2024-02-01'/);
      expect(script).toMatch(/plan profile/);
    }
  });

  it('refuses a missing or unknown dialect, a bad date, and SQL options without --target sql', async () => {
    const out = join(work, 'x.sql');
    for (const [args, message] of [
      [['--target', 'sql', '--out', out], /needs --dialect/],
      [['--target', 'sql', '--dialect', 'oracle', '--out', out], /unknown --dialect "oracle"/],
      [['--target', 'sql', '--dialect', 'duckdb', '--as-of', '2024-13', '--out', out], /--as-of needs a date/],
      [['--dialect', 'duckdb', '--out', join(work, 'x.mjs')], /--dialect goes with --target sql/],
      [['--target', 'wasm', '--out', out], /unknown --target "wasm"/],
    ] as const) {
      const r = await runCli('compile', DHCS, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
