/**
 * Probing the language: the value of an expression for a line (judged among
 * other lines), through the reference interpreter or through the printed
 * JavaScript (the same plan and printer a bundle is made with). The
 * conformance suite and the expression fuzzer hold every back end to one
 * answer with it.
 */
import { formatDay } from '../runtime/record.js';
import { printBundle } from './emit/bundle.ts';
import { loadBundle } from './examples.ts';
import { interpretExpression } from './interpret.ts';
import type { IR, RuleSet, Type, Value } from './model.ts';
import { planEdition } from './plan/plan.ts';
import { makeScope, resolveExpr } from './resolve.ts';

export interface Probe { expression: string; line: unknown; others?: unknown[] }
/** A value in external form (dates `YYYY-MM-DD`), or the diagnostic code of a compile error. */
export type ProbeOutcome = { value: unknown } | { error: string; message: string };

type Resolved = { ir: IR } | { error: string; message: string };

function resolveAll(rs: RuleSet, probes: readonly Probe[]): Resolved[] {
  const scope = makeScope(rs);
  const place = rs.rules[0]!.place;
  return probes.map((p) => {
    const r = resolveExpr(scope, { text: p.expression, place }, 'any', 'rule');
    const d = r.diagnostics[0];
    return r.expr ? { ir: r.expr.ir } : { error: d?.code ?? 'expr-syntax', message: d?.message ?? 'the expression does not compile' };
  });
}

/** A value as the outside world writes it: dates as YYYY-MM-DD, lists item by item. */
export function externalValue(v: Value, type: Type): unknown {
  if (v === null) return null;
  if (type.base === 'date' && typeof v === 'number') return formatDay(v);
  if (Array.isArray(v) && type.of) return v.map((x) => externalValue(x, type.of!));
  return v;
}

const UNCLASSIFIED = { error: 'probe-line', message: 'the probed line is not a classified line of the rule set' };

/** Evaluate each probe's expression for `line` (input index 0, `others` after it) with the reference interpreter. */
export function probeInterpreter(rs: RuleSet, probes: readonly Probe[]): ProbeOutcome[] {
  return resolveAll(rs, probes).map((r, i) => {
    if (!('ir' in r)) return r;
    const p = probes[i]!;
    const out = interpretExpression(rs, [p.line, ...(p.others ?? [])], r.ir);
    return 'unclassified' in out ? UNCLASSIFIED : { value: externalValue(out.value, r.ir.type) };
  });
}

/** The same through printed JavaScript: one module for all probes, run once per probe. */
export async function probeBundle(rs: RuleSet, probes: readonly Probe[]): Promise<ProbeOutcome[]> {
  const resolved = resolveAll(rs, probes);
  const irs = resolved.flatMap((r) => ('ir' in r ? [r.ir] : []));
  const plan = { guidance: rs.guidance.id, title: rs.guidance.title, sourceHash: rs.sourceHash, editions: [planEdition(rs, irs)] };
  const mod = (await loadBundle(printBundle(plan, true).js)) as unknown as { probe(lines: unknown[], i: number): { value: Value } | { unclassified: true } };
  let k = 0;
  return resolved.map((r, i) => {
    if (!('ir' in r)) return r;
    const p = probes[i]!;
    const out = mod.probe([p.line, ...(p.others ?? [])], k++);
    return 'unclassified' in out ? UNCLASSIFIED : { value: externalValue(out.value, r.ir.type) };
  });
}
