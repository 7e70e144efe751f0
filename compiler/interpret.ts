/**
 * The reference interpreter: judges lines straight from the checked rule set,
 * as plainly as possible (linear scans, a tree-walking evaluator, pairwise
 * cross-line comparison). Tests run every behaviour case through it and through
 * the emitted bundle, and the two must agree.
 */
import { echoIds, MAX_GROUP_DAYS, parseDay, showValue, type LineRecord, type RecordProblem } from '../runtime/record.js';
import { checkRecord } from './record-check.ts';
import type { Finding, LineResult } from '../runtime/bundle.d.ts';
import { evaluate, usesAggregates, type EvalEnv } from './evaluate.ts';
import type { Rule, RuleSet, ServiceEntry, Value } from './model.ts';

interface Judged { index: number; r: LineRecord; e: ServiceEntry; d: string; rs: RuleSet; result: LineResult }

/** Judge lines with the rules of one or more versions (chosen per line by date of service). */
export function interpret(versions: RuleSet[], lines: readonly unknown[]): LineResult[] {
  const sorted = [...versions].sort((a, b) => parseDay(a.guidance.appliesFrom) - parseDay(b.guidance.appliesFrom));
  const judged: Judged[] = [];
  const results = lines.map((raw, index) => {
    const j = judge(sorted, raw, index);
    if ('e' in j) { judged.push(j); return j.result; }
    return j;
  });
  for (const j of judged) {
    for (const rule of j.rs.rules) {
      if (!rule.when || !usesAggregates(rule.when.ir)) continue;
      if (evaluate(rule.when.ir, envFor(j, judged))) j.result.findings.push(finding(rule, j));
    }
  }
  for (const res of results) {
    if (res.status === 'accepted' && res.findings.some((f) => f.severity === 'error')) res.status = 'rejected';
  }
  return results;
}

function judge(versions: RuleSet[], raw: unknown, index: number): Judged | LineResult {
  const problems: RecordProblem[] = [];
  const r = checkRecord(raw, problems);
  const base = { index, program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null };
  if (!r) {
    const rs = versions[0]!;
    const rule = rs.rules.find((r) => r.check === 'record')!;
    return {
      ...base, ...echoIds(raw), status: 'invalid', guidanceVersion: null,
      findings: problems.map((p) => ({ rule: rule.id, category: rule.category, severity: rule.severity, message: p.message, cite: rule.cite ?? '' })),
    };
  }
  const rs = versions.filter((v) => parseDay(v.guidance.appliesFrom) <= r.serviceDate).pop() ?? versions[0]!;
  const ids = { claimId: r.claimId, lineNumber: r.lineNumber, guidanceVersion: rs.guidance.version };
  if (!rs.entries.some((e) => e.code === r.procedureCode)) return { ...base, ...ids, status: 'out-of-scope', findings: [] };

  const matches: { e: ServiceEntry; d: string }[] = [];
  for (const e of rs.entries) {
    if (e.code !== r.procedureCode) continue;
    if (sameList(sortedList(e.modifiers), r.modifiers)) matches.push({ e, d: rs.delivery.default });
    if (!e.deliveryAllowed) continue;
    for (const [mod, delivery] of rs.delivery.modifiers) {
      if (sameList(sortedList([...e.modifiers, mod]), r.modifiers)) matches.push({ e, d: delivery });
    }
  }
  if (matches.length === 0) {
    const rule = rs.rules.find((x) => x.check === 'combination')!;
    const res: LineResult = { ...base, ...ids, status: 'rejected', findings: [] };
    res.findings.push(finding(rule, { r, e: null, d: null }));
    return res;
  }
  // Among the entries for this combination, the last that took effect on or before the date, else the first.
  matches.sort((a, b) => (a.e.effective ?? -Infinity) - (b.e.effective ?? -Infinity));
  const { e, d } = matches.filter((m) => (m.e.effective ?? -Infinity) <= r.serviceDate).pop() ?? matches[0]!;
  const unit = rs.unitBases.get(e.unit)!;
  const j: Judged = {
    index, r, e, d, rs,
    result: {
      ...base, ...ids, status: 'accepted', program: e.program, service: e.service, delivery: d, staff: e.staff, outreach: e.outreach,
      billableUnits: null, findings: [],
    },
  };
  const env = envFor(j, []);
  const billable = unit.billableUnits ? evaluate(unit.billableUnits.ir, env) : null;
  j.result.billableUnits = typeof billable === 'number' ? billable : r.units;
  const inForce = (e.effective === null || e.effective <= r.serviceDate) && (e.retired === null || r.serviceDate < e.retired);
  if (!inForce) j.result.findings.push(finding(rs.rules.find((x) => x.check === 'effective')!, j));
  for (const rule of rs.rules) {
    if (rule.when && !usesAggregates(rule.when.ir) && evaluate(rule.when.ir, env)) j.result.findings.push(finding(rule, j));
  }
  return j;
}

function fieldOf(j: { r: LineRecord; e: ServiceEntry | null; d: string | null }, name: string): Value {
  if (name === 'delivery') return j.d;
  if (j.e && name in j.e && name !== 'modifiers' && name !== 'index' && name !== 'place' && name !== 'cite') {
    return (j.e as unknown as Record<string, Value>)[name] ?? null;
  }
  return ((j.r as unknown as Record<string, Value>)[name] ?? null);
}

function envFor(j: Judged, all: readonly Judged[]): EvalEnv {
  return {
    bandings: j.rs.bandings,
    field: (name) => fieldOf(j, name),
    aggregate: (kind, groupName, pred) => {
      const group = j.rs.groups.get(groupName)!;
      let count = 0;
      for (const o of all) {
        if (o === j || o.rs !== j.rs || !sameGroup(group.key, group.perDay, j.r, o.r)) continue;
        const hit = evaluate(pred, { bandings: j.rs.bandings, field: (name, of) => fieldOf(of === 'other' ? o : j, name) });
        if (hit) {
          if (kind === 'any') return true;
          count++;
        }
      }
      return kind === 'any' ? false : count;
    },
  };
}

/** Two lines share a group when their key fields are equal and, per day, their (capped) date ranges meet. */
function sameGroup(key: readonly string[], perDay: boolean, a: LineRecord, b: LineRecord): boolean {
  for (const k of key) if (fieldOf({ r: a, e: null, d: null }, k) !== fieldOf({ r: b, e: null, d: null }, k)) return false;
  if (!perDay) return true;
  const aEnd = Math.min(a.serviceDateEnd ?? a.serviceDate, a.serviceDate + MAX_GROUP_DAYS - 1);
  const bEnd = Math.min(b.serviceDateEnd ?? b.serviceDate, b.serviceDate + MAX_GROUP_DAYS - 1);
  return a.serviceDate <= bEnd && b.serviceDate <= aEnd;
}

function finding(rule: Rule, j: { r: LineRecord; e: ServiceEntry | null; d: string | null }): Finding {
  const message = rule.message
    .map((p) => ('text' in p ? p.text : showValue(fieldOf(j, p.field), p.field === 'serviceDate' || p.field === 'serviceDateEnd')))
    .join('');
  return { rule: rule.id, category: rule.category, severity: rule.severity, message, cite: rule.cite ?? '' };
}

function sortedList(xs: readonly string[]): string[] {
  return [...xs].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type { Finding, LineResult };
