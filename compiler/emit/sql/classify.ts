/**
 * The first steps of the results view: every line of `encounter_lines` read
 * and checked (compiler/emit/sql/records.ts), given the judging edition (the
 * newest published on or before `codeguide_settings.as_of`, else the
 * newest), and classified as the bundle classifies it (runtime/engine.js
 * judgeLine): the catalogue variant of its code and modifiers in force on its
 * date; when there is none, in scope or not (a plan profile may put codes
 * without any guidance modifier out of scope), and before the combination
 * check's compliance date the one combination its modifiers hold besides
 * extra ones (tolerated extra modifiers).
 */
import type { EditionPlan, ValidatorPlan } from '../../plan/plan.ts';
import { Sql, int, joinSql, sql } from './builder.ts';
import type { Dialect } from './dialect.ts';
import { checkedSelect, inputSelect, lookupKey } from './records.ts';
import { ENTRY_COLUMNS } from './reference.ts';

/** A named step of the results view: a common table expression (a temporary view of its own in Spark SQL). */
export interface Cte { name: string; body: Sql; materialized?: boolean }

/** What the classification needs from the printer. */
export interface ClassifyContext {
  d: Dialect;
  plan: ValidatorPlan;
  /** The quoted internal column of a line field. */
  col(name: string): Sql;
  /** Attribute names, in column order. */
  attributes: readonly string[];
  /** Per edition: are codes without any guidance modifier out of scope (the plan profile)? */
  outOfScope: readonly boolean[];
  /** Per edition: the first day extra modifiers are no longer tolerated (-Infinity: never tolerated). */
  toleratedUntil: readonly number[];
  /** A value per edition of the line (`l.ed`). */
  byEdition(f: (e: EditionPlan, i: number) => Sql, otherwise: Sql): Sql;
  /** Extra input columns (probing: the batch a line belongs to). */
  extraInput: readonly string[];
}

/** The CTEs from `encounter_lines` to `cg_cls`: one row per line with `vid` (NULL: not classified), `in_scope`, `tolerated`. */
export function classifyCtes(c: ClassifyContext): Cte[] {
  const d = c.d;
  const editions = c.plan.editions;
  const sd = sql`l.${c.col('serviceDate')}`;
  const mods = sql`l.${c.col('modifiers')}`;
  const code = sql`l.${c.col('procedureCode')}`;
  // The judging edition: one value for the whole run.
  const pick = editions.map((e, i) => ({ e, i })).slice(1).reverse().map(({ e, i }) => sql`WHEN ${d.dayNumber(Sql.trusted('s.as_of'))} >= ${d.num(e.published)} THEN ${int(i)}`);
  const edition = sql`CASE WHEN s.as_of IS NULL THEN ${int(editions.length - 1)} ${joinSql(pick, ' ')} ELSE 0 END`;
  const universe = c.byEdition((e) => (e.universe.length ? sql`coalesce(${d.inList(code, e.universe.map((x) => d.q.text(x)))}, FALSE)` : Sql.trusted('FALSE')), Sql.trusted('FALSE'));
  const inScope = c.byEdition((e, i) => {
    if (!c.outOfScope[i]) return universe;
    const defining = e.defining.length ? d.listHasAny(mods, d.textList(e.defining.map((m) => d.q.text(m)))) : Sql.trusted('FALSE');
    return sql`(${universe} AND ${defining})`;
  }, Sql.trusted('FALSE'));
  const tolerates = c.toleratedUntil.some((t) => t > -Infinity);
  const entryCols = [...ENTRY_COLUMNS.map((x) => sql`v.${d.q.ident(x)} AS ${c.col(x)}`), ...c.attributes.map((a) => sql`v.${d.q.ident(a)} AS ${c.col(a)}`)];
  const ctes: Cte[] = [
    { name: 'cg_in', body: inputSelect(d, d.q.ident('encounter_lines'), c.extraInput) },
    { name: 'cg_chk', body: checkedSelect(d) },
    { name: 'cg_set', body: sql`  SELECT ${edition} AS ed\n  FROM (SELECT max(as_of) AS as_of FROM codeguide_settings) s` },
    { name: 'cg_ed', body: sql`  SELECT l.*, s.ed, CASE WHEN l.invalid THEN NULL ELSE ${lookupKey(d)} END AS lookup_key\n  FROM cg_chk l CROSS JOIN cg_set s` },
    { name: 'cg_x', body: sql`  SELECT l.*, v.variant_id AS xvid, ${inScope} AS in_scope
  FROM cg_ed l LEFT JOIN codeguide_variants v ON v.edition_index = l.ed AND v.lookup_key = l.lookup_key AND ${sd} >= v.pick_from AND ${sd} < v.pick_until` },
  ];
  if (tolerates) {
    const until = c.byEdition((_e, i) => d.num(c.toleratedUntil[i] === -Infinity ? -1e12 : c.toleratedUntil[i]!), d.num(-1e12));
    ctes.push({ name: 'cg_tol', body: sql`  SELECT l.li, min(v.tol_rank) AS tol_rank, min(l.ed) AS ed
  FROM cg_x l JOIN codeguide_variants v ON v.edition_index = l.ed AND v.code = ${code} AND ${sd} >= v.from_day AND ${sd} < v.until_day AND ${d.listHasAll(mods, Sql.trusted('v.mods'))}
  WHERE l.xvid IS NULL AND NOT l.invalid AND l.in_scope AND ${sd} < ${until} AND ${d.listIsDistinct(mods)}
  GROUP BY l.li
  HAVING count(DISTINCT v.entry_index) = 1` });
  }
  const tolJoin = tolerates
    ? sql`\n  LEFT JOIN cg_tol t ON t.li = l.li LEFT JOIN codeguide_variants tv ON tv.edition_index = t.ed AND tv.tol_rank = t.tol_rank`
    : Sql.trusted('');
  const tolVid = tolerates ? Sql.trusted('tv.variant_id') : sql`CAST(NULL AS ${d.types.int})`;
  ctes.push({ name: 'cg_cls', body: sql`  SELECT l.*, coalesce(l.xvid, ${tolVid}) AS vid, (l.xvid IS NULL AND ${tolVid} IS NOT NULL) AS tolerated, v.from_day, v.until_day, v.mods AS vmods, ${joinSql(entryCols, ', ')}
  FROM cg_x l${tolJoin}
  LEFT JOIN codeguide_variants v ON v.variant_id = coalesce(l.xvid, ${tolVid})` });
  return ctes;
}
