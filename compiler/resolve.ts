/**
 * Resolve phase: parse every expression of the rule set, resolve its names
 * (line fields, entry fields and attributes, sets, dates, bandings, groups)
 * and check its types (docs/semantics.md), producing the typed IR every back
 * end reads. One mistake, one diagnostic: a sub-expression that failed has
 * type `error`, which satisfies every check.
 */
import type { Expr } from '../grammar/ast.ts';
import { parseExpression } from '../grammar/index.ts';
import { parseDay } from '../runtime/record.js';
import { combinationKey } from './codes.ts';
import { didYouMean, type Diagnostic, type DiagnosticCode } from './diagnostics.ts';
import { DERIVED_FIELDS, RECORD_FIELDS } from './fields.ts';
import type { AggregateKind, BaseType, CheckedExpr, IR, PendingExpr, PendingTemplate, RuleSet, Template, Type, UntypedIR, Value } from './model.ts';
import { diagnosticAt, type Place } from './source.ts';

/** A type while checking: the IR's {@link Type}, or `error` (already reported), plus the values an enumerated field can have. */
interface Ty { base: BaseType | 'error'; nullable: boolean; of?: Ty; values?: ReadonlySet<string>; field?: string }

const T = (base: Ty['base'], nullable = false, extra: Partial<Ty> = {}): Ty => ({ base, nullable, ...extra });
const ERROR = T('error');
const BOOL = T('bool');
const NUMBER = T('number');
const FUNCTIONS = ['whole', 'floor', 'year', 'month', 'any', 'count', 'sum'];

/** What names mean in a rule set's expressions. */
export interface Scope {
  rules: Pick<RuleSet, 'entries' | 'sets' | 'dates' | 'bandings' | 'groups' | 'delivery' | 'modifiers' | 'attributes'> & { unitBases: ReadonlyMap<string, unknown> };
  combinations: ReadonlySet<string>;
  fields: ReadonlyMap<string, Ty>;
}

/** Where an expression stands, which decides what it may use. */
export type ExprContext =
  /** A rule's condition: aggregates and `billableUnits` allowed. */
  | 'rule'
  /** A unit basis's `billableUnits`: neither. */
  | 'units'
  /** A message template part: `billableUnits`, and `other.` when the rule has one `any` (its witness). */
  | 'template'
  | 'template-witness';

export function makeScope(rules: Scope['rules']): Scope {
  const e = rules.entries;
  const fields = new Map<string, Ty>();
  for (const f of RECORD_FIELDS) {
    const base = f.type === 'list' ? 'list' : f.type;
    fields.set(f.name, T(base, !f.required && f.kind !== 'modifiers', base === 'list' ? { of: T('string') } : {}));
  }
  for (const f of DERIVED_FIELDS) fields.set(f.name, T(f.type === 'list' ? 'list' : f.type, f.nullable));
  fields.set('billableUnits', NUMBER);
  fields.set('combination', T('code'));
  const enumerated = (field: string, values: Iterable<string>, nullable = false) => fields.set(field, T('string', nullable, { values: new Set(values), field }));
  enumerated('program', e.map((x) => x.program));
  enumerated('service', e.map((x) => x.service));
  enumerated('delivery', [rules.delivery.default, ...rules.delivery.modifiers.values()]);
  enumerated('unit', rules.unitBases.keys());
  fields.set('description', T('string'));
  for (const a of rules.attributes.values()) {
    if (a.type === 'bool') fields.set(a.name, BOOL);
    else if (a.values) enumerated(a.name, a.values, true);
    else fields.set(a.name, T(a.type, true));
  }
  return { rules, combinations: new Set(e.map((x) => x.combination)), fields };
}

/** Every field name an expression or message template may use. */
export function fieldNames(scope: Scope): string[] {
  return [...scope.fields.keys()];
}

/** The IR type of a checking type. */
function irType(t: Ty): Type {
  const base = t.base === 'error' ? 'null' : t.base;
  return t.of ? { base, nullable: t.nullable, of: irType(t.of) } : { base, nullable: t.nullable };
}

/** Parse and check one expression; `want` is the type it must have (`bool` conditions must not be nullable). */
export function resolveExpr(scope: Scope, pending: PendingExpr, want: 'bool' | 'number' | 'any', context: ExprContext): { expr: CheckedExpr | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parsed = parseExpression(pending.text);
  const at = (span: { start: number; end: number }): Place => ({ ...pending.place, span: { start: span.start + (pending.place.span?.start ?? 0), end: span.end + (pending.place.span?.start ?? 0) } });
  if (!parsed.expr || parsed.problems.length > 0) {
    const p = parsed.problems[0];
    if (p) diagnostics.push(diagnosticAt(at(p.span), p.code, p.message, p.hint));
    return { expr: null, diagnostics };
  }
  const checker = new Checker(scope, context, (span, code, message, hint) => {
    diagnostics.push(diagnosticAt(at(span), code, message, hint));
    return ERROR;
  });
  const [type, ir] = checker.check(parsed.expr);
  if (diagnostics.length === 0 && type.base !== 'error') {
    if (want === 'bool') checker.condition(type, parsed.expr, 'a rule\'s condition');
    else if (want === 'number' && type.base !== 'number' && type.base !== 'null') {
      checker.report(parsed.expr.span, 'type-mismatch', `this expression gives ${article(type.base)}; a number is needed here`, 'write a number-valued expression');
    }
  }
  return { expr: diagnostics.length === 0 ? { ir, place: pending.place } : null, diagnostics: diagnostics.slice(0, 1) };
}

/** Parse a message template: text with `{expression}` parts (`{{`, `}}` for braces). */
export function resolveTemplate(scope: Scope, pending: PendingTemplate, fallbackPlace: Place, witness: boolean): { template: Template | null; diagnostics: Diagnostic[] } {
  const text = pending.text;
  const parts: Template = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) { literal += c; i++; continue; }
    if (c !== '{') { literal += c; continue; }
    const close = closingBrace(text, i + 1);
    const place = pending.place ?? fallbackPlace;
    if (close < 0) {
      return { template: null, diagnostics: [diagnosticAt({ ...place, span: { start: i, end: text.length } }, 'expr-syntax', 'this "{" in the message is never closed', 'close it with "}", or write "{{" for a brace')] };
    }
    if (literal) parts.push({ text: literal });
    literal = '';
    const r = resolveExpr(scope, { text: text.slice(i + 1, close), place: { ...place, span: { start: i + 1, end: close } } }, 'any', witness ? 'template-witness' : 'template');
    if (!r.expr) {
      // A name no line has, written in a message, is the template's own kind of mistake.
      const diagnostics = r.diagnostics.map((d) => (d.code === 'unknown-name' ? { ...d, code: 'unknown-template-field' as const } : d));
      return { template: null, diagnostics };
    }
    parts.push({ expr: r.expr.ir });
    i = close;
  }
  if (literal) parts.push({ text: literal });
  return { template: parts, diagnostics: [] };
}

function closingBrace(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = null; }
    else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

/** The condition an exclusivity declaration stands for: `combination in L and any(G, other.combination in L and other.combination != combination)`. */
export function exclusiveCondition(combinations: readonly string[], group: string): IR {
  const code = irType(T('code'));
  const bool = irType(BOOL);
  const list: IR = { k: 'const', v: [...combinations], type: { base: 'list', nullable: false, of: code } };
  const mine: IR = { k: 'field', name: 'combination', of: 'this', type: code };
  const theirs: IR = { k: 'field', name: 'combination', of: 'other', type: code };
  const pred: IR = { k: 'and', a: { k: 'in', a: theirs, b: list, type: bool }, b: { k: 'ne', a: theirs, b: mine, type: bool }, type: bool };
  return { k: 'and', a: { k: 'in', a: mine, b: list, type: bool }, b: { k: 'any', group, pred, type: bool }, type: bool };
}

type Report = (span: { start: number; end: number }, code: DiagnosticCode, message: string, hint: string) => Ty;

class Checker {
  private aggregateDepth = 0;
  constructor(private readonly scope: Scope, private readonly context: ExprContext, readonly report: Report) {}

  check(e: Expr): [Ty, IR] {
    const [t, ir] = this.node(e);
    return [t, { ...ir, type: irType(t) } as IR];
  }

  /** A condition must be a bool that cannot be null. */
  condition(t: Ty, node: Expr, what: string): void {
    if (t.base === 'error') return;
    if (t.base !== 'bool' && t.base !== 'null') {
      this.report(node.span, 'type-mismatch', `${what} needs a condition (true/false), not ${article(t.base)}`, 'compare the value, e.g. minutes > 0');
    } else if (t.nullable || t.base === 'null') {
      this.report(node.span, 'nullable-condition', `${what} may be null here; conditions must be true or false`, 'compare it explicitly, e.g. x == true');
    }
  }

  private node(e: Expr): [Ty, UntypedIR] {
    const c = (v: Value): { k: 'const'; v: Value } => ({ k: 'const', v });
    switch (e.kind) {
      case 'number': return [NUMBER, c(e.value)];
      case 'string': return [T('string'), c(e.value)];
      case 'bool': return [BOOL, c(e.value)];
      case 'null': return [T('null', true), c(null)];
      case 'date': {
        const day = parseDay(e.value);
        if (day < 0) return [this.report(e.span, 'bad-value', `${e.value} is not a real date`, 'write a date that exists, YYYY-MM-DD'), c(null)];
        return [T('date'), c(day)];
      }
      case 'combo': return this.combo(e);
      case 'list': {
        const items = e.items.map((x) => this.check(x));
        const known = items.map(([t]) => t).filter((t) => t.base !== 'error' && t.base !== 'null');
        let of: Ty = known[0] ?? T('null', true);
        for (let i = 1; i < known.length; i++) {
          if (!compatible(of, known[i]!)) { of = this.report(e.items[i]!.span, 'type-mismatch', `list items must all have one type: ${known[0]!.base} and ${known[i]!.base}`, 'make every item of the list the same kind of value'); break; }
        }
        if (items.some(([t]) => t.base === 'null' || t.nullable)) of = { ...of, nullable: true };
        const irs = items.map(([, ir]) => ir);
        return [T('list', false, { of }), irs.every((x) => x.k === 'const') ? c(irs.map((x) => (x as { v: Value }).v)) : { k: 'list', items: irs }];
      }
      case 'name': return this.name(e);
      case 'other': {
        const ft = this.scope.fields.get(e.name);
        if (!ft) return [this.report(e.span, 'unknown-name', `unknown field "other.${e.name}"`, didYouMean(e.name, this.scope.fields.keys(), 'use a field of the line after "other."')), c(null)];
        if (this.aggregateDepth === 0 && this.context !== 'template-witness') {
          const hint = this.context === 'template' ? 'a message shows other.<field> only in a rule whose condition has exactly one any()' : 'write e.g. any(memberDay, other.combination == T2050:U6)';
          return [this.report(e.span, 'other-outside-aggregate', '"other." is only meaningful inside an aggregate (any, count, sum)', hint), c(null)];
        }
        // A witness may be missing: its fields can always be null in a message.
        return [this.aggregateDepth === 0 ? { ...ft, nullable: true } : ft, { k: 'field', name: e.name, of: 'other' }];
      }
      case 'unary': {
        const [t, x] = this.check(e.operand);
        if (e.op === 'not') { this.condition(t, e.operand, 'the operand of "not"'); return [BOOL, { k: 'not', x }]; }
        this.want(t, 'number', e.operand, 'unary "-"');
        return [t.base === 'null' ? T('null', true) : T('number', nullable(t)), { k: 'neg', x }];
      }
      case 'if': {
        const [ct, cond] = this.check(e.cond);
        this.condition(ct, e.cond, 'the condition of "if"');
        const [tt, then] = this.check(e.then);
        const [et, els] = this.check(e.else);
        if (!compatible(tt, et)) return [this.report(e.else.span, 'type-mismatch', `the two branches of "if" have different types (${tt.base} and ${et.base})`, 'make both branches the same kind of value'), { k: 'if', cond, then, else: els }];
        const base = tt.base === 'null' ? et : tt;
        return [{ ...base, nullable: nullable(tt) || nullable(et) }, { k: 'if', cond, then, else: els }];
      }
      case 'binary': return this.binary(e);
      case 'call': return this.call(e);
    }
  }

  private combo(e: Extract<Expr, { kind: 'combo' }>): [Ty, UntypedIR] {
    const key = combinationKey(e.code, e.modifiers);
    const value = { k: 'const' as const, v: key };
    const badMod = e.modifiers.find((m) => !this.scope.rules.modifiers.has(m));
    if (badMod !== undefined) {
      // Suggest the whole combination where the code has one close to it: "did you mean T2040:U6?"
      const sameCode = [...this.scope.combinations].filter((x) => x.split(':')[0] === e.code);
      const declared = this.scope.rules.modifiers.values().next().value?.place;
      const where = declared ? ` (modifiers are declared in ${declared.file.path} under modifiers:)` : '';
      const hint = didYouMean(key, sameCode, didYouMean(badMod, this.scope.rules.modifiers.keys(), `declare it under modifiers${where}, or fix the spelling`));
      return [this.report(e.span, 'unknown-modifier', `modifier ${badMod} is not declared in this guidance`, hint), value];
    }
    if (!this.scope.combinations.has(key)) {
      return [this.report(e.span, 'unknown-combination', `${key} is not a combination in the catalogue`, didYouMean(key, this.scope.combinations, 'code patterns name catalogue entries: code then its defining modifiers, e.g. T2040:U6')), value];
    }
    return [T('code'), value];
  }

  private name(e: Extract<Expr, { kind: 'name' }>): [Ty, UntypedIR] {
    const ft = this.scope.fields.get(e.name);
    if (ft) {
      if (e.name === 'billableUnits' && this.context === 'units') {
        return [this.report(e.span, 'unknown-name', '"billableUnits" is what this expression computes; it cannot use itself', 'compute it from units and minutes'), { k: 'const', v: null }];
      }
      return [ft, { k: 'field', name: e.name, of: 'this' }];
    }
    const set = this.scope.rules.sets.get(e.name);
    if (set) return [T('list', false, { of: T(set.itemType) }), { k: 'const', v: set.items }];
    const date = this.scope.rules.dates.get(e.name);
    if (date) return [T('date'), { k: 'const', v: date.day }];
    const names = [...this.scope.fields.keys(), ...this.scope.rules.sets.keys(), ...this.scope.rules.dates.keys()];
    return [this.report(e.span, 'unknown-name', `unknown name "${e.name}"`, didYouMean(e.name, names, 'use a field of the line, a set or a date declared in the rule files')), { k: 'const', v: null }];
  }

  private want(t: Ty, base: BaseType, node: Expr, what: string): void {
    if (t.base === 'error' || t.base === base || t.base === 'null') return;
    this.report(node.span, 'type-mismatch', `${what} needs ${article(base)}, not ${article(t.base)}`, `give ${article(base)} here`);
  }

  private enumCheck(t: Ty, value: UntypedIR, node: Expr): void {
    if (!t.values || value.k !== 'const') return;
    const vals = Array.isArray(value.v) ? value.v : [value.v];
    for (const v of vals) {
      if (typeof v === 'string' && !t.values.has(v)) {
        this.report(node.span, 'unknown-value', `no catalogue entry has ${t.field} "${v}"`, didYouMean(v, t.values, `known ${t.field} values: ${[...t.values].join(', ')}`));
        return;
      }
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): [Ty, UntypedIR] {
    const [lt, a] = this.check(e.left);
    const [rt, b] = this.check(e.right);
    switch (e.op) {
      case 'and': case 'or':
        this.condition(lt, e.left, `an operand of "${e.op}"`);
        this.condition(rt, e.right, `an operand of "${e.op}"`);
        return [BOOL, { k: e.op, a, b }];
      case '==': case '!=': {
        if (lt.base === 'list' || rt.base === 'list') this.report(e.span, 'type-mismatch', `"${e.op}" does not compare lists`, 'test membership instead, e.g. "GQ" in modifiers');
        else if (!compatible(lt, rt)) this.report(e.span, 'type-mismatch', `cannot compare ${article(lt.base)} with ${article(rt.base)}`, 'compare values of the same kind');
        else { this.enumCheck(lt, b, e.right); this.enumCheck(rt, a, e.left); }
        return [BOOL, { k: e.op === '==' ? 'eq' : 'ne', a, b }];
      }
      case '<': case '<=': case '>': case '>=': {
        const ordered = (t: Ty) => t.base === 'number' || t.base === 'date' || t.base === 'error' || t.base === 'null';
        if (!ordered(lt) || !ordered(rt) || !compatible(lt, rt)) this.report(e.span, 'type-mismatch', `"${e.op}" compares numbers or dates, not ${article(lt.base)} and ${article(rt.base)}`, 'compare two numbers or two dates');
        return [BOOL, { k: ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const)[e.op], a, b }];
      }
      case 'in': case 'not in': {
        if (rt.base !== 'list' && rt.base !== 'error') this.report(e.right.span, 'type-mismatch', `"${e.op}" needs a list on its right, not ${article(rt.base)}`, 'write a list [a, b] or the name of a set');
        else if (rt.of && !compatible(lt, rt.of)) this.report(e.span, 'type-mismatch', `cannot look for ${article(lt.base)} in a list of ${rt.of.base}`, 'compare values of the same kind');
        else this.enumCheck(lt, b, e.right);
        const test = { k: 'in' as const, a, b, type: irType(BOOL) };
        return [BOOL, e.op === 'in' ? test : { k: 'not', x: test }];
      }
      default: return this.arithmetic(e, lt, a, rt, b);
    }
  }

  /** `+ - * /` on numbers, and day arithmetic: date ± number → date, date − date → number of days. */
  private arithmetic(e: Extract<Expr, { kind: 'binary' }>, lt: Ty, a: IR, rt: Ty, b: IR): [Ty, UntypedIR] {
    const k = ({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const)[e.op as '+' | '-' | '*' | '/'];
    // With the literal null on a side the result is always null: it fits wherever a number or a date would.
    if (lt.base === 'null' || rt.base === 'null') {
      const other = lt.base === 'null' ? rt : lt;
      if (other.base !== 'null' && other.base !== 'error' && other.base !== 'number' && other.base !== 'date') this.want(other, 'number', lt.base === 'null' ? e.right : e.left, `"${e.op}"`);
      return [T('null', true), { k, a, b }];
    }
    const n = nullable(lt) || nullable(rt) || k === 'div';
    const isDate = (t: Ty) => t.base === 'date';
    if (isDate(lt) || isDate(rt)) {
      if (k === 'add' && isDate(lt) !== isDate(rt)) { this.want(isDate(lt) ? rt : lt, 'number', isDate(lt) ? e.right : e.left, 'a date plus days'); return [T('date', n), { k, a, b }]; }
      if (k === 'sub' && isDate(lt) && isDate(rt)) return [T('number', n), { k, a, b }];
      if (k === 'sub' && isDate(lt)) { this.want(rt, 'number', e.right, 'a date minus days'); return [T('date', n), { k, a, b }]; }
      return [this.report(e.span, 'type-mismatch', `"${e.op}" does not apply to ${article(lt.base)} and ${article(rt.base)}`, 'dates take + or - a number of days, and one date minus another gives days'), { k, a, b }];
    }
    this.want(lt, 'number', e.left, `"${e.op}"`);
    this.want(rt, 'number', e.right, `"${e.op}"`);
    return [T('number', n), { k, a, b }];
  }

  private call(e: Extract<Expr, { kind: 'call' }>): [Ty, UntypedIR] {
    const none = { k: 'const' as const, v: null };
    const arity = (n: number): boolean => {
      if (e.args.length === n) return true;
      this.report(e.span, 'wrong-arity', `${e.callee}() takes ${n} argument${n === 1 ? '' : 's'}, not ${e.args.length}`, n === 2 ? `write ${e.callee}(group, ${e.callee === 'sum' ? 'value' : 'condition'})` : `write ${e.callee}(value)`);
      return false;
    };
    const banding = this.scope.rules.bandings.get(e.callee);
    if (e.callee === 'whole' || e.callee === 'floor' || banding) {
      if (!arity(1)) return [ERROR, none];
      const [t, x] = this.check(e.args[0]!);
      this.want(t, 'number', e.args[0]!, `${e.callee}()`);
      if (banding) return [T('number', true), { k: 'band', banding: e.callee, x }];
      return e.callee === 'whole' ? [BOOL, { k: 'whole', x }] : [T('number', nullable(t)), { k: 'floor', x }];
    }
    if (e.callee === 'year' || e.callee === 'month') {
      if (!arity(1)) return [ERROR, none];
      const [t, x] = this.check(e.args[0]!);
      this.want(t, 'date', e.args[0]!, `${e.callee}()`);
      return [T('number', nullable(t)), { k: e.callee, x }];
    }
    if (e.callee === 'any' || e.callee === 'count' || e.callee === 'sum') return this.aggregate(e, e.callee, arity);
    const known = [...FUNCTIONS, ...this.scope.rules.bandings.keys()];
    return [this.report(e.calleeSpan, 'unknown-function', `unknown function "${e.callee}"`, didYouMean(e.callee, known, `functions: ${known.join(', ')}`)), none];
  }

  private aggregate(e: Extract<Expr, { kind: 'call' }>, kind: AggregateKind, arity: (n: number) => boolean): [Ty, UntypedIR] {
    const none = { k: 'const' as const, v: null };
    if (!arity(2)) return [ERROR, none];
    const g = e.args[0]!;
    if (this.context !== 'rule') return [this.report(e.span, 'type-mismatch', `${kind}() looks at other lines and cannot be used here`, 'use aggregates only in rule conditions'), none];
    if (this.aggregateDepth > 0) return [this.report(e.span, 'type-mismatch', `${kind}() cannot be nested inside another aggregate`, 'split the condition into two aggregates joined by "and"'), none];
    if (g.kind !== 'name' || !this.scope.rules.groups.has(g.name)) {
      const shown = g.kind === 'name' ? g.name : 'this';
      return [this.report(g.span, 'unknown-group', `"${shown}" is not a declared group`, didYouMean(shown, this.scope.rules.groups.keys(), 'the first argument names a group declared under groups')), none];
    }
    this.aggregateDepth++;
    const [t, x] = this.check(e.args[1]!);
    this.aggregateDepth--;
    if (kind === 'sum') {
      this.want(t, 'number', e.args[1]!, 'sum()');
      return [NUMBER, { k: 'sum', group: g.name, x }];
    }
    this.condition(t, e.args[1]!, `the condition of ${kind}()`);
    return [kind === 'any' ? BOOL : NUMBER, { k: kind, group: g.name, pred: x }];
  }
}

function nullable(t: Ty): boolean {
  return t.nullable || t.base === 'null';
}

function compatible(a: Ty, b: Ty): boolean {
  if (a.base === 'error' || b.base === 'error' || a.base === 'null' || b.base === 'null') return true;
  if (a.base !== b.base) return false;
  if (a.base === 'list') return !a.of || !b.of || compatible(a.of, b.of);
  return true;
}

function article(t: string): string {
  const word = t === 'bool' ? 'condition (true/false)' : t === 'code' ? 'code pattern' : t;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
