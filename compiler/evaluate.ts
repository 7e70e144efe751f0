/**
 * The meaning of the expression IR, written as a plain tree walk. The
 * reference interpreter evaluates rules with it, and the emitter uses it to
 * fold constant sub-expressions; the emitted code must agree with it.
 */
import { bandUnits } from './checks/banding.ts';
import type { Banding, IR, Value } from './model.ts';

/** What an expression can look at while it is evaluated. */
export interface EvalEnv {
  field(name: string, of: 'this' | 'other'): Value;
  /** any()/count() over a group; undefined where no other lines are in view. */
  aggregate?(kind: 'any' | 'count', group: string, pred: IR): Value;
  bandings: ReadonlyMap<string, Pick<Banding, 'bands' | 'every'>>;
}

export function evaluate(ir: IR, env: EvalEnv): Value {
  switch (ir.k) {
    case 'const': return ir.v;
    case 'field': return env.field(ir.name, ir.of);
    case 'not': return !evaluate(ir.x, env);
    case 'neg': { const x = evaluate(ir.x, env); return x === null ? null : -(x as number); }
    case 'and': return Boolean(evaluate(ir.a, env)) && Boolean(evaluate(ir.b, env));
    case 'or': return Boolean(evaluate(ir.a, env)) || Boolean(evaluate(ir.b, env));
    case 'eq': return evaluate(ir.a, env) === evaluate(ir.b, env);
    case 'ne': return evaluate(ir.a, env) !== evaluate(ir.b, env);
    case 'lt': case 'le': case 'gt': case 'ge': {
      const a = evaluate(ir.a, env);
      const b = evaluate(ir.b, env);
      if (a === null || b === null) return false;
      const x = a as number;
      const y = b as number;
      return ir.k === 'lt' ? x < y : ir.k === 'le' ? x <= y : ir.k === 'gt' ? x > y : x >= y;
    }
    case 'in': {
      const a = evaluate(ir.a, env);
      const b = evaluate(ir.b, env) as readonly Value[] | null;
      return a !== null && b !== null && b.includes(a);
    }
    case 'add': case 'sub': case 'mul': case 'div': {
      const a = evaluate(ir.a, env);
      const b = evaluate(ir.b, env);
      if (a === null || b === null) return null;
      const x = a as number;
      const y = b as number;
      return ir.k === 'add' ? x + y : ir.k === 'sub' ? x - y : ir.k === 'mul' ? x * y : x / y;
    }
    case 'list': return ir.items.map((x) => evaluate(x, env));
    case 'if': return evaluate(ir.c, env) ? evaluate(ir.t, env) : evaluate(ir.e, env);
    case 'whole': { const x = evaluate(ir.x, env); return typeof x === 'number' && Number.isInteger(x); }
    case 'floor': { const x = evaluate(ir.x, env); return x === null ? null : Math.floor(x as number); }
    case 'band': {
      const x = evaluate(ir.x, env);
      if (x === null || (x as number) < 0) return null;
      return bandUnits(env.bandings.get(ir.banding)!, Math.floor(x as number));
    }
    case 'any': case 'count': {
      if (!env.aggregate) throw new Error('aggregate evaluated outside a cross-line rule');
      return env.aggregate(ir.k, ir.group, ir.pred);
    }
  }
}

/** Does an expression look at other lines? */
export function usesAggregates(ir: IR): boolean {
  return someNode(ir, (n) => n.k === 'any' || n.k === 'count');
}

/** The aggregates (any/count) of an expression, in order. */
export function aggregatesOf(ir: IR): Extract<IR, { k: 'any' | 'count' }>[] {
  const found: Extract<IR, { k: 'any' | 'count' }>[] = [];
  someNode(ir, (n) => {
    if (n.k === 'any' || n.k === 'count') found.push(n);
    return false;
  });
  return found;
}

function someNode(ir: IR, test: (n: IR) => boolean): boolean {
  if (test(ir)) return true;
  switch (ir.k) {
    case 'const': case 'field': return false;
    case 'not': case 'neg': case 'whole': case 'floor': case 'band': return someNode(ir.x, test);
    case 'list': return ir.items.some((x) => someNode(x, test));
    case 'if': return someNode(ir.c, test) || someNode(ir.t, test) || someNode(ir.e, test);
    case 'any': case 'count': return someNode(ir.pred, test);
    default: return someNode(ir.a, test) || someNode(ir.b, test);
  }
}
