/**
 * The SQL back end's API: checked rule sets → one SQL script (PRODUCT §10)
 * for DuckDB, PostgreSQL or Spark SQL.
 */
import type { LoadResult } from '../../compile.ts';
import { planGuidance } from '../../plan/plan.ts';
import { DIALECTS, type DialectName } from './dialect.ts';
import { printSqlScript } from './script.ts';

export { DIALECTS, type DialectName } from './dialect.ts';

export interface SqlOptions {
  dialect: DialectName;
}

/** Is a name one of the dialects? */
export function isDialect(name: string): name is DialectName {
  return (DIALECTS as readonly string[]).includes(name);
}

/**
 * The SQL script of loaded rules (every loaded edition). Throws only for what
 * SQL cannot hold (text with a NUL character, an attribute named like a result column).
 */
export function compileSql(loaded: Pick<LoadResult, 'versions' | 'sourceHash'>, options: SqlOptions): string {
  if (loaded.versions.length === 0) throw new Error('no rule set to compile');
  return printSqlScript(planGuidance(loaded.versions, loaded.sourceHash), options.dialect);
}
