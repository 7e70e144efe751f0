/**
 * Every example of every rule set, through the SQL script in DuckDB and in
 * PostgreSQL, gives the bundle's results row by row. Examples are judged
 * each among its own lines: to judge them in one query, each example's
 * group-key values (member ids) get a suffix of their own, which keeps
 * examples apart, and messages are compared with the suffix taken out again.
 * A few examples also run alone, as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultAttributes } from '../../compiler/engines/duckdb.ts';
import { encounterRow, type EncounterRow, type LineResultShape } from '../../compiler/engines/rows.ts';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { bundleOf, DHCS, MINI, mustLoad } from '../helpers.ts';
import { duckdbEngine, postgresEngine, stopPostgres, type SqlEngine } from './engines.ts';

const CPT = 'test/fixtures/cpt/cpt-guidance';

describe.each([DHCS, MINI, CPT])('examples of %s through SQL', (dir) => {
  const loaded = mustLoad(dir);
  const attributes = resultAttributes(loaded);
  const keyFields = new Set(loaded.versions.flatMap((rs) => [...rs.groups.values()].flatMap((g) => g.key)));
  const examples = loaded.versions.flatMap((rs) => rs.examples);
  const engines: SqlEngine[] = [];
  beforeAll(async () => {
    engines.push(await duckdbEngine(compileSql(loaded, { dialect: 'duckdb' }), attributes));
    engines.push(await postgresEngine(compileSql(loaded, { dialect: 'postgres' }), attributes));
  }, 300_000);
  afterAll(async () => { for (const e of engines) await e.close(); await stopPostgres(); }, 60_000);

  it('group keys are text fields, so examples can be kept apart by suffixes', () => {
    for (const k of keyFields) expect(['memberId', 'claimId', 'planId', 'renderingTaxonomy', 'staffCredential', 'procedureCode']).toContain(k);
    expect(examples.length).toBeGreaterThan(5);
  });

  it.each(['duckdb', 'postgres'])('%s gives the bundle\'s results on every example', async (name) => {
    const engine = engines.find((e) => e.name === name)!;
    const bundle = await bundleOf(dir);
    const rows: EncounterRow[] = [];
    const want: LineResultShape[] = [];
    const suffixOf: string[] = [];
    examples.forEach((ex, k) => {
      const suffix = `~ex${k}`;
      const expected = bundle.validate(ex.lines) as unknown as LineResultShape[];
      ex.lines.forEach((line, i) => {
        const row = encounterRow(line, rows.length);
        if (row === null) return; // a record a table cannot carry is invalid; the engine judges it with the runtime (test/sql/engine.test.ts)
        for (const f of keyFields) {
          const col = f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as keyof EncounterRow;
          if (typeof row[col] === 'string' && row[col] !== '') (row as unknown as Record<string, unknown>)[col] = `${row[col] as string}${suffix}`;
        }
        rows.push(row);
        want.push({ ...expected[i]!, index: row.line_index });
        suffixOf.push(suffix);
      });
    });
    const got = await engine.judge(rows);
    const unsuffixed = got.map((r, i) => ({ ...r, findings: r.findings.map((f) => ({ ...f, message: f.message.split(suffixOf[i]!).join('') })) }));
    for (let i = 0; i < want.length; i++) expect(unsuffixed[i], `example line ${i}`).toEqual(want[i]);
    expect(got).toHaveLength(want.length);
  });

  it.each(['duckdb', 'postgres'])('%s gives the bundle\'s results on examples run alone, as written', async (name) => {
    const engine = engines.find((e) => e.name === name)!;
    const bundle = await bundleOf(dir);
    const chosen = [examples.find((ex) => ex.lines.length > 1) ?? examples[0]!, examples[0]!];
    for (const ex of chosen) {
      const rows = ex.lines.map((l, i) => encounterRow(l, i));
      const got = await engine.judge(rows.filter((r): r is EncounterRow => r !== null));
      expect(got, ex.name).toEqual(bundle.validate(ex.lines).filter((_, i) => rows[i] !== null));
    }
  });
});
