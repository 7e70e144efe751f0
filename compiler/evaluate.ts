/**
 * The meaning of the expression IR (docs/semantics.md), written as a plain
 * tree walk: the reference the emitted code is tested against. It shares no
 * code with the bundle's operators (runtime/ops.js) on purpose.
 */
import { bandUnits } from './checks/banding.ts';
import type { AggregateKind, Banding, IR, Value } from './model.ts';

/** What an expression can look at while it is evaluated. */
export interface EvalEnv {
  field(name: string, of: 'this' | 'other'): Value;
  /** any()/count()/sum() over a group; undefined where no other lines are in view. */
  aggregate?(kind: AggregateKind, group: string, body: IR): Value;
  bandings: ReadonlyMap<string, Pick<Banding, 'bands' | 'every'>>;
}

/** The year and month (1-12) of a day number (days from 1970-01-01), by H. Hinnant's civil-from-days. */
function civilFromDays(day: number): [number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m];
}

export function evaluate(ir: IR, env: EvalEnv): Value {
  const ev = (x: IR) => evaluate(x, env);
  switch (ir.k) {
    case 'const': return ir.v;
    case 'field': return env.field(ir.name, ir.of);
    // Conditions are never null (the resolver sees to it): plain two-valued logic.
    case 'not': return ev(ir.x) !== true;
    case 'and': return ev(ir.a) === true && ev(ir.b) === true;
    case 'or': return ev(ir.a) === true || ev(ir.b) === true;
    case 'if': return ev(ir.cond) === true ? ev(ir.then) : ev(ir.else);
    // Equality is total: null equals only null.
    case 'eq': return ev(ir.a) === ev(ir.b);
    case 'ne': return ev(ir.a) !== ev(ir.b);
    // Order comparisons are false when a side is null.
    case 'lt': case 'le': case 'gt': case 'ge': {
      const a = ev(ir.a);
      const b = ev(ir.b);
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return ir.k === 'lt' ? a < b : ir.k === 'le' ? a <= b : ir.k === 'gt' ? a > b : a >= b;
    }
    case 'in': {
      const a = ev(ir.a);
      const list = ev(ir.b);
      if (a === null || !Array.isArray(list)) return false;
      return list.some((item) => item === a);
    }
    // Arithmetic is null when an operand is null; dividing by zero is null too.
    case 'add': case 'sub': case 'mul': case 'div': {
      const a = ev(ir.a);
      const b = ev(ir.b);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      if (ir.k === 'div') return b === 0 ? null : a / b;
      return ir.k === 'add' ? a + b : ir.k === 'sub' ? a - b : a * b;
    }
    case 'neg': { const x = ev(ir.x); return typeof x === 'number' ? -x : null; }
    case 'list': return ir.items.map(ev);
    case 'whole': { const x = ev(ir.x); return typeof x === 'number' && Number.isInteger(x); }
    case 'floor': { const x = ev(ir.x); return typeof x === 'number' ? Math.floor(x) : null; }
    // Dates are day numbers counted from 1970-01-01, in the proleptic Gregorian calendar.
    case 'year': case 'month': {
      const x = ev(ir.x);
      if (typeof x !== 'number') return null;
      const [y, m] = civilFromDays(Math.floor(x)); // a fraction of a day is in that day
      return ir.k === 'year' ? y : m;
    }
    case 'band': {
      const x = ev(ir.x);
      if (typeof x !== 'number' || x < 0) return null;
      return bandUnits(env.bandings.get(ir.banding)!, Math.floor(x));
    }
    case 'any': case 'count': case 'sum': {
      if (!env.aggregate) throw new Error('aggregate evaluated outside a cross-line rule');
      return env.aggregate(ir.k, ir.group, ir.k === 'sum' ? ir.x : ir.pred);
    }
  }
}
