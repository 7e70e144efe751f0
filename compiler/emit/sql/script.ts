/**
 * The SQL printer: a validator plan (compiler/plan/plan.ts) → one SQL script
 * for DuckDB, PostgreSQL or Spark SQL. The script creates the reference data
 * (editions, catalogue variants, sets, bandings, code universe) and the view
 * `codeguide_results` over `encounter_lines` (PRODUCT §10), whose rows equal
 * the bundle's results. Line rules are the plan's conditions with each
 * variant's fields folded in; cross-line rules are grouped self-joins keyed by
 * the group's fields (and overlapping days for per-day groups), one per
 * aggregate, so an engine can partition the work by member.
 */
import { formatDay } from '../../../runtime/record.js';
import { RECORD_FIELDS } from '../../fields.ts';
import { aggregatesOf, visit } from '../../plan/fold.ts';
import type { EditionPlan, ValidatorPlan, VariantPlan } from '../../plan/plan.ts';
import type { IR, IRNode, Rule, Template } from '../../model.ts';
import { Sql, commentSql, indentSql, int, joinSql, sql } from './builder.ts';
import { dialectOf, type Dialect, type DialectName } from './dialect.ts';
import { constant, printSql, shownSql, type SqlContext } from './expr.ts';
import { checkedSelect, fieldColumn, fieldColumnName, inputSelect, lookupKey, recordProblems, snake } from './records.ts';

/** Day-number stand-ins for open ends (±Infinity in the plan). */
const NEVER = 1e12;
const ENTRY_COLUMNS = ['combination', 'program', 'service', 'delivery', 'unit', 'description'] as const;
const FIXED_COLUMNS = new Set(['variant_id', 'edition_index', 'lookup_key', 'pick_from', 'pick_until', 'from_day', 'until_day', 'code', ...ENTRY_COLUMNS]);
const RESULT_COLUMNS = new Set(['line_index', 'claim_id', 'line_number', 'status', 'program', 'service', 'delivery', 'billable_units', 'guidance_version', 'findings']);

/** A finding the script may report for a line of one edition. */
interface Slot { column: Sql; rule: Rule; when: Sql; message: Template; witness: number | null }

/** An aggregate of a cross-line rule, computed by one grouped self-join. */
interface Aggregate { k: number; node: IRNode<'any' | 'count' | 'sum'>; judges: number[]; members: number[]; key: string[]; perDay: boolean; witnessFields: Set<string> }

class ScriptPrinter {
  readonly d: Dialect;
  private readonly vids = new Map<VariantPlan, number>();
  private readonly attributes = new Map<string, 'bool' | 'string' | 'number'>();
  private readonly aggregates: Aggregate[] = [];
  private readonly aggOf = new Map<IR, Aggregate>();
  private readonly slots: Slot[][] = [];

  constructor(private readonly plan: ValidatorPlan, dialect: DialectName) {
    this.d = dialectOf(dialect);
    let vid = 0;
    for (const e of plan.editions) {
      for (const { variants } of e.lookup) for (const v of variants) this.vids.set(v, vid++);
      for (const a of e.rules.attributes.values()) {
        if (FIXED_COLUMNS.has(a.name) || RESULT_COLUMNS.has(snake(a.name))) throw new Error(`the attribute name "${a.name}" is a column of the SQL results already; rename the attribute`);
        if (!this.attributes.has(a.name)) this.attributes.set(a.name, a.type);
      }
    }
  }

  private col(name: string): Sql {
    return fieldColumn(this.d, name, new Set(this.attributes.keys()));
  }

  private ctx(holders: { this: string; other?: string; witness?: number | null }, aggregate?: (n: IRNode<'any' | 'count' | 'sum'>) => Sql): SqlContext {
    const d = this.d;
    const bandings = new Map(this.plan.editions.flatMap((e) => [...e.rules.bandings]));
    return {
      d,
      bandings,
      field: (name, of) => {
        if (of === 'witness') {
          // A message's other line: its fields were read by the aggregate that found it (null when none was found).
          if (holders.witness === undefined) throw new Error(`other.${name} is not available here`);
          if (holders.witness === null) return constant(d, null, { base: 'null', nullable: true });
          return sql`${d.q.ident(holders.this)}.${this.witnessColumn(holders.witness, name)}`;
        }
        const h = of === 'this' ? holders.this : holders.other;
        if (h === undefined) throw new Error(`other.${name} is not available here`);
        return sql`${d.q.ident(h)}.${this.col(name)}`;
      },
      aggregate: aggregate ?? (() => { throw new Error('an aggregate cannot appear here'); }),
    };
  }

  private typeOf(t: 'bool' | 'string' | 'number'): Sql {
    return t === 'bool' ? this.d.types.bool : t === 'string' ? this.d.types.text : this.d.types.double;
  }

  /** Reference data: editions, catalogue variants (with the days each is chosen on), code universes, sets and bandings. */
  private referenceData(): Sql {
    const d = this.d;
    const txt = (s: string | null) => (s === null ? sql`CAST(NULL AS ${d.types.text})` : d.q.text(s));
    const day = (n: number) => d.num(n === -Infinity ? -NEVER : n === Infinity ? NEVER : n);
    const date = (s: string) => sql`CAST(${d.q.text(s)} AS ${d.types.date})`;
    const editions = this.plan.editions.map((e, i) => [int(i), txt(e.version), date(e.rules.guidance.published), date(formatDay(e.appliesFrom))]);
    const variantRows: Sql[][] = [];
    this.plan.editions.forEach((e, ei) => {
      for (const { key, variants } of e.lookup) {
        variants.forEach((v, k) => {
          const pickFrom = k === 0 ? -Infinity : v.from;
          const pickUntil = k === variants.length - 1 ? Infinity : variants[k + 1]!.from;
          if (pickFrom >= pickUntil) return; // a later variant with the same first day is always chosen instead
          const entry = v.entry;
          const fields: Record<string, string> = { combination: entry.combination, program: entry.program, service: entry.service, delivery: v.delivery, unit: entry.unit, description: entry.description };
          const attrs = [...this.attributes].map(([name, type]) => {
            const value = entry.attributes.has(name) ? entry.attributes.get(name)! : null;
            return constant(d, value, { base: type === 'string' ? 'string' : type, nullable: true });
          });
          variantRows.push([int(this.vids.get(v)!), int(ei), txt(key), day(pickFrom), day(pickUntil), day(v.from), day(v.until), txt(entry.code), ...ENTRY_COLUMNS.map((c) => txt(fields[c]!)), ...attrs]);
        });
      }
    });
    const col = (name: string, type: Sql) => ({ name, type });
    const T = d.types;
    const universe = this.plan.editions.flatMap((e, i) => e.universe.map((c) => [int(i), txt(c)]));
    const sets = this.plan.editions.flatMap((e, i) => [...e.rules.sets.values()].flatMap((s) => s.items.map((item) => [int(i), txt(s.name), txt(String(item))])));
    const bands = this.plan.editions.flatMap((e, i) => [...e.rules.bandings.values()].flatMap((b) => b.bands.map((band) => [int(i), txt(b.name), d.num(band.from), d.num(band.to), d.num(band.units), b.every === null ? constant(d, null, { base: 'number', nullable: true }) : d.num(b.every)])));
    return joinSql([
      d.referenceTable('codeguide_editions', [col('edition_index', T.int), col('version', T.text), col('published', T.date), col('applies_from', T.date)], editions),
      d.referenceTable('codeguide_variants', [
        col('variant_id', T.int), col('edition_index', T.int), col('lookup_key', T.text), col('pick_from', T.double), col('pick_until', T.double),
        col('from_day', T.double), col('until_day', T.double), col('code', T.text), ...ENTRY_COLUMNS.map((c) => col(c, T.text)),
        ...[...this.attributes].map(([name, type]) => col(name, this.typeOf(type))),
      ], variantRows),
      d.referenceTable('codeguide_universe', [col('edition_index', T.int), col('code', T.text)], universe),
      d.referenceTable('codeguide_sets', [col('edition_index', T.int), col('set_name', T.text), col('item', T.text)], sets),
      d.referenceTable('codeguide_bandings', [col('edition_index', T.int), col('banding', T.text), col('band_from', T.double), col('band_to', T.double), col('units', T.double), col('every', T.double)], bands),
    ], '\n\n');
  }

  private vidsIn(vids: readonly number[]): Sql {
    return vids.length === 0 ? Sql.trusted('FALSE') : sql`coalesce(${this.d.inList(Sql.trusted('l.vid'), vids.map(int))}, FALSE)`;
  }

  /** The findings one edition can report, with the condition of each; registers the aggregates its cross-line rules need. */
  private planEdition(e: EditionPlan, ei: number): void {
    const d = this.d;
    const lineCtx = this.ctx({ this: 'l' });
    const slots: Slot[] = [];
    const next = () => d.q.ident(`r_${this.slots.flat().length + slots.length}`);
    slots.push({
      column: next(), rule: e.builtin.effective, message: e.builtin.effective.message, witness: null,
      when: sql`(l.vid IS NOT NULL AND l.ed = ${int(ei)} AND (l.${this.col('serviceDate')} < l.from_day OR l.${this.col('serviceDate')} >= l.until_day))`,
    });
    const variants = e.lookup.flatMap((x) => x.variants);
    const ruleOrder = (r: Rule) => e.rules.rules.indexOf(r);
    // Line rules: the plan's folded condition per variant; variants whose conditions print alike share a branch.
    const lineRules = new Map<Rule, Map<string, { cond: Sql; vids: number[] }>>();
    for (const v of variants) {
      for (const p of v.line) {
        const byText = lineRules.get(p.rule) ?? new Map<string, { cond: Sql; vids: number[] }>();
        lineRules.set(p.rule, byText);
        const cond = printSql(p.cond, lineCtx);
        const branch = byText.get(cond.toString()) ?? { cond, vids: [] };
        branch.vids.push(this.vids.get(v)!);
        byText.set(cond.toString(), branch);
      }
    }
    for (const [rule, byText] of [...lineRules].sort((a, b) => ruleOrder(a[0]) - ruleOrder(b[0]))) {
      const whens = [...byText.values()].map((b) => sql`WHEN ${this.vidsIn(b.vids)} THEN ${b.cond}`);
      slots.push({ column: next(), rule, message: rule.message, witness: null, when: sql`(CASE ${joinSql(whens, ' ')} ELSE FALSE END)` });
    }
    // Cross-line rules: the rule's own condition (fields read from the line), for the variants the plan keeps it for.
    const crossRules = new Map<Rule, number[]>();
    for (const v of variants) for (const p of v.cross) crossRules.set(p.rule, [...(crossRules.get(p.rule) ?? []), this.vids.get(v)!]);
    for (const [rule, judges] of [...crossRules].sort((a, b) => ruleOrder(a[0]) - ruleOrder(b[0]))) {
      const nodes = aggregatesOf(rule.when!.ir);
      for (const node of nodes) {
        const slot = e.slots.findIndex((g) => g.name === node.group);
        const group = e.slots[slot]!;
        const members = variants.filter((v) => v.member[slot]).map((v) => this.vids.get(v)!);
        const agg: Aggregate = { k: this.aggregates.length, node, judges, members, key: group.key, perDay: group.perDay, witnessFields: new Set() };
        this.aggregates.push(agg);
        this.aggOf.set(node, agg);
      }
      const ctx = this.ctx({ this: 'l' }, (n) => this.aggregateValue(n));
      const otherFields = new Set<string>();
      for (const p of rule.message) if ('expr' in p) visit(p.expr, (x) => { if (x.k === 'field' && x.of === 'other') otherFields.add(x.name); });
      const usesOther = otherFields.size > 0;
      const firstAny = nodes.find((n) => n.k === 'any');
      if (usesOther && firstAny) for (const f of otherFields) this.aggOf.get(firstAny)!.witnessFields.add(f);
      slots.push({
        column: next(), rule, message: rule.message, witness: usesOther && firstAny ? this.aggOf.get(firstAny)!.k : null,
        when: sql`(${this.vidsIn(judges)} AND ${printSql(rule.when!.ir, ctx)})`,
      });
    }
    this.slots.push(slots);
  }

  private aggregateValue(n: IRNode<'any' | 'count' | 'sum'>): Sql {
    const a = this.aggOf.get(n)!;
    const g = sql`${this.d.q.ident(`cg_a${a.k}`)}.g`;
    return n.k === 'any' ? sql`(${g} IS NOT NULL)` : sql`coalesce(${g}, ${this.d.num(0)})`;
  }

  /** One aggregate as a grouped self-join: for each judged line, over the other member lines of its group. */
  private aggregateCte(a: Aggregate): Sql {
    const d = this.d;
    const ctx = this.ctx({ this: 'l', other: 'o' });
    // Plain equality where a key cannot be null (engines hash-join on it); else equal nullness and equal values.
    const keys = a.key.map((k) => {
      const [o, l] = [sql`o.${this.col(k)}`, sql`l.${this.col(k)}`];
      const field = RECORD_FIELDS.find((f) => f.name === k);
      if (field?.required) return sql`${o} = ${l}`;
      const blank = field?.type === 'date' || field?.type === 'number' ? d.num(0) : field?.type === 'list' ? d.textList([]) : Sql.trusted(`''`);
      return sql`(${o} IS NULL) = (${l} IS NULL) AND coalesce(${o}, ${blank}) = coalesce(${l}, ${blank})`;
    });
    if (a.perDay) keys.push(sql`o.${this.col('serviceDate')} <= l.last_day`, sql`l.${this.col('serviceDate')} <= o.last_day`);
    const n = a.node;
    const value = n.k === 'sum'
      ? sql`sum(${printSql(n.x, ctx)})`
      : n.k === 'any'
        ? sql`min(CASE WHEN ${printSql(n.pred, ctx)} THEN o.li END)`
        : sql`CAST(sum(CASE WHEN ${printSql(n.pred, ctx)} THEN 1 ELSE 0 END) AS ${d.types.double})`;
    const members = a.members.length ? this.d.inList(Sql.trusted('o.vid'), a.members.map(int)) : Sql.trusted('FALSE');
    const grouped = sql`SELECT l.li AS li, ${value} AS g
  FROM cg_lines l JOIN cg_lines o ON o.li <> l.li AND o.ed = l.ed AND ${joinSql(keys, ' AND ')}
  WHERE ${this.vidsIn(a.judges)} AND ${members}
  GROUP BY l.li`;
    if (a.witnessFields.size === 0) return sql`${d.q.ident(`cg_a${a.k}`)} AS ${this.materialized()}(\n  ${grouped}\n)`;
    // The first line found, for messages: its fields are read here, for the few lines the rule judges.
    const fields = [...a.witnessFields].map((f) => sql`w.${this.col(f)} AS ${this.witnessColumn(a.k, f)}`);
    return sql`${d.q.ident(`cg_a${a.k}`)} AS ${this.materialized()}(
  SELECT x.li, x.g, ${joinSql(fields, ', ')}
  FROM (${grouped}) x LEFT JOIN cg_lines w ON w.li = x.g
)`;
  }

  /** The column holding a field of the line aggregate `k` found, for messages. */
  private witnessColumn(k: number, field: string): Sql {
    return this.d.q.ident(`w${k}_${fieldColumnName(field, new Set(this.attributes.keys()))}`);
  }

  private materialized(): Sql {
    return Sql.trusted(this.d.name === 'spark' ? '' : 'MATERIALIZED ');
  }

  private message(t: Template, witness: number | null): Sql {
    const ctx = this.ctx({ this: 'l', witness });
    const parts = t.map((p) => ('text' in p ? this.d.q.text(p.text) : shownSql(p.expr, ctx)));
    return parts.length ? sql`(${joinSql(parts, ' || ')})` : this.d.q.text('');
  }

  private finding(rule: Rule, message: Sql) {
    const q = this.d.q;
    return { rule: q.text(rule.id), category: q.text(rule.category), severity: q.text(rule.severity), message, cite: q.text(rule.cite ?? '') };
  }

  print(): string {
    const d = this.d;
    this.plan.editions.forEach((e, i) => this.planEdition(e, i));
    const editions = this.plan.editions;
    const byEdition = (f: (e: EditionPlan, i: number) => Sql, otherwise: Sql) =>
      editions.length === 1 ? f(editions[0]!, 0) : sql`(CASE l.ed ${joinSql(editions.map((e, i) => sql`WHEN ${int(i)} THEN ${f(e, i)}`), ' ')} ELSE ${otherwise} END)`;
    const sd = sql`l.${this.col('serviceDate')}`;
    const editionPick = editions.length === 1 ? int(0) : sql`CASE ${joinSql(editions.map((e, i) => ({ e, i })).slice(1).reverse().map(({ e, i }) => sql`WHEN ${sd} >= ${d.num(e.appliesFrom)} THEN ${int(i)}`), ' ')} ELSE 0 END`;
    const universe = byEdition((e) => (e.universe.length ? sql`coalesce(${d.inList(sql`l.${this.col('procedureCode')}`, e.universe.map((c) => d.q.text(c)))}, FALSE)` : Sql.trusted('FALSE')), Sql.trusted('FALSE'));
    const entryCols = [...ENTRY_COLUMNS.map((c) => sql`v.${d.q.ident(c)} AS ${this.col(c)}`), ...[...this.attributes.keys()].map((a) => sql`v.${d.q.ident(a)} AS ${this.col(a)}`)];
    const billable = this.billable();
    const slots = this.slots.flat();
    const aggJoins = this.aggregates.map((a) => sql`\n  LEFT JOIN ${d.q.ident(`cg_a${a.k}`)} ON ${d.q.ident(`cg_a${a.k}`)}.li = l.li`);
    const problems = recordProblems(d);
    const invalidRule = editions[0]!.builtin.record;
    const findings = sql`CASE
    WHEN l.invalid THEN ${d.findings(problems.map((p) => ({ when: p.when, finding: this.finding(invalidRule, p.message) })))}
    WHEN l.vid IS NULL AND l.in_universe THEN ${byEdition((e) => d.findings([{ when: null, finding: this.finding(e.builtin.combination, this.message(e.undefinedMessage, null)) }]), d.noFindings)}
    WHEN l.vid IS NULL THEN ${d.noFindings}
    ELSE ${byEdition((_e, i) => d.findings(this.slots[i]!.map((s) => ({ when: sql`l.${s.column}`, finding: this.finding(s.rule, this.message(s.message, s.witness)) }))), d.noFindings)}
  END`;
    const anyError = byEdition((_e, i) => {
      const errors = this.slots[i]!.filter((s) => s.rule.severity === 'error').map((s) => sql`l.${s.column}`);
      return errors.length ? joinSql(errors, ' OR ') : Sql.trusted('FALSE');
    }, Sql.trusted('FALSE'));
    const resultAttrs = [...new Set(editions.flatMap((e) => e.resultAttributes.map((a) => a.name)))];
    const ctes = [
      sql`cg_in AS (\n${inputSelect(d, d.q.ident('encounter_lines'))}\n)`,
      sql`cg_chk AS (\n${checkedSelect(d)}\n)`,
      sql`cg_ed AS (\n  SELECT l.*, CASE WHEN l.invalid THEN NULL ELSE ${editionPick} END AS ed, CASE WHEN l.invalid THEN NULL ELSE ${lookupKey(d)} END AS lookup_key\n  FROM cg_chk l\n)`,
      sql`cg_cls AS (\n  SELECT l.*, ${universe} AS in_universe, v.variant_id AS vid, v.from_day, v.until_day, ${joinSql(entryCols, ', ')}
  FROM cg_ed l LEFT JOIN codeguide_variants v ON v.edition_index = l.ed AND v.lookup_key = l.lookup_key AND ${sd} >= v.pick_from AND ${sd} < v.pick_until\n)`,
      sql`cg_lines AS ${this.materialized()}(\n  SELECT l.*, ${billable} AS ${this.col('billableUnits')}\n  FROM cg_cls l\n)`,
      ...this.aggregates.map((a) => this.aggregateCte(a)),
      sql`cg_judged AS (\n  SELECT l.*, ${joinSql([...this.aggregates.flatMap((a) => [...a.witnessFields].map((f) => sql`${d.q.ident(`cg_a${a.k}`)}.${this.witnessColumn(a.k, f)}`)), ...slots.map((s) => sql`coalesce(${s.when}, FALSE) AS ${s.column}`)], ',\n    ')}
  FROM cg_lines l${aggJoins}\n)`,
    ];
    const results = joinSql([
      sql`l.li AS line_index`,
      sql`l.${d.q.ident('r_claim_id')} AS claim_id`,
      sql`CASE WHEN abs(l.${d.q.ident('r_line_number')}) <= ${d.num(Number.MAX_VALUE)} THEN l.${d.q.ident('r_line_number')} END AS line_number`,
      sql`CASE WHEN l.invalid THEN 'invalid' WHEN l.vid IS NULL AND l.in_universe THEN 'rejected' WHEN l.vid IS NULL THEN 'out-of-scope' WHEN ${anyError} THEN 'rejected' ELSE 'accepted' END AS status`,
      ...['program', 'service', 'delivery'].map((c) => sql`l.${this.col(c)} AS ${d.q.ident(c)}`),
      ...resultAttrs.map((a) => sql`l.${this.col(a)} AS ${d.q.ident(snake(a))}`),
      sql`l.${this.col('billableUnits')} AS billable_units`,
      sql`CASE WHEN l.invalid THEN ${constant(d, null, { base: 'string', nullable: true })} ELSE ${byEdition((e) => d.q.text(e.version), constant(d, null, { base: 'string', nullable: true }))} END AS guidance_version`,
      sql`${findings} AS findings`,
    ], ',\n  ');
    const body = sql`WITH\n${joinSql(ctes, ',\n')}\nSELECT\n  ${results}\nFROM cg_judged l`;
    const header = [
      commentSql(`Generated by codeguide from ${this.plan.guidance} ${editions.map((e) => e.version).join(', ')} (source sha256 ${this.plan.sourceHash}) for ${d.name}. Do not edit.`),
      commentSql('Reads the table or view encounter_lines (PRODUCT section 10 columns); creates the reference tables and the view codeguide_results.'),
    ];
    return `${joinSql([...header, d.preamble, d.functions, this.referenceData(), d.resultsView('codeguide_results', indentSql(body, 0))].filter((s) => s.toString() !== ''), '\n\n')}\n`;
  }

  /** Billable units per variant (the plan's folded unit expression, else the reported units); null for unclassified lines. */
  private billable(): Sql {
    const d = this.d;
    const ctx = this.ctx({ this: 'l' });
    const units = sql`l.${this.col('units')}`;
    const byText = new Map<string, { expr: Sql; vids: number[] }>();
    for (const e of this.plan.editions) {
      for (const { variants } of e.lookup) {
        for (const v of variants) {
          if (!v.billable) continue;
          const expr = printSql(v.billable, ctx);
          const b = byText.get(expr.toString()) ?? { expr, vids: [] };
          b.vids.push(this.vids.get(v)!);
          byText.set(expr.toString(), b);
        }
      }
    }
    const whens = [...byText.values()].map((b) => sql`WHEN ${this.vidsIn(b.vids)} THEN coalesce(${b.expr}, ${units})`);
    return sql`(CASE WHEN l.vid IS NULL THEN ${constant(d, null, { base: 'number', nullable: true })} ${joinSql(whens, ' ')} ELSE ${units} END)`;
  }
}

/** Print the SQL script of a plan for a dialect. */
export function printSqlScript(plan: ValidatorPlan, dialect: DialectName): string {
  return new ScriptPrinter(plan, dialect).print();
}
