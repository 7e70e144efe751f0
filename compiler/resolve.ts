/**
 * Resolve phase: parse every expression of the rule set, resolve its names
 * (line fields, entry fields, sets, dates, bandings, groups) and check its
 * types, producing the IR both back ends read. One mistake, one diagnostic:
 * a sub-expression that failed has type `error`, which satisfies every check.
 */
import type { Expr } from '../grammar/ast.ts';
import { parseExpression } from '../grammar/index.ts';
import { parseDay } from '../runtime/record.js';
import { didYouMean, type Diagnostic } from './diagnostics.ts';
import { ENTRY_FIELDS, LINE_FIELDS, type CheckedExpr, type IR, type PendingExpr, type RuleSet, type Value } from './model.ts';
import { diagnosticAt, type Place } from './source.ts';

type Base = 'number' | 'string' | 'date' | 'bool' | 'combo' | 'null' | 'list' | 'error';
/** A type: a base, the element type of a list, and for enumerated fields the values that exist. */
interface Ty { t: Base; of?: Ty; values?: ReadonlySet<string>; field?: string }

const T = (t: Base, extra: Partial<Ty> = {}): Ty => ({ t, ...extra });
const ERROR = T('error');
const FUNCTIONS = ['whole', 'floor', 'any', 'count'];

/** What names mean in a rule set's expressions. */
export interface Scope {
  rules: Pick<RuleSet, 'entries' | 'sets' | 'dates' | 'bandings' | 'groups' | 'delivery' | 'modifiers'> & { unitBases: ReadonlyMap<string, unknown> };
  combinations: ReadonlySet<string>;
  enums: Record<string, ReadonlySet<string>>;
}

export function makeScope(rules: Scope['rules']): Scope {
  const e = rules.entries;
  return {
    rules,
    combinations: new Set(e.map((x) => x.combination)),
    enums: {
      program: new Set(e.map((x) => x.program)),
      service: new Set(e.map((x) => x.service)),
      delivery: new Set([rules.delivery.default, ...rules.delivery.modifiers.values()]),
      staff: new Set(['clinical', 'non-clinical']),
      unit: new Set(rules.unitBases.keys()),
    },
  };
}

/** The type of a field of a line, as expressions see it. */
function fieldType(scope: Scope, name: string): Ty | undefined {
  const line = LINE_FIELDS[name];
  if (line) return line.type === 'list' ? T('list', { of: T('string') }) : T(line.type);
  if (name === 'combination') return T('combo');
  if (name === 'outreach' || name === 'amountRequired') return T('bool');
  if (name === 'description') return T('string');
  if ((ENTRY_FIELDS as readonly string[]).includes(name)) return T('string', { values: scope.enums[name], field: name });
  return undefined;
}

/** Every field name an expression or message template may use. */
export function fieldNames(): string[] {
  return [...Object.keys(LINE_FIELDS), ...ENTRY_FIELDS];
}

/** Parse and check one expression; `want` is the type it must have. */
export function resolveExpr(scope: Scope, pending: PendingExpr, want: 'bool' | 'number', allowAggregates: boolean): { expr: CheckedExpr | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parsed = parseExpression(pending.text);
  const at = (span: { start: number; end: number }): Place => ({ ...pending.place, span });
  if (!parsed.expr || parsed.problems.length > 0) {
    const p = parsed.problems[0];
    if (p) diagnostics.push(diagnosticAt(at(p.span), p.code, p.message, p.hint));
    return { expr: null, diagnostics };
  }
  const report = (node: { span: { start: number; end: number } }, code: Diagnostic['code'], message: string, hint: string): Ty => {
    diagnostics.push(diagnosticAt(at(node.span), code, message, hint));
    return ERROR;
  };
  let aggregateDepth = 0;

  const check = (e: Expr): [Ty, IR] => {
    switch (e.kind) {
      case 'number': return [T('number'), { k: 'const', v: e.value }];
      case 'string': return [T('string'), { k: 'const', v: e.value }];
      case 'bool': return [T('bool'), { k: 'const', v: e.value }];
      case 'null': return [T('null'), { k: 'const', v: null }];
      case 'date': {
        const day = parseDay(e.value);
        if (day < 0) return [report(e, 'bad-value', `${e.value} is not a real date`, 'write a date that exists, YYYY-MM-DD'), { k: 'const', v: null }];
        return [T('date'), { k: 'const', v: day }];
      }
      case 'combo': {
        const key = [e.code, ...[...e.modifiers].sort()].join(':');
        const badMod = e.modifiers.find((m) => !scope.rules.modifiers.has(m));
        if (badMod !== undefined) {
          // Suggest the whole combination where the code has one close to it: "did you mean T2040:U6?"
          const sameCode = [...scope.combinations].filter((c) => c.split(':')[0] === e.code);
          const hint = didYouMean(key, sameCode, didYouMean(badMod, scope.rules.modifiers.keys(), 'declare it under modifiers, or fix the spelling'));
          return [report(e, 'unknown-modifier', `modifier ${badMod} is not declared in this guidance`, hint), { k: 'const', v: key }];
        }
        if (!scope.combinations.has(key)) return [report(e, 'unknown-combination', `${key} is not a combination in the catalogue`, didYouMean(key, scope.combinations, 'code patterns name catalogue entries: code then its defining modifiers, e.g. T2040:U6')), { k: 'const', v: key }];
        return [T('combo'), { k: 'const', v: key }];
      }
      case 'list': {
        const items = e.items.map(check);
        const known = items.map(([t]) => t).filter((t) => t.t !== 'error' && t.t !== 'null');
        let elem: Ty = known[0] ?? T('error');
        for (let i = 1; i < known.length; i++) {
          if (!compatible(elem, known[i]!)) { elem = report(e.items[i]!, 'type-mismatch', `list items must all have one type: ${known[0]!.t} and ${known[i]!.t}`, 'make every item of the list the same kind of value'); break; }
        }
        const irs = items.map(([, ir]) => ir);
        const allConst = irs.every((x) => x.k === 'const');
        return [T('list', { of: elem }), allConst ? { k: 'const', v: irs.map((x) => (x as { v: Value }).v) } : { k: 'list', items: irs }];
      }
      case 'name': {
        const ft = fieldType(scope, e.name);
        if (ft) return [ft, { k: 'field', name: e.name, of: 'this', date: ft.t === 'date' }];
        const set = scope.rules.sets.get(e.name);
        if (set) return [T('list', { of: T(set.itemType) }), { k: 'const', v: set.items }];
        const date = scope.rules.dates.get(e.name);
        if (date) return [T('date'), { k: 'const', v: date.day }];
        const names = [...fieldNames(), ...scope.rules.sets.keys(), ...scope.rules.dates.keys()];
        return [report(e, 'unknown-name', `unknown name "${e.name}"`, didYouMean(e.name, names, 'use a field of the line, a set or a date declared in the rule files')), { k: 'const', v: null }];
      }
      case 'other': {
        const ft = fieldType(scope, e.name);
        if (!ft) return [report(e, 'unknown-name', `unknown field "other.${e.name}"`, didYouMean(e.name, fieldNames(), 'use a field of the line after "other."')), { k: 'const', v: null }];
        if (aggregateDepth === 0) return [report(e, 'other-outside-aggregate', '"other." is only meaningful inside any() or count()', 'write e.g. any(memberDay, other.combination == T2050:U6)'), { k: 'const', v: null }];
        return [ft, { k: 'field', name: e.name, of: 'other', date: ft.t === 'date' }];
      }
      case 'unary': {
        const [t, x] = check(e.operand);
        if (e.op === 'not') return [expect(t, 'bool', e.operand, '"not"'), { k: 'not', x }];
        return [expect(t, 'number', e.operand, 'unary "-"'), { k: 'neg', x }];
      }
      case 'if': {
        const [ct, c] = check(e.cond);
        expect(ct, 'bool', e.cond, '"if"');
        const [tt, t] = check(e.then);
        const [et, el] = check(e.else);
        if (!compatible(tt, et)) return [report(e.else, 'type-mismatch', `the two branches of "if" have different types (${tt.t} and ${et.t})`, 'make both branches the same kind of value'), { k: 'if', c, t, e: el }];
        return [tt.t === 'null' ? et : tt, { k: 'if', c, t, e: el }];
      }
      case 'binary': return checkBinary(e);
      case 'call': return checkCall(e);
    }
  };

  const expect = (t: Ty, want: Base, node: Expr, what: string): Ty => {
    if (t.t === 'error' || t.t === want || (t.t === 'null' && want !== 'bool')) return T(want);
    return report(node, 'type-mismatch', `${what} needs ${article(want)}, not ${article(t.t)}`, want === 'bool' ? 'compare the value, e.g. minutes > 0' : `give ${article(want)} here`);
  };

  const enumCheck = (t: Ty, value: IR, node: Expr): void => {
    if (!t.values || value.k !== 'const') return;
    const vals = Array.isArray(value.v) ? value.v : [value.v];
    for (const v of vals) {
      if (typeof v === 'string' && !t.values.has(v)) {
        report(node, 'unknown-value', `no catalogue entry has ${t.field} "${v}"`, didYouMean(v, t.values, `known ${t.field} values: ${[...t.values].join(', ')}`));
        return;
      }
    }
  };

  const checkBinary = (e: Extract<Expr, { kind: 'binary' }>): [Ty, IR] => {
    const [lt, a] = check(e.left);
    const [rt, b] = check(e.right);
    switch (e.op) {
      case 'and':
      case 'or':
        expect(lt, 'bool', e.left, `"${e.op}"`);
        expect(rt, 'bool', e.right, `"${e.op}"`);
        return [T('bool'), { k: e.op, a, b }];
      case '==':
      case '!=': {
        if (lt.t === 'list' || rt.t === 'list') report(e, 'type-mismatch', `"${e.op}" does not compare lists`, 'test membership instead, e.g. "GQ" in modifiers');
        else if (!compatible(lt, rt)) report(e, 'type-mismatch', `cannot compare ${article(lt.t)} with ${article(rt.t)}`, 'compare values of the same kind');
        else { enumCheck(lt, b, e.right); enumCheck(rt, a, e.left); }
        return [T('bool'), { k: e.op === '==' ? 'eq' : 'ne', a, b }];
      }
      case '<': case '<=': case '>': case '>=': {
        const ordered = (t: Ty) => t.t === 'number' || t.t === 'date' || t.t === 'error' || t.t === 'null';
        if (!ordered(lt) || !ordered(rt) || !compatible(lt, rt)) report(e, 'type-mismatch', `"${e.op}" compares numbers or dates, not ${article(lt.t)} and ${article(rt.t)}`, 'compare two numbers or two dates');
        const k = ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const)[e.op];
        return [T('bool'), { k, a, b }];
      }
      case 'in':
      case 'not in': {
        if (rt.t !== 'list' && rt.t !== 'error') report(e.right, 'type-mismatch', `"${e.op}" needs a list on its right, not ${article(rt.t)}`, 'write a list [a, b] or the name of a set');
        else if (rt.of && !compatible(lt, rt.of)) report(e, 'type-mismatch', `cannot look for ${article(lt.t)} in a list of ${rt.of.t}`, 'compare values of the same kind');
        else enumCheck(lt, b, e.right);
        const ir: IR = { k: 'in', a, b };
        return [T('bool'), e.op === 'in' ? ir : { k: 'not', x: ir }];
      }
      default: {
        expect(lt, 'number', e.left, `"${e.op}"`);
        expect(rt, 'number', e.right, `"${e.op}"`);
        const k = ({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const)[e.op];
        return [T('number'), { k, a, b }];
      }
    }
  };

  const checkCall = (e: Extract<Expr, { kind: 'call' }>): [Ty, IR] => {
    const arity = (n: number): boolean => {
      if (e.args.length === n) return true;
      report(e, 'wrong-arity', `${e.callee}() takes ${n} argument${n === 1 ? '' : 's'}, not ${e.args.length}`, n === 2 ? `write ${e.callee}(group, condition)` : `write ${e.callee}(value)`);
      return false;
    };
    const banding = scope.rules.bandings.get(e.callee);
    if (e.callee === 'whole' || e.callee === 'floor' || banding) {
      if (!arity(1)) return [ERROR, { k: 'const', v: null }];
      const [t, x] = check(e.args[0]!);
      expect(t, 'number', e.args[0]!, `${e.callee}()`);
      if (banding) return [T('number'), { k: 'band', banding: e.callee, x }];
      return [T(e.callee === 'whole' ? 'bool' : 'number'), { k: e.callee as 'whole' | 'floor', x }];
    }
    if (e.callee === 'any' || e.callee === 'count') {
      if (!arity(2)) return [ERROR, { k: 'const', v: null }];
      const g = e.args[0]!;
      if (!allowAggregates) return [report(e, 'type-mismatch', `${e.callee}() looks at other lines and cannot be used here`, 'use aggregates only in rules'), { k: 'const', v: null }];
      if (aggregateDepth > 0) return [report(e, 'type-mismatch', `${e.callee}() cannot be nested inside another aggregate`, 'split the condition into two aggregates joined by "and"'), { k: 'const', v: null }];
      if (g.kind !== 'name' || !scope.rules.groups.has(g.name)) {
        const shown = g.kind === 'name' ? g.name : 'this';
        return [report(g, 'unknown-group', `"${shown}" is not a declared group`, didYouMean(shown, scope.rules.groups.keys(), 'the first argument names a group declared under groups')), { k: 'const', v: null }];
      }
      aggregateDepth++;
      const [pt, pred] = check(e.args[1]!);
      aggregateDepth--;
      expect(pt, 'bool', e.args[1]!, `${e.callee}()`);
      return [T(e.callee === 'any' ? 'bool' : 'number'), { k: e.callee, group: g.name, pred }];
    }
    const known = [...FUNCTIONS, ...scope.rules.bandings.keys()];
    return [report({ span: e.calleeSpan }, 'unknown-function', `unknown function "${e.callee}"`, didYouMean(e.callee, known, `functions: ${known.join(', ')}`)), { k: 'const', v: null }];
  };

  const [type, ir] = check(parsed.expr);
  if (diagnostics.length === 0 && type.t !== 'error' && type.t !== want && !(want === 'number' && type.t === 'null')) {
    report(parsed.expr, 'type-mismatch', `this expression gives ${article(type.t)}; ${article(want)} is needed here`, want === 'bool' ? 'write a condition, e.g. minutes > 0' : 'write a number-valued expression');
  }
  return { expr: diagnostics.length === 0 ? { source: parsed.expr, ir, place: pending.place } : null, diagnostics: diagnostics.slice(0, 1) };
}

function compatible(a: Ty, b: Ty): boolean {
  if (a.t === 'error' || b.t === 'error' || a.t === 'null' || b.t === 'null') return true;
  if (a.t !== b.t) return false;
  if (a.t === 'list') return !a.of || !b.of || compatible(a.of, b.of);
  return true;
}

function article(t: string): string {
  const word = t === 'bool' ? 'condition (true/false)' : t === 'combo' ? 'code pattern' : t;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
