/**
 * The SQL printer: a validator plan (compiler/plan/plan.ts) → one SQL script
 * for DuckDB, PostgreSQL or Spark SQL. The script creates the settings row,
 * the reference data (compiler/emit/sql/reference.ts) and the view
 * `codeguide_results` over `encounter_lines` (PRODUCT §10), whose rows equal
 * the bundle's results. Lines are read, checked and classified first
 * (compiler/emit/sql/classify.ts); line rules are the plan's conditions with
 * each variant's fields folded in; cross-line rules are grouped self-joins
 * keyed by the group's fields (and overlapping days for per-day groups), one
 * per aggregate, so an engine can partition the work by member. Findings come
 * in the bundle's order: tolerated extra modifiers, not in force, the plan
 * profile's refusal, line rules, cross-line rules.
 */
import { checkProfile, profileTables } from '../../../runtime/profile.js';
import { formatDay } from '../../../runtime/record.js';
import { RECORD_FIELDS } from '../../fields.ts';
import { aggregatesOf, visit } from '../../plan/fold.ts';
import type { EditionPlan, ValidatorPlan, VariantPlan } from '../../plan/plan.ts';
import type { IR, IRNode, Rule, Template } from '../../model.ts';
import { enforcementNote } from '../bundle.ts';
import { Sql, commentSql, int, joinSql, sql } from './builder.ts';
import { classifyCtes, type Cte } from './classify.ts';
import { dialectOf, type Dialect, type DialectName, type FindingSql } from './dialect.ts';
import { constant, nullOf, printSql, shownSql, type SqlContext } from './expr.ts';
import { fieldColumn, fieldColumnName, recordProblems, snake } from './records.ts';
import { FIXED_COLUMNS, numberVariants, referenceTables, settingsTable } from './reference.ts';

const RESULT_COLUMNS = new Set(['line_index', 'claim_id', 'line_number', 'status', 'program', 'service', 'delivery', 'billable_units', 'guidance_version', 'findings']);

/** How a script is printed. */
export interface ScriptOptions {
  dialect: DialectName;
  /** The day `codeguide_settings.as_of` starts as (null: the newest edition judges). */
  asOf: number | null;
  /** Probing (tests of the language): these expressions of the first edition, per line, in the view `codeguide_probes`. */
  probes?: readonly IR[];
}

/** A finding the script may report for a line: when, what, and whether it is an error (SQL conditions). */
interface Slot { column: Sql; when: Sql; finding: FindingSql; error: Sql }

/** An aggregate, computed by one grouped self-join. */
interface Aggregate { k: number; node: IRNode<'any' | 'count' | 'sum'>; judges: number[] | 'all'; members: number[]; key: string[]; perDay: boolean; witnessFields: Set<string>; batch: number | null }

class ScriptPrinter {
  readonly d: Dialect;
  private readonly vids: Map<VariantPlan, number>;
  private readonly attributes = new Map<string, 'bool' | 'string' | 'number'>();
  private readonly aggregates: Aggregate[] = [];
  private readonly aggOf = new Map<IR, Aggregate>();
  private readonly slots: Slot[][] = [];
  private readonly sd: Sql;

  constructor(private readonly plan: ValidatorPlan, private readonly options: ScriptOptions) {
    this.d = dialectOf(options.dialect);
    this.vids = numberVariants(plan);
    for (const e of plan.editions) {
      for (const a of e.rules.attributes.values()) {
        if (FIXED_COLUMNS.has(a.name) || RESULT_COLUMNS.has(snake(a.name))) throw new Error(`the attribute name "${a.name}" is a column of the SQL results already; rename the attribute`);
        if (!this.attributes.has(a.name)) this.attributes.set(a.name, a.type);
      }
    }
    this.sd = sql`l.${this.col('serviceDate')}`;
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

  private vidsIn(vids: readonly number[] | 'all'): Sql {
    if (vids === 'all') return Sql.trusted('l.vid IS NOT NULL');
    return vids.length === 0 ? Sql.trusted('FALSE') : sql`coalesce(${this.d.inList(Sql.trusted('l.vid'), vids.map(int))}, FALSE)`;
  }

  /** A rule's finding; before its compliance date (`enforced`) a warning whose message names the date. */
  private finding(rule: Rule, message: Sql, enforced: number | null = rule.enforcedFrom): { finding: FindingSql; error: Sql } {
    const q = this.d.q;
    const base = { rule: q.text(rule.id), category: q.text(rule.category), cite: q.text(rule.cite ?? '') };
    const isError = rule.severity === 'error';
    if (enforced === null) return { finding: { ...base, severity: q.text(rule.severity), message }, error: Sql.trusted(isError ? 'TRUE' : 'FALSE') };
    const early = sql`(${this.sd} < ${this.d.num(enforced)})`;
    return {
      finding: { ...base, severity: sql`CASE WHEN ${early} THEN 'warning' ELSE ${q.text(rule.severity)} END`, message: sql`${message} || CASE WHEN ${early} THEN ${q.text(enforcementNote(enforced))} ELSE '' END` },
      error: isError ? sql`NOT ${early}` : Sql.trusted('FALSE'),
    };
  }

  /** A rule's own dates, by date of service, before its condition. */
  private dated(rule: Rule, cond: Sql): Sql {
    const parts = [
      ...(rule.effective !== null ? [sql`${this.sd} >= ${this.d.num(rule.effective)}`] : []),
      ...(rule.retired !== null ? [sql`${this.sd} < ${this.d.num(rule.retired)}`] : []),
    ];
    return parts.length ? sql`(${joinSql(parts, ' AND ')} AND ${cond})` : cond;
  }

  /** The findings one edition can report, with the condition of each; registers the aggregates its cross-line rules need. */
  private planEdition(e: EditionPlan, ei: number, refused: ReadonlyMap<string, { rule: string; category: string; severity: string; message: string; cite: string }> | null): void {
    const d = this.d;
    const lineCtx = this.ctx({ this: 'l' });
    const slots: Slot[] = [];
    const next = () => d.q.ident(`r_${this.slots.flat().length + slots.length}`);
    const add = (when: Sql, f: { finding: FindingSql; error: Sql }) => slots.push({ column: next(), when, ...f });
    const combination = e.builtin.combination;
    if (combination.enforcedFrom !== null) {
      // Extra modifiers tolerated before the combination check's compliance date.
      const note = ` before ${formatDay(combination.enforcedFrom)}`;
      const message = sql`${this.message(e.undefinedMessage, null)} || ${d.q.text(` (extra modifiers tolerated${note}: read as `)} || l.${this.col('procedureCode')} || ' without ' || ${d.listExceptJoined(sql`l.${this.col('modifiers')}`, Sql.trusted('l.vmods'))} || ')'`;
      const q = d.q;
      add(sql`(l.tolerated AND l.ed = ${int(ei)})`, { finding: { rule: q.text(combination.id), category: q.text(combination.category), severity: q.text('warning'), message, cite: q.text(combination.cite ?? '') }, error: Sql.trusted('FALSE') });
    }
    add(sql`(l.vid IS NOT NULL AND l.ed = ${int(ei)} AND (${this.sd} < l.from_day OR ${this.sd} >= l.until_day))`, this.finding(e.builtin.effective, this.message(e.builtin.effective.message, null)));
    for (const [key, f] of refused ?? []) {
      const q = d.q;
      add(sql`(l.vid IS NOT NULL AND l.${this.col('combination')} = ${q.text(key)})`, {
        finding: { rule: q.text(f.rule), category: q.text(f.category), severity: q.text(f.severity), message: q.text(f.message), cite: q.text(f.cite) },
        error: Sql.trusted(f.severity === 'error' ? 'TRUE' : 'FALSE'),
      });
    }
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
      add(this.dated(rule, sql`CASE ${joinSql(whens, ' ')} ELSE FALSE END`), this.finding(rule, this.message(rule.message, null)));
    }
    // Cross-line rules: the rule's own condition (fields read from the line), for the variants the plan keeps it for.
    const crossRules = new Map<Rule, number[]>();
    for (const v of variants) for (const p of v.cross) crossRules.set(p.rule, [...(crossRules.get(p.rule) ?? []), this.vids.get(v)!]);
    for (const [rule, judges] of [...crossRules].sort((a, b) => ruleOrder(a[0]) - ruleOrder(b[0]))) {
      const nodes = aggregatesOf(rule.when!.ir);
      for (const node of nodes) this.register(e, node, judges, null);
      const ctx = this.ctx({ this: 'l' }, (n) => this.aggregateValue(n));
      const otherFields = new Set<string>();
      for (const p of rule.message) if ('expr' in p) visit(p.expr, (x) => { if (x.k === 'field' && x.of === 'other') otherFields.add(x.name); });
      const firstAny = nodes.find((n) => n.k === 'any');
      const witness = otherFields.size > 0 && firstAny ? this.aggOf.get(firstAny)! : null;
      if (witness) for (const f of otherFields) witness.witnessFields.add(f);
      add(this.dated(rule, sql`(${this.vidsIn(judges)} AND ${printSql(rule.when!.ir, ctx)})`), this.finding(rule, this.message(rule.message, witness ? witness.k : null)));
    }
    this.slots.push(slots);
  }

  /** Register an aggregate: the lines it judges, and the lines of its group it may count. */
  private register(e: EditionPlan, node: IRNode<'any' | 'count' | 'sum'>, judges: number[] | 'all', batch: number | null): void {
    const slot = e.slots.findIndex((g) => g.name === node.group);
    const group = e.slots[slot]!;
    const members = e.lookup.flatMap((x) => x.variants).filter((v) => v.member[slot]).map((v) => this.vids.get(v)!);
    const agg: Aggregate = { k: this.aggregates.length, node, judges, members, key: group.key, perDay: group.perDay, witnessFields: new Set(), batch };
    this.aggregates.push(agg);
    this.aggOf.set(node, agg);
  }

  private aggregateValue(n: IRNode<'any' | 'count' | 'sum'>): Sql {
    const a = this.aggOf.get(n)!;
    const g = sql`${this.d.q.ident(`cg_a${a.k}`)}.g`;
    return n.k === 'any' ? sql`(${g} IS NOT NULL)` : sql`coalesce(${g}, ${this.d.num(0)})`;
  }

  /** One aggregate as a grouped self-join: for each judged line, over the other member lines of its group. */
  private aggregateCte(a: Aggregate): Cte {
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
    if (this.options.probes) keys.push(Sql.trusted('o.probe_batch = l.probe_batch'));
    const n = a.node;
    const value = n.k === 'sum'
      ? sql`sum(${n.x.type.base === 'null' ? nullOf(d, { base: 'number', nullable: true }) : printSql(n.x, ctx)})`
      : n.k === 'any'
        ? sql`min(CASE WHEN ${printSql(n.pred, ctx)} THEN o.li END)`
        : sql`CAST(sum(CASE WHEN ${printSql(n.pred, ctx)} THEN 1 ELSE 0 END) AS ${d.types.double})`;
    const members = a.members.length ? this.d.inList(Sql.trusted('o.vid'), a.members.map(int)) : Sql.trusted('FALSE');
    const batch = a.batch === null ? Sql.trusted('') : sql` AND l.probe_batch = ${int(a.batch)}`;
    const grouped = sql`SELECT l.li AS li, ${value} AS g
  FROM cg_lines l JOIN cg_lines o ON o.li <> l.li AND o.ed = l.ed AND ${joinSql(keys, ' AND ')}
  WHERE ${this.vidsIn(a.judges)} AND ${members}${batch}
  GROUP BY l.li`;
    if (a.witnessFields.size === 0) return { name: `cg_a${a.k}`, body: sql`  ${grouped}`, materialized: true };
    // The first line found, for messages: its fields are read here, for the few lines the rule judges.
    const fields = [...a.witnessFields].map((f) => sql`w.${this.col(f)} AS ${this.witnessColumn(a.k, f)}`);
    return { name: `cg_a${a.k}`, materialized: true, body: sql`  SELECT x.li, x.g, ${joinSql(fields, ', ')}
  FROM (${grouped}) x LEFT JOIN cg_lines w ON w.li = x.g` };
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
    // A message is only ever an argument (of a struct, an object): no parentheses, which Spark's grammar is slow to look past.
    return parts.length ? joinSql(parts, ' || ') : this.d.q.text('');
  }

  private byEdition(f: (e: EditionPlan, i: number) => Sql, otherwise: Sql): Sql {
    const editions = this.plan.editions;
    return editions.length === 1 ? f(editions[0]!, 0) : sql`CASE l.ed ${joinSql(editions.map((e, i) => sql`WHEN ${int(i)} THEN ${f(e, i)}`), ' ')} ELSE ${otherwise} END`;
  }

  /** The plan profile's tables per edition (runtime/profile.js, as the bundle makes them when it loads). */
  private profileTables() {
    const editions = this.plan.editions.map((e) => ({ choices: e.choices }));
    const checked = this.plan.profile ? checkProfile(editions as never, this.plan.guidance, this.plan.profile) : null;
    return editions.map((e) => profileTables(e as never, checked));
  }

  print(): string {
    const d = this.d;
    const editions = this.plan.editions;
    const tables = this.profileTables();
    editions.forEach((e, i) => this.planEdition(e, i, tables[i]!.refused));
    const probes = this.options.probes ?? [];
    probes.forEach((p, k) => { for (const node of aggregatesOf(p)) this.register(editions[0]!, node, 'all', k); });
    const ctes = classifyCtes({
      d, plan: this.plan, col: (n) => this.col(n), attributes: [...this.attributes.keys()],
      outOfScope: tables.map((t) => t.outOfScope),
      toleratedUntil: editions.map((e) => e.builtin.combination.enforcedFrom ?? -Infinity),
      byEdition: (f, o) => this.byEdition(f, o),
      extraInput: this.options.probes ? ['probe_batch'] : [],
    });
    const slots = this.slots.flat();
    const aggJoins = this.aggregates.map((a) => sql`\n  LEFT JOIN ${d.q.ident(`cg_a${a.k}`)} ON ${d.q.ident(`cg_a${a.k}`)}.li = l.li`);
    const problems = recordProblems(d);
    // The judging edition's record rule (editions rarely differ in it: one list when they all agree).
    const recordRule = (r: Rule) => JSON.stringify([r.id, r.category, r.severity, r.cite]);
    const sameRecordRule = editions.every((e) => recordRule(e.builtin.record) === recordRule(editions[0]!.builtin.record));
    const invalidFindings = (e: EditionPlan) => d.findings(problems.map((p) => ({ when: p.when, finding: this.finding(e.builtin.record, p.message, null).finding })));
    const undefinedFinding = (e: EditionPlan) => this.finding(e.builtin.combination, this.message(e.undefinedMessage, null), null).finding;
    let findings = sql`CASE
    WHEN l.invalid THEN ${sameRecordRule ? invalidFindings(editions[0]!) : this.byEdition(invalidFindings, d.noFindings)}
    WHEN l.vid IS NULL AND l.in_scope THEN ${this.byEdition((e) => d.findings([{ when: null, finding: undefinedFinding(e) }]), d.noFindings)}
    WHEN l.vid IS NULL THEN ${d.noFindings}
    ELSE ${this.byEdition((_e, i) => d.findings(this.slots[i]!.map((s) => ({ when: sql`l.${s.column}`, finding: s.finding }))), d.noFindings)}
  END`;
    // Spark SQL: each finding a column of its own, a few per temporary view, and the list made of the columns
    // (a parser reads a long chain of small statements far faster than one statement of nested expressions).
    const findingViews: Cte[] = [];
    let from = 'cg_judged';
    if (d.name === 'spark') {
      const columns: { name: string; value: Sql }[] = [];
      const one = (name: string, when: Sql | null, f: FindingSql) => {
        columns.push({ name, value: d.findings([{ when, finding: f }]) });
        return sql`l.${d.q.ident(name)}`;
      };
      const invalid = problems.map((p, k) => one(`fi_${k}`, p.when, this.finding(editions[0]!.builtin.record, p.message, null).finding));
      const undef = editions.map((e, i) => one(`fu_${i}`, null, undefinedFinding(e)));
      const bySlot = this.slots.map((list) => list.map((x) => one(`f${x.column.toString().replace(/\W/g, '')}`, sql`l.${x.column}`, x.finding)));
      const concat = (cols: Sql[]) => (cols.length === 0 ? d.noFindings : sql`flatten(array(${joinSql(cols, ', ')}))`);
      findings = sql`CASE
    WHEN l.invalid THEN ${sameRecordRule ? concat(invalid) : this.byEdition(invalidFindings, d.noFindings)}
    WHEN l.vid IS NULL AND l.in_scope THEN ${this.byEdition((_e, i) => undef[i]!, d.noFindings)}
    WHEN l.vid IS NULL THEN ${d.noFindings}
    ELSE ${this.byEdition((_e, i) => concat(bySlot[i]!), d.noFindings)}
  END`;
      for (let k = 0; k < columns.length; k += 4) {
        const name = `cg_f${k / 4}`;
        findingViews.push({ name, body: sql`  SELECT l.*, ${joinSql(columns.slice(k, k + 4).map((c) => sql`${c.value} AS ${d.q.ident(c.name)}`), ', ')}\n  FROM ${Sql.trusted(from)} l` });
        from = name;
      }
    }
    const anyError = this.byEdition((_e, i) => {
      const errors = this.slots[i]!.filter((s) => s.error.toString() !== 'FALSE').map((s) => (s.error.toString() === 'TRUE' ? sql`l.${s.column}` : sql`(l.${s.column} AND ${s.error})`));
      return errors.length ? joinSql(errors, ' OR ') : Sql.trusted('FALSE');
    }, Sql.trusted('FALSE'));
    const resultAttrs = [...new Set(editions.flatMap((e) => e.resultAttributes.map((a) => a.name)))];
    const witnessCols = this.aggregates.flatMap((a) => [...a.witnessFields].map((f) => sql`${d.q.ident(`cg_a${a.k}`)}.${this.witnessColumn(a.k, f)}`));
    const probeCols = probes.map((p, k) => sql`CASE WHEN l.probe_batch = ${int(k)} AND l.vid IS NOT NULL THEN ${printSql(p, this.ctx({ this: 'l' }, (n) => this.aggregateValue(n)))} END AS ${d.q.ident(`p_${k}`)}`);
    ctes.push(
      { name: 'cg_lines', materialized: true, body: sql`  SELECT l.*, ${this.billable()} AS ${this.col('billableUnits')}\n  FROM cg_cls l` },
      ...this.aggregates.map((a) => this.aggregateCte(a)),
      { name: 'cg_judged', body: sql`  SELECT l.*, ${joinSql([...witnessCols, ...slots.map((s) => sql`coalesce(${s.when}, FALSE) AS ${s.column}`), ...probeCols], ',\n    ')}
  FROM cg_lines l${aggJoins}` },
    );
    const nullText = constant(d, null, { base: 'string', nullable: true });
    const results = joinSql([
      sql`l.li AS line_index`,
      sql`l.${d.q.ident('r_claim_id')} AS claim_id`,
      sql`CASE WHEN abs(l.${d.q.ident('r_line_number')}) <= ${d.num(Number.MAX_VALUE)} THEN l.${d.q.ident('r_line_number')} END AS line_number`,
      sql`CASE WHEN l.invalid THEN 'invalid' WHEN l.vid IS NULL AND l.in_scope THEN 'rejected' WHEN l.vid IS NULL THEN 'out-of-scope' WHEN ${anyError} THEN 'rejected' ELSE 'accepted' END AS status`,
      ...['program', 'service', 'delivery'].map((c) => sql`l.${this.col(c)} AS ${d.q.ident(c)}`),
      ...resultAttrs.map((a) => sql`l.${this.col(a)} AS ${d.q.ident(snake(a))}`),
      sql`l.${this.col('billableUnits')} AS billable_units`,
      sql`CASE WHEN l.invalid THEN ${nullText} ELSE ${this.byEdition((e) => d.q.text(e.version), nullText)} END AS guidance_version`,
      sql`${findings} AS findings`,
    ], ',\n  ');
    const select = probes.length
      ? sql`SELECT l.li AS line_index, l.probe_batch, l.vid IS NOT NULL AS classified, ${joinSql(probes.map((_p, k) => sql`l.${d.q.ident(`p_${k}`)}`), ', ')}`
      : sql`SELECT\n  ${results}`;
    const header = [
      commentSql(`Generated by codeguide from ${this.plan.guidance} ${editions.map((e) => e.version).join(', ')} (source sha256 ${this.plan.sourceHash})${this.plan.profile ? `, plan profile ${this.plan.profile.name ?? '(unnamed)'}` : ''}, for ${d.name}. Do not edit.`),
      commentSql('Reads the table or view encounter_lines (PRODUCT section 10 columns); creates codeguide_settings (as_of: NULL judges by the newest edition), the reference tables and the view codeguide_results.'),
    ];
    const name = probes.length ? 'codeguide_probes' : 'codeguide_results';
    const last = sql`${select}\nFROM ${Sql.trusted(from)} l`;
    // Spark SQL: each step its own temporary view (statements a parser and a planner take one at a time).
    const views = d.name === 'spark'
      ? [...[...ctes, ...findingViews].map((c) => d.resultsView(c.name, c.body)), d.resultsView(name, last)]
      : [d.resultsView(name, sql`WITH\n${joinSql(ctes.map((c) => sql`${d.q.ident(c.name)} AS ${c.materialized ? this.materialized() : Sql.trusted('')}(\n${c.body}\n)`), ',\n')}\n${last}`)];
    const parts = [...header, d.preamble, d.functions, settingsTable(d, this.options.asOf), referenceTables(d, this.plan, this.vids, this.attributes), ...views];
    return `${joinSql(parts.filter((s) => s.toString() !== ''), '\n\n')}\n`;
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
    return sql`CASE WHEN l.vid IS NULL THEN ${constant(d, null, { base: 'number', nullable: true })} ${joinSql(whens, ' ')} ELSE ${units} END`;
  }
}

/** Print the SQL script of a plan. */
export function printSqlScript(plan: ValidatorPlan, options: ScriptOptions): string {
  return new ScriptPrinter(plan, options).print();
}
