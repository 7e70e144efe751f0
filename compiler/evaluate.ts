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

const NONE: ReadonlyMap<string, Value> = new Map();

/**
 * Replace fields known in `consts` (of the line judged) and `otherConsts` (of
 * the other line in an aggregate) by their values, and fold every constant sub-expression.
 */
export function fold(ir: IR, consts: ReadonlyMap<string, Value>, bandings: ReadonlyMap<string, Banding>, otherConsts: ReadonlyMap<string, Value> = NONE): IR {
  const f = (x: IR) => fold(x, consts, bandings, otherConsts);
  const isConst = (x: IR): x is { k: 'const'; v: Value } => x.k === 'const';
  const value = (x: IR): IR => ({ k: 'const', v: evaluate(x, { bandings, field: () => null }) });
  switch (ir.k) {
    case 'const': return ir;
    case 'field': {
      const known = ir.of === 'this' ? consts : otherConsts;
      return known.has(ir.name) ? { k: 'const', v: known.get(ir.name)! } : ir;
    }
    case 'and': case 'or': {
      const a = f(ir.a);
      const stop = ir.k === 'or';
      if (isConst(a)) return Boolean(a.v) === stop ? { k: 'const', v: stop } : f(ir.b);
      const b = f(ir.b);
      if (isConst(b)) return Boolean(b.v) === stop ? { k: 'const', v: stop } : a;
      return { k: ir.k, a, b };
    }
    case 'not': case 'neg': case 'whole': case 'floor': {
      const x = f(ir.x);
      const node = { ...ir, x } as IR;
      return isConst(x) ? value(node) : node;
    }
    case 'band': {
      const x = f(ir.x);
      return isConst(x) ? value({ ...ir, x }) : { ...ir, x };
    }
    case 'if': {
      const c = f(ir.c);
      if (isConst(c)) return c.v ? f(ir.t) : f(ir.e);
      return { k: 'if', c, t: f(ir.t), e: f(ir.e) };
    }
    case 'list': {
      const items = ir.items.map(f);
      return items.every(isConst) ? { k: 'const', v: items.map((x) => x.v) } : { k: 'list', items };
    }
    case 'any': case 'count': return { ...ir, pred: f(ir.pred) };
    default: {
      const a = f(ir.a);
      const b = f(ir.b);
      const node = { ...ir, a, b } as IR;
      return isConst(a) && isConst(b) ? value(node) : node;
    }
  }
}
