/**
 * The reference interpreter: judges lines straight from the checked rule set,
 * as plainly as possible (linear scans, a tree-walking evaluator, pairwise
 * cross-line comparison). Tests run every behaviour case through it and through
 * the emitted bundle, and the two must agree.
 */
import { echoIds, formatDay, MAX_GROUP_DAYS, parseDay, showValue, type LineRecord, type RecordProblem } from '../runtime/record.js';
import { checkRecord } from './record-check.ts';
import type { Finding, LineResult } from '../runtime/bundle.d.ts';
import { descriptionOf, ENTRY_FIELDS, isDateValued, type IR, type IRNode, type Rule, type RuleSet, type ServiceEntry, type Template, type Value } from './model.ts';
import { evaluate, type EvalEnv } from './evaluate.ts';
import { aggregatesOf, visit } from './plan/fold.ts';
import type { ProfileObject } from './profile/profile.ts';
import type { PlanChoice } from './profile/choices.ts';

interface Judged { index: number; r: LineRecord; e: ServiceEntry; d: string; rs: RuleSet; result: LineResult }
type LineView = { r: LineRecord | null; e: ServiceEntry | null; d: string | null; result: LineResult | null };

/**
 * Judge lines with the edition known on `asOf` (the newest published on or before it; the newest of all
 * without one; the oldest when asOf comes before every publication).
 */
export function interpret(versions: RuleSet[], lines: readonly unknown[], options: { asOf?: string; profile?: ProfileObject } = {}): LineResult[] {
  const rs = judgingEdition(versions, options.asOf);
  const judged: Judged[] = [];
  const results = lines.map((raw, index) => {
    const j = judge(rs, raw, index, options.profile ?? null);
    if (isJudged(j)) { judged.push(j); return j.result; }
    return j;
  });
  for (const j of judged) {
    for (const rule of j.rs.rules) {
      if (!rule.when || !isCrossLine(rule) || !inForceOn(rule, j.r)) continue;
      if (evaluate(rule.when.ir, envFor(j, judged)) === true) j.result.findings.push(finding(rule, j, witnessOf(rule, j, judged), j.rs));
    }
  }
  for (const res of results) {
    if (res.status === 'accepted' && res.findings.some((f) => f.severity === 'error')) res.status = 'rejected';
  }
  return results;
}

/** A classified line (kept for cross-line rules), as opposed to a finished result. */
function isJudged(j: Judged | LineResult): j is Judged {
  return 'rs' in j; // results have no rule set
}

function isCrossLine(rule: Rule): boolean {
  return aggregatesOf(rule.when!.ir).length > 0;
}

function emptyResult(rs: RuleSet, index: number, claimId: string | null, lineNumber: number | null, status: LineResult['status'], version: string | null): LineResult {
  const attrs = Object.fromEntries([...rs.attributes.values()].filter((a) => a.result).map((a) => [a.name, null]));
  return { index, claimId, lineNumber, status, program: null, service: null, delivery: null, ...attrs, billableUnits: null, guidanceVersion: version, findings: [] } as unknown as LineResult;
}

/** The edition that judges as of a date. */
export function judgingEdition(versions: readonly RuleSet[], asOf?: string): RuleSet {
  const byPublication = [...versions].sort((a, b) => parseDay(a.guidance.published) - parseDay(b.guidance.published));
  if (asOf === undefined) return byPublication[byPublication.length - 1]!;
  if (parseDay(asOf) < 0) throw new RangeError(`options.asOf must be a date written YYYY-MM-DD (got ${JSON.stringify(asOf)})`);
  return byPublication.filter((v) => parseDay(v.guidance.published) <= parseDay(asOf)).pop() ?? byPublication[0]!;
}

function judge(rs: RuleSet, raw: unknown, index: number, profile: ProfileObject | null = null): Judged | LineResult {
  const problems: RecordProblem[] = [];
  let r: LineRecord | null = null;
  try {
    r = checkRecord(raw, problems);
  } catch {
    problems.splice(0, problems.length, { field: 'record', message: 'the record could not be read (reading one of its fields failed)' });
  }
  if (!r) {
    const rule = rs.rules.find((x) => x.check === 'record')!;
    let ids = { claimId: null as string | null, lineNumber: null as number | null };
    try { ids = echoIds(raw); } catch { /* stay null */ }
    const res = emptyResult(rs, index, ids.claimId, ids.lineNumber, 'invalid', null);
    res.findings = problems.map((p) => ({ rule: rule.id, category: rule.category, severity: rule.severity, message: p.message, cite: rule.cite ?? '' }));
    return res;
  }
  const version = rs.guidance.version;
  if (!rs.entries.some((e) => e.code === r!.procedureCode)) return emptyResult(rs, index, r.claimId, r.lineNumber, 'out-of-scope', version);

  const matches: { e: ServiceEntry; d: string }[] = [];
  for (const e of rs.entries) {
    if (e.code !== r.procedureCode) continue;
    if (sameList(sortedList(e.modifiers), r.modifiers)) matches.push({ e, d: rs.delivery.default });
    if (!e.deliveryAllowed) continue;
    for (const [mod, delivery] of rs.delivery.modifiers) {
      if (sameList(sortedList([...e.modifiers, mod]), r.modifiers)) matches.push({ e, d: delivery });
    }
  }
  const combination = rs.rules.find((x) => x.check === 'combination')!;
  let tolerated: Finding | null = null;
  // Plan profile: a guidance code with none of the modifiers the catalogue's entries are defined by, from a file mixing programs.
  if (matches.length === 0 && profile?.codesWithoutGuidanceModifiers === 'out-of-scope' && !r.modifiers.some((m) => rs.entries.some((e) => e.modifiers.includes(m)))) {
    return emptyResult(rs, index, r.claimId, r.lineNumber, 'out-of-scope', version);
  }
  if (matches.length === 0) {
    const found = combination.enforcedFrom !== null && r.serviceDate < combination.enforcedFrom ? readWithExtras(rs, r) : null;
    if (!found) {
      const res = emptyResult(rs, index, r.claimId, r.lineNumber, 'rejected', version);
      // The combination check's compliance date is about extra modifiers only: any other undefined combination keeps its severity.
      const message = render(combination.message, { r, e: null, d: null, result: null }, null, rs);
      res.findings.push({ rule: combination.id, category: combination.category, severity: combination.severity, message, cite: combination.cite ?? '' });
      return res;
    }
    matches.push(found.match);
    const message = render(combination.message, { r, e: null, d: null, result: null }, null, rs);
    tolerated = {
      rule: combination.id, category: combination.category, severity: 'warning', cite: combination.cite ?? '',
      message: `${message} (extra modifiers tolerated before ${formatDay(combination.enforcedFrom!)}: read as ${r.procedureCode} without ${found.extra.join(' ')})`,
    };
  }
  // Among the entries for this combination, the last that took effect on or before the date, else the first.
  matches.sort((a, b) => (a.e.effective ?? -Infinity) - (b.e.effective ?? -Infinity));
  const { e, d } = matches.filter((m) => (m.e.effective ?? -Infinity) <= r!.serviceDate).pop() ?? matches[0]!;
  const result = emptyResult(rs, index, r.claimId, r.lineNumber, 'accepted', version) as LineResult & Record<string, unknown>;
  result.program = e.program;
  result.service = e.service;
  result.delivery = d;
  for (const a of rs.attributes.values()) if (a.result) result[a.name] = e.attributes.get(a.name) ?? null;
  const j: Judged = { index, r, e, d, rs, result };
  if (tolerated) result.findings.push(tolerated);
  const unit = rs.unitBases.get(e.unit)!;
  const billable = unit.billableUnits ? evaluate(unit.billableUnits.ir, envFor(j, [])) : null;
  j.result.billableUnits = typeof billable === 'number' ? billable : r.units;
  const inForce = (e.effective === null || e.effective <= r.serviceDate) && (e.retired === null || r.serviceDate < e.retired);
  if (!inForce) j.result.findings.push(finding(rs.rules.find((x) => x.check === 'effective')!, j, null, rs));
  for (const c of rs.choices.values()) {
    const refusal = planChoiceFinding(rs, c, e.combination, profile);
    if (refusal) j.result.findings.push(refusal);
  }
  for (const rule of rs.rules) {
    if (rule.when && !isCrossLine(rule) && inForceOn(rule, r) && evaluate(rule.when.ir, envFor(j, [])) === true) j.result.findings.push(finding(rule, j, null, rs));
  }
  return j;
}

const ENTRY = new Set<string>(ENTRY_FIELDS);

/** A field of a line as expressions see it. */
function fieldOf(j: LineView, name: string): Value {
  if (name === 'delivery') return j.d;
  if (name === 'billableUnits') return j.result?.billableUnits ?? null;
  if (name === 'description') return j.e ? descriptionOf(j.e, j.d) : null;
  if (ENTRY.has(name)) return j.e ? ((j.e as unknown as Record<string, Value>)[name] ?? null) : null;
  if (j.e && j.e.attributes.has(name)) return j.e.attributes.get(name) ?? null;
  if (!j.r) return null;
  return (j.r as unknown as Record<string, Value>)[name] ?? null;
}

/** The other lines of j's group for an aggregate (never j itself), in input order. */
function groupOf(j: Judged, all: readonly Judged[], groupName: string): Judged[] {
  const group = j.rs.groups.get(groupName)!;
  return all.filter((o) => o !== j && o.rs === j.rs && sameGroup(group.key, group.perDay, j.r, o.r));
}

function envFor(j: Judged, all: readonly Judged[]): EvalEnv {
  return {
    bandings: j.rs.bandings,
    field: (name) => fieldOf(j, name),
    aggregate: (kind, groupName, body) => {
      const others = groupOf(j, all, groupName);
      const value = (o: Judged) => evaluate(body, { bandings: j.rs.bandings, field: (name, of) => fieldOf(of === 'other' ? o : j, name) });
      if (kind === 'any') return others.some((o) => value(o) === true);
      if (kind === 'count') return others.filter((o) => value(o) === true).length;
      return others.reduce((sum, o) => { const x = value(o); return typeof x === 'number' ? sum + x : sum; }, 0);
    },
  };
}

/** The line a message's `other.` fields show: the first the rule's one any() finds. */
function witnessOf(rule: Rule, j: Judged, all: readonly Judged[]): Judged | null {
  let usesOther = false;
  for (const p of rule.message) if ('expr' in p) visit(p.expr, (n) => { if (n.k === 'field' && n.of === 'other') usesOther = true; });
  if (!usesOther) return null;
  const any = aggregatesOf(rule.when!.ir).find((a) => a.k === 'any')!;
  const pred = (any as IRNode<'any'>).pred;
  return groupOf(j, all, any.group).find((o) => evaluate(pred, { bandings: j.rs.bandings, field: (name, of) => fieldOf(of === 'other' ? o : j, name) }) === true) ?? null;
}

/** Two lines share a group when their key fields are equal and, per day, their (capped) date ranges meet. */
function sameGroup(key: readonly string[], perDay: boolean, a: LineRecord, b: LineRecord): boolean {
  for (const k of key) if ((a as unknown as Record<string, unknown>)[k] !== (b as unknown as Record<string, unknown>)[k]) return false;
  if (!perDay) return true;
  const aEnd = Math.min(a.serviceDateEnd ?? a.serviceDate, a.serviceDate + MAX_GROUP_DAYS - 1);
  const bEnd = Math.min(b.serviceDateEnd ?? b.serviceDate, b.serviceDate + MAX_GROUP_DAYS - 1);
  return a.serviceDate <= bEnd && b.serviceDate <= aEnd;
}

function finding(rule: Rule, j: LineView, witness: LineView | null, rs: RuleSet): Finding {
  const message = render(rule.message, j, witness, rs);
  const early = rule.enforcedFrom !== null && j.r !== null && j.r.serviceDate < rule.enforcedFrom;
  return early
    ? { rule: rule.id, category: rule.category, severity: 'warning', message: `${message} (enforced from ${formatDay(rule.enforcedFrom!)}; a warning until then)`, cite: rule.cite ?? '' }
    : { rule: rule.id, category: rule.category, severity: rule.severity, message, cite: rule.cite ?? '' };
}

/** Does a rule apply on the line's date of service (its own effective and retired dates)? */
function inForceOn(rule: Rule, r: LineRecord): boolean {
  return (rule.effective === null || r.serviceDate >= rule.effective) && (rule.retired === null || r.serviceDate < rule.retired);
}

function render(t: Template, j: LineView, witness: LineView | null, rs: RuleSet): string {
  const bandings = rs.bandings;
  return t.map((p) => {
    if ('text' in p) return p.text;
    const value = evaluate(p.expr, { bandings, field: (name, of) => (of === 'other' ? (witness ? fieldOf(witness, name) : null) : fieldOf(j, name)) });
    return showValue(value, isDateValued(p.expr.type));
  }).join('');
}

/**
 * A line with modifiers beyond its combination's, read as the one combination of its code whose modifiers
 * (and delivery modifier) are all on the line: the way of writing it that uses the most of them. Null with
 * a repeated modifier, or when none or several combinations fit.
 */
function readWithExtras(rs: RuleSet, r: LineRecord): { match: { e: ServiceEntry; d: string }; extra: string[] } | null {
  if (new Set(r.modifiers).size !== r.modifiers.length) return null;
  const fits: { e: ServiceEntry; d: string; mods: string[] }[] = [];
  for (const e of rs.entries) {
    if (e.code !== r.procedureCode) continue;
    const inForce = (e.effective === null || e.effective <= r.serviceDate) && (e.retired === null || r.serviceDate < e.retired);
    if (!inForce) continue;
    const ways = [{ mods: e.modifiers, d: rs.delivery.default }, ...(e.deliveryAllowed ? [...rs.delivery.modifiers].map(([m, d]) => ({ mods: [...e.modifiers, m], d })) : [])];
    for (const w of ways) if (w.mods.every((m) => r.modifiers.includes(m))) fits.push({ e, d: w.d, mods: w.mods });
  }
  if (fits.length === 0 || new Set(fits.map((f) => f.e)).size > 1) return null;
  const best = fits.reduce((a, b) => (b.mods.length > a.mods.length ? b : a));
  return { match: { e: best.e, d: best.d }, extra: r.modifiers.filter((m) => !best.mods.includes(m)) };
}

function sortedList(xs: readonly string[]): string[] {
  return [...xs].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type { Finding, LineResult };

/**
 * The value of an expression for the first of `lines`, judged among the others (for tests of the language):
 * `unclassified` when that line is not a classified line of the edition.
 */
export function interpretExpression(rs: RuleSet, lines: readonly unknown[], ir: IR): { value: Value } | { unclassified: true } {
  const judged: Judged[] = [];
  lines.forEach((raw, index) => {
    const j = judge(rs, raw, index);
    if (isJudged(j)) judged.push(j);
  });
  const first = judged.find((j) => j.index === 0);
  if (!first) return { unclassified: true };
  return { value: evaluate(ir, envFor(first, judged)) };
}

/**
 * Plan profile: the finding for a line of `combination` when it is an alternative of choice `c` that the plan
 * did not select (the profile's selection where it names alternatives this edition has, else the default).
 */
function planChoiceFinding(rs: RuleSet, c: PlanChoice, combination: string, profile: ProfileObject | null): Finding | null {
  const alt = c.alternatives.find((a) => a.combinations.includes(combination));
  if (!alt) return null;
  const raw = profile?.choices?.[c.id];
  const selected = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).filter((name) => c.alternatives.some((a) => a.name === name));
  const allowed = selected.length > 0 ? selected : c.default;
  if (allowed === null || allowed.includes(alt.name)) return null;
  const show = (key: string) => key.split(':').join(' ');
  const chosen = c.alternatives.filter((a) => allowed.includes(a.name)).map((a) => `${a.label} (${a.combinations.map(show).join(', ')})`).join(' or ');
  const by = selected.length > 0 ? `the plan profile${profile?.name !== undefined ? ` "${profile.name}"` : ''} selects` : 'when a plan profile says nothing, the rule files allow';
  return {
    rule: c.id, category: c.category, severity: c.severity ?? rs.categories.get(c.category)!.severity,
    message: `${show(combination)} (${alt.label}) is not the plan's choice for ${c.title}: ${by} ${chosen}`, cite: c.cite,
  };
}
