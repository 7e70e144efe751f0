/** `codeguide compile --target sql`: rule files → one SQL script (PRODUCT §10), after the examples pass. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { check, type CheckResult } from '../api.ts';
import { load, profileFor, report, UsageError, type Out } from './shared.ts';

const DIALECTS = ['duckdb', 'postgres', 'spark'] as const;

/**
 * Check the rules and their examples (as `compile` does), then print the SQL script of the loaded editions
 * with the plan profile and `as_of` given. `summarise` prints the examples' lines and gives the exit code.
 */
export async function compileSqlCommand(dir: string, values: Record<string, string | boolean | undefined>, err: Out, summarise: (r: CheckResult) => number): Promise<number> {
  const dialect = values.dialect;
  if (dialect === undefined) throw new UsageError('--target sql needs --dialect duckdb, postgres or spark');
  if (!DIALECTS.includes(dialect as never)) throw new UsageError(`unknown --dialect "${String(dialect)}" (duckdb, postgres or spark)`);
  if (typeof values.out !== 'string') throw new UsageError('compile --target sql needs --out FILE.sql');
  const asOf = values['as-of'];
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(asOf))) throw new UsageError(`--as-of needs a date written YYYY-MM-DD, not "${String(asOf)}"`);
  const version = values.version as string | undefined;
  const result = await check(dir, { version });
  report(result.diagnostics, err);
  const code = summarise(result);
  if (!result.ok) {
    if (result.versions.length > 0) err.write('codeguide: not written: an example in the rule files did not come out as expected\n');
    return code;
  }
  const loaded = await load(dir, version, { write: () => true });
  if (loaded === null) return 2;
  const profile = typeof values.profile === 'string' ? await profileFor(loaded, values.profile, err) : null;
  if (profile === undefined) return 2;
  const { compileSql } = await import('../emit/sql/index.ts');
  let script: string;
  try {
    script = compileSql(loaded, { dialect: dialect as (typeof DIALECTS)[number], asOf: asOf === undefined ? null : String(asOf), profile });
  } catch (e) {
    err.write(`codeguide: cannot write SQL: ${(e as Error).message}\n`);
    return 2;
  }
  const target = resolve(values.out);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, script);
  err.write(`wrote ${values.out} (${script.length} bytes; ${dialect}; versions ${result.versions.join(', ')})\n`);
  return 0;
}
