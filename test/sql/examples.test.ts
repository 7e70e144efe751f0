/**
 * Every example of every edition of every rule folder that compiles, through
 * that edition's SQL script in DuckDB and in PostgreSQL, gives the results of
 * the bundle compiled from the same edition, row by row. Examples are judged
 * each among its own lines: to judge them in one query, each example's
 * group-key values (member ids) get a suffix of their own, which keeps
 * examples apart, and messages are compared with the suffix taken out again.
 * A few examples also run alone, as written.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { emitBundle } from '../../compiler/emit/bundle.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { encounterRow, type EncounterRow, type LineResultShape } from '../../compiler/engines/rows.ts';
import { resultAttributes } from '../../compiler/engines/duckdb.ts';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import type { RuleSet } from '../../compiler/model.ts';
import { duckdbEngine, postgresEngine, stopPostgres, type SqlEngine } from './engines.ts';
import { compilingRuleFolders } from './folders.ts';

const EDITIONS = compilingRuleFolders().flatMap(({ dir, loaded }) => loaded.versions.filter((rs) => rs.examples.length > 0).map((rs) => ({ name: `${dir} ${rs.guidance.version}`, rs })));
const TEXT_KEYS = ['memberId', 'claimId', 'planId', 'renderingTaxonomy', 'staffCredential', 'procedureCode'];

afterAll(async () => { await stopPostgres(); }, 60_000);

it('finds the rule folders and their editions', () => {
  expect(EDITIONS.some((e) => e.name.startsWith('rules/'))).toBe(true);
  expect(EDITIONS.length).toBeGreaterThan(2);
});

async function engineFor(name: 'duckdb' | 'postgres', rs: RuleSet): Promise<SqlEngine> {
  const loaded = { versions: [rs], sourceHash: rs.sourceHash };
  const script = compileSql(loaded, { dialect: name });
  return name === 'duckdb' ? duckdbEngine(script, resultAttributes(loaded)) : postgresEngine(script, resultAttributes(loaded));
}

describe.each(EDITIONS)('examples of $name through SQL', ({ rs }) => {
  const keyFields = new Set([...rs.groups.values()].flatMap((g) => g.key));

  it('group keys are text fields, so examples can be kept apart by suffixes', () => {
    for (const k of keyFields) expect(TEXT_KEYS).toContain(k);
  });

  it.each(['duckdb', 'postgres'] as const)('%s gives the bundle\'s results on every example, together and alone', async (name) => {
    const bundle = await loadBundle(emitBundle([rs], rs.sourceHash).js);
    const engine = await engineFor(name, rs);
    try {
      const rows: EncounterRow[] = [];
      const want: LineResultShape[] = [];
      const suffixOf: string[] = [];
      rs.examples.forEach((ex, k) => {
        const suffix = `~ex${k}`;
        const expected = bundle.validate(ex.lines) as unknown as LineResultShape[];
        ex.lines.forEach((line, i) => {
          const row = encounterRow(line, rows.length);
          if (row === null) return; // a record a table cannot carry is invalid; the engine judges it with the bundle's check (engine.test.ts)
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
      expect(got).toHaveLength(want.length);
      for (let i = 0; i < want.length; i++) expect(unsuffixed[i], `example line ${i}`).toEqual(want[i]);
      const chosen = [rs.examples.find((ex) => ex.lines.length > 1) ?? rs.examples[0]!, rs.examples[0]!];
      for (const ex of chosen) {
        const alone = ex.lines.map((l, i) => encounterRow(l, i));
        const results = await engine.judge(alone.filter((r): r is EncounterRow => r !== null));
        expect(results, ex.name).toEqual(bundle.validate(ex.lines).filter((_, i) => alone[i] !== null));
      }
    } finally {
      await engine.close();
    }
  });
});
