/**
 * The SQL back end against the bundle on 100,000 generated lines: DuckDB's
 * and PostgreSQL's `codeguide_results` equal the bundle's results row by row,
 * and the lines reach every status and every finding category the rules use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultAttributes } from '../../compiler/engines/duckdb.ts';
import { encounterRow, type EncounterRow, type LineResultShape } from '../../compiler/engines/rows.ts';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { bundleOf, DHCS, mustLoad } from '../helpers.ts';
import { duckdbEngine, postgresEngine, stopPostgres, type SqlEngine } from './engines.ts';
import { generateLines } from './generate.ts';

const LINES = 100_000;

describe('SQL results equal the bundle\'s on generated lines', () => {
  const loaded = mustLoad(DHCS);
  const rs = loaded.versions[loaded.versions.length - 1]!;
  const attributes = resultAttributes(loaded);
  const records = [...generateLines(rs, { lines: LINES })];
  const rows: EncounterRow[] = [];
  const kept: number[] = [];
  records.forEach((r, i) => { const row = encounterRow(r, i); if (row) { rows.push(row); kept.push(i); } });
  let want: LineResultShape[] = [];
  const engines: SqlEngine[] = [];
  beforeAll(async () => {
    const all = (await bundleOf(DHCS)).validate(records) as unknown as LineResultShape[];
    want = kept.map((i) => all[i]!);
    engines.push(await duckdbEngine(compileSql(loaded, { dialect: 'duckdb' }), attributes));
    engines.push(await postgresEngine(compileSql(loaded, { dialect: 'postgres' }), attributes));
  }, 300_000);
  afterAll(async () => { for (const e of engines) await e.close(); await stopPostgres(); }, 60_000);

  it('the lines reach every status and every category of the rules', () => {
    expect(rows.length).toBeGreaterThanOrEqual(LINES * 0.99);
    const seen = new Set(want.flatMap((r) => [r.status, ...r.findings.map((f) => f.category)]));
    for (const s of ['accepted', 'rejected', 'out-of-scope', 'invalid']) expect(seen, s).toContain(s);
    for (const category of new Set(rs.rules.map((r) => r.category))) expect(seen, category).toContain(category);
    expect(want.some((r) => r.findings.some((f) => f.severity === 'warning'))).toBe(true);
  });

  it.each(['duckdb', 'postgres'])('%s equals the bundle on every row', async (name) => {
    const engine = engines.find((e) => e.name === name)!;
    const got = await engine.judge(rows);
    expect(got).toHaveLength(want.length);
    const differing: { want: LineResultShape; got: LineResultShape }[] = [];
    for (let i = 0; i < want.length; i++) {
      if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) differing.push({ want: want[i]!, got: got[i]! });
    }
    expect(differing.slice(0, 3)).toEqual([]);
    expect(differing).toHaveLength(0);
  });
});
