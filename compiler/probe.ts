/**
 * Probes: the value of one expression for one line (and the other lines of
 * its input), through each back end. The conformance suite and the
 * expression fuzzer hold every back end to the same answers with it.
 *
 * The line is judged at input index 0 and `others` follow it, all in one
 * input of one rule set. Values come back in external form: dates as
 * `YYYY-MM-DD`, lists as arrays, code patterns as `T2040:U6`.
 */
import type { Expr } from '../grammar/ast.ts';
import { parseExpression } from '../grammar/index.ts';
import { checkRecord, formatDay, MAX_GROUP_DAYS, type LineRecord } from '../runtime/record.js';
import { emitBundle } from './emit/bundle.ts';
import { _, join, literal, name, type Code } from './emit/codegen.ts';
import { emitExpr, type EmitContext } from './emit/expr.ts';
import { evaluate, fold, type EvalEnv } from './evaluate.ts';
import { LINE_FIELDS, variantConstants, type IR, type RuleSet, type ServiceEntry, type Value } from './model.ts';
import { makeScope, resolveExpr } from './resolve.ts';
import { loadSource } from './source.ts';

/** One expression to evaluate for `line`, with `others` after it in the same input. */
export interface Probe { expression: string; line: unknown; others?: unknown[] }

/** A value in external form, or the diagnostic code (or `probe-line`, `probe-crash`) that stopped it. */
export type ProbeOutcome = { value: unknown } | { error: string; message: string };

/** A classified line: its checked record, catalogue entry and delivery. */
interface Classified { r: LineRecord; e: ServiceEntry; d: string }

/** How a value is shown outside: dates become `YYYY-MM-DD`. */
type Shape = 'date' | 'dates' | 'plain';

interface Prepared { ir: IR; shape: Shape; lines: (Classified | null)[] }

/** Evaluate each probe's expression for `line` (judged at input index 0, `others` after it, all in one input) with the reference interpreter. */
export function probeInterpreter(rs: RuleSet, probes: readonly Probe[]): ProbeOutcome[] {
  return probes.map((p) => {
    const prep = prepare(rs, p);
    if ('error' in prep) return prep;
    const [me, ...rest] = prep.lines as [Classified, ...(Classified | null)[]];
    const others = rest.filter((x): x is Classified => x !== null);
    try {
      return { value: external(evaluate(prep.ir, interpreterEnv(rs, me, others)), prep.shape) };
    } catch (err) {
      return { error: 'probe-crash', message: (err as Error).message };
    }
  });
}

/** The same through emitted JavaScript (the same code paths the bundle uses). */
export async function probeBundle(rs: RuleSet, probes: readonly Probe[]): Promise<ProbeOutcome[]> {
  const out: ProbeOutcome[] = [];
  const fns: Code[] = [];
  const slots = new Map<string, number>();
  const ctx = new ProbeContext(slots);
  const jobs: { i: number; prep: Prepared }[] = [];
  probes.forEach((p, i) => {
    const prep = prepare(rs, p);
    out.push(prep as ProbeOutcome);
    if ('error' in prep) return;
    const me = prep.lines[0]!;
    const folded = fold(prep.ir, variantConstants({ entry: me.e, modifiers: me.e.modifiers, delivery: me.d }), rs.bandings);
    fns.push(_`(it, r, e, d) => ${emitExpr(folded, ctx)}`);
    jobs.push({ i, prep });
  });
  const source = emitBundle([rs], '').js.replace(/^export /gm, '');
  const tail = _`${join(ctx.decls, '\n')}\nreturn { version: V0, checkRecord, groupInto, probes: [${join(fns, ', ')}] };`;
  let linked: { version: BundleVersion; checkRecord: typeof checkRecord; groupInto: GroupInto; probes: ((it: unknown, r: unknown, e: unknown, d: unknown) => unknown)[] };
  try {
    linked = new Function(`${source}\n${tail}`)();
  } catch (err) {
    for (const { i } of jobs) out[i] = { error: 'probe-crash', message: (err as Error).message };
    return out;
  }
  jobs.forEach(({ i, prep }, k) => {
    try {
      const items = probes[i]!.others ? [probes[i]!.line, ...probes[i]!.others!] : [probes[i]!.line];
      const judged = items.map((raw) => itemOf(linked, raw, slots.size)).filter((x) => x !== null);
      const me = judged[0]!;
      for (const [g, slot] of slots) {
        const group = rs.groups.get(g)!;
        linked.groupInto(judged, slot, (r: Record<string, unknown>) => JSON.stringify(group.key.map((f) => r[f])), group.perDay);
      }
      out[i] = { value: external(linked.probes[k]!(me, me.r, me.e, me.d) as Value, prep.shape) };
    } catch (err) {
      out[i] = { error: 'probe-crash', message: (err as Error).message };
    }
  });
  return out;
}

interface BundleVersion { lookup: Map<string, { e: unknown; d: string; from: number }[]> }
type GroupInto = (items: unknown[], slot: number, keyOf: (r: Record<string, unknown>) => string, perDay: boolean) => void;

/** A line as the bundle's cross-line driver holds it, or null when the bundle does not classify it. */
function itemOf(linked: { version: BundleVersion; checkRecord: typeof checkRecord }, raw: unknown, slots: number) {
  const r = linked.checkRecord(raw, []);
  if (r === null) return null;
  const variants = linked.version.lookup.get(r.key);
  if (variants === undefined) return null;
  let x = variants[0]!;
  for (const v of variants) if (v.from <= r.serviceDate) x = v;
  return { r, e: x.e, d: x.d, x: { member: Array.from({ length: slots }, () => true), cross: true }, g: null };
}

/** Where emitted probe code finds sets, bandings and group slots: the bundle's own bandings. */
class ProbeContext implements EmitContext {
  readonly decls: Code[] = [];
  private readonly sets = new Map<string, Code>();
  constructor(private readonly slots: Map<string, number>) {}
  hoistSet(values: readonly Value[]): Code {
    const text = literal(values as never).toString();
    let ref = this.sets.get(text);
    if (!ref) {
      ref = name(`probeSet${this.sets.size}`);
      this.sets.set(text, ref);
      this.decls.push(_`const ${ref} = new Set(${literal(values as never)});`);
    }
    return ref;
  }
  bandingFunction(banding: string): Code {
    return name(`band_0_${banding}`);
  }
  groupSlot(group: string): number {
    if (!this.slots.has(group)) this.slots.set(group, this.slots.size);
    return this.slots.get(group)!;
  }
}

/** Resolve a probe's expression and classify its lines. */
function prepare(rs: RuleSet, p: Probe): Prepared | { error: string; message: string } {
  const lines = [p.line, ...(p.others ?? [])].map((raw) => classify(rs, raw));
  if (lines[0] === null) return { error: 'probe-line', message: 'the judged line is not a valid record of a catalogue combination' };
  const parsed = parseExpression(p.expression);
  const problem = parsed.problems[0];
  if (!parsed.expr || problem) return { error: problem?.code ?? 'expr-syntax', message: problem?.message ?? 'the expression did not parse' };
  // The wrapper makes any type acceptable where the resolver wants a condition; its left side is the expression.
  const text = `(${p.expression}) in [(${p.expression})]`;
  const { file } = loadSource('probe.yaml', `expression: ${JSON.stringify(text)}\n`);
  const r = resolveExpr(makeScope(rs), { text, place: { file, path: ['expression'] } }, 'bool', true);
  if (!r.expr) {
    const d = r.diagnostics[0];
    return { error: d?.code ?? 'probe-error', message: d?.message ?? 'the expression did not resolve' };
  }
  const ir = r.expr.ir;
  const inner = ir.k === 'in' ? ir.a : null;
  if (!inner) return { error: 'probe-error', message: 'the expression folded away before it could be probed' };
  return { ir: inner, shape: shapeOf(rs, parsed.expr), lines };
}

/** Judge a raw line as the reference interpreter does: checked record, then its catalogue entry and delivery. */
function classify(rs: RuleSet, raw: unknown): Classified | null {
  const r = checkRecord(raw, []);
  if (r === null) return null;
  const matches: { e: ServiceEntry; d: string }[] = [];
  const same = (a: readonly string[]) => a.length === r.modifiers.length && [...a].sort().every((m, i) => m === r.modifiers[i]);
  for (const e of rs.entries) {
    if (e.code !== r.procedureCode) continue;
    if (same(e.modifiers)) matches.push({ e, d: rs.delivery.default });
    if (!e.deliveryAllowed) continue;
    for (const [mod, delivery] of rs.delivery.modifiers) if (same([...e.modifiers, mod])) matches.push({ e, d: delivery });
  }
  if (matches.length === 0) return null;
  matches.sort((a, b) => (a.e.effective ?? -Infinity) - (b.e.effective ?? -Infinity));
  const m = matches.filter((x) => (x.e.effective ?? -Infinity) <= r.serviceDate).pop() ?? matches[0]!;
  return { r, ...m };
}

function fieldOf(j: Classified, field: string): Value {
  if (field === 'delivery') return j.d;
  if (field in j.e && !['modifiers', 'index', 'place', 'cite', 'code'].includes(field)) return (j.e as unknown as Record<string, Value>)[field] ?? null;
  return (j.r as unknown as Record<string, Value>)[field] ?? null;
}

function interpreterEnv(rs: RuleSet, me: Classified, others: readonly Classified[]): EvalEnv {
  return {
    bandings: rs.bandings,
    field: (f) => fieldOf(me, f),
    aggregate: (kind, groupName, pred) => {
      const group = rs.groups.get(groupName)!;
      let n = 0;
      for (const o of others) {
        if (!group.key.every((k) => fieldOf(me, k) === fieldOf(o, k))) continue;
        if (group.perDay && !meet(me.r, o.r)) continue;
        if (evaluate(pred, { bandings: rs.bandings, field: (f, of) => fieldOf(of === 'other' ? o : me, f) })) {
          if (kind === 'any') return true;
          n++;
        }
      }
      return kind === 'any' ? false : n;
    },
  };
}

function meet(a: LineRecord, b: LineRecord): boolean {
  const end = (x: LineRecord) => Math.min(x.serviceDateEnd ?? x.serviceDate, x.serviceDate + MAX_GROUP_DAYS - 1);
  return a.serviceDate <= end(b) && b.serviceDate <= end(a);
}

/** Is the expression's value a date, a list of dates, or something shown as it is? Read from the syntax. */
function shapeOf(rs: RuleSet, e: Expr): Shape {
  const isDateName = (n: string) => LINE_FIELDS[n]?.type === 'date' || rs.dates.has(n);
  switch (e.kind) {
    case 'date': return 'date';
    case 'name': return isDateName(e.name) ? 'date' : 'plain';
    case 'other': return LINE_FIELDS[e.name]?.type === 'date' ? 'date' : 'plain';
    case 'list': return e.items.some((x) => shapeOf(rs, x) === 'date') ? 'dates' : 'plain';
    case 'if': { const t = shapeOf(rs, e.then); return t !== 'plain' ? t : shapeOf(rs, e.else); }
    case 'binary': {
      const [l, r] = [shapeOf(rs, e.left), shapeOf(rs, e.right)];
      if (e.op === '+') return l === 'date' || r === 'date' ? 'date' : 'plain';
      if (e.op === '-') return l === 'date' && r !== 'date' ? 'date' : 'plain';
      return 'plain';
    }
    default: return 'plain';
  }
}

function external(v: Value | undefined, shape: Shape): unknown {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (shape === 'date' && typeof v === 'number') return Number.isInteger(v) ? formatDay(v) : v;
  if (Array.isArray(v)) return v.map((x) => external(x as Value, shape === 'dates' ? 'date' : 'plain'));
  if (v instanceof Set) return [...v];
  return v;
}
