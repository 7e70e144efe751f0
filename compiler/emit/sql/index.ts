/**
 * The SQL back end's API: checked rule sets → one SQL script (PRODUCT §10)
 * for DuckDB, PostgreSQL or Spark SQL.
 */
import type { LoadResult } from '../../compile.ts';
import type { IR, RuleSet } from '../../model.ts';
import { planEdition, planGuidance } from '../../plan/plan.ts';
import type { ProfileObject } from '../../profile/profile.ts';
import { DIALECTS, type DialectName } from './dialect.ts';
import { asOfDay } from './reference.ts';
import { printSqlScript } from './script.ts';

export { DIALECTS, type DialectName } from './dialect.ts';

export interface SqlOptions {
  dialect: DialectName;
  /** The date `codeguide_settings.as_of` starts as (YYYY-MM-DD): judge by the newest edition published on or before it. Default: the newest. */
  asOf?: string | null;
  /** A checked plan profile to compile in (compiler/profile/profile.ts). */
  profile?: ProfileObject | null;
}

/** Is a name one of the dialects? */
export function isDialect(name: string): name is DialectName {
  return (DIALECTS as readonly string[]).includes(name);
}

/**
 * The SQL script of loaded rules (every loaded edition). Throws only for what
 * SQL cannot hold (text with a NUL character, an attribute named like a result column) and a malformed `asOf`.
 */
export function compileSql(loaded: Pick<LoadResult, 'versions' | 'sourceHash'>, options: SqlOptions): string {
  if (loaded.versions.length === 0) throw new Error('no rule set to compile');
  return printSqlScript(planGuidance(loaded.versions, loaded.sourceHash, options.profile ?? null), { dialect: options.dialect, asOf: asOfDay(options.asOf) });
}

/**
 * A script for probing the language (tests): the view `codeguide_probes` holds, per line, whether it is
 * classified and the value of each expression `p_<k>` for the lines of `probe_batch` k (other lines: NULL).
 * `encounter_lines` then has one more column, `probe_batch`; cross-line aggregates look only within a batch.
 */
export function compileProbeSql(rs: RuleSet, probes: readonly IR[], dialect: DialectName): string {
  const plan = { guidance: rs.guidance.id, title: rs.guidance.title, sourceHash: rs.sourceHash, editions: [planEdition(rs, probes)] };
  return printSqlScript(plan, { dialect, asOf: null, probes });
}
