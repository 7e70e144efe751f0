/**
 * The reference data of a SQL script: the settings row (`as_of`), the
 * editions, every catalogue variant (with the days a lookup chooses it on and
 * its rank when extra modifiers are tolerated), the code universes, sets and
 * bandings. Every value from a rule file goes through the dialect's quoter.
 */
import { formatDay, parseDay } from '../../../runtime/record.js';
import type { ValidatorPlan, VariantPlan } from '../../plan/plan.ts';
import { descriptionOf } from '../../model.ts';
import { Sql, int, joinSql, sql } from './builder.ts';
import type { Dialect } from './dialect.ts';
import { constant } from './expr.ts';

/** Day-number stand-ins for open ends (±Infinity in the plan). */
export const NEVER = 1e12;
/** Entry fields every variant row carries (the `e_` columns of a line). */
export const ENTRY_COLUMNS = ['combination', 'program', 'service', 'delivery', 'unit', 'description'] as const;
/** Columns of `codeguide_variants` that are not attributes. */
export const FIXED_COLUMNS = new Set(['variant_id', 'edition_index', 'lookup_key', 'pick_from', 'pick_until', 'from_day', 'until_day', 'code', 'entry_index', 'mods', 'tol_rank', ...ENTRY_COLUMNS]);

/** The attribute types of a plan's editions (first declaration wins), by name. */
export type AttributeTypes = ReadonlyMap<string, 'bool' | 'string' | 'number'>;

/** Variant ids: every variant of every edition, numbered in the order the bundle lists them by code. */
export function numberVariants(plan: ValidatorPlan): Map<VariantPlan, number> {
  const ids = new Map<VariantPlan, number>();
  for (const e of plan.editions) for (const { variants } of e.lookup) for (const v of variants) ids.set(v, ids.size);
  return ids;
}

/** `as_of` checked and as a day number, or null. */
export function asOfDay(asOf: string | null | undefined): number | null {
  if (asOf === undefined || asOf === null) return null;
  const day = parseDay(asOf);
  if (day < 0) throw new Error(`as of: "${asOf}" is not a date written YYYY-MM-DD`);
  return day;
}

/**
 * The settings of a run: one row, `as_of` (NULL: judge by the newest edition). DuckDB and PostgreSQL get a
 * table (`UPDATE codeguide_settings SET as_of = DATE '…'`), Spark SQL a temporary view (replace it).
 */
export function settingsTable(d: Dialect, asOf: number | null): Sql {
  const value = asOf === null ? sql`CAST(NULL AS ${d.types.date})` : sql`CAST(${d.q.text(formatDay(asOf))} AS ${d.types.date})`;
  return d.referenceTable('codeguide_settings', [{ name: 'as_of', type: d.types.date }], [[value]]);
}

/** The reference tables. */
export function referenceTables(d: Dialect, plan: ValidatorPlan, vids: ReadonlyMap<VariantPlan, number>, attributes: AttributeTypes): Sql {
  const txt = (s: string | null) => (s === null ? sql`CAST(NULL AS ${d.types.text})` : d.q.text(s));
  const day = (n: number) => d.num(n === -Infinity ? -NEVER : n === Infinity ? NEVER : n);
  const date = (s: string) => sql`CAST(${d.q.text(s)} AS ${d.types.date})`;
  const T = d.types;
  const col = (name: string, type: Sql) => ({ name, type });
  const typeOf = (t: 'bool' | 'string' | 'number') => (t === 'bool' ? T.bool : t === 'string' ? T.text : T.double);
  const editions = plan.editions.map((e, i) => [int(i), txt(e.version), date(e.rules.guidance.published)]);
  const variantRows: Sql[][] = [];
  plan.editions.forEach((e, ei) => {
    // The bundle's list of variants by code (for tolerated extra modifiers) is in this order: rank by it.
    const order = new Map<VariantPlan, number>();
    for (const { variants } of e.lookup) for (const v of variants) order.set(v, order.size);
    for (const { key, variants } of e.lookup) {
      variants.forEach((v, k) => {
        // The lookup takes the last variant whose first day is on or before the date of service (else the first).
        let pickFrom = k === 0 ? -Infinity : v.from;
        const pickUntil = k === variants.length - 1 ? Infinity : variants[k + 1]!.from;
        if (pickFrom >= pickUntil) pickFrom = pickUntil; // a later variant with the same first day is chosen instead
        const entry = v.entry;
        const fields: Record<(typeof ENTRY_COLUMNS)[number], string> = {
          combination: entry.combination, program: entry.program, service: entry.service, delivery: v.delivery, unit: entry.unit,
          description: descriptionOf(entry, v.delivery),
        };
        const attrs = [...attributes].map(([name, type]) => constant(d, entry.attributes.has(name) ? entry.attributes.get(name)! : null, { base: type, nullable: true }));
        const mods = [...v.modifiers].sort();
        // Tolerated extra modifiers: the variant using the most of a line's modifiers, the first listed among equals.
        const rank = (10 - mods.length) * 1_000_000 + order.get(v)!;
        variantRows.push([
          int(vids.get(v)!), int(ei), txt(key), day(pickFrom), day(pickUntil), day(v.from), day(v.until), txt(entry.code), int(entry.index),
          d.textList(mods.map((m) => d.q.text(m))), int(rank), ...ENTRY_COLUMNS.map((c) => txt(fields[c])), ...attrs,
        ]);
      });
    }
  });
  const universe = plan.editions.flatMap((e, i) => e.universe.map((c) => [int(i), txt(c)]));
  const sets = plan.editions.flatMap((e, i) => [...e.rules.sets.values()].flatMap((s) => s.items.map((item) => [int(i), txt(s.name), txt(String(item))])));
  const bands = plan.editions.flatMap((e, i) => [...e.rules.bandings.values()].flatMap((b) => b.bands.map((band) => [
    int(i), txt(b.name), d.num(band.from), d.num(band.to), d.num(band.units), b.every === null ? constant(d, null, { base: 'number', nullable: true }) : d.num(b.every),
  ])));
  return joinSql([
    d.referenceTable('codeguide_editions', [col('edition_index', T.int), col('version', T.text), col('published', T.date)], editions),
    d.referenceTable('codeguide_variants', [
      col('variant_id', T.int), col('edition_index', T.int), col('lookup_key', T.text), col('pick_from', T.double), col('pick_until', T.double),
      col('from_day', T.double), col('until_day', T.double), col('code', T.text), col('entry_index', T.int), col('mods', T.textList), col('tol_rank', T.int),
      ...ENTRY_COLUMNS.map((c) => col(c, T.text)),
      ...[...attributes].map(([name, type]) => col(name, typeOf(type))),
    ], variantRows),
    d.referenceTable('codeguide_universe', [col('edition_index', T.int), col('code', T.text)], universe),
    d.referenceTable('codeguide_sets', [col('edition_index', T.int), col('set_name', T.text), col('item', T.text)], sets),
    d.referenceTable('codeguide_bandings', [col('edition_index', T.int), col('banding', T.text), col('band_from', T.double), col('band_to', T.double), col('units', T.double), col('every', T.double)], bands),
  ], '\n\n');
}
