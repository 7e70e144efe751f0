/**
 * The SQL back end against the bundle across editions and plan profiles, on
 * generated lines dated across every edition's publication and compliance
 * dates: the DHCS script judged as of each edition's publication (and before
 * the first, and by default: the newest), by setting `codeguide_settings.as_of`
 * in the same database, and the scripts compiled with each shipped plan
 * profile, equal the bundle's results (`options.asOf`, a bundle compiled with
 * the profile) row by row in DuckDB and PostgreSQL.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { resultAttributes } from '../../compiler/engines/duckdb.ts';
import { encounterRow, type EncounterRow, type LineResultShape } from '../../compiler/engines/rows.ts';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { choiceCatalog, loadProfile } from '../../compiler/profile/profile.ts';
import { formatDay, parseDay } from '../../runtime/record.js';
import { DHCS, mustLoad, type BundleModule } from '../helpers.ts';
import { duckdbDatabase, engineOf, postgresDatabase, stopPostgres, type SqlDatabase } from './engines.ts';
import { generateLines } from './generate.ts';

const LINES = 25_000;
const PROFILES = join(DHCS, 'profiles');

const loaded = mustLoad(DHCS);
const attributes = resultAttributes(loaded);
const records = [...generateLines(loaded.versions.at(-1)!, { lines: LINES, seed: 7 })];
const rows: EncounterRow[] = [];
const kept: number[] = [];
records.forEach((r, i) => { const row = encounterRow(r, i); if (row) { rows.push(row); kept.push(i); } });

/** As-of dates: before the first edition, each edition's publication and the day before it, and none (the newest). */
const AS_OF: (string | null)[] = [null, '2021-06-30', ...loaded.versions.flatMap((rs) => [rs.guidance.published, formatDay(parseDay(rs.guidance.published) - 1)])];

afterAll(async () => { await stopPostgres(); }, 60_000);

function differing(want: readonly LineResultShape[], got: readonly LineResultShape[]): { want: LineResultShape; got: LineResultShape }[] {
  const out: { want: LineResultShape; got: LineResultShape }[] = [];
  for (let i = 0; i < want.length; i++) if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) out.push({ want: want[i]!, got: got[i]! });
  return out;
}

describe.each(['duckdb', 'postgres'] as const)('%s across editions and plan profiles', (name) => {
  const open = (): Promise<SqlDatabase> => (name === 'duckdb' ? duckdbDatabase() : postgresDatabase());

  it('equals the bundle as of every edition\'s date, setting as_of in one database', async () => {
    const bundle = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
    const db = await open();
    try {
      const engine = await engineOf(db, compileSql(loaded, { dialect: name }), attributes);
      const versions = new Set<string | null>();
      for (const asOf of AS_OF) {
        await db.run(`UPDATE codeguide_settings SET as_of = ${asOf === null ? 'NULL' : `DATE '${asOf}'`}`);
        const all = bundle.validate(records, asOf === null ? {} : { asOf }) as unknown as LineResultShape[];
        const want = kept.map((i) => all[i]!);
        const got = await engine.judge(rows);
        expect(got).toHaveLength(want.length);
        expect(differing(want, got).slice(0, 3), `as of ${asOf}`).toEqual([]);
        for (const r of want) versions.add(r.guidanceVersion);
      }
      // Every edition judged some run, and extra modifiers were tolerated before the compliance date in one.
      for (const rs of loaded.versions) expect(versions).toContain(rs.guidance.version);
    } finally {
      await db.close();
    }
  });

  it.each(readdirSync(PROFILES).filter((f) => f.endsWith('.yaml')))('equals the bundle compiled with the profile %s', async (file) => {
    const { profile, diagnostics } = loadProfile(join(PROFILES, file), choiceCatalog(loaded.versions[0]!.guidance.id, loaded.versions));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bundle = await loadBundle(compileBundle(loaded, profile).js);
    const all = bundle.validate(records) as unknown as LineResultShape[];
    const want = kept.map((i) => all[i]!);
    const engine = await engineOf(await open(), compileSql(loaded, { dialect: name, profile }), attributes);
    try {
      const got = await engine.judge(rows);
      expect(differing(want, got).slice(0, 3)).toEqual([]);
      expect(got).toHaveLength(want.length);
    } finally {
      await engine.close();
    }
  });
});
